// Administrative division codes (统计用区划代码): 9 digits for a township (乡镇/街道),
// 12 for a village or community (村/社区). Digits 1–2 province, 1–6 county.

public struct RegionCode: Sendable, Hashable, CustomStringConvertible {
    public enum Level: String, Sendable { case township, village }

    public enum Problem: Error, Sendable, Equatable {
        /// Not 9 or 12 ASCII digits after normalisation.
        case format
        /// First two digits are no province-level division.
        case province
        /// A level below the province is all zeros (digits 3–4 or 7–9).
        case emptyLevel
    }

    /// Province-level divisions (省级行政区划代码), including Taiwan, Hong Kong and Macao.
    public static let provinceCodes: Set<String> = [
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
        "71", "81", "82",
    ]

    /// Normalised: ASCII digits only.
    public let value: String

    public var level: Level { value.utf8.count == 12 ? .village : .township }
    public var provinceCode: String { String(value.prefix(2)) }
    public var countyCode: String { String(value.prefix(6)) }
    public var townshipCode: String { String(value.prefix(9)) }
    public var description: String { value }

    /// Trims and folds full-width digits, then checks length, province and non-empty levels.
    /// Digits 5–6 may be `00`: cities without counties (e.g. Dongguan 441900) have towns directly.
    /// A 12-digit code ending in `000` is the statistical tables' spelling of a township and is
    /// normalised to its 9 digits.
    public static func parse(_ raw: String) -> Result<RegionCode, Problem> {
        let text = TextNormalization.identifier(raw)
        let digits = Array(text.utf8)
        guard digits.count == 9 || digits.count == 12, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return .failure(.format)
        }
        guard provinceCodes.contains(String(text.prefix(2))) else { return .failure(.province) }
        func isZero(_ range: Range<Int>) -> Bool { digits[range].allSatisfy { $0 == 0x30 } }
        if isZero(2..<4) || isZero(6..<9) { return .failure(.emptyLevel) }
        if digits.count == 12 && isZero(9..<12) { return .success(RegionCode(value: String(text.prefix(9)))) }
        return .success(RegionCode(value: text))
    }

    private init(value: String) { self.value = value }
}
