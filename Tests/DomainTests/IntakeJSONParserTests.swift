import XCTest
@testable import DoudiDomain

final class IntakeJSONParserTests: XCTestCase {
    private func parse(_ text: String, limits: JSONLimits = .standard) -> Result<JSONValue, JSONParseError> {
        Result { () throws(JSONParseError) in try JSONParser.parse(Array(text.utf8), limits: limits) }
    }

    private func parse(bytes: [UInt8]) -> Result<JSONValue, JSONParseError> {
        Result { () throws(JSONParseError) in try JSONParser.parse(bytes) }
    }

    func testScalarsAndContainers() throws {
        XCTAssertEqual(try parse(#"{"a":[1,true,false,null,"x"],"b":{}}"#).get(),
                       .object(["a": .array([.number(JSONNumber(1)), .bool(true), .bool(false), .null, .string("x")]),
                                "b": .object([:])]))
        XCTAssertEqual(try parse(" \r\n\t[ ] ").get(), .array([]))
        XCTAssertEqual(try parse("\u{FEFF}{}").get(), .object([:]), "byte-order mark")
    }

    func testEscapesAndSurrogatePairs() throws {
        XCTAssertEqual(try parse(#""\"\\\/\b\f\n\r\t\u4e2d\ud83d\ude00""#).get(), .string("\"\\/\u{8}\u{C}\n\r\t中😀"))
        XCTAssertEqual(parse(#""\ud83d""#), .failure(.invalidEscape(offset: 1)), "lone high surrogate")
        XCTAssertEqual(parse(#""\ude00x""#), .failure(.invalidEscape(offset: 1)), "lone low surrogate")
        XCTAssertEqual(parse(#""\x""#), .failure(.invalidEscape(offset: 1)))
        XCTAssertEqual(parse("\"a\nb\""), .failure(.unexpectedByte(offset: 2)), "raw control character")
    }

    func testInvalidUTF8() {
        XCTAssertEqual(parse(bytes: [0x22, 0xC3, 0x28, 0x22]), .failure(.invalidUTF8))
        XCTAssertEqual(parse(bytes: [0x22, 0xED, 0xA0, 0x80, 0x22]), .failure(.invalidUTF8), "encoded surrogate")
        XCTAssertEqual(parse(bytes: [0x22, 0xC0, 0xAF, 0x22]), .failure(.invalidUTF8), "overlong")
    }

    func testDepthLimit() {
        let ok = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        XCTAssertNoThrow(try parse(ok).get())
        let deep = String(repeating: "[", count: 33) + String(repeating: "]", count: 33)
        guard case .failure(.tooDeep) = parse(deep) else { return XCTFail("33 levels accepted") }
        guard case .failure(.tooDeep) = parse(String(repeating: #"{"a":"#, count: 100_000)) else { return XCTFail() }
    }

    func testSizeLimits() {
        let long = "\"" + String(repeating: "a", count: 64 * 1024 + 1) + "\""
        guard case .failure(.stringTooLong) = parse(long) else { return XCTFail("long string accepted") }
        XCTAssertNoThrow(try parse("\"" + String(repeating: "a", count: 64 * 1024) + "\"").get())
        XCTAssertEqual(parse("[1]", limits: JSONLimits(maxInputBytes: 2)), .failure(.tooLarge(bytes: 3)))
        guard case .failure(.numberTooLong) = parse(String(repeating: "9", count: 65)) else { return XCTFail() }
    }

    func testMalformedDocuments() {
        for text in ["", "   ", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "tru", "nul", "01", "1.", ".5", "-", "1e",
                     "+1", "{a:1}", "'x'", "[1 2]", "NaN", "Infinity", "\"abc"] {
            XCTAssertThrowsError(try parse(text).get(), text)
        }
        XCTAssertEqual(parse("{} x"), .failure(.trailingData(offset: 3)))
        XCTAssertEqual(parse(#"{"a":1,"a":2}"#), .failure(.duplicateKey(offset: 7)))
    }

    func testIntegerReadingIsExact() throws {
        func reading(_ text: String) throws -> JSONNumber.IntegerReading {
            guard case .number(let n) = try parse(text).get() else { throw CancellationError() }
            return n.integerReading
        }
        XCTAssertEqual(try reading("0"), .integer(0))
        XCTAssertEqual(try reading("-0"), .integer(0))
        XCTAssertEqual(try reading("100.0"), .integer(100))
        XCTAssertEqual(try reading("1e2"), .integer(100))
        XCTAssertEqual(try reading("1.5E1"), .integer(15))
        XCTAssertEqual(try reading("12.5"), .fraction)
        XCTAssertEqual(try reading("1e-1"), .fraction)
        XCTAssertEqual(try reading("9223372036854775807"), .integer(Int64.max))
        XCTAssertEqual(try reading("-9223372036854775807"), .integer(-Int64.max))
        XCTAssertEqual(try reading("9223372036854775808"), .outOfRange(negative: false))
        XCTAssertEqual(try reading("-1e30"), .outOfRange(negative: true))
        XCTAssertEqual(try reading("1e999999999999"), .outOfRange(negative: false))
        XCTAssertEqual(try reading("1e-999999999999"), .fraction)
    }

    func testSerialisationRoundTrips() throws {
        let text = #"{"b":[1,-2.5e3,"q\"\\\n\u0001中"],"a":{"x":null,"y":true}}"#
        let value = try parse(text).get()
        XCTAssertEqual(value.serialized, #"{"a":{"x":null,"y":true},"b":[1,-2.5e3,"q\"\\\n\u0001中"]}"#)
        XCTAssertEqual(try parse(value.serialized).get(), value)
    }
}
