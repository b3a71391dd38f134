import CRdKafka
import Foundation

public struct TopicSpec: Sendable {
    public var name: String
    public var partitions: Int
    public var replicationFactor: Int
    public var config: [String: String]
    public init(name: String, partitions: Int, replicationFactor: Int = 1, config: [String: String] = [:]) {
        self.name = name; self.partitions = partitions; self.replicationFactor = replicationFactor; self.config = config
    }
}

public struct TopicInfo: Sendable { public var name: String; public var partitions: Int }

public struct GroupInfo: Sendable {
    public var name: String
    public var state: String
    public var memberCount: Int
    /// Each live member's `client.id` (the services set `doudi-<service>`; Tansu reports none).
    public var clientIDs: [String] = []
}

/// Topic and consumer-group administration (what `doudi` and the tests need).
public final class KafkaAdmin: @unchecked Sendable {
    let handle: OpaquePointer
    private let timeoutMs: Int32

    public init(configuration: KafkaConfiguration, timeoutMs: Int32 = 15_000) throws {
        handle = try makeHandle(RD_KAFKA_PRODUCER, conf: try makeNativeConf(configuration.properties))
        self.timeoutMs = timeoutMs
    }

    deinit { rd_kafka_destroy(handle) }

    /// Creates the topics; one that exists already counts as created. Returns the names created now.
    @discardableResult
    public func createTopics(_ specs: [TopicSpec]) async throws -> [String] {
        let rk = handle, timeout = timeoutMs
        return try await blocking {
            var errstr = [CChar](repeating: 0, count: 512)
            var topics: [OpaquePointer?] = []
            defer { topics.forEach { rd_kafka_NewTopic_destroy($0) } }
            for spec in specs {
                guard let t = rd_kafka_NewTopic_new(spec.name, Int32(spec.partitions), Int32(spec.replicationFactor), &errstr, errstr.count) else {
                    throw KafkaError.config("topic \(spec.name): \(String(cString: errstr))")
                }
                for (k, v) in spec.config { try KafkaError.check(rd_kafka_NewTopic_set_config(t, k, v), "topic config \(k)") }
                topics.append(t)
            }
            return try AdminCall(rk, timeout).run { options, queue in
                topics.withUnsafeMutableBufferPointer { rd_kafka_CreateTopics(rk, $0.baseAddress, $0.count, options, queue) }
            } result: { event in
                var count = 0
                let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count)
                var created: [String] = []
                for i in 0..<count {
                    let r = results![i]
                    let err = rd_kafka_topic_result_error(r)
                    let name = String(cString: rd_kafka_topic_result_name(r))
                    if err == RD_KAFKA_RESP_ERR_NO_ERROR { created.append(name) }
                    else if err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS { throw KafkaError(err, context: "create topic \(name)") }
                }
                return created
            }
        }
    }

    public func listTopics() async throws -> [TopicInfo] {
        let rk = handle, timeout = timeoutMs
        return try await blocking {
            var md: UnsafePointer<rd_kafka_metadata>?
            try KafkaError.check(rd_kafka_metadata(rk, 1, nil, &md, timeout), "metadata")
            defer { rd_kafka_metadata_destroy(md) }
            let m = md!.pointee
            return (0..<Int(m.topic_cnt)).map { TopicInfo(name: String(cString: m.topics[$0].topic), partitions: Int(m.topics[$0].partition_cnt)) }
                .filter { !$0.name.hasPrefix("__") }.sorted { $0.name < $1.name }
        }
    }

    public func partitions(of topic: String) async throws -> [TopicPartition] {
        guard let info = try await listTopics().first(where: { $0.name == topic }) else { return [] }
        return (0..<info.partitions).map { TopicPartition(topic, Int32($0)) }
    }

    /// Low and high watermarks. Tansu reports the high one too low with multi-record batches.
    public func watermarks(_ tp: TopicPartition) async throws -> (low: Int64, high: Int64) {
        let rk = handle, timeout = timeoutMs
        return try await blocking {
            var low: Int64 = 0, high: Int64 = 0
            try KafkaError.check(rd_kafka_query_watermark_offsets(rk, tp.topic, tp.partition, &low, &high, timeout), "watermarks \(tp)")
            return (low, high)
        }
    }

    public func offsets(forTimestampMs ts: Int64, partitions: [TopicPartition]) async throws -> [TopicPartition: Int64] {
        try await offsetsForTimes(handle, timestampMs: ts, partitions: partitions, timeoutMs: timeoutMs)
    }

    /// Consumer groups with their state and number of live members (`group` nil: all).
    public func listGroups(_ group: String? = nil) async throws -> [GroupInfo] {
        let rk = handle, timeout = timeoutMs
        return try await blocking {
            var list: UnsafePointer<rd_kafka_group_list>?
            try KafkaError.check(rd_kafka_list_groups(rk, group, &list, timeout), "list groups")
            defer { rd_kafka_group_list_destroy(list) }
            let l = list!.pointee
            return (0..<Int(l.group_cnt)).map { i in
                let g = l.groups[i]
                let clients = (0..<Int(g.member_cnt)).compactMap { g.members?[$0].client_id.map { String(cString: $0) } }
                return GroupInfo(name: String(cString: g.group), state: g.state.map { String(cString: $0) } ?? "",
                                 memberCount: Int(g.member_cnt), clientIDs: clients)
            }.sorted { $0.name < $1.name }
        }
    }

    /// Committed offsets of a group (only partitions with a commit).
    public func groupOffsets(_ group: String, partitions: [TopicPartition]) async throws -> [TopicPartition: Int64] {
        let rk = handle, timeout = timeoutMs
        return try await blocking {
            let list = NativePartitionList(partitions.map { ($0, Int64(RD_KAFKA_OFFSET_INVALID)) })
            var request: [OpaquePointer?] = [rd_kafka_ListConsumerGroupOffsets_new(group, list.pointer)]
            defer { rd_kafka_ListConsumerGroupOffsets_destroy(request[0]) }
            return try AdminCall(rk, timeout).run { options, queue in
                request.withUnsafeMutableBufferPointer { rd_kafka_ListConsumerGroupOffsets(rk, $0.baseAddress, 1, options, queue) }
            } result: { event in
                var n = 0
                let groups = try groupResults(rd_kafka_ListConsumerGroupOffsets_result_groups(
                    rd_kafka_event_ListConsumerGroupOffsets_result(event), &n))
                return groups.filter { $0.value >= 0 }
            }
        }
    }

    /// Sets a group's committed offsets (the group must have no live members).
    public func alterGroupOffsets(_ group: String, offsets: [TopicPartition: Int64]) async throws {
        let rk = handle, timeout = timeoutMs
        try await blocking {
            let list = NativePartitionList(offsets.map { ($0.key, $0.value) })
            var request: [OpaquePointer?] = [rd_kafka_AlterConsumerGroupOffsets_new(group, list.pointer)]
            defer { rd_kafka_AlterConsumerGroupOffsets_destroy(request[0]) }
            _ = try AdminCall(rk, timeout).run { options, queue in
                request.withUnsafeMutableBufferPointer { rd_kafka_AlterConsumerGroupOffsets(rk, $0.baseAddress, 1, options, queue) }
            } result: { event in
                var n = 0
                return try groupResults(rd_kafka_AlterConsumerGroupOffsets_result_groups(
                    rd_kafka_event_AlterConsumerGroupOffsets_result(event), &n))
            }
        }
    }
}

/// Reads the single group result of an offsets call, throwing its error or a partition's.
private func groupResults(_ results: UnsafeMutablePointer<OpaquePointer?>?) throws -> [TopicPartition: Int64] {
    guard let g = results?[0] else { throw KafkaError.config("no group result") }
    if let error = rd_kafka_group_result_error(g) {
        throw KafkaError(code: rd_kafka_error_code(error).rawValue, message: String(cString: rd_kafka_error_string(error)))
    }
    var out: [TopicPartition: Int64] = [:]
    if let parts = rd_kafka_group_result_partitions(g) {
        for i in 0..<Int(parts.pointee.cnt) {
            let e = parts.pointee.elems[i]
            if e.err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(e.err, context: "partition \(String(cString: e.topic))[\(e.partition)]") }
            out[TopicPartition(String(cString: e.topic), e.partition)] = e.offset
        }
    }
    return out
}

/// One admin request: options with a timeout, a private result queue, one event back.
private struct AdminCall {
    let rk: OpaquePointer
    let timeoutMs: Int32
    init(_ rk: OpaquePointer, _ timeoutMs: Int32) { self.rk = rk; self.timeoutMs = timeoutMs }

    func run<T>(_ start: (OpaquePointer?, OpaquePointer?) -> Void,
                result: (OpaquePointer) throws -> T) throws -> T {
        let queue = rd_kafka_queue_new(rk)
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_ANY)
        defer { rd_kafka_AdminOptions_destroy(options) }
        var errstr = [CChar](repeating: 0, count: 256)
        _ = rd_kafka_AdminOptions_set_request_timeout(options, timeoutMs, &errstr, errstr.count)
        start(options, queue)
        guard let event = rd_kafka_queue_poll(queue, timeoutMs + 1000) else {
            throw KafkaError(RD_KAFKA_RESP_ERR__TIMED_OUT, context: "admin request")
        }
        defer { rd_kafka_event_destroy(event) }
        let err = rd_kafka_event_error(event)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(code: err.rawValue, message: String(cString: rd_kafka_event_error_string(event)))
        }
        return try result(event)
    }
}
