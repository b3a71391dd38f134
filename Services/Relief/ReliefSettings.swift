// Settings of the relief service: the standards file (amounts per region and the opening balance of
// each township reserve fund) and the payment clock. County approvers are operators with the
// county role (operator tokens, docs/configuration.md).
import DoudiDomain
import Foundation
import ServiceKit

/// `DOUDI_RELIEF_STANDARDS_FILE` (JSON), validated at start; every key is optional:
/// `{ "default": {ReliefStandards}, "regions": {"<prefix>": {ReliefStandards}},
///    "reserveFunds": {"defaultOpeningFen": 5000000, "townships": {"140105001": 200000}},
///    "paperworkDueDays": 7 }`
struct ReliefFileSettings: Decodable {
    struct Funds: Decodable {
        var defaultOpeningFen: Int64?
        var townships: [String: Int64]?
    }
    var reserveFunds: Funds?
    var paperworkDueDays: Int?
}

struct ReliefSettingsError: Error, CustomStringConvertible { var description: String }

struct ReliefSettings: Sendable {
    var standards = RegionalRules<ReliefStandards>()
    /// Opening balance of a township's fund when the file names none. Default 5,000,000 fen (50,000 yuan).
    var defaultOpeningFen: Int64 = 5_000_000
    var openingFen: [String: Int64] = [:]
    /// Days the paperwork of an aid-first payment may follow it. Default 7.
    var paperworkDueDays = 7
    /// `DOUDI_RELIEF_TICK_MS`: how often the scheduler looks for due stages. Default 1000.
    var tickMs = 1000
    /// `DOUDI_RELIEF_STAGE_INTERVAL_SECONDS`: when set, a stage due m months after the start is due
    /// m × interval seconds after it instead (tests, demos, benchmarks).
    var stageIntervalSeconds: Double?
    /// `DOUDI_RELIEF_WALLCLOCK`: `1` (default) the scheduler also pays stages that fall due by the
    /// wall clock while no events arrive; `0` only event time moves it (tests, replays of a past period).
    var wallClock = true

    static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> ReliefSettings {
        var s = ReliefSettings()
        if let path = env["DOUDI_RELIEF_STANDARDS_FILE"], !path.isEmpty {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ReliefSettingsError(description: "cannot read DOUDI_RELIEF_STANDARDS_FILE \(path)")
            }
            try s.load(data)
        }
        if let tick = env["DOUDI_RELIEF_TICK_MS"] {
            guard let ms = Int(tick), ms > 0 else { throw ReliefSettingsError(description: "DOUDI_RELIEF_TICK_MS must be a positive integer") }
            s.tickMs = ms
        }
        if let wall = env["DOUDI_RELIEF_WALLCLOCK"] {
            guard wall == "0" || wall == "1" else { throw ReliefSettingsError(description: "DOUDI_RELIEF_WALLCLOCK must be 0 or 1") }
            s.wallClock = wall == "1"
        }
        if let interval = env["DOUDI_RELIEF_STAGE_INTERVAL_SECONDS"], !interval.isEmpty {
            guard let seconds = Double(interval), seconds >= 0 else {
                throw ReliefSettingsError(description: "DOUDI_RELIEF_STAGE_INTERVAL_SECONDS must be a non-negative number")
            }
            s.stageIntervalSeconds = seconds
        }
        return s
    }

    mutating func load(_ data: Data) throws {
        do {
            standards = try JSONDecoder().decode(RegionalRules<ReliefStandards>.self, from: data)
            let file = try JSONDecoder().decode(ReliefFileSettings.self, from: data)
            defaultOpeningFen = file.reserveFunds?.defaultOpeningFen ?? defaultOpeningFen
            openingFen = file.reserveFunds?.townships ?? [:]
            paperworkDueDays = file.paperworkDueDays ?? paperworkDueDays
        } catch let error as DecodingError {
            throw ReliefSettingsError(description: "relief standards file: \(error)")
        }
        try standards.validate()
        guard defaultOpeningFen >= 0 else { throw ReliefSettingsError(description: "reserveFunds.defaultOpeningFen must not be negative") }
        for (township, fen) in openingFen {
            guard township.utf8.count == 9, township.utf8.allSatisfy({ (48...57).contains($0) }) else {
                throw ReliefSettingsError(description: "reserveFunds.townships: \(township) is not a 9-digit township code")
            }
            guard fen >= 0 else { throw ReliefSettingsError(description: "reserveFunds.townships.\(township) must not be negative") }
        }
        guard paperworkDueDays > 0 else { throw ReliefSettingsError(description: "paperworkDueDays must be positive") }
        // Every code the region directory does not know, at once (docs/regions.md).
        let directory = RegionDirectory.standard
        let unknown = standards.regions.entries.keys.sorted().compactMap { prefix in
            directory.prefixProblem(prefix).map { "regions.\(prefix): \($0)" }
        } + openingFen.keys.sorted().compactMap { township in
            directory.prefixProblem(township).map { "reserveFunds.townships.\(township): \($0)" }
        }
        guard unknown.isEmpty else { throw ReliefSettingsError(description: "relief standards file: " + unknown.joined(separator: "; ")) }
    }

    func opening(for township: String) -> Int64 { openingFen[township] ?? defaultOpeningFen }

    /// When a stage is due, in epoch milliseconds: its date (UTC midnight), or in interval mode
    /// `startMs` plus one interval per month between the plan's start and the stage's date.
    func dueMs(of dueOn: CivilDate, startOn: CivilDate, startMs: Int64) -> Int64 {
        guard let interval = stageIntervalSeconds else { return Int64(dueOn.dayNumber) * 86_400_000 }
        let months = (dueOn.year * 12 + dueOn.month) - (startOn.year * 12 + startOn.month)
        return startMs + Int64((Double(months) * interval * 1000).rounded())
    }
}

enum Clock {
    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
    static func date(ms: Int64) -> CivilDate { CivilDate(dayNumber: Int((ms / 86_400_000))) }
}
