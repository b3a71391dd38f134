import Envelope
import Foundation
import Kafka
import TestSupport
import XCTest

/// Issue 18, finding 5: the `doudi` CLI reads the same `DOUDI_KAFKA_*` settings as the services (it
/// passed only the broker list, so it could not reach a secured cluster), and its readers read to
/// the end offsets captured at their start instead of stopping after a few idle seconds.
final class CLIBrokerSettingsTests: XCTestCase {
    private func doudi(_ arguments: [String], environment: [String: String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = ServiceProcess.binary("doudi")
        p.arguments = arguments + ["--brokers", TestBroker.address]
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        p.standardOutput = pipe; p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func testTheCLIPassesDOUDIKafkaSettingsLikeTheServices() throws {
        // A setting the client must refuse proves that the setting reached it.
        let refused = try doudi(["topics", "list"], environment: ["DOUDI_KAFKA_SECURITY_PROTOCOL": "carrier_pigeon"])
        XCTAssertNotEqual(refused.status, 0, refused.output)
        XCTAssertTrue(refused.output.contains("security.protocol"), refused.output)
        // And the same variables, understood, are used (a client id is harmless).
        let fine = try doudi(["topics", "list"], environment: ["DOUDI_KAFKA_CLIENT_RACK": "rack-a"])
        XCTAssertEqual(fine.status, 0, fine.output)
        XCTAssertEqual(KafkaConfiguration.extraProperties(["DOUDI_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512", "OTHER": "x"]),
                       ["sasl.mechanism": "SCRAM-SHA-512"])
    }

    /// Dead letters listed by the CLI are all of them, read to the end captured at start, without
    /// the group join and the idle wait of the old reader.
    func testDeadLetterListReadsEveryLetterToTheCapturedEnd() async throws {
        let service = "cli-\(EventID.random().prefix(6))"
        try await KafkaAdmin(configuration: TestBroker.kafka).createTopics([TopicSpec(name: Topics.deadletter, partitions: 3)])
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(TestBroker.kafka))
        try await producer.send((0..<250).map { i in
            OutgoingMessage(topic: Topics.deadletter, key: Array("k\(i % 7)".utf8), value: Array("{}".utf8),
                            headers: [KafkaHeader("dlq_service", service), KafkaHeader("dlq_original_topic", "t"),
                                      KafkaHeader("dlq_error", "test \(i)")])
        })
        let started = ContinuousClock.now
        let listed = try doudi(["deadletters", "list", "--service", service, "--limit", "1"], environment: [:])
        XCTAssertEqual(listed.status, 0, listed.output)
        XCTAssertTrue(listed.output.contains("250 dead letter(s)"), listed.output)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(20))
    }
}
