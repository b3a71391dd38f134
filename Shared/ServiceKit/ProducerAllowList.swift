import DoudiDomain
import Envelope
import Foundation

/// Who may publish what a service consumes (issue 13, finding 2): an event of a contract type
/// whose `ce_source` is not an allowed producer of that type is dead-lettered with the reason,
/// before the service sees it. Without it, any client of the broker could approve a relief case,
/// resolve another department's warnings or replenish a fund.
///
/// The allowed sources of a type are, in this order:
/// - the contract's producers (`EventType.producers`: the suite's own services, `/doudi/import`);
/// - `DOUDI_ALLOWED_SOURCES_<TYPE>` (the type's wire code upper-cased, `.` and `-` as `_`), a
///   comma-separated list, e.g. `DOUDI_ALLOWED_SOURCES_DEPT_RECORD_V1=/hospital-a,/edu-bureau/*`;
///   for `assistance.outcome.v1` per domain: `DOUDI_ALLOWED_SOURCES_ASSISTANCE_OUTCOME_V1_BASIC_LIVING`;
/// - in development mode only, the tools' and tests' sources (`developmentSources`).
/// An entry ending in `*` allows every source that starts with what precedes it.
/// Types outside the contract are left to the service, which ignores them (a later version's) and
/// never lets them move its event clock.
public struct ProducerAllowList: Sendable {
    /// Allowed patterns per type (and per scope value for scoped types).
    private var allowed: [String: [String]] = [:]
    private var scoped: [String: [String: [String]]] = [:]
    private let development: [String]

    /// `doudi seed`, the benchmarks, the demo feed and the tests' own producers.
    public static let developmentSources = ["/doudi/seed", "/doudi/bench", "/bench", "/doudi/demo-feed", "/tests", "/tests/*"]

    public init(environment env: [String: String] = ProcessInfo.processInfo.environment) {
        development = DeploymentMode.from(env) == .development ? Self.developmentSources : []
        for type in EventType.allCases {
            allowed[type.rawValue] = type.producers + Self.configured(Self.variable(type), env)
            if type.producerScopeField != nil {
                for domain in Domain.allCases {
                    scoped[type.rawValue, default: [:]][domain.rawValue] =
                        EventType.outcomeProducers(domain) + Self.configured(Self.variable(type, scope: domain.rawValue), env)
                }
            }
        }
    }

    public static func variable(_ type: EventType, scope: String? = nil) -> String {
        let base = type.rawValue + (scope.map { "_" + $0 } ?? "")
        return "DOUDI_ALLOWED_SOURCES_" + base.uppercased().replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: "-", with: "_")
    }

    private static func configured(_ variable: String, _ env: [String: String]) -> [String] {
        (env[variable] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// nil when `event` may be applied; otherwise the dead-letter reason (ids and codes only).
    public func refusal(for event: CloudEvent) -> String? {
        guard let type = EventType(rawValue: event.type), var patterns = allowed[event.type] else { return nil }
        if let field = type.producerScopeField {
            guard let value = Self.scopeValue(field, in: event.data) else {
                return "\(event.type) without a readable \(field): its producer cannot be checked"
            }
            patterns = scoped[event.type]?[value] ?? []
            if Self.matches(event.source, patterns + development) { return nil }
            return "producer not allowed: ce_source \(event.source.prefix(80)) may not publish \(event.type) for \(field) \(value.prefix(40)) (allowed: \(Self.describe(patterns)); \(Self.variable(type, scope: value)) adds sources)"
        }
        if Self.matches(event.source, patterns + development) { return nil }
        return "producer not allowed: ce_source \(event.source.prefix(80)) may not publish \(event.type) (allowed: \(Self.describe(patterns)); \(Self.variable(type)) adds sources)"
    }

    static func matches(_ source: String, _ patterns: [String]) -> Bool {
        patterns.contains { $0.hasSuffix("*") ? source.hasPrefix($0.dropLast()) : source == $0 }
    }

    private static func describe(_ patterns: [String]) -> String {
        patterns.isEmpty ? "none configured" : patterns.joined(separator: ", ")
    }

    /// The string value of a top-level field of a JSON payload, read with the domain's strict
    /// parser (JSONSerialization was 1–1.5 % of the matcher's, classifier's and router's CPU). A
    /// payload naming the field twice — also when one spelling is escaped — or that is not valid
    /// JSON has no readable value: the check and the service's decoder must not read two fields.
    public static func scopeValue(_ field: String, in data: [UInt8]) -> String? {
        (try? JSONParser.parse(data))?.objectValue?[field]?.stringValue
    }
}
