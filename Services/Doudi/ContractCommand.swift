import ArgumentParser
import Contracts
import DoudiDomain
import Foundation

/// `doudi contract --write docs`: regenerates docs/schemas/*.schema.json and docs/asyncapi.yaml from the code.
struct ContractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "contract", abstract: "Write or check the JSON Schemas and the AsyncAPI document.")
    @Option(help: "Write the documents under this directory.") var write: String?
    @Option(help: "Check the documents under this directory; exit 1 if any differs.") var check: String?

    func run() throws {
        guard let dir = write ?? check else { throw ValidationError("give --write DIR or --check DIR") }
        var stale: [String] = []
        for (path, content) in try ContractFiles.all() {
            let url = URL(fileURLWithPath: dir).appendingPathComponent(path)
            if write != nil {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try content.write(to: url, atomically: true, encoding: .utf8)
            } else if (try? String(contentsOf: url, encoding: .utf8)) != content {
                stale.append(path)
            }
        }
        if !stale.isEmpty { print("out of date: \(stale.joined(separator: ", ")); run doudi contract --write \(dir)"); throw ExitCode(1) }
        print(write != nil ? "contract: \(try ContractFiles.all().count) documents written under \(dir)" : "contract: documents are current")
    }
}
