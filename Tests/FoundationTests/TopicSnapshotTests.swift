import Envelope
import Kafka
import TestSupport
import XCTest

/// `TopicSnapshot` reads every partition to the end offsets captured when it starts — also past a
/// multi-record last batch (Tansu's watermark quirk) — and fails instead of returning a truncated read.
final class TopicSnapshotTests: XCTestCase {
    func testReadsEveryMessageUpToTheCapturedEnd() async throws {
        let topic = try await TestBroker.freshTopics(["snapshot"], partitions: 3)[0]
        // Single sends, then one large batch: the last batch of each partition has many records.
        for i in 0..<10 { try await TestBroker.produce([demoEvent(i, prefix: "single", keys: 7)], to: topic) }
        try await TestBroker.produce((10..<400).map { demoEvent($0, prefix: "batch", keys: 7) }, to: topic)

        var ids = Set<String>()
        let extent = try await TopicSnapshot(configuration: TestBroker.kafka).read([topic]) { m in
            ids.insert(m.header("ce_id") ?? "")
        }
        XCTAssertEqual(ids.count, 400, "every message, including those after the reported watermark")
        XCTAssertEqual(extent.extent.ends.count, 3)

        let empty = try await TestBroker.freshTopics(["snapshot-empty"], partitions: 2)[0]
        let none = try await TopicSnapshot(configuration: TestBroker.kafka).read([empty, "no-such-topic-\(EventID.random())"]) { _ in
            XCTFail("an empty topic has no messages")
        }
        XCTAssertEqual(none.messages, 0)
    }

    func testAnUnreachableEndFailsInsteadOfTruncating() async throws {
        let topic = try await TestBroker.freshTopics(["snapshot-stall"], partitions: 1)[0]
        try await TestBroker.produce((0..<20).map { demoEvent($0, prefix: "stall", keys: 1) }, to: topic)
        let reader = TopicSnapshot(configuration: TestBroker.kafka, stallTimeout: .seconds(2))
        var extent = try await reader.capture([topic])
        // As after a broker that lost its log: the end recorded is beyond what it can serve.
        for tp in extent.ends.keys { extent.ends[tp]! += 50 }
        var seen = 0
        do {
            try await reader.read(extent) { _ in seen += 1 }
            XCTFail("a read that cannot reach its end must fail")
        } catch let incomplete as TopicSnapshot.Incomplete {
            XCTAssertEqual(seen, 20, "what exists was read")
            XCTAssertTrue(incomplete.description.contains("made no progress"), incomplete.description)
            XCTAssertEqual(incomplete.reached, 20)
        }
    }
}
