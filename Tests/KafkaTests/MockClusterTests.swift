@testable import Kafka
import XCTest

/// Fast checks of the client against librdkafka's built-in mock cluster (no broker process).
final class MockClusterTests: XCTestCase {
    func mock() -> KafkaConfiguration {
        KafkaConfiguration(bootstrapServers: "", clientID: "mock", extra: ["test.mock.num.brokers": "1"])
    }

    /// A consumer of `topic` in `group`, and what it read of `count` messages within 30 s.
    func consume(_ common: KafkaConfiguration, group: String, topic: String, count: Int) async throws -> (KafkaConsumer, [KafkaMessage]) {
        var config = KafkaConsumerConfiguration(common, groupID: group, topics: [topic])
        config.sessionTimeoutMs = 6000
        let consumer = try KafkaConsumer(configuration: config)
        var got: [KafkaMessage] = []
        let deadline = ContinuousClock.now + .seconds(30)
        while got.count < count && ContinuousClock.now < deadline { got += try await consumer.poll(maxCount: 100) }
        return (consumer, got)
    }

    func testProduceThenConsumeWithHeadersAndKeys() async throws {
        // One producer-type handle hosts the mock cluster; clients reach it through its bootstrap address.
        let host = try KafkaProducer(configuration: KafkaProducerConfiguration(mock()))
        let bootstrap = try XCTUnwrap(host.mockBootstrapServers)
        let common = KafkaConfiguration(bootstrapServers: bootstrap)
        try host.createMockTopic("t", partitions: 2)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(common))
        try await producer.send((0..<100).map {
            OutgoingMessage(topic: "t", key: Array("k\($0 % 5)".utf8), value: Array("v\($0)".utf8), headers: [KafkaHeader("h", "\($0)")])
        })
        let (consumer, got) = try await consume(common, group: "g", topic: "t", count: 100)
        XCTAssertEqual(got.count, 100)
        var perKey: [String: [Int]] = [:]
        for m in got {
            let n = Int(String(decoding: m.value.dropFirst(), as: UTF8.self))!
            XCTAssertEqual(m.header("h"), String(n))
            perKey[String(decoding: m.key!, as: UTF8.self), default: []].append(n)
        }
        for (_, ns) in perKey { XCTAssertEqual(ns, ns.sorted(), "per-key order") }
        // Commit, then read it back.
        var next: [TopicPartition: Int64] = [:]
        for m in got { next[m.topicPartition] = max(next[m.topicPartition] ?? 0, m.offset + 1) }
        try await consumer.commit(next)
        let committed = try await consumer.committed(Array(next.keys))
        XCTAssertEqual(committed, next)
        await consumer.close()
    }

    /// Fetches are bounded as the wire carries them (1 MiB a fetch, 128 KiB a partition) and
    /// librdkafka takes the settings; a record larger than a whole fetch still comes, alone.
    func testFetchesAreBoundedAndARecordLargerThanAFetchStillComes() async throws {
        let config = KafkaConsumerConfiguration(KafkaConfiguration(bootstrapServers: "x"), groupID: "g", topics: ["t"])
        XCTAssertEqual(config.properties["fetch.max.bytes"], "1048576")
        XCTAssertEqual(config.properties["max.partition.fetch.bytes"], "131072")
        XCTAssertEqual(config.properties["queued.max.messages.kbytes"], "4096")
        XCTAssertEqual(config.properties["fetch.queue.backoff.ms"], "10", "librdkafka has the property since 2.2")


        let host = try KafkaProducer(configuration: KafkaProducerConfiguration(mock()))
        let common = KafkaConfiguration(bootstrapServers: try XCTUnwrap(host.mockBootstrapServers))
        try host.createMockTopic("big", partitions: 1)
        // A consumer allowed records of 4 MiB (DOUDI_KAFKA_MESSAGE_MAX_BYTES) fetches at least that:
        // librdkafka refuses to start one whose fetch.max.bytes is below its message.max.bytes.
        var raised = KafkaConsumerConfiguration(KafkaConfiguration(bootstrapServers: common.bootstrapServers, extra: ["message.max.bytes": "4194304"]),
                                                groupID: "g-raised", topics: ["big"])
        raised.sessionTimeoutMs = 6000
        XCTAssertEqual(raised.properties["fetch.max.bytes"], "4194304")
        await try KafkaConsumer(configuration: raised).close()
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(common))
        let big = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }   // 3 MiB, not compressible
        try await producer.send([OutgoingMessage(topic: "big", key: nil, value: Array("small-1".utf8), headers: []),
                                 OutgoingMessage(topic: "big", key: nil, value: big, headers: []),
                                 OutgoingMessage(topic: "big", key: nil, value: Array("small-2".utf8), headers: [])])
        let (consumer, got) = try await consume(common, group: "g-big", topic: "big", count: 3)
        XCTAssertEqual(got.map(\.value.count), [7, 3 << 20, 7])
        XCTAssertEqual(got.count == 3 ? got[1].value : [], big)
        await consumer.close()
    }

    func testBadConfigurationNamesTheProperty() {
        var c = KafkaProducerConfiguration(KafkaConfiguration(bootstrapServers: "x"))
        c.compression = "nonsense"
        XCTAssertThrowsError(try KafkaProducer(configuration: c)) { XCTAssertTrue("\($0)".contains("compression.codec")) }
    }

    func testErrorsCarryCodesAndRetriability() {
        let e = KafkaError(code: -185, message: "timed out")  // RD_KAFKA_RESP_ERR__TIMED_OUT
        XCTAssertTrue(e.isRetriable)
        XCTAssertFalse(KafkaError(code: 87, message: "invalid record").isRetriable)
        XCTAssertTrue(librdkafkaVersion.hasPrefix("2."))
    }
}
