import Envelope
import TestSupport
import Store
import XCTest

/// Pure checks of the envelope and the store's outbox encoding (no broker needed).
final class EnvelopeTests: XCTestCase {
    func testHeadersRoundTrip() throws {
        let e = CloudEvent(id: "id-1", source: "/doudi/x", type: "t.v1", time: "2026-11-29T00:00:00.000Z",
                           subject: "hh-1", causationID: "c-1", traceparent: "00-abc-def-01", key: "hh-1", data: Array("{}".utf8))
        let back = try CloudEvent(headers: e.headers, key: "hh-1", value: e.data)
        XCTAssertEqual(back, e)
    }

    func testMissingAttributesAreNamed() {
        XCTAssertThrowsError(try CloudEvent(headers: [("ce_specversion", "1.0"), ("ce_source", "/x"), ("ce_type", "t")], key: nil, value: [])) {
            XCTAssertTrue("\($0)".contains("ce_id"))
        }
        XCTAssertThrowsError(try CloudEvent(headers: [], key: nil, value: [])) { XCTAssertTrue("\($0)".contains("ce_specversion")) }
    }

    func testDerivedIdsAreDeterministicAndDistinct() {
        XCTAssertEqual(EventID.derived("a", "b"), EventID.derived("a", "b"))
        XCTAssertNotEqual(EventID.derived("a", "b"), EventID.derived("ab"))
        XCTAssertNotEqual(EventID.derived("a", "b"), EventID.derived("a", "c"))
        XCTAssertEqual(EventID.derived("x").count, 36)
    }

    func testPersonKeysAreHMACUnderTheSecret() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        XCTAssertEqual(PersonKeyer(secret: "Jefe").key(for: "what do ya want for nothing?"),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        XCTAssertNotEqual(PersonKeyer(secret: "a").key(for: "11010519491231002X"), PersonKeyer(secret: "b").key(for: "11010519491231002X"))
    }

    func testDecodeErrorsNameTheFieldNotTheValue() throws {
        struct P: Decodable { var idNumber: Int }
        let e = CloudEvent(id: "1", source: "/s", type: "t", time: "", data: Array("{\"idNumber\":\"11010519491231002X\"}".utf8))
        XCTAssertThrowsError(try e.decode(P.self)) { error in
            XCTAssertTrue("\(error)".contains("idNumber"))
            XCTAssertFalse("\(error)".contains("11010519491231002X"), "no personal data in errors")
        }
    }

    func testTimestamps() {
        XCTAssertEqual(Timestamp.rfc3339(milliseconds: 0), "1970-01-01T00:00:00.000Z")
        XCTAssertEqual(Timestamp.rfc3339(milliseconds: 1_795_000_000_123), "2026-11-18T11:06:40.123Z")
        XCTAssertEqual(Timestamp.milliseconds("2026-11-18T11:06:40.123Z"), 1_795_000_000_123)
        XCTAssertEqual(Timestamp.milliseconds("1970-01-02"), 86_400_000)
        XCTAssertNil(Timestamp.milliseconds("yesterday"))
        XCTAssertEqual(Timestamp.milliseconds("2026-11-18T19:06:40+08:00"), 1_795_000_000_000)
        XCTAssertEqual(Timestamp.milliseconds("2026-11-18 11:06:40.1234567Z"), 1_795_000_000_123)
        for bad in ["2026-02-30", "2026-11-18T11:06:40", "2026-11-18T25:00:00Z", "2026-11-18T11:06:40.Z",
                    "2026-11-18T11:06:40+0800", "2026-11-18T11:06:40Zjunk", "2026-1-18", ""] {
            XCTAssertNil(Timestamp.milliseconds(bad), bad)
        }
    }

    /// The hand-written parser and formatter agree with Foundation's ISO 8601 formatter.
    func testTimestampsAgreeWithFoundation() {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var state: UInt64 = 42
        for _ in 0..<5_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let ms = Int64(state >> 24) % 4_102_444_800_000  // 1970 … 2100
            let text = Timestamp.rfc3339(milliseconds: ms)
            XCTAssertEqual(text, withFraction.string(from: Date(timeIntervalSince1970: Double(ms) / 1000)))
            XCTAssertEqual(Timestamp.milliseconds(text), ms)
        }
    }

    func testStoreDigestAndOutboxRoundTrip() throws {
        let dir = temporaryDirectory("store")
        let store = try ServiceStore(path: "\(dir)/s.sqlite")
        try store.pool.write { db in
            try Outbox.enqueue(db, topic: "t", key: [1, 2], value: [3], headers: [("h", [0, 255])], eventID: "e1", sealer: store.sealer)
            try Inbox.setNextOffset(db, topic: "t", partition: 0, next: 5)
            try Inbox.setNextOffset(db, topic: "t", partition: 0, next: 3)  // never moves back
        }
        let rows = try store.pool.read { try Outbox.pending($0, limit: 10, sealer: store.sealer) }
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows[0].headers.first?.1, [0, 255])
        XCTAssertEqual(try store.pool.read { try Inbox.nextOffsets($0) }["t"]?[0], 5)
    }
}
