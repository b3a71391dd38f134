import Foundation
import Kafka
import TestSupport
import XCTest

/// Consumers fetch at most 1 MiB (128 KiB a partition) as the wire carries it
/// (`KafkaConsumerConfiguration`); a record larger than a whole fetch must still come, alone, from
/// the real broker: the suite's record limit is 4 MiB (`KafkaLimits.maxMessageBytes`).
final class LargeRecordFetchTests: XCTestCase {
    func testARecordLargerThanAFetchComesFromTheBrokerBetweenSmallOnes() async throws {
        let topic = try await TestBroker.freshTopics(["large-fetch"], partitions: 1)[0]
        // Incompressible bytes, so the record is as large on the wire as in memory (lz4 would take
        // repeated text to a few kilobytes, under every fetch limit).
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let big = (0..<(3 << 20)).map { _ -> UInt8 in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(TestBroker.kafka))
        try await producer.send([OutgoingMessage(topic: topic, key: nil, value: Array("small-1".utf8), headers: [])])
        try await producer.send([OutgoingMessage(topic: topic, key: nil, value: big, headers: [])])
        try await producer.send([OutgoingMessage(topic: topic, key: nil, value: Array("small-2".utf8), headers: [])])
        let got = try await TestBroker.read(topic, timeout: .seconds(30)) { $0.count >= 3 }
        XCTAssertEqual(got.map(\.value.count), [7, 3 << 20, 7])
        XCTAssertEqual(got.count == 3 ? got[1].value : [], big)
    }
}
