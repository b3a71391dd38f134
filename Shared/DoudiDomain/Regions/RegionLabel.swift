// Names next to codes (`140105 太原市小店区`): county and township staff think in names, the
// data travels in codes. One helper, used by every output that shows a region code.

extension RegionDirectory {
    /// The division's name with the names above it that make it unambiguous: 太原市小店区,
    /// 太原市小店区坞城街道, 北京市朝阳区 (a municipality has no city level), 山西省太原市, 山西省.
    /// A 12-digit village code is named by its township. nil when no prefix of the code is known.
    public func fullName(_ code: String) -> String? {
        if let r = retirement(code) { return r.name }
        let chain = chain(code)
        guard !chain.isEmpty else { return nil }
        let names = chain.count >= 3 && chain[1].level == .city ? chain.dropFirst().map(\.name) : chain.map(\.name)
        return names.joined()
    }

    /// `140105 太原市小店区`. English output labels the Chinese name:
    /// `140105 (zh: 太原市小店区)`. Retired codes say so, and unknown codes too; a code of which
    /// only a prefix is known is named by that prefix (`140105999 太原市小店区?`).
    public func label(_ code: String, english: Bool = false) -> String {
        guard !code.isEmpty else { return english ? "(everywhere)" : "（全部地区）" }
        if let r = retirement(code) {
            return english ? "\(code) (zh: \(r.name); retired \(r.year))" : "\(code) \(r.name)（\(r.year) 年已撤销）"
        }
        let exact = region(code) != nil || (code.utf8.count == 12 && chain(code).last?.level == .township)
        guard let name = fullName(code) else { return english ? "\(code) (unknown division)" : "\(code)（区划不存在）" }
        let mark = exact ? "" : "?"
        let abolished = region(code)?.abolished == true
        if english { return "\(code) (zh: \(name)\(mark)\(abolished ? "; abolished" : ""))" }
        return "\(code) \(name)\(mark)\(abolished ? "（已撤销）" : "")"
    }
}

/// The label with the standard directory: `RegionNames.label("140105")` → `140105 太原市小店区`.
public enum RegionNames {
    public static func label(_ code: String, english: Bool = false) -> String {
        RegionDirectory.standard.label(code, english: english)
    }
}
