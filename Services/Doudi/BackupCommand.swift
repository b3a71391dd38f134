import ArgumentParser
import Foundation
import GRDB

/// `doudi backup --to DIR`: a consistent copy of every service's store, taken while the services
/// run (SQLite's online backup API: each copy is one read transaction's snapshot), with a manifest
/// of each store's applied offsets. Restore: docs/operations.md, "Back up and restore".
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backup",
                                                    abstract: "Copy every service's store consistently, while the services run.")
    @Option(help: "Where the stores are (env DOUDI_DATA_DIR).")
    var dataDir = ProcessInfo.processInfo.environment["DOUDI_DATA_DIR"] ?? "./data"
    @Option(help: "An empty or new directory for the copies and manifest.json.") var to: String

    func run() throws {
        let fm = FileManager.default
        let stores = try fm.contentsOfDirectory(atPath: dataDir).filter { $0.hasSuffix(".sqlite") }.sorted()
        guard !stores.isEmpty else { throw ValidationError("no stores (*.sqlite) in \(dataDir)") }
        try fm.createDirectory(atPath: to, withIntermediateDirectories: true)
        if let existing = try? fm.contentsOfDirectory(atPath: to), existing.contains(where: { $0.hasSuffix(".sqlite") }) {
            throw ValidationError("\(to) already holds a backup; give a new directory")
        }
        var manifest: [String: Any] = [:]
        for file in stores {
            let service = String(file.dropLast(".sqlite".count))
            var config = Configuration()
            config.readonly = true
            config.busyMode = .timeout(30)
            let source = try DatabasePool(path: "\(dataDir)/\(file)", configuration: config)
            let destination = try DatabaseQueue(path: "\(to)/\(file)")
            try source.backup(to: destination)
            // The copy's own record of what it applied: where its service resumes after a restore.
            let (offsets, check) = try destination.read { db -> ([String: [String: Int64]], String) in
                var offsets: [String: [String: Int64]] = [:]
                if try db.tableExists("runtime_offsets") {
                    for row in try Row.fetchAll(db, sql: "SELECT topic, partition, next_offset FROM runtime_offsets") {
                        offsets[row[0], default: [:]][String(row[1] as Int32)] = row[2]
                    }
                }
                return (offsets, try String.fetchOne(db, sql: "PRAGMA quick_check") ?? "?")
            }
            try destination.close()
            guard check == "ok" else { throw ValidationError("the copy of \(file) fails its integrity check: \(check)") }
            let bytes = (try? fm.attributesOfItem(atPath: "\(to)/\(file)")[.size] as? Int) ?? 0
            manifest[service] = ["file": file, "bytes": bytes, "offsets": offsets]
            print("backup: \(service) → \(to)/\(file) (\(bytes) bytes, \(offsets.values.reduce(0) { $0 + $1.count }) partitions applied)")
        }
        let document: [String: Any] = ["createdAt": ISO8601DateFormatter().string(from: Date()), "stores": manifest]
        try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
            .write(to: URL(fileURLWithPath: "\(to)/manifest.json"))
        print("backup: \(stores.count) store(s) and manifest.json in \(to)")
    }
}
