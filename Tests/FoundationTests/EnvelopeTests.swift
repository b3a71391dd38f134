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
    }

    func testStoreDigestAndOutboxRoundTrip() throws {
        let dir = temporaryDirectory("store")
        let store = try ServiceStore(path: "\(dir)/s.sqlite")
        try store.pool.write { db in
            try Outbox.enqueue(db, topic: "t", key: [1, 2], value: [3], headers: [("h", [0, 255])], eventID: "e1")
            try Inbox.setNextOffset(db, topic: "t", partition: 0, next: 5)
            try Inbox.setNextOffset(db, topic: "t", partition: 0, next: 3)  // never moves back
        }
        let rows = try store.pool.read { try Outbox.pending($0, limit: 10) }
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows[0].headers.first?.1, [0, 255])
        XCTAssertEqual(try store.pool.read { try Inbox.nextOffsets($0) }["t"]?[0], 5)
    }
}
