// Settings of doudi-basic-living (docs/configuration.md), read and checked at start: the rules
// file (`DOUDI_BASIC_LIVING_RULES_FILE`, validated like the handlers' — unknown fields, types,
// region codes the directory does not know — plus the values), the classifier's local standards
// (`DOUDI_STANDARDS_FILE`, so that both read the same dibao standard), and the wall clock.
import DoudiDomain
import Foundation
import HandlerKit
import ServiceKit

struct LivingSettingsError: Error, CustomStringConvertible { var description: String }

struct LivingSettings: Sendable {
    var rules: LivingRules
    var rulesOrigin: String
    /// Whether a scheduler also moves the event clock to the wall time (China Standard Time) when it is ahead.
    var wallClock: Bool
    var tick: Duration

    static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> LivingSettings {
        let loaded: (rules: RegionalRules<BasicLivingPolicy>, origin: String)
        do { loaded = try RulesFile.load(BasicLivingPolicy.self, domain: .basicLiving, environment: env) }
        catch { throw LivingSettingsError(description: "\(error)") }
        let problems = loaded.rules.problems { RegionNames.label($0) }
        guard problems.isEmpty else {
            throw LivingSettingsError(description: "\(RulesFile.variable(for: .basicLiving)) (\(loaded.origin)): " + problems.joined(separator: "; "))
        }
        var standards = LocalStandards.defaults
        if let path = env["DOUDI_STANDARDS_FILE"], !path.isEmpty {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw LivingSettingsError(description: "DOUDI_STANDARDS_FILE: cannot read \(path)")
            }
            do { standards = try LocalStandards(jsonBytes: Array(data)) }
            catch { throw LivingSettingsError(description: "DOUDI_STANDARDS_FILE (\(path)): \(error)") }
        }
        let wall = env["DOUDI_BASIC_LIVING_WALLCLOCK"] ?? "1"
        guard wall == "0" || wall == "1" else { throw LivingSettingsError(description: "DOUDI_BASIC_LIVING_WALLCLOCK: expected 0 or 1, got \(wall)") }
        let tickText = env["DOUDI_BASIC_LIVING_TICK"] ?? "60s"
        guard let tick = SettingParsers.duration(tickText), tick > .zero else {
            throw LivingSettingsError(description: "DOUDI_BASIC_LIVING_TICK: expected a duration such as 60s or 5m, got \(tickText)")
        }
        return LivingSettings(rules: LivingRules(policies: loaded.rules, standards: standards), rulesOrigin: loaded.origin,
                              wallClock: wall == "1", tick: tick)
    }
}
