// Checking a region code against the directory (§3.1.1: households are monitored where they
// live; a code naming no real county or township sends a household where no one sees its
// warnings). Intake, department records, relief applications, the standards and rules files
// all ask here, so they agree.

/// What the directory says about a well-formed code (`RegionCode`).
public enum RegionCheck: Sendable, Equatable {
    /// Known down to the deepest level the directory has for it.
    case current(RegionCode)
    /// Retired by a division change (or an abolished township): accepted with a warning.
    /// `use` is the code to continue with: the successor's where the data names one and the
    /// township exists under it, else the code as given.
    case retired(use: RegionCode, RetiredCode)
    /// No such division: `level` is the first level the directory does not know, `parent` the
    /// deepest division above it that it does.
    case unknown(level: RegionLevel, parent: Region?)
}

/// Why a code is retired and where it went.
public struct RetiredCode: Sendable, Equatable {
    /// The retired county or city (nil when only the township was abolished).
    public let retired: RetiredRegion?
    /// The abolished township (nil when the county was retired).
    public let abolishedTownship: Region?
    /// The successor the code was mapped to; nil when it was kept as given.
    public let mappedTo: Region?
    /// The successor's name when the data names one but the township could not be placed under it.
    public let successorWithoutTownship: Region?
}

extension RegionDirectory {
    /// Province, then county (or a city without counties, such as Dongguan), then the township
    /// where the directory lists the county's townships. Village digits (10–12) are not checked:
    /// the directory has no villages.
    public func check(_ code: RegionCode) -> RegionCheck {
        let value = code.value
        guard let province = region(String(value.prefix(2))) else { return .unknown(level: .province, parent: nil) }
        if !hasChildren(province.code) { return .current(code) }   // Hong Kong, Macao, Taiwan: no divisions listed
        let c6 = String(value.prefix(6)), c4 = String(value.prefix(4))
        let owner: Region
        if let county = region(c6), county.level == .county {
            owner = county
        } else if c6.hasSuffix("00"), let city = region(c4), city.level == .city, !hasCounties(c4) {
            owner = city
        } else if let retired = retirement(c6) {
            return retiredCounty(code, retired)
        } else {
            let city = region(c4)
            return .unknown(level: .county, parent: city?.level == .city ? city : province)
        }
        guard hasChildren(owner.code) else { return .current(code) }
        guard let township = region(String(value.prefix(9))), township.level == .township else {
            return .unknown(level: .township, parent: owner)
        }
        if township.abolished {
            return .retired(use: code, RetiredCode(retired: nil, abolishedTownship: township, mappedTo: nil, successorWithoutTownship: nil))
        }
        return .current(code)
    }

    private func retiredCounty(_ code: RegionCode, _ retired: RetiredRegion) -> RegionCheck {
        let kept = RegionCheck.retired(use: code, RetiredCode(retired: retired, abolishedTownship: nil, mappedTo: nil,
                                                              successorWithoutTownship: nil))
        guard let successor = retired.successor.flatMap(region), successor.level == .county,
              case .success(let mapped) = RegionCode.parse(successor.code + code.value.dropFirst(6)) else { return kept }
        switch check(mapped) {
        case .current(let current):
            return .retired(use: current, RetiredCode(retired: retired, abolishedTownship: nil, mappedTo: successor,
                                                      successorWithoutTownship: nil))
        case .retired, .unknown:
            return .retired(use: code, RetiredCode(retired: retired, abolishedTownship: nil, mappedTo: nil,
                                                   successorWithoutTownship: successor))
        }
    }

    /// A code as it appears in a standards or rules file (a prefix: "" for everywhere, or the
    /// 2, 4, 6, 9 or 12 digits of a division), in English; nil when the directory knows it.
    public func prefixProblem(_ prefix: String) -> String? {
        guard !prefix.isEmpty, prefix.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        switch prefix.utf8.count {
        case 2, 4, 6, 9:
            if let r = region(prefix) {
                return r.abolished ? "the township \(r.name) is marked abolished in the region directory" : nil
            }
            if let retired = retirement(prefix) { return Self.retiredText(retired, successor: retired.successor.map { label($0) }) }
            let parent = nearest(prefix).map { "; nearest valid parent: \(label($0.code))" } ?? ""
            return "no division with this code in the region directory (snapshot \(snapshot))\(parent)"
        case 12:
            guard case .success(let code) = RegionCode.parse(prefix) else { return "not a division code" }
            switch check(code) {
            case .current: return nil
            case .retired(_, let why):
                if let retired = why.retired { return Self.retiredText(retired, successor: retired.successor.map { label($0) }) }
                return "the township \(why.abolishedTownship?.name ?? "") is marked abolished in the region directory"
            case .unknown(let level, let parent):
                return "no such \(level.rawValue) in the region directory" + (parent.map { "; nearest valid parent: \(label($0.code))" } ?? "")
            }
        default:
            return "not a division code: 2 (province), 4 (city), 6 (county), 9 (township) or 12 (village) digits"
        }
    }

    private static func retiredText(_ r: RetiredRegion, successor: String?) -> String {
        "retired in \(r.year) (\(r.change), was \(r.name))" + (successor.map { "; use \($0)" } ?? "; the data names no successor")
    }
}
