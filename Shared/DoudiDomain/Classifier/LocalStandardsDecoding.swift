// Reading the standards file:
//   {"version": "2026-1", "regions": {"": {...}, "11": {"dibaoUrbanFen": 120000}, "110105": {...}}}
// Members of a region (all optional): dibaoUrbanFen, dibaoRuralFen, edgeMultiplier (decimal),
// financialAssetMonths, exemptVehicleKinds, maxUrbanHouses, sharpIncomeDrop (decimal share),
// medicalBurdenShare (decimal share), singlePersonGrade3IntellectualMental, gradualExitMonths,
// warningDeadlineDays {red, orange, yellow}, housingAreaPerPersonM2, heatingSubsidy, disabilitySubsidy,
// edgeAssetMonths, tekunAssetMonths, emergencyWindowDays, disposableIncomeUrbanAnnualFen,
// disposableIncomeRuralAnnualFen.
// Unknown members are errors: a misspelt key would otherwise silently keep a default.

extension LocalStandards {
    public init(json text: String) throws(StandardsError) { try self.init(jsonBytes: Array(text.utf8)) }

    public init(jsonBytes: [UInt8]) throws(StandardsError) {
        guard case .object(let members) = try StandardsJSON.parse(jsonBytes) else {
            throw StandardsError(problems: ["the standards file must be a JSON object"])
        }
        var problems: [String] = []
        var version: String?
        var regions: [String: RegionOverride] = [:]
        for (key, value) in members {
            switch (key, value) {
            case ("version", .string(let v)): version = v
            case ("version", _): problems.append("version: expected a string, found \(value.typeName)")
            case ("regions", .object(let entries)):
                for (prefix, body) in entries {
                    // Named next to its code (`regions["140105"] (140105 太原市小店区)`); a code the
                    // region directory does not know is a problem (docs/regions.md).
                    let known = LocalStandards.isValidPrefix(prefix) ? RegionDirectory.standard.prefixProblem(prefix) : nil
                    let path = LocalStandards.path(prefix)
                    if let known { problems.append("regions[\"\(prefix)\"]: \(known)") }
                    if regions[prefix] != nil { problems.append("\(path): listed twice") }
                    regions[prefix] = RegionOverride(json: body, at: path, problems: &problems)
                }
            case ("regions", _): problems.append("regions: expected an object, found \(value.typeName)")
            default: problems.append("\(key): unknown member (expected version, regions)")
            }
        }
        if version == nil && !problems.contains(where: { $0.hasPrefix("version") }) {
            problems.append("version: missing")
        }
        var built: LocalStandards?
        do {
            built = try LocalStandards(version: version ?? "?", regions: regions)
        } catch {
            problems += error.problems
        }
        guard let standards = built, problems.isEmpty else { throw StandardsError(problems: problems) }
        self = standards
    }
}

extension RegionOverride {
    init(json: StandardsJSON, at path: String, problems: inout [String]) {
        self.init()
        guard case .object(let members) = json else {
            problems.append("\(path): expected an object, found \(json.typeName)")
            return
        }
        for (key, value) in members {
            let field = "\(path).\(key)"
            func fen() -> Int64? { StandardsNumber.integer(value, at: field, problems: &problems) }
            func small() -> Int? { fen().map { Int(clamping: $0) } }
            func share() -> Int64? { StandardsNumber.permille(value, at: field, problems: &problems) }
            func flag() -> Bool? {
                if case .bool(let b) = value { return b }
                problems.append("\(field): expected true or false, found \(value.typeName)")
                return nil
            }
            switch key {
            case "dibaoUrbanFen": dibaoUrbanFen = fen()
            case "dibaoRuralFen": dibaoRuralFen = fen()
            case "edgeMultiplier": edgeMultiplierPermille = share()
            case "financialAssetMonths": financialAssetMonths = fen()
            case "exemptVehicleKinds": exemptVehicleKinds = StandardsNumber.strings(value, at: field, problems: &problems)
            case "maxUrbanHouses": maxUrbanHouses = small()
            case "sharpIncomeDrop": sharpDropPermille = share()
            case "medicalBurdenShare": medicalBurdenPermille = share()
            case "singlePersonGrade3IntellectualMental": singlePersonGrade3IntellectualMental = flag()
            case "gradualExitMonths": gradualExitMonths = small()
            case "warningDeadlineDays": readDeadlines(value, at: field, problems: &problems)
            case "housingAreaPerPersonM2": housingAreaPerPersonM2 = fen()
            case "heatingSubsidy": heatingSubsidy = flag()
            case "disabilitySubsidy": disabilitySubsidy = flag()
            case "edgeAssetMonths": edgeAssetMonths = fen()
            case "tekunAssetMonths": tekunAssetMonths = fen()
            case "emergencyWindowDays": emergencyWindowDays = small()
            case "disposableIncomeUrbanAnnualFen": disposableIncomeUrbanAnnualFen = fen()
            case "disposableIncomeRuralAnnualFen": disposableIncomeRuralAnnualFen = fen()
            default: problems.append("\(field): unknown member")
            }
        }
    }

    private mutating func readDeadlines(_ value: StandardsJSON, at path: String, problems: inout [String]) {
        guard case .object(let members) = value else {
            problems.append("\(path): expected an object {red, orange, yellow}, found \(value.typeName)")
            return
        }
        for (key, v) in members {
            let days = StandardsNumber.integer(v, at: "\(path).\(key)", problems: &problems).map { Int(clamping: $0) }
            switch key {
            case "red": redDeadlineDays = days
            case "orange": orangeDeadlineDays = days
            case "yellow": yellowDeadlineDays = days
            default: problems.append("\(path).\(key): unknown level (expected red, orange, yellow)")
            }
        }
    }
}

/// Exact readers for JSON number text.
enum StandardsNumber {
    static func integer(_ value: StandardsJSON, at path: String, problems: inout [String]) -> Int64? {
        guard case .number(let text) = value else {
            problems.append("\(path): expected a whole number, found \(value.typeName)")
            return nil
        }
        guard let n = Int64(text) else {
            problems.append("\(path): \(text) is not a whole number")
            return nil
        }
        return n
    }

    /// A decimal with at most three decimals, as permille (1.5 → 1500, 0.1 → 100).
    static func permille(_ value: StandardsJSON, at path: String, problems: inout [String]) -> Int64? {
        guard case .number(let text) = value else {
            problems.append("\(path): expected a decimal number, found \(value.typeName)")
            return nil
        }
        let negative = text.hasPrefix("-")
        let parts = (negative ? text.dropFirst() : Substring(text)).split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 12,
              parts[0].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let whole = Int64(parts[0]) else {
            problems.append("\(path): \(text) is not a plain decimal number")
            return nil
        }
        var fraction: Int64 = 0
        if parts.count == 2 {
            let f = parts[1]
            guard (1...3).contains(f.count), f.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let n = Int64(f) else {
                problems.append("\(path): \(text) must have 1 to 3 decimals")
                return nil
            }
            fraction = n * [1, 100, 10, 1][f.count]
        }
        let p = whole * 1000 + fraction
        return negative ? -p : p
    }

    static func strings(_ value: StandardsJSON, at path: String, problems: inout [String]) -> [String]? {
        guard case .array(let items) = value else {
            problems.append("\(path): expected an array of strings, found \(value.typeName)")
            return nil
        }
        var out: [String] = []
        for (i, item) in items.enumerated() {
            if case .string(let s) = item { out.append(s) } else {
                problems.append("\(path)[\(i)]: expected a string, found \(item.typeName)")
            }
        }
        return out
    }

    /// 1500 → "1.5", 100 → "0.1", 2000 → "2".
    static func decimalText(permille p: Int64) -> String {
        let sign = p < 0 ? "-" : "", a = p.magnitude
        var fraction = String(a % 1000)
        fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return sign + String(a / 1000) + (fraction.isEmpty ? "" : "." + fraction)
    }
}

/// Range checks of one override (only the values it sets).
enum StandardsValidation {
    static let edgeMultiplierRange: ClosedRange<Int64> = 1_500...2_000

    static func problems(in o: RegionOverride, at path: String) -> [String] {
        var out: [String] = []
        func check<T: Comparable>(_ value: T?, _ name: String, _ ok: (T) -> Bool, _ rule: String, shown: (T) -> String) {
            if let v = value, !ok(v) { out.append("\(path).\(name): \(shown(v)) \(rule)") }
        }
        func int<T: Comparable & BinaryInteger>(_ value: T?, _ name: String, min: T, _ rule: String) {
            check(value, name, { $0 >= min }, rule, shown: { String($0) })
        }
        func share(_ value: Int64?, _ name: String, _ range: ClosedRange<Int64>, _ rule: String) {
            check(value, name, { range.contains($0) }, rule, shown: { StandardsNumber.decimalText(permille: $0) })
        }
        int(o.dibaoUrbanFen, "dibaoUrbanFen", min: 1, "must be a positive number of fen")
        int(o.dibaoRuralFen, "dibaoRuralFen", min: 1, "must be a positive number of fen")
        share(o.edgeMultiplierPermille, "edgeMultiplier", edgeMultiplierRange,
              "is outside 1.5–2.0 (§2.1.3: 1.5 times the dibao standard, up to 2 where conditions allow)")
        int(o.financialAssetMonths, "financialAssetMonths", min: 0, "must not be negative")
        int(o.maxUrbanHouses, "maxUrbanHouses", min: 0, "must not be negative")
        share(o.sharpDropPermille, "sharpIncomeDrop", 1...1_000, "must be a share above 0 and at most 1")
        share(o.medicalBurdenPermille, "medicalBurdenShare", 0...1_000, "must be a share from 0 to 1")
        int(o.gradualExitMonths, "gradualExitMonths", min: 0, "must not be negative")
        int(o.redDeadlineDays, "warningDeadlineDays.red", min: 1, "must be at least 1 day")
        int(o.orangeDeadlineDays, "warningDeadlineDays.orange", min: 1, "must be at least 1 day")
        int(o.yellowDeadlineDays, "warningDeadlineDays.yellow", min: 1, "must be at least 1 day")
        int(o.housingAreaPerPersonM2, "housingAreaPerPersonM2", min: 1, "must be a positive area")
        int(o.edgeAssetMonths, "edgeAssetMonths", min: 0, "must not be negative")
        int(o.tekunAssetMonths, "tekunAssetMonths", min: 0, "must not be negative")
        int(o.emergencyWindowDays, "emergencyWindowDays", min: 1, "must be at least 1 day")
        int(o.disposableIncomeUrbanAnnualFen, "disposableIncomeUrbanAnnualFen", min: 1, "must be a positive number of fen")
        int(o.disposableIncomeRuralAnnualFen, "disposableIncomeRuralAnnualFen", min: 1, "must be a positive number of fen")
        if let kinds = o.exemptVehicleKinds, kinds.contains(where: \.isEmpty) {
            out.append("\(path).exemptVehicleKinds: must not contain an empty kind")
        }
        return out
    }
}
