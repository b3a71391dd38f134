// A payroll month (YYYY-MM): basic-living assistance is paid by the month (按月发放, §4.1).

public struct PayrollMonth: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year; self.month = month
    }

    public init(_ date: CivilDate) { year = date.year; month = date.month }

    /// `YYYY-MM` exactly.
    public init?(_ text: some StringProtocol) {
        let u = Array(text.utf8)
        guard u.count == 7, u[4] == UInt8(ascii: "-"),
              u.enumerated().allSatisfy({ $0.offset == 4 || (48...57).contains($0.element) }),
              let y = Int(String(text.prefix(4))), let m = Int(String(text.suffix(2))),
              let value = PayrollMonth(year: y, month: m) else { return nil }
        self = value
    }

    public var index: Int { year * 12 + month - 1 }
    public init(index: Int) { year = index / 12; month = index % 12 + 1 }
    public func adding(_ months: Int) -> PayrollMonth { PayrollMonth(index: index + months) }
    public var first: CivilDate { CivilDate(year: year, month: month, day: 1)! }

    public static func < (a: Self, b: Self) -> Bool { a.index < b.index }
    public var description: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }

    public func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(description) }
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let m = PayrollMonth(s) else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected YYYY-MM") }
        self = m
    }
}
