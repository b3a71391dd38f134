import ArgumentParser
import Crypto
import DoudiDomain
import Envelope
import Foundation

/// `doudi payroll export --month 2026-11 [--county 140105]`: the month's basic-living payroll
/// (§4.1, 按月发放) as one CSV file per county, from `basic-living.payroll` (the latest revision of
/// each payroll id; months cancelled by a later exit or suspension are left out), read to the end
/// offsets captured at start. Each file has a `.sha256` beside it; the same topic gives the same
/// bytes. No names or identity numbers: payees are the household id or the person key, and the
/// bureau's payment system holds the bank accounts (docs/basic-living.md).
struct PayrollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "payroll", abstract: "The basic-living payroll.",
                                                    subcommands: [Export.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Writes the month's payroll, one CSV file per county, with checksums.")
        @OptionGroup var broker: BrokerOptions
        @Option(help: "The month, YYYY-MM.") var month: String
        @Option(help: "Only this county (six digits).") var county: String?
        @Option(help: "Directory for the files (default: the current one).") var outputDir: String = "."

        func validate() throws {
            guard PayrollMonth(month) != nil else { throw ValidationError("--month must be YYYY-MM (e.g. 2026-11), got \(month)") }
            if let county {
                guard county.utf8.count == 6, county.utf8.allSatisfy({ (48...57).contains($0) }) else {
                    throw ValidationError("--county must be a six-digit county code, got \(county)")
                }
                if let problem = RegionDirectory.standard.prefixProblem(county) { throw ValidationError("--county \(county): \(problem)") }
            }
        }

        func run() async throws {
            let month = PayrollMonth(month)!
            var entries: [PayrollEntry] = []
            var read = 0
            let decoder = JSONDecoder()
            try await readAll(broker.kafka, topic: Topics.name(.basicLivingPayroll)) { m in
                read += 1
                guard m.header("ce_type") == EventType.basicLivingPayroll.rawValue,
                      let e = try? decoder.decode(PayrollEntry.self, from: Data(m.value)), e.month == month else { return }
                if let county, e.countyCode != county { return }
                entries.append(e)
            }
            let payroll = PayrollPlanner.fold(entries)
            let byCounty = Dictionary(grouping: payroll, by: \.countyCode)
            try FileManager.default.createDirectory(atPath: outputDir, withIntermediateDirectories: true)
            var written = 0
            for code in byCounty.keys.sorted() {
                let rows = byCounty[code]!
                let data = Data(PayrollFile.csv(rows).utf8)
                let name = "doudi-payroll-\(code)-\(month).csv"
                let path = (outputDir as NSString).appendingPathComponent(name)
                try data.write(to: URL(fileURLWithPath: path))
                let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
                try "\(digest)  \(name)\n".write(toFile: path + ".sha256", atomically: true, encoding: .utf8)
                let total = rows.reduce(Int64(0)) { $0 + $1.amountFen }
                print("payroll: \(code) \(RegionNames.label(code)): \(rows.count) payments, \(PayrollFile.yuan(total)) yuan → \(path) (sha256 \(digest.prefix(16))…)")
                written += 1
            }
            if written == 0 {
                print("payroll: no payments for \(month)\(county.map { " in \($0)" } ?? "") (\(read) payroll events read)")
            }
        }
    }
}

/// The payroll file: RFC 4180 CSV with a header, rows sorted by region and payroll id, amounts in
/// fen and in yuan, each region's name beside its code.
enum PayrollFile {
    static let header = ["payrollId", "month", "countyCode", "countyName", "regionCode", "regionName", "householdId", "personKey",
                         "program", "amountFen", "amountYuan", "rule", "clause", "rulesVersion", "standardsVersion", "revision", "caseId"]

    static func csv(_ rows: [PayrollEntry]) -> String {
        var out = header.joined(separator: ",") + "\r\n"
        for e in rows {
            let fields = [e.payrollId, e.month.description, e.countyCode, RegionDirectory.standard.fullName(e.countyCode) ?? "",
                          e.regionCode, RegionDirectory.standard.fullName(e.regionCode) ?? "", e.householdId, e.personKey ?? "",
                          e.program, String(e.amountFen), yuan(e.amountFen), e.rule, e.clause, e.rulesVersion, e.standardsVersion,
                          String(e.revision), e.caseId]
            out += fields.map(quote).joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func yuan(_ fen: Int64) -> String { "\(fen / 100).\(String(format: "%02d", fen % 100))" }

    static func quote(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
