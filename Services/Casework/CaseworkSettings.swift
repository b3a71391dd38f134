// doudi-casework's own settings, typed (docs/configuration.md, "Casework"): which clock escalates
// overdue tasks, and how often the wall clock is looked at. A value that cannot be read stops the
// service at start, naming the variable.
import Foundation
import ServiceKit

struct CaseworkSettings: Sendable {
    /// `event`: only event time moves the clock (tests, replays of old periods); `wall`: the wall
    /// time moves it too, so that a quiet week still escalates (the default).
    enum Clock: String, Sendable, CaseIterable { case event, wall }

    var clock: Clock
    var tick: Duration

    struct Invalid: Error, CustomStringConvertible { var description: String }

    static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> CaseworkSettings {
        var problems: [String] = []
        var clock = Clock.wall
        if let text = env["DOUDI_CASEWORK_CLOCK"], !text.isEmpty {
            if let c = Clock(rawValue: text.lowercased()) { clock = c }
            else { problems.append("DOUDI_CASEWORK_CLOCK=\(text.prefix(20)) is not one of event, wall") }
        }
        var tick = Duration.seconds(60)
        if let text = env["DOUDI_CASEWORK_TICK"], !text.isEmpty {
            if let d = SettingParsers.duration(text), d >= .milliseconds(100) { tick = d }
            else { problems.append("DOUDI_CASEWORK_TICK=\(text.prefix(20)) is not a duration of at least 100ms (say 30s, 5m)") }
        }
        guard problems.isEmpty else { throw Invalid(description: "bad settings: " + problems.joined(separator: "; ")) }
        return CaseworkSettings(clock: clock, tick: tick)
    }
}
