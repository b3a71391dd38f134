import CRdKafka

public struct KafkaHeader: Sendable, Equatable {
    public var key: String
    public var value: [UInt8]
    public init(key: String, value: [UInt8]) { self.key = key; self.value = value }
    public init(_ key: String, _ value: String) { self.key = key; self.value = Array(value.utf8) }
    public var stringValue: String { String(decoding: value, as: UTF8.self) }
}

public struct TopicPartition: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32
    public init(_ topic: String, _ partition: Int32) { self.topic = topic; self.partition = partition }
    public static func < (a: Self, b: Self) -> Bool { (a.topic, a.partition) < (b.topic, b.partition) }
    public var description: String { "\(topic)[\(partition)]" }
}

/// A consumed record, copied out of librdkafka's buffers.
public struct KafkaMessage: Sendable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    /// Milliseconds since the epoch, or nil when the broker gave none.
    public var timestampMs: Int64?

    public init(topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8],
                headers: [KafkaHeader], timestampMs: Int64? = nil) {
        self.topic = topic; self.partition = partition; self.offset = offset; self.key = key
        self.value = value; self.headers = headers; self.timestampMs = timestampMs
    }

    public var topicPartition: TopicPartition { TopicPartition(topic, partition) }
    public func header(_ key: String) -> String? { headers.last(where: { $0.key == key })?.stringValue }

    init(copying m: UnsafePointer<rd_kafka_message_t>) {
        let msg = m.pointee
        topic = String(cString: rd_kafka_topic_name(msg.rkt))
        partition = msg.partition
        offset = msg.offset
        key = msg.key.map { Array(UnsafeRawBufferPointer(start: $0, count: msg.key_len)) }
        value = msg.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: msg.len)) } ?? []
        var hdrs: OpaquePointer?
        var list: [KafkaHeader] = []
        if rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR, let hdrs {
            var i = 0
            var name: UnsafePointer<CChar>?
            var val: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(hdrs, i, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                let bytes = val.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
                list.append(KafkaHeader(key: String(cString: name!), value: bytes))
                i += 1
            }
        }
        headers = list
        var tsType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let ts = rd_kafka_message_timestamp(m, &tsType)
        timestampMs = tsType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : ts
    }
}

/// A record to produce. `partition` nil means: by key (librdkafka's default partitioner).
public struct OutgoingMessage: Sendable {
    public var topic: String
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    public var partition: Int32?
    /// The record's time in milliseconds since the epoch; nil: when it is sent. A copy keeps the
    /// time of its original (`doudi topics repartition`), so a replay by time finds it.
    public var timestampMs: Int64?
    public init(topic: String, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader] = [], partition: Int32? = nil,
                timestampMs: Int64? = nil) {
        self.topic = topic; self.key = key; self.value = value; self.headers = headers; self.partition = partition
        self.timestampMs = timestampMs
    }
}

/// Owns an `rd_kafka_topic_partition_list_t` built from Swift values.
final class NativePartitionList {
    let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>
    init(_ entries: [(TopicPartition, Int64)]) {
        pointer = rd_kafka_topic_partition_list_new(Int32(max(entries.count, 1)))
        for (tp, offset) in entries {
            let e = rd_kafka_topic_partition_list_add(pointer, tp.topic, tp.partition)!
            e.pointee.offset = offset
        }
    }
    init(taking pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) { self.pointer = pointer }
    deinit { rd_kafka_topic_partition_list_destroy(pointer) }

    var entries: [(TopicPartition, Int64, rd_kafka_resp_err_t)] {
        (0..<Int(pointer.pointee.cnt)).map { i in
            let e = pointer.pointee.elems[i]
            return (TopicPartition(String(cString: e.topic), e.partition), e.offset, e.err)
        }
    }
}
