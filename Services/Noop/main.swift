// doudi-noop: the demo service, and the baseline of every benchmark. It does the least a real
// service does through the full runtime: decode, one state row, one derived event.
import Envelope
import GRDB
import ServiceKit

/// `pad`: the echo carries that many bytes of padding (how the runtime meets an event too large
/// for the broker). `fail`: applying the input throws an error that is not the input's fault, as
/// when a dependency is down (how the runtime retries, reports and finally dead-letters).
struct DemoInput: Codable { var n: Int; var text: String?; var pad: Int?; var fail: Bool? }
struct DemoOutput: Codable { var n: Int; var seen: Int; var pad: String? }

struct DemoDependencyUnavailable: Error, CustomStringConvertible {
    var description: String { "the demo dependency is unavailable" }
}

struct NoopProcessor: EventProcessor {
    let name = "noop"
    let inputTopics = [ProcessEnvironment.string("DOUDI_NOOP_INPUT", default: "demo.input")]
    let outputTopic = ProcessEnvironment.string("DOUDI_NOOP_OUTPUT", default: "demo.output")
    /// Its state is per key, and its one input is keyed: it splits by partition (DOUDI_TASKS).
    let partitionedState = true
    /// Read past without being applied (the tests of `EventProcessor.ignoredTypes`).
    let ignoredTypes: Set<String> = ["demo.ignored.v1"]

    func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("noop-v1") { db in
            try db.execute(sql: "CREATE TABLE demo_state(key TEXT PRIMARY KEY NOT NULL, seen INTEGER NOT NULL, total INTEGER NOT NULL) WITHOUT ROWID")
        }
    }

    func process(_ event: CloudEvent, in context: ProcessingContext) throws -> [OutgoingEvent] {
        let input = try event.decode(DemoInput.self)
        if input.fail == true { throw DemoDependencyUnavailable() }
        let key = event.key ?? "-"
        let seen = try Int.fetchOne(context.db.cachedStatement(sql: """
            INSERT INTO demo_state(key, seen, total) VALUES (?, 1, ?)
            ON CONFLICT(key) DO UPDATE SET seen = seen + 1, total = total + excluded.total RETURNING seen
            """), arguments: [key, input.n]) ?? 0
        let out = try context.derive(from: event, type: "demo.echoed.v1", discriminator: "echo", subject: event.subject,
                                     key: event.key, payload: DemoOutput(n: input.n, seen: seen,
                                                                       pad: input.pad.map { String(repeating: "x", count: max(0, min($0, 8 << 20))) }))
        return [OutgoingEvent(topic: outputTopic, event: out)]
    }
}

await ServiceRunner.main(processor: NoopProcessor(), defaultHTTPPort: 8090)
