// Synthetic identity numbers and names for demo data: valid GB 11643 numbers (real division
// codes, real dates, correct check characters) that belong to no one.

struct SyntheticIdentities {
    /// County-level division codes used for demo data, with the area they are mostly in. Two
    /// were retired since (110228 密云县 → 110118 密云区, 510132 新津县 → 510118 新津区): identity
    /// numbers keep the old code, as real ones do; residences use the successor (`residence`).
    static let counties: [(code: String, area: Area)] = [
        ("110105", .urban), ("110228", .rural), ("320102", .urban), ("320321", .rural), ("510104", .urban),
        ("510132", .rural), ("140105", .urban), ("141024", .rural), ("530102", .urban), ("532927", .rural),
        ("440106", .urban), ("441781", .rural), ("610113", .urban), ("620821", .rural), ("450102", .urban),
    ]

    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
    static let givenNames = Array("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国建华志强淑珍")

    static func name(_ rng: inout SplitMix64) -> String {
        var s = String(surnames[Int(rng.next() % UInt64(surnames.count))])
        for _ in 0..<(1 + Int(rng.next() % 2)) { s.append(givenNames[Int(rng.next() % UInt64(givenNames.count))]) }
        return s
    }

    /// The current townships (and streets) of each demo county, from the region directory.
    static let townships: [String: [String]] = {
        let directory = RegionDirectory.standard
        var out: [String: [String]] = [:]
        for county in counties {
            let current = directory.retirement(county.code)?.successor ?? county.code
            out[county.code] = directory.children(of: current).filter { !$0.abolished }.map(\.code)
        }
        return out
    }()

    /// A real township of `county` (or of its successor), the same for the same index.
    static func residence(county: String, index: Int) -> String {
        guard let list = townships[county], !list.isEmpty else { return county + "001" }
        return list[index % list.count]
    }

    /// An identity number born on `birth` in `county`, with sequence `sequence` (odd: male).
    static func idNumber(county: String, birth: CivilDate, sequence: Int) -> String {
        func pad(_ n: Int, _ w: Int) -> String { let s = String(n); return String(repeating: "0", count: w - s.count) + s }
        let body = county + pad(birth.year, 4) + pad(birth.month, 2) + pad(birth.day, 2) + pad(sequence % 1000, 3)
        let check = IdentityNumber.checkCharacter(for: body.compactMap { $0.wholeNumberValue })!
        return body + String(check)
    }
}
