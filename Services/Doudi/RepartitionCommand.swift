import ArgumentParser
import DoudiDomain
import Envelope
import Foundation
import Kafka
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
/// again, and every service recognises an event it has applied by its id).
extension TopicsCommand {
    struct Repartition: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the suite's topics to a new namespace with another partition count (the suite stopped first; docs/scaling.md).")
        @OptionGroup var broker: BrokerOptions
        @Option(help: "The old generation's namespace (default: DOUDI_TOPIC_NAMESPACE, often empty).")
        var fromNamespace: String = Topics.namespace
        @Option(help: "The new generation's namespace, e.g. g2. (it prefixes every topic name; the services run with DOUDI_TOPIC_NAMESPACE set to it).")
        var toNamespace: String
        @Option(help: "Partitions of every topic of the new generation (the most replicas a service can use).") var partitions: Int
        @Option(help: "Replication factor (3 in production).") var replicationFactor = 1
        @Option(help: "min.insync.replicas (2 in production; omitted when 0).") var minInsyncReplicas = 0
        @Option(help: "Days the new deadletter topic keeps a dead letter. 0 keeps them forever.") var deadletterRetentionDays = 90
        @Flag(help: "Count what would be copied, create and copy nothing.") var dryRun = false

        func validate() throws {
            guard toNamespace != fromNamespace else { throw ValidationError("--to-namespace must differ from --from-namespace (\"\(fromNamespace)\")") }
            guard (1...10_000).contains(partitions) else { throw ValidationError("--partitions must be between 1 and 10000, got \(partitions)") }
            guard toNamespace.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
                throw ValidationError("--to-namespace may hold letters, digits, '.', '_' and '-' only, got \(toNamespace)")
            }
        }

        func run() async throws {
            let admin = try broker.admin()
            let sources = ContractTopic.allCases.map { (topic: $0, name: fromNamespace + $0.name) }
            var sourcePartitions: [TopicPartition] = []
            for s in sources { sourcePartitions += try await admin.partitions(of: s.name) }
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
            if !dryRun {
                try await TopicsCommand.createAll(broker, namespace: toNamespace, partitions: partitions, replicationFactor: replicationFactor,
                                                  minInsyncReplicas: minInsyncReplicas, deadletterRetentionDays: deadletterRetentionDays)
            }

            // Where to start: what an earlier run committed, else the start of the log.
            let group = "doudi-repartition.\(toNamespace)"
            let committed = try await admin.groupOffsets(group, partitions: sourcePartitions)
            var starts: [TopicPartition: Int64] = [:], ends: [TopicPartition: Int64] = [:]
            for tp in sourcePartitions {
                let (low, high) = try await admin.watermarks(tp)
                let start = max(committed[tp] ?? low, low)
                if high > start { starts[tp] = start; ends[tp] = high }
            }
            let resumed = committed.values.contains { $0 > 0 }
            print("repartition: \"\(fromNamespace)\" → \"\(toNamespace)\" with \(partitions) partitions; reading \(starts.count) of the "
                  + "\(sourcePartitions.count) old partitions to the ends they have now"
                  + (resumed ? " (going on from the offsets committed by an earlier run)" : ""))

            let copier = try Copier(kafka: broker.kafka, from: fromNamespace, to: toNamespace, partitions: partitions, dryRun: dryRun)
            let counts = try await copier.copy(starts: starts, ends: ends, group: group)

            let ticked = copier.days.count * partitions
            printTable(["TOPIC", "READ", "COPIED", "DERIVED AGAIN", "LEFT"], ContractTopic.allCases.compactMap { t in
                guard let c = counts[t], c.read > 0 else { return nil }
                return [t.name, String(c.read), String(c.copied), String(c.derived), String(c.left)]
            })
            if !copier.days.isEmpty { print("clock: \(copier.days.count) day(s) \(dryRun ? "to tick" : "ticked") again on every partition (\(ticked) ticks)") }
            if dryRun { print("dry run: nothing created or copied"); return }
            print("""
                repartition: done. Next (docs/scaling.md, "Raising the partition count"):
                  1. start \(Generation.rebuilt.map { "doudi-\($0)" }.joined(separator: " and ")) on the new generation with empty data directories \
                (DOUDI_TOPIC_NAMESPACE=\(toNamespace), DOUDI_TASKS up to \(partitions)) and wait until `doudi lag` shows them caught up;
                  2. for every other service's store: doudi store rebaseline --store <file> --to-latest --new-namespace \(toNamespace);
                  3. start the other services and the producers on the new generation.
                """)
        }
    }
}

/// The copy itself: one consumer on the old partitions (no group join), one idempotent producer.
private final class Copier {
    struct Counts { var read = 0, copied = 0, derived = 0, left = 0 }
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
        var lastProgress = ContinuousClock.now, lastReport = ContinuousClock.now
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
                    counts[topic]!.derived += 1
                    // Sent with the batch, before its offsets are committed: a run cut short loses no day.
                    if let tick = try? JSONDecoder().decode(ClockTick.self, from: Data(m.value)), let day = CivilDate(iso: tick.day),
                       days.insert(day).inserted {
                        out += try (0..<partitions).map { p in
                            let e = try ClockTick.event(day: day, partition: p)
                            return OutgoingMessage(topic: to + ContractTopic.clockTicks.name, key: e.key.map { Array($0.utf8) }, value: e.data,
                                                   headers: e.headers.map { KafkaHeader($0.0, $0.1) }, partition: Int32(p))
                        }
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
        return counts
    }
}
