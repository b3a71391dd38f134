import ArgumentParser
import DoudiDomain
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
        @Option(help: "The topic whose log was lost or recreated.") var topic: String?
        @Option(help: "After `doudi topics repartition`: every topic the store has read, under this new namespace (with --to-latest, once the rebuilt services have caught up; docs/scaling.md).")
        var newNamespace: String?
        @Flag(help: "Start after the log's current end instead of its start (skips what it holds now).") var toLatest = false
        @Option(help: "Also set this consumer group's committed offsets to the same place, so that `doudi lag` agrees with the store (with --new-namespace the default is DOUDI_GROUP_ID, else the service's default group doudi-<service>).")
        var group: String?
        @Flag(help: "Show what would change.") var dryRun = false

        func validate() throws {
            guard (topic == nil) != (newNamespace == nil) else { throw ValidationError("give exactly one of --topic and --new-namespace") }
            if newNamespace != nil && !toLatest {
                throw ValidationError("--new-namespace needs --to-latest: the store has applied what the new generation holds")
            }
        }

        func run() async throws {
            guard FileManager.default.fileExists(atPath: store) else { throw ValidationError("no store at \(store)") }
            let db = try DatabaseQueue(path: store)
            var topics = topic.map { [$0] } ?? []
            let service = (store as NSString).lastPathComponent.components(separatedBy: ".")[0]
            if let newNamespace {
                guard TaskStores.task(ofStoreFile: store) == nil, !Generation.rebuilt.contains(service) else {
                    throw ValidationError("\(store) is a store of \(Generation.rebuilt.joined(separator: " or ")), which start empty on the new generation (docs/scaling.md, \"Raising the partition count\")")
                }
                // The contract topics the store has read, whatever the old namespace was.
                let read = try await db.read { try Inbox.nextOffsets($0).keys.sorted() }
                let names = ContractTopic.allCases.map(\.name).sorted { $0.count > $1.count }
                topics = Set(read.compactMap { t in names.first { t.hasSuffix($0) }.map { newNamespace + $0 } }).sorted()
                // A service that never had an event (a handler no referral reached) reads the new
                // generation from its start: what it holds was not there for it in the old one either.
                guard !topics.isEmpty else { print("store: \(store) has applied no event of a contract topic: nothing to rebaseline"); return }
            }
            let admin = try broker.admin()
            // The service's own group by default, after a repartition (its file is <service>.sqlite).
            let group = group ?? newNamespace.map { _ in ProcessInfo.processInfo.environment["DOUDI_GROUP_ID"] ?? "doudi-\(service)" }
            var groupPlan: [TopicPartition: Int64] = [:]
            if let group, !dryRun, let live = try await admin.listGroups(group).first?.memberCount, live > 0 {
                throw ValidationError("group \(group) has \(live) live member(s): stop the service first")
            }
            for topic in topics {
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
                // The end: after the last record (a broker's high watermark may fall inside the last batch).
                let ends = toLatest ? try await TopicSnapshot(configuration: broker.kafka).ends(partitions) : [:]
                for tp in partitions {
                    target[tp] = try await toLatest ? ends[tp]! : admin.watermarks(tp).low
                }
                let before = try await db.read { try Inbox.nextOffsets($0)[topic] ?? [:] }
                print(topic)
                printTable(["PARTITION", "STORE NEXT", "NEW NEXT"], partitions.map { tp in
                    ["\(tp.partition)", before[tp.partition].map(String.init) ?? "-", String(target[tp]!)]
                })
                groupPlan.merge(target) { $1 }
                if dryRun { continue }
                let plan = target
                try await db.write { db in
                    for (tp, next) in plan { try Inbox.resetNextOffset(db, topic: topic, partition: tp.partition, next: next) }
                }
            }
            if dryRun { print("dry run: nothing changed"); return }
            if let group {
                try await admin.alterGroupOffsets(group, offsets: groupPlan)
                print("group \(group): \(groupPlan.count) partition offset(s) set with the store's")
            }
            print("store: \(store) now reads \(topics.count == 1 ? topics[0] : "\(topics.count) topics") from \(toLatest ? "the end" : "the start") of the broker's log; start the service")
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
