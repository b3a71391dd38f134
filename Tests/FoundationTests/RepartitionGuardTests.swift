import DoudiDomain
import Envelope
import Foundation
import Kafka
import TestSupport
import XCTest

/// `doudi topics repartition` copies a generation only while no suite service runs on it: what a
/// service appended after the copy had read its partition would be lost (docs/scaling.md,
/// "Raising the partition count"). A service started with a custom `DOUDI_GROUP_ID` escaped the
/// check, which looked only for the default group names; now every live group with offsets
/// committed on the old generation stops the copy, unless it is named as a reader. And `--verify`
/// failed on nothing missing: an event the copy was to carry and did not is now a failure.
final class RepartitionGuardTests: XCTestCase {
    func testALiveServiceUnderACustomGroupIdStopsTheCopyAndVerifyFindsACopyMissing() async throws {
        let from = try await TestBroker.freshNamespace(partitions: 2)
        let to = "t\(EventID.random().prefix(8))."
        let topic = from + ContractTopic.registryHouseholds.name
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(TestBroker.kafka))
        try await producer.send([OutgoingMessage(topic: topic, key: Array("HH-1".utf8), value: Array("{}".utf8),
                                                 headers: [KafkaHeader("ce_id", "e1"), KafkaHeader("ce_source", "/doudi/matcher")])])

        // A router as a deployment might run it: its own group name, the service's client id.
        let group = "custom-\(EventID.random().prefix(6))"
        let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(
            KafkaConfiguration(bootstrapServers: TestBroker.address, clientID: "doudi-router"), groupID: group, topics: [topic]))
        var read: [KafkaMessage] = []
        let deadline = ContinuousClock.now + .seconds(60)
        while read.isEmpty && ContinuousClock.now < deadline { read = try await consumer.poll(maxCount: 10, timeoutMs: 500) }
        XCTAssertEqual(read.count, 1, "the router's group joined and read the event")
        try await consumer.commit([read[0].topicPartition: read[0].offset + 1])

        let refused = try runCLI(["topics", "repartition", "--from-namespace", from, "--to-namespace", to, "--partitions", "3"])
        XCTAssertNotEqual(refused.status, 0, refused.output)
        XCTAssertTrue(refused.output.contains("read the old generation: \(group) (1 live member(s)"), refused.output)
        let created = try await KafkaAdmin(configuration: TestBroker.kafka).partitions(of: to + ContractTopic.registryHouseholds.name)
        XCTAssertTrue(created.isEmpty, "nothing of the new generation is created while a service runs")

        // A group named as a reader (a department's subscription) may stay live; stopped, a
        // service's group no longer holds the copy back.
        let asReader = try runCLI(["topics", "repartition", "--from-namespace", from, "--to-namespace", "t\(EventID.random().prefix(8)).",
                                   "--partitions", "3", "--reader", group])
        XCTAssertEqual(asReader.status, 0, asReader.output)
        XCTAssertTrue(asReader.output.contains("repartition: copied"), asReader.output)
        await consumer.close()
        let moved = try runCLI(["topics", "repartition", "--from-namespace", from, "--to-namespace", to, "--partitions", "3"])
        XCTAssertEqual(moved.status, 0, moved.output)
        XCTAssertTrue(moved.output.contains("repartition: copied"), moved.output)

        // `--verify` finds a copied event missing: a producer that was not stopped appended to the
        // old generation after the copy. Copying again takes it from the committed offsets.
        let verified = try runCLI(["topics", "repartition", "--verify", "--from-namespace", from, "--to-namespace", to])
        XCTAssertEqual(verified.status, 0, verified.output)
        XCTAssertTrue(verified.output.contains("every copied event arrived"), verified.output)
        try await producer.send([OutgoingMessage(topic: from + ContractTopic.deptRecords.name, key: Array("HH-1".utf8), value: Array("{}".utf8),
                                                 headers: [KafkaHeader("ce_id", "late-1"), KafkaHeader("ce_source", "/hospital-a")])])
        let late = try runCLI(["topics", "repartition", "--verify", "--from-namespace", from, "--to-namespace", to])
        XCTAssertEqual(late.status, 1, late.output)
        XCTAssertTrue(late.output.contains("1 copied event(s) missing from the new generation"), late.output)
        XCTAssertTrue(late.output.contains("copied event missing from the new generation /hospital-a late-1"), late.output)
        let again = try runCLI(["topics", "repartition", "--from-namespace", from, "--to-namespace", to, "--partitions", "3"])
        XCTAssertEqual(again.status, 0, again.output)
        XCTAssertTrue(again.output.contains("going on from the offsets committed by an earlier run"), again.output)
        let whole = try runCLI(["topics", "repartition", "--verify", "--from-namespace", from, "--to-namespace", to])
        XCTAssertEqual(whole.status, 0, whole.output)
    }
}
