import DoudiDomain
import Envelope
import Foundation
import Kafka
import TestSupport
import XCTest

/// Random and hostile input at both channels: every input ends accepted, rejected or
/// dead-lettered (topic) / answered 202, 422, 400 or 413 (HTTP), and the service stays healthy.
final class FuzzTests: XCTestCase {
    func testHostileInputAtTopicAndHTTP() async throws {
        // One client sending as fast as it can: the rate limits (HTTPHardeningTests) would answer 429.
        let intake = try await IntakeUnderTest(name: "fuzz", extraEnvironment: ["DOUDI_HTTP_RATE_PER_ADDRESS": "0",
                                                                                 "DOUDI_HTTP_RATE_PER_OPERATOR": "0"])
        var rng = SplitMix(seed: 20_240_601)
        // Distinct submission ids per channel: the same id on both would be (rightly) a duplicate.
        let inputs = (0..<300).map { hostileInput($0, idPrefix: "fuzz-topic", &rng) }
        let httpInputs = (0..<300).map { hostileInput($0, idPrefix: "fuzz-http", &rng) }

        // Topic: each input once, as an event with a known id.
        let events = inputs.enumerated().map { i, bytes in
            CloudEvent(id: "fuzz-\(i)", source: "/tests/fuzz", type: "intake.submission.v1", time: Timestamp.rfc3339(), data: bytes)
        }
        try await TestBroker.produce(events, to: intake.topic("intake.submissions"))

        // HTTP: the same inputs as request bodies.
        var answers: [Int: Int] = [:]
        for bytes in httpInputs {
            let reply = try await intake.request("POST", "/v1/submissions", body: Data(bytes))
            answers[reply.status, default: 0] += 1
        }
        XCTAssertEqual(Set(answers.keys).subtracting([202, 422, 400, 413]), [], "unexpected HTTP answers \(answers)")
        XCTAssertEqual(answers.values.reduce(0, +), httpInputs.count)

        // Topic outcomes: each input's event id is the cause of exactly one outcome.
        let fuzzIds = Set(events.map(\.id))
        func causes(_ messages: [KafkaMessage]) -> [String] {
            messages.compactMap { $0.header("ce_causationid") ?? $0.header("ce_id") }.filter(fuzzIds.contains)
        }
        var seen: [String: String] = [:]
        let deadline = ContinuousClock.now + .seconds(180)
        while seen.count < inputs.count && ContinuousClock.now < deadline {
            for (topic, outcome) in [("intake.accepted", "accepted"), ("intake.rejected", "rejected"), ("deadletter", "dead-lettered")] {
                for id in causes(try await TestBroker.readSettled(intake.topic(topic), minimum: 1, timeout: .seconds(60))) {
                    XCTAssertTrue(seen[id] == nil || seen[id] == outcome, "\(id) has two outcomes")
                    seen[id] = outcome
                }
            }
        }
        var counts: [String: Int] = [:]
        for outcome in seen.values { counts[outcome, default: 0] += 1 }
        print("fuzz: topic outcomes \(counts), HTTP answers \(answers)")
        XCTAssertEqual(seen.count, inputs.count, "inputs without an outcome: \(fuzzIds.subtracting(seen.keys).sorted().prefix(10))")
        XCTAssertGreaterThan(counts["rejected"] ?? 0, 0)
        XCTAssertGreaterThan(counts["dead-lettered"] ?? 0, 0)
        XCTAssertGreaterThan(counts["accepted"] ?? 0, 0)
        let healthy = await intake.healthy()
        XCTAssertTrue(healthy, "the service must survive the fuzzing")
    }
}

/// One hostile input: mutations of a valid submission, wrong types, huge strings, deep nesting,
/// invalid UTF-8, random bytes.
func hostileInput(_ i: Int, idPrefix: String, _ rng: inout SplitMix) -> [UInt8] {
    var base = Samples.submission(id: "\(idPrefix)-\(i)", person: 1000 + i)
    let keys = Array(base.keys).sorted()
    let weird: [Any] = [NSNull(), 42, -1, 1e308, true, "", String(repeating: "长", count: 5000), [1, 2, 3], ["nested": ["deep": [1]]],
                        "\u{0}\u{202E}<script>", "１１０１０１", 9_223_372_036_854_775_807]
    func json(_ v: Any) -> [UInt8] { Array((try? JSONSerialization.data(withJSONObject: v, options: [.fragmentsAllowed])) ?? Data()) }
    switch i % 10 {
    case 0: return json(base)  // valid
    case 1, 2:
        for _ in 0..<(1 + Int(rng.next() % 3)) { base[keys[Int(rng.next() % UInt64(keys.count))]] = weird[Int(rng.next() % UInt64(weird.count))] }
        return json(base)
    case 3:
        var members = base["members"] as! [[String: Any]]
        members[0][["idNumber", "health", "name", "relation"][Int(rng.next() % 4)]] = weird[Int(rng.next() % UInt64(weird.count))]
        base["members"] = members
        return json(base)
    case 4: return Array((String(repeating: "[", count: 50 + Int(rng.next() % 5000)) + "1").utf8)
    case 5:
        var bytes = json(base)
        bytes[Int(rng.next() % UInt64(bytes.count))] = [0xFF, 0xC0, 0xED, 0x80][Int(rng.next() % 4)]
        return bytes
    case 6: return (0..<(1 + Int(rng.next() % 2000))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    case 7: base["residenceAddress"] = String(repeating: "x", count: 100_000 + Int(rng.next() % 200_000)); return json(base)
    case 8: return json([weird[Int(rng.next() % UInt64(weird.count))]])
    default:
        let bytes = json(base)
        return Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count))))
    }
}

/// The domain's seeded generator, so a failing input can be reproduced.
typealias SplitMix = SplitMix64
