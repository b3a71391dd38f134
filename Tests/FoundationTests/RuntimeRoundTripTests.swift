import Envelope
import TestSupport
import Kafka
import XCTest

/// Events go through the full runtime with their headers, keys and per-key order intact.
final class RuntimeRoundTripTests: XCTestCase {
    func testRoundTripKeepsHeadersKeysAndPerKeyOrder() async throws {
        let h = try await NoopHarness.make("roundtrip")
        let count = 600
        try await TestBroker.produce((0..<count).map { demoEvent($0, prefix: h.input) }, to: h.input)
        let service = try h.start()
        defer { service.terminate() }

        let out = try await TestBroker.read(h.output) { $0.count >= count }
        XCTAssertEqual(out.count, count, service.log)
        var lastSeen: [String: Int] = [:]
        var lastN: [String: Int] = [:]
        for m in out {
            let key = String(decoding: m.key ?? [], as: UTF8.self)
            XCTAssertEqual(m.header("ce_specversion"), "1.0")
            XCTAssertEqual(m.header("ce_type"), "demo.echoed.v1")
            XCTAssertEqual(m.header("ce_source"), "/doudi/noop")
            XCTAssertEqual(m.header("ce_subject"), key)
            XCTAssertEqual(m.header("content-type"), "application/json")
            let cause = try XCTUnwrap(m.header("ce_causationid"))
            XCTAssertEqual(m.header("ce_id"), EventID.derived(cause, "demo.echoed.v1", "echo"), "ids derive from the cause")
            let body = try JSONSerialization.jsonObject(with: Data(m.value)) as! [String: Int]
            // Per key, outputs arrive in input order: `seen` counts up and `n` increases.
            XCTAssertEqual(body["seen"], (lastSeen[key] ?? 0) + 1)
            XCTAssertGreaterThan(body["n"]!, lastN[key] ?? -1)
            lastSeen[key] = body["seen"]; lastN[key] = body["n"]
        }
        XCTAssertEqual(lastSeen.count, 20)
    }
}
