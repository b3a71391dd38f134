import CRdKafka

/// A librdkafka error with its code, or a configuration error, as a Swift error.
public struct KafkaError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let message: String

    public init(code: Int32, message: String) { self.code = code; self.message = message }

    init(_ err: rd_kafka_resp_err_t, context: String = "") {
        self.code = err.rawValue
        let text = String(cString: rd_kafka_err2str(err))
        self.message = context.isEmpty ? text : "\(context): \(text)"
    }

    static func config(_ message: String) -> KafkaError { KafkaError(code: -1000, message: message) }

    /// Errors after which a retry can succeed (broker down, timeouts, leader moves).
    public var isRetriable: Bool {
        switch rd_kafka_resp_err_t(rawValue: code) {
        case RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN,
             RD_KAFKA_RESP_ERR__QUEUE_FULL, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
             RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT,
             RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_COORDINATOR, RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS,
             RD_KAFKA_RESP_ERR__WAIT_COORD, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
            return true
        default:
            return false
        }
    }

    /// Errors of the record itself that no retry can fix (it is too large, or malformed): the
    /// outbox relay quarantines such a record and goes on, instead of retrying it for ever.
    public var isPermanentForRecord: Bool {
        switch rd_kafka_resp_err_t(rawValue: code) {
        case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE, RD_KAFKA_RESP_ERR_INVALID_RECORD,
             RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE, RD_KAFKA_RESP_ERR_INVALID_MSG, RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
            return true
        default:
            return false
        }
    }

    /// The send of this record was not attempted because an earlier record of its batch failed.
    public static let notAttempted = KafkaError(code: -1001, message: "not sent: an earlier record of the batch failed")

    public var description: String { "Kafka error \(code): \(message)" }

    static func check(_ err: rd_kafka_resp_err_t, _ context: String) throws {
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err, context: context) }
    }
}

// librdkafka handles (rd_kafka_t, queues) are documented as thread-safe; passing them to the
// dispatch queues that make the blocking calls is what keeps the cooperative pool free.
extension OpaquePointer: @unchecked @retroactive Sendable {}
