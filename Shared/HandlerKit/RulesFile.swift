import DoudiDomain
import Foundation

/// A programme that can be built from its regional rules (all five are).
public protocol ConfigurableProgramme: Programme {
    init(rules: RegionalRules<Rules>)
}

extension MedicalProgramme: ConfigurableProgramme {}
extension EducationProgramme: ConfigurableProgramme {}
extension HousingProgramme: ConfigurableProgramme {}
extension EmploymentProgramme: ConfigurableProgramme {}
extension DisasterProgramme: ConfigurableProgramme {}

/// A rules file that cannot be used: the handler refuses to start and says why.
public struct RulesFileError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// Loads `RegionalRules` from `DOUDI_<DOMAIN>_RULES_FILE`, else the built-in defaults.
///
/// The rules decoding is lenient (an omitted field keeps its default), so a misspelt field
/// would silently keep the default: every object key is therefore checked against the fields
/// the rules type has, and region keys must be division-code prefixes (digits).
public enum RulesFile {
    public static func variable(for domain: Domain) -> String {
        "DOUDI_\(domain.rawValue.uppercased().replacingOccurrences(of: "-", with: "_"))_RULES_FILE"
    }

    public static func load<Rules: DefaultedRules>(_ type: Rules.Type, domain: Domain,
                                                    environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> (rules: RegionalRules<Rules>, origin: String) {
        let variable = variable(for: domain)
        guard let path = environment[variable], !path.isEmpty else { return (RegionalRules(), "built-in defaults") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RulesFileError(description: "\(variable): cannot read \(path)")
        }
        return (try parse(Rules.self, data, name: "\(variable) (\(path))"), path)
    }

    public static func parse<Rules: DefaultedRules>(_ type: Rules.Type, _ data: Data, name: String) throws -> RegionalRules<Rules> {
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: data) }
        catch { throw RulesFileError(description: "\(name): not valid JSON") }
        guard let top = json as? [String: Any] else { throw RulesFileError(description: "\(name): expected a JSON object") }
        let known = try knownFields(Rules.self)
        try check(top, allowed: ["default", "regions"], at: "", in: name)
        if let d = top["default"] { try checkRules(d, known: known, at: "default", in: name) }
        if let regions = top["regions"] {
            guard let map = regions as? [String: Any] else { throw RulesFileError(description: "\(name): regions must be an object") }
            var unknown: [String] = []
            for (prefix, rules) in map.sorted(by: { $0.key < $1.key }) {
                guard !prefix.isEmpty, prefix.count <= 12, prefix.utf8.allSatisfy({ (48...57).contains($0) }) else {
                    throw RulesFileError(description: "\(name): region key \"\(prefix)\" is not a division-code prefix (1–12 digits)")
                }
                if let problem = RegionDirectory.standard.prefixProblem(prefix) { unknown.append("regions.\(prefix): \(problem)") }
                try checkRules(rules, known: known, at: "regions.\(prefix) (\(RegionNames.label(prefix)))", in: name)
            }
            // Every code the region directory does not know, at once (docs/regions.md).
            if !unknown.isEmpty { throw RulesFileError(description: "\(name): " + unknown.joined(separator: "; ")) }
        }
        do { return try JSONDecoder().decode(RegionalRules<Rules>.self, from: data) }
        catch let error as DecodingError { throw RulesFileError(description: "\(name): \(describe(error))") }
    }

    /// The top-level fields of `Rules`, read from its encoded defaults.
    static func knownFields<Rules: DefaultedRules>(_ type: Rules.Type) throws -> Set<String> {
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(Rules()))
        return Set((encoded as? [String: Any])?.keys.map { $0 } ?? [])
    }

    private static func checkRules(_ value: Any, known: Set<String>, at path: String, in name: String) throws {
        guard let object = value as? [String: Any] else { throw RulesFileError(description: "\(name): \(path) must be an object") }
        try check(object, allowed: known, at: path + ".", in: name)
    }

    private static func check(_ object: [String: Any], allowed: Set<String>, at path: String, in name: String) throws {
        if let unknown = object.keys.filter({ !allowed.contains($0) }).sorted().first {
            throw RulesFileError(description: "\(name): unknown field \(path)\(unknown) (known: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ c: DecodingError.Context) -> String {
            c.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(let t, let c): return "\(path(c)): expected \(t)"
        case .valueNotFound(let t, let c): return "\(path(c)): missing \(t)"
        case .keyNotFound(let k, let c): return "\(path(c)): missing field \(k.stringValue)"
        case .dataCorrupted(let c): return "\(path(c)): \(c.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
