import ArgumentParser
import Crypto
import DoudiDomain
import Envelope
import Foundation

/// `doudi export monthly --month 2026-11`: the low-income population database as it stood at the
/// end of the month (China Standard Time), for the national platform (§3.1.3), from the events.
///
/// Only households in the monitored categories are exported (§2.1): those the rules classify as
/// low-income on the month's last day — from the latest profile and the department signals
/// before the cutoff, under the local standards — and those receiving basic-living assistance
/// (低保对象 and 特困人员 are who the programme took in, §2.1.1–2). Everyone else registered (a
/// household above the lines, one whose records were only compared) stays out.
///
/// Layout (docs/export.md): JSON Lines, one household per line, sorted by household id, keys
/// sorted; a `.sha256` file beside it. Identity numbers and names are included because the
/// platform matches people nationally; phones and addresses are not. The same topics and
/// standards give the same bytes.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Exports for the national platform.",
                                                    subcommands: [Monthly.self])

    struct Monthly: AsyncParsableCommand {
        @OptionGroup var broker: BrokerOptions
        @Option(help: "The month, YYYY-MM.") var month: String
        @Option(help: "Output file (default doudi-monthly-YYYY-MM.jsonl).") var output: String?
        @Option(help: "The classifier's local standards file (env DOUDI_STANDARDS_FILE; default RULES.md's).")
        var standards = ProcessInfo.processInfo.environment["DOUDI_STANDARDS_FILE"] ?? ""

        func run() async throws {
            guard let first = CivilDate(iso: month + "-01") else { throw ValidationError("--month must be YYYY-MM") }
            let next = first.adding(months: 1)
            // The month ends at midnight China Standard Time (UTC+8).
            let cutoffMs = Int64(next.dayNumber) * 86_400_000 - 8 * 3_600_000
            let table = try loadStandards()
            let lastDay = next.adding(days: -1)
            var latest: [String: HouseholdProfile] = [:]
            var signals: [String: [Signal]] = [:]
            let decoder = JSONDecoder()
            func before(_ time: String?) -> Bool { (time.flatMap(Timestamp.milliseconds) ?? .max) < cutoffMs }
            try await readAll(broker.kafka, topic: Topics.registryHouseholds) { m in
                guard before(m.header("ce_time")), let p = try? decoder.decode(HouseholdProfile.self, from: Data(m.value)) else { return }
                if (latest[p.householdId]?.version ?? 0) < p.version { latest[p.householdId] = p }
            }
            try await readAll(broker.kafka, topic: Topics.monitoringSignals) { m in
                guard before(m.header("ce_time")), let s = try? decoder.decode(Signal.self, from: Data(m.value)),
                      let hh = s.householdId else { return }
                signals[hh, default: []].append(s)
            }
            var categories: [String: String] = [:]
            for (id, p) in latest {
                // Signals once each (a re-sent event), in a fixed order: the context does not depend on it.
                var seen = Set<String>()
                let own = (signals[id] ?? []).filter { seen.insert($0.signalId).inserted }.sorted { $0.signalId < $1.signalId }
                let d = Classifier.evaluate(profile: p, context: ClassificationContext(signals: own), standards: table, asOf: lastDay)
                let assisted = p.programs.contains { $0.domain == .basicLiving }
                if d.category != .notLowIncome || assisted { categories[id] = d.category.rawValue }
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var data = Data()
            for id in categories.keys.sorted() {
                let p = latest[id]!
                let row = MonthlyExportRow(householdId: id, version: p.version, regionCode: p.regionCode,
                              regionName: RegionDirectory.standard.fullName(p.regionCode), area: p.area.rawValue, category: categories[id],
                              perCapitaMonthlyFen: RegistryFigures.perCapitaMonthlyFen(p),
                              members: p.members.map { MonthlyExportMember(personKey: $0.personKey, name: $0.name, idNumber: $0.idNumber,
                                                                 relation: $0.relation.rawValue, health: $0.health.rawValue,
                                                                 disabilityGrade: $0.disabilityGrade, age: $0.age) },
                              programs: p.programs, flags: p.flags.sorted(), asOf: lastDay.description)
                data.append(try encoder.encode(row)); data.append(0x0A)
            }
            let path = output ?? "doudi-monthly-\(month).jsonl"
            try data.write(to: URL(fileURLWithPath: path))
            let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            try "\(digest)  \((path as NSString).lastPathComponent)\n".write(toFile: path + ".sha256", atomically: true, encoding: .utf8)
            print("export: \(categories.count) monitored households of \(latest.count) registered as of \(lastDay) → \(path) "
                  + "(sha256 \(digest.prefix(16))…)")
        }

        private func loadStandards() throws -> LocalStandards {
            guard !standards.isEmpty else { return .defaults }
            guard let data = FileManager.default.contents(atPath: standards) else { throw ValidationError("cannot read --standards \(standards)") }
            do { return try LocalStandards(jsonBytes: Array(data)) } catch { throw ValidationError(error.description) }
        }
    }
}

/// One household line of the monthly export.
struct MonthlyExportRow: Encodable {
    var householdId: String
    var version: Int
    var regionCode: String
    /// The division's name from the region directory (太原市小店区坞城街道); absent for an unknown code.
    var regionName: String?
    var area: String
    var category: String?
    var perCapitaMonthlyFen: Int64?
    var members: [MonthlyExportMember]
    var programs: [Program]
    var flags: [String]
    var asOf: String
}
struct MonthlyExportMember: Encodable {
    var personKey: String?
    var name: String
    var idNumber: String
    var relation: String
    var health: String
    var disabilityGrade: Int?
    var age: Int?
}
