import ArgumentParser
import DoudiDomain
import Envelope
import Foundation
import Kafka
import Ledger
import ServiceKit

/// `doudi topics repartition`: moves the suite to a new generation of its topics with another
/// partition count (docs/scaling.md, "Partition count is a deployment setting"; the rules of what
/// is copied are `Generation.fate`). It creates every topic of the new namespace, then copies the
/// old generation partition by partition, in offset order and by the same key, so that each key's
/// events keep their order on the new partitions; a copy keeps the key, the headers (the event's
/// id, source, time and cause) and the record time. What a rebuilt service derived is left for it
/// to derive again; each day of `clock.ticks` is ticked again on every new partition.
///
/// Progress is committed as the offsets of the group `doudi-repartition.<to-namespace>` after every
/// acknowledged batch: run again, it goes on where it stopped (a batch cut short by a crash is sent
/// again; the rebuilt services, which start after the copy, apply it minutes apart, well inside the
/// replay horizon in which an id is recognised, and the kept services read from the end).
extension TopicsCommand {
    struct Repartition: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the suite's topics to a new namespace with another partition count (the suite stopped first; docs/scaling.md).")
        @OptionGroup var broker: BrokerOptions
        @Option(help: "The old generation's namespace (default: DOUDI_TOPIC_NAMESPACE, often empty).")
        var fromNamespace: String = Topics.namespace
        @Option(help: "The new generation's namespace, e.g. g2. (it prefixes every topic name; the services run with DOUDI_TOPIC_NAMESPACE set to it).")
        var toNamespace: String
        @Option(help: "Partitions of every topic of the new generation (the most replicas a service can use). Not with --verify.") var partitions: Int?
        @Option(help: "Replication factor (3 in production).") var replicationFactor = 1
        @Option(help: "min.insync.replicas (2 in production; omitted when 0).") var minInsyncReplicas = 0
        @Option(help: "Days the new deadletter topic keeps a dead letter. 0 keeps them forever.") var deadletterRetentionDays = 90
        @Flag(help: "Count what would be copied, create and copy nothing.") var dryRun = false
        @Option(help: "A consumer group that only reads the old generation (a department's subscription): it may stay live during the copy. Repeatable.")
        var reader: [String] = []
        @Flag(help: "Once the rebuilt services have caught up: check that every copied event arrived, that the new generation holds no event the old one did not, and that both fold to the same ledger (exit 1 if not).")
        var verify = false

        func validate() throws {
            guard toNamespace != fromNamespace else { throw ValidationError("--to-namespace must differ from --from-namespace (\"\(fromNamespace)\")") }
            guard toNamespace.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
                throw ValidationError("--to-namespace may hold letters, digits, '.', '_' and '-' only, got \(toNamespace)")
            }
            if verify {
                guard partitions == nil, !dryRun else { throw ValidationError("--verify takes neither --partitions nor --dry-run") }
            } else {
                guard let partitions else { throw ValidationError("--partitions is required (the new generation's partition count)") }
                guard (1...10_000).contains(partitions) else { throw ValidationError("--partitions must be between 1 and 10000, got \(partitions)") }
            }
        }

        /// The groups with live members that may write to the old generation: a suite service's
        /// default group (`doudi-<service>`), and any other group with offsets committed on the old
        /// generation's topics — a service run with its own `DOUDI_GROUP_ID`, or a reader that only
        /// reads (a department's subscription), which `--reader` names. Tansu reports neither the
        /// members' client ids nor their subscriptions, so a group is known by its commits; the
        /// client ids are shown when the broker reports them (Apache Kafka does).
        static func liveGroups(_ admin: KafkaAdmin, on old: [TopicPartition], readers: Set<String>) async throws -> [GroupInfo] {
            let services = Set(KafkaAccess.services.map { "doudi-\($0)" })
            var live: [GroupInfo] = []
            for g in try await admin.listGroups() where g.memberCount > 0 && !readers.contains(g.name) {
                if services.contains(g.name) { live.append(g); continue }
                if try await !admin.groupOffsets(g.name, partitions: old).isEmpty { live.append(g) }
            }
            return live
        }

        func run() async throws {
            if verify { return try await Verification(kafka: broker.kafka, from: fromNamespace, to: toNamespace).run() }
            let partitions = partitions!
            let admin = try broker.admin()
            var sourcePartitions: [TopicPartition] = []
            for t in Topics.all(namespace: fromNamespace) { sourcePartitions += try await admin.partitions(of: t) }
            guard !sourcePartitions.isEmpty else {
                throw ValidationError("no topic of the namespace \"\(fromNamespace)\" on \(broker.brokers): nothing to copy (is --from-namespace right?)")
            }
            // An existing new generation must have the count asked for (a second run goes on with it).
            for t in Topics.all(namespace: toNamespace) {
                let existing = try await admin.partitions(of: t).count
                if existing != 0 && existing != partitions {
                    throw ValidationError("\(t) already exists with \(existing) partitions, not \(partitions): choose another --to-namespace")
                }
            }
            // What a running service appends after the copy has read its partition would be lost.
            if !dryRun {
                let live = try await Self.liveGroups(admin, on: sourcePartitions, readers: Set(reader))
                if !live.isEmpty {
                    let named = live.map { g in
                        let clients = Set(g.clientIDs.filter { !$0.isEmpty }).sorted()
                        return "\(g.name) (\(g.memberCount) live member(s)\(clients.isEmpty ? "" : ": " + clients.joined(separator: ", ")))"
                    }
                    throw ValidationError("groups with live members read the old generation: \(named.joined(separator: "; ")). "
                                          + "Stop the suite's services and producers first; a group that only reads (a department's "
                                          + "subscription) may be named with --reader <group>")
                }
                try await TopicsCommand.createAll(broker, namespace: toNamespace, partitions: partitions, replicationFactor: replicationFactor,
                                                  minInsyncReplicas: minInsyncReplicas, deadletterRetentionDays: deadletterRetentionDays)
            }

            // Where to start: what an earlier run committed, else the start of the log; where to
            // stop: after each partition's last record now.
            let group = "doudi-repartition.\(toNamespace)"
            let committed = try await admin.groupOffsets(group, partitions: sourcePartitions)
            let lastRecords = try await TopicSnapshot(configuration: broker.kafka).ends(sourcePartitions)
            var starts: [TopicPartition: Int64] = [:], ends: [TopicPartition: Int64] = [:]
            for tp in sourcePartitions {
                let low = try await admin.watermarks(tp).low
                let start = max(committed[tp] ?? low, low), end = lastRecords[tp] ?? 0
                if end > start { starts[tp] = start; ends[tp] = end }
            }
            let resumed = committed.values.contains { $0 > 0 }
            print("repartition: \"\(fromNamespace)\" → \"\(toNamespace)\" with \(partitions) partitions; "
                  + "\(ends.keys.reduce(Int64(0)) { $0 + ends[$1]! - starts[$1]! }) events to read on \(starts.count) of the \(sourcePartitions.count) old partitions"
                  + (resumed ? " (going on from the offsets committed by an earlier run)" : ""))

            let copier = try Copier(kafka: broker.kafka, from: fromNamespace, to: toNamespace, partitions: partitions, dryRun: dryRun)
            let counts = try await copier.copy(starts: starts, ends: ends, group: group)

            printTable(["TOPIC", "READ", "COPIED", "DERIVED AGAIN", "TICKED AGAIN", "LEFT"], ContractTopic.allCases.compactMap { t in
                guard let c = counts[t], c.read > 0 else { return nil }
                return [t.name, String(c.read), String(c.copied), String(c.derived), String(c.ticked), String(c.left)]
            })
            if !copier.days.isEmpty {
                print("clock: \(copier.days.count) day(s) \(dryRun ? "to tick" : "ticked") again on each of the \(partitions) partitions")
            }
            if dryRun { print("dry run: nothing created or copied"); return }
            let rebuilt = Generation.rebuilt.map { "doudi-\($0)" }.joined(separator: " and ")
            print("""
                repartition: copied. Next (docs/scaling.md, "Raising the partition count"):
                  1. start \(rebuilt) on the new generation with empty data directories (DOUDI_TOPIC_NAMESPACE=\(toNamespace), \
                DOUDI_TASKS up to \(partitions), DOUDI_ROUTER_WALLCLOCK=0) and wait until `doudi lag` shows them caught up;
                  2. doudi topics repartition --verify --from-namespace "\(fromNamespace)" --to-namespace "\(toNamespace)": it names \
                the day the old generation's clock reached; tick it on the new one (doudi clock tick --day), wait, and verify again \
                until it passes;
                  3. for every other service's store: doudi store rebaseline --store <file> --to-latest --new-namespace "\(toNamespace)";
                  4. start the other services, restart \(rebuilt) with their usual settings, and move the producers and the \
                departments to the new generation.
                """)
        }
    }
}

/// `--verify`, once the rebuilt services have caught up: every event the copy was to carry
/// (`Generation.fate` `.copied`: outside facts, the kept services' events, the operators' writes
/// and reads) is on the new generation under its id; the new generation holds no event the old
/// did not (by `ce_source` and `ce_id`), but the access records of reads made on it since; and the
/// business ledger folded from each (`doudi ledger digest`) is the same. Events a rebuilt service
/// derived on the old generation and not on the new are counted, not failed: the old generation
/// read the same facts in another order and may have taken steps the rebuild does not need (an
/// escalation taken back once a decision dated in time arrived), whose end state the ledger
/// compares. A copied event missing means the copy lost it; an event only the new generation
/// holds, or a ledger difference, means the rebuild has not caught up or decided otherwise (a
/// re-evaluation under other standards), and moving the kept services past it would hide it from
/// them. Ledger differences are printed by section, key and path, with personal fields hidden.
private struct Verification {
    let kafka: KafkaConfiguration
    let from: String, to: String

    func run() async throws {
        let topics = ContractTopic.allCases.filter { $0 != .deadletter && $0 != .clockTicks }
        var lastDay: CivilDate?
        var times: [String: String] = [:]
        /// The old generation's events the copy was to carry, per topic.
        var copied: [ContractTopic: Set<String>] = [:]
        /// The ids (`ce_source ce_id`) on each topic of a generation; of the old one, also the
        /// events the copy was to carry and the latest day of the clock topics.
        func read(_ namespace: String, old: Bool) async throws -> [ContractTopic: Set<String>] {
            let byName = Dictionary(uniqueKeysWithValues: topics.map { (namespace + $0.name, $0) })
            let clockTopics = Set(Generation.clockTopics)
            var ids: [ContractTopic: Set<String>] = [:]
            try await TopicSnapshot(configuration: kafka).read(topics.map { namespace + $0.name }) { m in
                guard let t = byName[m.topic], let id = m.header("ce_id") else { return }
                let source = m.header("ce_source") ?? "", key = source + " " + id
                ids[t, default: []].insert(key)
                times[key] = (m.header("ce_type") ?? "") + " at " + (m.header("ce_time") ?? "")
                if old, Generation.fate(topic: t, source: source, caused: m.header("ce_causationid") != nil) == .copied {
                    copied[t, default: []].insert(key)
                }
                if old, clockTopics.contains(t), let day = m.header("ce_time").flatMap({ CivilDate(iso: $0) }), lastDay.map({ day > $0 }) ?? true {
                    lastDay = day
                }
            }
            return ids
        }
        let old = try await read(from, old: true), new = try await read(to, old: false)
        var rows: [[String]] = [], examples: [String] = []
        var differing = 0, lost = 0
        for t in topics {
            let o = old[t] ?? [], n = new[t] ?? []
            guard !o.isEmpty || !n.isEmpty else { continue }
            // A copied event missing was lost by the copy; what a rebuilt service derived and did
            // not derive again was an intermediate step (above).
            let missingCopies = (copied[t] ?? []).subtracting(n)
            let notAgain = o.subtracting(n).subtracting(missingCopies)
            // Reads made on the new generation since the copy are recorded there only.
            let extra = t == .auditAccess ? [] : n.subtracting(o)
            differing += extra.count; lost += missingCopies.count
            examples += missingCopies.sorted().prefix(3).map { "\(t.name): copied event missing from the new generation \($0) (\(times[$0] ?? ""))" }
            examples += extra.sorted().prefix(3).map { "\(t.name): only in the new generation \($0) (\(times[$0] ?? ""))" }
            rows.append([t.name, String(o.count), String(n.count), String(missingCopies.count), String(notAgain.count), String(extra.count)])
        }
        printTable(["TOPIC", "OLD", "NEW", "COPY MISSING", "NOT DERIVED AGAIN", "NEW ONLY"], rows)
        let oldLedger = try await LedgerReader.read(kafka, namespace: from).ledger
        let newLedger = try await LedgerReader.read(kafka, namespace: to).ledger
        let ledgerDifferences = oldLedger.differences(from: newLedger)
        print(ledgerDifferences.isEmpty ? "ledger: the same in every section (total \(newLedger.totalDigest.prefix(16)))"
              : "ledger: \(ledgerDifferences.count) difference(s) (old generation vs new):")
        for d in ledgerDifferences.prefix(10) { print(d) }
        if let lastDay {
            print("clock: the old generation's events reach \(lastDay); on the new one, once the rebuilt services have caught up: "
                  + "DOUDI_TOPIC_NAMESPACE=\(to) doudi clock tick --day \(lastDay)")
        }
        guard lost == 0 else {
            examples.forEach { print($0) }
            print("verify: \(lost) copied event(s) missing from the new generation (a producer appended them to the old one after "
                  + "the copy, or the copy lost them). Stop what still writes to the old generation and run the copy again "
                  + "(doudi topics repartition --from-namespace \"\(from)\" --to-namespace \"\(to)\" --partitions <the same count>): "
                  + "it goes on from its committed offsets; if they are still missing, delete the new generation's topics and its "
                  + "group doudi-repartition.\(to), and copy again (docs/scaling.md, \"Raising the partition count\")")
            throw ExitCode(1)
        }
        guard differing == 0 && ledgerDifferences.isEmpty else {
            examples.forEach { print($0) }
            print("verify: \(differing) event(s) only in the new generation, \(ledgerDifferences.count) ledger difference(s): "
                  + "wait until the rebuilt services have caught up (doudi lag), "
                  + "tick the day above if you have not, and verify again; if it still differs, do not move the other services "
                  + "(docs/scaling.md, \"Raising the partition count\")")
            throw ExitCode(1)
        }
        let notAgain = topics.reduce(0) { $0 + (old[$1] ?? []).subtracting(new[$1] ?? []).count }
        print("verify: every copied event arrived, the new generation holds no event the old one did not, and the same ledger"
              + (notAgain > 0 ? " (\(notAgain) intermediate event(s) of the old generation were not needed again)" : ""))
    }
}

/// The copy itself: one consumer on the old partitions (no group join), one idempotent producer.
private final class Copier {
    struct Counts { var read = 0, copied = 0, derived = 0, ticked = 0, left = 0 }
    let kafka: KafkaConfiguration
    let from: String, to: String, partitions: Int, dryRun: Bool
    let byName: [String: ContractTopic]
    /// The days `clock.ticks` held.
    private(set) var days = Set<CivilDate>()

    init(kafka: KafkaConfiguration, from: String, to: String, partitions: Int, dryRun: Bool) throws {
        self.kafka = kafka; self.from = from; self.to = to; self.partitions = partitions; self.dryRun = dryRun
        byName = Dictionary(uniqueKeysWithValues: ContractTopic.allCases.map { (from + $0.name, $0) })
    }

    func copy(starts: [TopicPartition: Int64], ends: [TopicPartition: Int64], group: String) async throws -> [ContractTopic: Counts] {
        var counts: [ContractTopic: Counts] = [:]
        guard !starts.isEmpty else { return counts }
        var config = KafkaConsumerConfiguration(kafka, groupID: group, topics: [])
        config.sessionTimeoutMs = 6000
        let consumer = try KafkaConsumer(configuration: config)
        let producer = dryRun ? nil : try KafkaProducer(configuration: KafkaProducerConfiguration(kafka))
        let admin = try KafkaAdmin(configuration: kafka)
        try await consumer.assign(starts)
        var pending = Set(starts.keys)
        var done: Int64 = 0
        let started = ContinuousClock.now
        var lastProgress = started, lastReport = started
        var reached: [TopicPartition: Int64] = starts
        while true {
            // Once every partition reached its end, what is already fetched is copied too (Tansu's
            // end may fall inside the last batch), then the copy stops.
            let batch = try await consumer.poll(maxCount: 5000, timeoutMs: pending.isEmpty ? 0 : 200)
            if batch.isEmpty {
                if pending.isEmpty { break }
                if ContinuousClock.now - lastProgress > .seconds(30), let tp = pending.sorted().first {
                    await consumer.close()
                    throw TopicSnapshot.Incomplete(partition: tp, reached: reached[tp] ?? 0, end: ends[tp] ?? 0)
                }
                continue
            }
            lastProgress = .now
            var out: [OutgoingMessage] = []
            var next: [TopicPartition: Int64] = [:]
            for m in batch {
                guard let topic = byName[m.topic] else { continue }
                counts[topic, default: Counts()].read += 1
                next[m.topicPartition] = max(next[m.topicPartition] ?? 0, m.offset + 1)
                reached[m.topicPartition] = max(reached[m.topicPartition] ?? 0, m.offset + 1)
                if let end = ends[m.topicPartition], m.offset >= end - 1 { pending.remove(m.topicPartition) }
                done += 1
                switch Generation.fate(topic: topic, source: m.header("ce_source") ?? "", caused: m.header("ce_causationid") != nil) {
                case .copied:
                    counts[topic]!.copied += 1
                    out.append(OutgoingMessage(topic: to + topic.name, key: m.key, value: m.value, headers: m.headers, timestampMs: m.timestampMs))
                case .derivedAgain: counts[topic]!.derived += 1
                case .left: counts[topic]!.left += 1
                case .tickedAgain:
                    counts[topic]!.ticked += 1
                    // Sent with the batch, before its offsets are committed: a run cut short loses no day.
                    if let tick = try? JSONDecoder().decode(ClockTick.self, from: Data(m.value)), let day = CivilDate(iso: tick.day),
                       days.insert(day).inserted {
                        out += try ClockTicks.messages(day: day, topic: to + ContractTopic.clockTicks.name,
                                                       partitions: (0..<Int32(partitions)).map { $0 })
                    }
                }
            }
            if let producer {
                try await producer.send(out)
                try await admin.alterGroupOffsets(group, offsets: next)
            }
            if ContinuousClock.now - lastReport > .seconds(5) {
                lastReport = .now
                FileHandle.standardError.write(Data("repartition: \(done) events read, \(pending.count) of \(starts.count) partitions still to finish\n".utf8))
            }
        }
        await consumer.close()
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(String(format: "repartition: %lld events read in %.1f s (%.0f events/s)", done, seconds, Double(done) / max(seconds, 0.001)))
        return counts
    }
}
