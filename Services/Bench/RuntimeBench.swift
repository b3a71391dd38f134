import Envelope
import Foundation
import Kafka

/// The foundation's benchmark: (a) the raw hop, librdkafka producing and consuming N 1 KiB
/// events with no processing; (b) the no-op service through the full runtime (consume, one
/// SQLite transaction per batch with applied-marker and outbox, produce). Both are timed from
/// the first send to the last event consumed, on the same broker in the same run.
struct RuntimeBench {
    let kafka: KafkaConfiguration
    let events: Int
    let workDir: String

    func rawHop() async throws -> Double {
        let topic = try await BenchSupport.freshTopics(kafka, ["raw"])[0]
        let consumer = try await BenchSupport.joinedConsumer(kafka, topic: topic)
        let started = ContinuousClock.now
        async let consumed = BenchSupport.consume(consumer, count: events)
        try await BenchSupport.produce(kafka, topic: topic, count: events, prefix: "raw")
        let got = try await consumed
        guard got == events else { throw BenchError("raw hop consumed \(got) of \(events)") }
        return Double(events) / BenchSupport.seconds(.now - started)
    }

    /// Returns events/s and the service's peak RSS in MiB.
    func noopService(batchSize: Int = 2000) async throws -> (rate: Double, rssMiB: Double) {
        let topics = try await BenchSupport.freshTopics(kafka, ["noop.in", "noop.out"])
        let dataDir = "\(workDir)/noop-\(EventID.random().prefix(6))"
        let service = try BenchSupport.start("doudi-noop", env: [
            "DOUDI_BROKERS": kafka.bootstrapServers, "DOUDI_NOOP_INPUT": topics[0], "DOUDI_NOOP_OUTPUT": topics[1],
            "DOUDI_GROUP_ID": "bench-\(topics[0])", "DOUDI_DATA_DIR": dataDir, "DOUDI_HTTP_PORT": "0",
            "DOUDI_BATCH_SIZE": String(batchSize), "DOUDI_SESSION_TIMEOUT_MS": "6000",
        ], log: "\(workDir)/noop.log")
        defer { BenchSupport.stop(service) }
        // Let it join the group first, so the measurement is of processing, not of the join.
        try await Task.sleep(for: .seconds(4))
        var rss = 0.0
        let consumer = try await BenchSupport.joinedConsumer(kafka, topic: topics[1])
        let started = ContinuousClock.now
        async let consumed = BenchSupport.consume(consumer, count: events)
        try await BenchSupport.produce(kafka, topic: topics[0], count: events, prefix: "noop")
        let got = try await consumed
        let elapsed = ContinuousClock.now - started
        rss = BenchSupport.peakRSSMiB(service.processIdentifier) ?? 0
        guard got >= events else { throw BenchError("no-op service delivered \(got) of \(events)") }
        return (Double(events) / BenchSupport.seconds(elapsed), rss)
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
