import CRdKafka
import Foundation
import Logging

/// An idempotent producer (`acks=all`) whose sends complete when the broker acknowledges.
///
/// librdkafka delivers reports on a dedicated polling thread, so no cooperative-pool thread
/// ever blocks. `send(_:)` returns only when every message of the batch is acknowledged,
/// or throws the first delivery error.
public final class KafkaProducer: @unchecked Sendable {
    let handle: OpaquePointer
    private let poller: PollThread
    private let logger: Logger

    public init(configuration: KafkaProducerConfiguration, logger: Logger = Logger(label: "doudi.kafka.producer")) throws {
        self.logger = logger
        let conf = try makeNativeConf(configuration.properties)
        rd_kafka_conf_set_dr_msg_cb(conf) { _, message, _ in
            guard let message, let opaque = message.pointee._private else { return }
            let slot = Unmanaged<DeliverySlot>.fromOpaque(opaque).takeRetainedValue()
            let err = message.pointee.err
            slot.ticket.complete(slot.index, err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError(err, context: "delivery"))
        }
        handle = try makeHandle(RD_KAFKA_PRODUCER, conf: conf)
        let rk = handle
        poller = PollThread(name: "kafka-producer-poll") { rd_kafka_poll(rk, 50) }
    }

    /// Sends a batch and waits for every acknowledgement. Retries enqueueing while librdkafka's
    /// local queue is full; a delivery failure (after librdkafka's own retries) is thrown.
    public func send(_ messages: [OutgoingMessage]) async throws {
        if let error = await sendEach(messages).lazy.compactMap({ $0 }).first { throw error }
    }

    /// Sends a batch and returns, per message and in order, nil when the broker acknowledged it or
    /// the error that failed it. After a message that could not be enqueued the rest are not
    /// attempted (`KafkaError.notAttempted`), so that nothing overtakes it on its partition.
    public func sendEach(_ messages: [OutgoingMessage]) async -> [KafkaError?] {
        guard !messages.isEmpty else { return [] }
        return await withCheckedContinuation { (continuation: CheckedContinuation<[KafkaError?], Never>) in
            let ticket = DeliveryTicket(count: messages.count, continuation: continuation)
            Task {
                for (index, message) in messages.enumerated() {
                    let opaque = Unmanaged.passRetained(DeliverySlot(ticket: ticket, index: index)).toOpaque()
                    while true {
                        let err = self.enqueue(message, opaque: opaque)
                        if err == RD_KAFKA_RESP_ERR_NO_ERROR { break }
                        if err == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                            try? await Task.sleep(for: .milliseconds(5))
                            continue
                        }
                        // Not enqueued: release its slot and fail it and the rest of the batch.
                        Unmanaged<DeliverySlot>.fromOpaque(opaque).release()
                        ticket.complete(index, KafkaError(err, context: "produce to \(message.topic)"))
                        for rest in (index + 1)..<messages.count { ticket.complete(rest, .notAttempted) }
                        return
                    }
                }
            }
        }
    }

    public func send(_ message: OutgoingMessage) async throws { try await send([message]) }

    private func enqueue(_ message: OutgoingMessage, opaque: UnsafeMutableRawPointer) -> rd_kafka_resp_err_t {
        let headers = rd_kafka_headers_new(message.headers.count)!
        for h in message.headers {
            h.value.withUnsafeBytes { _ = rd_kafka_header_add(headers, h.key, -1, $0.baseAddress, $0.count) }
        }
        let err: rd_kafka_resp_err_t = message.topic.withCString { topic in
            message.value.withUnsafeBytes { value in
                (message.key ?? []).withUnsafeBytes { key in
                    var vus = [rd_kafka_vu_t](repeating: rd_kafka_vu_t(), count: message.timestampMs == nil ? 7 : 8)
                    vus[0].vtype = RD_KAFKA_VTYPE_TOPIC; vus[0].u.cstr = topic
                    vus[1].vtype = RD_KAFKA_VTYPE_VALUE
                    vus[1].u.mem.ptr = UnsafeMutableRawPointer(mutating: value.baseAddress); vus[1].u.mem.size = value.count
                    vus[2].vtype = RD_KAFKA_VTYPE_KEY
                    vus[2].u.mem.ptr = message.key == nil ? nil : UnsafeMutableRawPointer(mutating: key.baseAddress)
                    vus[2].u.mem.size = message.key == nil ? 0 : key.count
                    vus[3].vtype = RD_KAFKA_VTYPE_HEADERS; vus[3].u.headers = headers
                    vus[4].vtype = RD_KAFKA_VTYPE_OPAQUE; vus[4].u.ptr = opaque
                    vus[5].vtype = RD_KAFKA_VTYPE_MSGFLAGS; vus[5].u.i = RD_KAFKA_MSG_F_COPY
                    vus[6].vtype = RD_KAFKA_VTYPE_PARTITION; vus[6].u.i32 = message.partition ?? RD_KAFKA_PARTITION_UA
                    if let ms = message.timestampMs { vus[7].vtype = RD_KAFKA_VTYPE_TIMESTAMP; vus[7].u.i64 = ms }
                    guard let error = rd_kafka_produceva(handle, vus, vus.count) else { return RD_KAFKA_RESP_ERR_NO_ERROR }
                    let code = rd_kafka_error_code(error)
                    rd_kafka_error_destroy(error)
                    return code
                }
            }
        }
        // On success librdkafka owns the headers; otherwise they are ours to free.
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { rd_kafka_headers_destroy(headers) }
        return err
    }

    /// With `test.mock.num.brokers` set: the mock cluster's bootstrap address (for unit tests).
    public var mockBootstrapServers: String? {
        guard let cluster = rd_kafka_handle_mock_cluster(handle) else { return nil }
        return String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    /// Creates a topic on the mock cluster (unit tests; the mock has no controller for CreateTopics).
    public func createMockTopic(_ name: String, partitions: Int) throws {
        guard let cluster = rd_kafka_handle_mock_cluster(handle) else { throw KafkaError.config("not a mock cluster") }
        try KafkaError.check(rd_kafka_mock_topic_create(cluster, name, Int32(partitions), 1), "mock topic \(name)")
    }

    /// Waits until everything queued is delivered (used at shutdown).
    public func flush(timeoutMs: Int32 = 30_000) async {
        let rk = handle
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async { _ = rd_kafka_flush(rk, timeoutMs); c.resume() }
        }
    }

    deinit {
        rd_kafka_flush(handle, 10_000)
        poller.stop()
        rd_kafka_destroy(handle)
    }
}

/// One message of a batch in flight: which batch, which position.
final class DeliverySlot: @unchecked Sendable {
    let ticket: DeliveryTicket
    let index: Int
    init(ticket: DeliveryTicket, index: Int) { self.ticket = ticket; self.index = index }
}

/// Collects the delivery results of one batch and resumes its caller once, when all are in.
final class DeliveryTicket: @unchecked Sendable {
    private let lock = NSLock()
    private var remaining: Int
    private var results: [KafkaError?]
    private var continuation: CheckedContinuation<[KafkaError?], Never>?

    init(count: Int, continuation: CheckedContinuation<[KafkaError?], Never>) {
        self.remaining = count; self.results = Array(repeating: nil, count: count); self.continuation = continuation
    }

    func complete(_ index: Int, _ error: KafkaError?) {
        lock.lock()
        results[index] = error
        remaining -= 1
        let done = remaining <= 0 ? continuation : nil
        if done != nil { continuation = nil }
        let all = results
        lock.unlock()
        done?.resume(returning: all)
    }
}

/// A thread that calls a blocking poll function until stopped.
final class PollThread: @unchecked Sendable {
    private let lock = NSLock()
    private var running = true
    private let done = DispatchSemaphore(value: 0)

    init(name: String, poll: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            while isRunning { poll() }
            done.signal()
        }
        thread.name = name
        thread.start()
    }

    private var isRunning: Bool { lock.lock(); defer { lock.unlock() }; return running }

    func stop() {
        lock.lock(); running = false; lock.unlock()
        done.wait()
    }
}
