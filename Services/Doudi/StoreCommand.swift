import ArgumentParser
import Envelope
import Foundation
import GRDB
import Kafka
import ServiceKit
import Store

/// `doudi store rebaseline`: the way out when a service stopped because the broker's log is behind
/// its store (a topic recreated, an in-memory broker restarted; docs/operations.md, "The broker
/// lost a topic"). It sets the store's next offsets for a topic to the start of the broker's log
/// now, so that the service reads the new log from its start: events it applied before are
/// recognised by their ids (within the replay horizon), new ones are applied. The service must be
/// stopped. The other way out is to rebuild the store by replay.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "store", abstract: "Operate on a stopped service's store.",
                                                    subcommands: [Rebaseline.self, Offsets.self])

    struct Rebaseline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-align a store's offsets for a topic with the broker's log.")
        @OptionGroup var broker: BrokerOptions
        @Option(help: "The service's store file (e.g. data/matcher.sqlite; with DOUDI_TASKS, one task's file such as data/router.task-0-of-3.sqlite, which holds only its partitions). Stop the service first.") var store: String
        @Option(help: "The topic whose log was lost or recreated.") var topic: String
        @Flag(help: "Start after the log's current end instead of its start (skips what it holds now).") var toLatest = false
        @Flag(help: "Show what would change.") var dryRun = false

        func run() async throws {
            guard FileManager.default.fileExists(atPath: store) else { throw ValidationError("no store at \(store)") }
            let admin = try broker.admin()
            var partitions = try await admin.partitions(of: topic)
            guard !partitions.isEmpty else { throw ValidationError("the broker has no topic \(topic)") }
            // A task's store (DOUDI_TASKS > 1) holds only its own partitions: the others are
            // another task's file, to rebaseline in its turn.
            if let (task, count) = TaskStores.task(ofStoreFile: store) {
                partitions = partitions.filter { Int($0.partition) % count == task }
                print("store: task \(task) of \(count): partitions \(partitions.map { String($0.partition) }.joined(separator: ", ")) of \(topic) "
                      + "(rebaseline each task's file in turn)")
            }
            var target: [TopicPartition: Int64] = [:]
            for tp in partitions {
                let (low, high) = try await admin.watermarks(tp)
                target[tp] = toLatest ? high : low
            }
            let db = try DatabaseQueue(path: store)
            let before = try await db.read { try Inbox.nextOffsets($0)[topic] ?? [:] }
            var rows: [[String]] = []
            for tp in partitions { rows.append(["\(tp.partition)", before[tp.partition].map(String.init) ?? "-", String(target[tp]!)]) }
            printTable(["PARTITION", "STORE NEXT", "NEW NEXT"], rows)
            if dryRun { print("dry run: nothing changed"); return }
            let plan = target
            try await db.write { db in
                for (tp, next) in plan { try Inbox.resetNextOffset(db, topic: topic, partition: tp.partition, next: next) }
            }
            print("store: \(store) now reads \(topic) from \(toLatest ? "the end" : "the start") of the broker's log; start the service")
        }
    }

    struct Offsets: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a store's applied offsets beside the broker's log.")
        @OptionGroup var broker: BrokerOptions
        @Option(help: "The service's store file.") var store: String

        func run() async throws {
            let next = try await DatabaseQueue(path: store).read { try Inbox.nextOffsets($0) }
            let admin = try broker.admin()
            var rows: [[String]] = []
            for (topic, parts) in next.sorted(by: { $0.key < $1.key }) {
                for (p, n) in parts.sorted(by: { $0.key < $1.key }) {
                    let marks = try? await admin.watermarks(TopicPartition(topic, p))
                    let state = marks.map { n > $0.high ? "STORE AHEAD OF LOG" : (n < $0.low ? "LOG TRUNCATED PAST STORE" : "ok") } ?? "no such partition"
                    rows.append([topic, "\(p)", "\(n)", marks.map { "\($0.low)" } ?? "-", marks.map { "\($0.high)" } ?? "-", state])
                }
            }
            printTable(["TOPIC", "PARTITION", "STORE NEXT", "LOG START", "LOG END", "STATE"], rows)
        }
    }
}
