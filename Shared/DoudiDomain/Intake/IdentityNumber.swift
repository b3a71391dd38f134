// Citizen identity numbers (公民身份号码, GB 11643-1999): 6-digit division code, 8-digit birth
// date, 3-digit sequence (odd for men), ISO 7064 MOD 11-2 check character.

public struct IdentityNumber: Sendable, Hashable, CustomStringConvertible {
    public enum Problem: Error, Sendable, Equatable {
        /// Not 17 digits and a check character (0–9 or X) after normalisation.
        case format
        /// The check character does not match the first 17 digits.
        case checkDigit
        /// The first two digits are no province-level division.
        case province
        /// Digits 7–14 are no real date, a future one, or more than `maximumAgeYears` ago.
        case birthDate
    }

    /// Oldest plausible living person.
    public static let maximumAgeYears = 130

    /// Provinces of `RegionCode` plus 83, the residence permits of Taiwan residents
    /// (港澳台居民居住证 use 81, 82 and 83 and the same check digit).
    public static let provinceCodes: Set<String> = RegionCode.provinceCodes.union(["83"])

    /// Normalised: 17 ASCII digits and `0`–`9` or `X`.
    public let value: String
    public let birthDate: CivilDate
    public let gender: Gender

    public var provinceCode: String { String(value.prefix(2)) }
    /// The division where the number was issued (not necessarily where the person lives now).
    public var divisionCode: String { String(value.prefix(6)) }

    /// Masked, so an identity number printed by accident in a log does not leak.
    public var description: String { "\(value.prefix(6))************" }

    /// Trim, fold full-width digits and letters, upper-case the check character.
    public static func normalize(_ raw: String) -> String {
        TextNormalization.identifier(raw).uppercased()
    }

    private static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    private static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// The MOD 11-2 check character of 17 digits (values 0–9 each).
    public static func checkCharacter(for digits: [Int]) -> Character? {
        guard digits.count == 17, digits.allSatisfy({ (0...9).contains($0) }) else { return nil }
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return checkCharacters[sum % 11]
    }

    /// Checks in order format, check digit, province, birth date and reports the first failure:
    /// a wrong check digit usually means a typo, whatever else the digits then seem to say.
    public static func parse(_ raw: String, asOf: CivilDate) -> Result<IdentityNumber, Problem> {
        let text = normalize(raw)
        // Read as bytes: a valid number is 18 ASCII bytes, and any other text fails the format
        // (Characters and their numeric properties cost a twentieth of the matcher's CPU).
        let bytes = Array(text.utf8)
        guard bytes.count == 18 else { return .failure(.format) }
        var digits: [Int] = []
        digits.reserveCapacity(17)
        for b in bytes[..<17] {
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return .failure(.format) }
            digits.append(Int(b - UInt8(ascii: "0")))
        }
        let last = bytes[17]
        guard last == UInt8(ascii: "X") || (last >= UInt8(ascii: "0") && last <= UInt8(ascii: "9")) else { return .failure(.format) }
        guard checkCharacter(for: digits) == Character(Unicode.Scalar(last)) else { return .failure(.checkDigit) }
        guard provinceCodes.contains(String(decoding: bytes[0..<2], as: UTF8.self)) else { return .failure(.province) }
        guard let birth = CivilDate(compact: String(decoding: bytes[6..<14], as: UTF8.self)), birth <= asOf,
              birth.age(on: asOf) <= maximumAgeYears else { return .failure(.birthDate) }
        return .success(IdentityNumber(value: text, birthDate: birth, gender: digits[16] % 2 == 1 ? .male : .female))
    }

    private init(value: String, birthDate: CivilDate, gender: Gender) {
        self.value = value; self.birthDate = birthDate; self.gender = gender
    }
}
