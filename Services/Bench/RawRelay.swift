import Foundation
import Kafka

/// (c) of the runtime benchmark: the limit of a service's two hops on this broker. librdkafka
/// consumes a batch (the services' consumer settings: group, manual commits, 25 ms fetch wait,
/// 4 MiB prefetch, fetches of at most 1 MiB) and produces every record unchanged (key, value, headers) with the services'
/// idempotent `acks=all` producer, waits for the acknowledgements, then commits the offsets without
/// waiting, fetching the next batch meanwhile — what `doudi-noop` does, minus the store, the
/// decoding and the derived event. It runs as its own process (`doudi-bench --relay-from … --relay-to …`),
/// like the no-op service, so that its CPU and peak RSS compare with the service's; `DOUDI_KAFKA_*`
/// settings apply to it as to the services.
enum RawRelay {
    static func run(kafka: KafkaConfiguration, from input: String, to output: String, group: String) async throws {
        var config = KafkaConsumerConfiguration(kafka, groupID: group, topics: [input])
        config.sessionTimeoutMs = 6000
        let consumer = try KafkaConsumer(configuration: config)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka))
        var pending: Task<[KafkaMessage], Error>? = nil
        let stop = StopOnSignal()
        while !stop.isSet {
            let batch = try await (pending ?? Task { try await consumer.poll(maxCount: 2000, timeoutMs: 100) }).value
            pending = Task { try await consumer.poll(maxCount: 2000, timeoutMs: 100) }
            if batch.isEmpty { continue }
            var next: [TopicPartition: Int64] = [:]
            try await producer.send(batch.map { m in
                next[m.topicPartition] = max(next[m.topicPartition] ?? 0, m.offset + 1)
                return OutgoingMessage(topic: output, key: m.key, value: m.value, headers: m.headers)
            })
            try? await consumer.commit(next, waitForBroker: false)
        }
        _ = try? await pending?.value
        await consumer.close()
    }
}

/// Set by SIGTERM or SIGINT (the benchmark stops its children with SIGTERM).
final class StopOnSignal: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]
    private let lock = NSLock()
    private var flag = false
    init() {
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            sources.append(DispatchSource.makeSignalSource(signal: sig, queue: .global()))
        }
        self.sources = sources
        for s in sources { s.setEventHandler { [weak self] in self?.set() }; s.resume() }
    }
    private func set() { lock.lock(); flag = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return flag }
}
