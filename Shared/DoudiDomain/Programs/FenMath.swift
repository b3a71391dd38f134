// Exact money arithmetic in fen, without floating point and without trapping on absurd input.

enum FenMath {
    /// `amount × factor / divisor` for non-negative values, rounded down to the fen, without
    /// overflowing for large amounts (as long as `factor × divisor` fits).
    static func fraction(_ amount: Int64, times factor: Int64, over divisor: Int64) -> Int64 {
        amount / divisor * factor + amount % divisor * factor / divisor
    }

    /// `amount × percent / 100`, rounded down to the fen.
    static func share(of amount: Int64, percent: Int) -> Int64 { fraction(amount, times: Int64(percent), over: 100) }

    /// The product, clamped to Int64.max (inputs are non-negative).
    static func product(_ factors: Int64...) -> Int64 {
        factors.reduce(Int64(1)) { acc, f in
            let (p, overflow) = acc.multipliedReportingOverflow(by: f)
            return overflow ? .max : p
        }
    }

    /// Amount text for reasons, e.g. 123456 → "1234.56 yuan".
    static func yuan(_ fen: Int64) -> String { "\(hundredths(fen)) yuan" }

    /// A non-negative count of hundredths as a decimal, e.g. 1250 → "12.50".
    static func hundredths(_ n: Int64) -> String {
        let f = n % 100
        return "\(n / 100).\(f < 10 ? "0" : "")\(f)"
    }
}
