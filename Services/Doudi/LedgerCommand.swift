import ArgumentParser
import DoudiDomain
import Foundation
import Ledger

/// `doudi ledger digest`: the business state as the topics record it, folded to its final form,
/// with a digest per section and in total. Operators run it before and after a replay (the
/// digests must not change); `--diff` shows what differs from a saved ledger, key by key.
struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ledger", abstract: "The business ledger read from the topics.",
                                                    subcommands: [Digest.self])

    struct Digest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read the business topics to their end offsets (captured at start) and print a canonical digest per section.")
        @OptionGroup var broker: BrokerOptions
        @Option(help: "Write the whole canonical ledger to this JSON file.") var json: String?
        @Option(help: "Compare with a ledger saved by --json and list every difference.") var diff: String?
        @Option(help: "Differences to print at most.") var limit = 50

        func run() async throws {
            let (ledger, messages) = try await LedgerReader.read(broker.kafka)
            print("ledger: \(messages) events read to the end offsets captured at start")
            printTable(["section", "entries", "intermediate", "sha256"], BusinessLedger.sectionNames.map { name in
                [name, String(ledger.sections[name]?.count ?? 0), String(ledger.intermediate[name] ?? 0),
                 String(ledger.digest(of: name).prefix(16))]
            })
            print("total \(ledger.totalDigest)")
            if let json {
                try ledger.jsonData().write(to: URL(fileURLWithPath: json))
                print("ledger written to \(json)")
            }
            if let diff {
                let other = try BusinessLedger(jsonData: Data(contentsOf: URL(fileURLWithPath: diff)))
                let differences = ledger.differences(from: other)
                print(differences.isEmpty ? "no differences from \(diff)" : "\(differences.count) differences from \(diff) (this run vs the file):")
                for d in differences.prefix(limit) { print(d) }
                if differences.count > limit { print("… \(differences.count - limit) more") }
                if !differences.isEmpty { throw ExitCode(1) }
            }
        }
    }
}
