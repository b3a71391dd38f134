import ArgumentParser
import Envelope
import Foundation
import Kafka

/// Kafka's `--reset-offsets` for a stopped consumer group: services then re-read, and their
/// applied-markers make re-delivered events change nothing.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay", abstract: "Reset a stopped consumer group's offsets (to a time, the start, an offset, or by a shift).")
    @OptionGroup var broker: BrokerOptions
    @Option(help: "Consumer group, e.g. doudi-matcher or a department's own group.") var group: String
    @Option(help: "Only this topic (default: every topic the group has committed offsets on).") var topic: String?
    @Option(help: "RFC 3339 time or date, e.g. 2026-11-28T08:00:00+08:00.") var toDatetime: String?
    @Flag(help: "To the earliest offset.") var toEarliest = false
    @Option(help: "To this offset on every partition (clamped to what exists).") var toOffset: Int64?
    @Option(help: "Move by N (negative: back).") var shiftBy: Int64?
    @Flag(help: "Print the change and do nothing.") var dryRun = false

    func validate() throws {
        let chosen = [toDatetime != nil, toEarliest, toOffset != nil, shiftBy != nil].filter { $0 }.count
        guard chosen == 1 else { throw ValidationError("give exactly one of --to-datetime, --to-earliest, --to-offset, --shift-by") }
        if let t = toDatetime, Timestamp.milliseconds(t) == nil { throw ValidationError("--to-datetime: not an RFC 3339 time or date: \(t)") }
    }

    func run() async throws {
        let admin = try broker.admin()
        let live = try await admin.listGroups(group).first?.memberCount ?? 0
        if live > 0 && !dryRun {
            throw ValidationError("group \(group) has \(live) live member(s): stop its consumers first (a reset would be overwritten)")
        }
        let partitions = try await allPartitions(admin, topic: topic)
        if let topic, partitions.isEmpty { throw ValidationError("topic \(topic) does not exist") }
        let committed = try await admin.groupOffsets(group, partitions: partitions)
        let scope = topic == nil ? partitions.filter { committed[$0] != nil } : partitions
        guard !scope.isEmpty else { throw ValidationError("group \(group) has no committed offsets; nothing to replay") }
        var byTime: [TopicPartition: Int64]?
        if let t = toDatetime { byTime = try await admin.offsets(forTimestampMs: Timestamp.milliseconds(t)!, partitions: scope) }

        var plan: [TopicPartition: Int64] = [:]
        var rows: [[String]] = []
        for tp in scope.sorted() {
            let (low, high) = try await admin.watermarks(tp)
            let current = committed[tp]
            var target: Int64
            if toEarliest { target = low }
            else if let toOffset { target = toOffset }
            else if let shiftBy { target = (current ?? low) + shiftBy }
            else {
                // A time after the last message resolves to "end" (-1); some brokers answer 0 there.
                let t = byTime?[tp] ?? -1
                target = t < 0 ? high : t
            }
            target = min(max(target, low), high)
            plan[tp] = target
            rows.append([tp.topic, String(tp.partition), current.map(String.init) ?? "-", String(target),
                         String((current ?? target) - target)])
        }
        printTable(["TOPIC", "PARTITION", "CURRENT", "NEW", "RE-READ"], rows)
        if dryRun { print("dry run: nothing changed"); return }
        try await admin.alterGroupOffsets(group, offsets: plan)
        print("group \(group): \(plan.count) partition offset(s) reset; start the service to replay")
    }
}
