import Envelope
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import Kafka
import XCTest

/// Events go through the full runtime with their headers, keys and per-key order intact.
final class RuntimeRoundTripTests: XCTestCase {
    func testRoundTripKeepsHeadersKeysAndPerKeyOrder() async throws {
        let h = try await NoopHarness.make("roundtrip")
        let count = 600
        try await TestBroker.produce((0..<count).map { demoEvent($0, prefix: h.input) }, to: h.input)
        let port = freePort()
        let service = try h.start(extra: ["DOUDI_HTTP_PORT": String(port)])
        defer { service.terminate() }

        let out = try await TestBroker.read(h.output) { $0.count >= count }
        XCTAssertEqual(out.count, count, service.log)
        // The relay sent what the consumer had just committed from memory (OutboxMemory), and
        // every row exactly once.
        let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        let metrics = String(decoding: data, as: UTF8.self)
        func rows(_ from: String) -> Int {
            let line = metrics.split(separator: "\n").first { $0.hasPrefix("doudi_outbox_rows_read_total{") && $0.contains("from=\"\(from)\"") }
            return line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        }
        XCTAssertGreaterThan(rows("memory"), 0, metrics)
        XCTAssertEqual(rows("memory") + rows("store"), count, metrics)
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
