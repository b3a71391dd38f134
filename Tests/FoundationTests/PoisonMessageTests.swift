import Envelope
import TestSupport
import Kafka
import XCTest

/// Undecodable input lands in `deadletter` with its original bytes and headers; the consumer goes on.
final class PoisonMessageTests: XCTestCase {
    func testPoisonMessagesAreDeadLetteredAndTheConsumerGoesOn() async throws {
        let h = try await NoopHarness.make("poison", partitions: 1)
        let good1 = demoEvent(1, prefix: h.input, keys: 1)
        let badJSON = demoEvent(2, prefix: h.input, keys: 1, body: "{not json")
        let wrongType = demoEvent(3, prefix: h.input, keys: 1, body: "{\"n\":\"three\"}")
        let missingField = demoEvent(4, prefix: h.input, keys: 1, body: "{\"text\":\"no n\"}")
        let good2 = demoEvent(5, prefix: h.input, keys: 1)
        try await TestBroker.produce([good1, badJSON, wrongType, missingField, good2], to: h.input)
        // A message with no CloudEvents headers at all.
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(TestBroker.kafka))
        try await producer.send(OutgoingMessage(topic: h.input, key: Array("k0".utf8), value: Array("{\"n\":6}".utf8),
                                                headers: [KafkaHeader("x-origin", "legacy")]))
        let good3 = demoEvent(7, prefix: h.input, keys: 1)
        try await TestBroker.produce([good3], to: h.input)

        let service = try h.start()
        defer { service.terminate() }
        let out = try await TestBroker.read(h.output) { $0.count >= 3 }
        XCTAssertEqual(Set(out.compactMap { $0.header("ce_causationid") }), [good1.id, good2.id, good3.id], service.log)

        let dead = try await TestBroker.read(Topics.deadletter) { all in
            all.filter { $0.header("dlq_original_topic") == h.input }.count >= 4
        }.filter { $0.header("dlq_original_topic") == h.input }
        XCTAssertEqual(dead.count, 4)
        let byOffset = Dictionary(uniqueKeysWithValues: dead.map { ($0.header("dlq_original_offset")!, $0) })
        XCTAssertEqual(byOffset["1"]?.value, badJSON.data, "original bytes kept")
        XCTAssertEqual(byOffset["1"]?.header("ce_id"), badJSON.id, "original headers kept")
        XCTAssertEqual(byOffset["2"]?.value, wrongType.data)
        XCTAssertEqual(byOffset["3"]?.value, missingField.data)
        XCTAssertEqual(byOffset["5"]?.header("x-origin"), "legacy")
        XCTAssertEqual(byOffset["5"]?.value, Array("{\"n\":6}".utf8))
        for m in dead {
            XCTAssertEqual(m.header("dlq_service"), "noop")
            XCTAssertEqual(m.header("dlq_original_partition"), "0")
            XCTAssertNotNil(m.header("dlq_time"))
            XCTAssertFalse((m.header("dlq_error") ?? "").isEmpty)
            XCTAssertEqual(m.key, Array("k0".utf8), "original key kept")
        }
        XCTAssertTrue(byOffset["2"]!.header("dlq_error")!.contains("n"), "the error names the field")
        XCTAssertTrue(byOffset["5"]!.header("dlq_error")!.contains("ce_specversion"))
    }
}
