import ArgumentParser
import DoudiDomain
import Envelope
import Foundation
import Kafka

/// `doudi seed`: a reproducible synthetic population fed through the suite's own channels.
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed", abstract: "Feed a reproducible synthetic population: submissions, then department records and relief applications.")
    @OptionGroup var broker: BrokerOptions
    @Option(help: "Households to generate.") var households = 2000
    @Option(help: "Seed: the same seed yields the same data and ids (re-seeding is a no-op downstream).") var seed: UInt64 = 2026
    @Option(help: "Seconds to wait for the registry before sending department records (0: do not wait).") var registryWait = 120
    func run() async throws {
        let generator = PopulationGenerator(seed: seed)
        // DOUDI_PERSON_KEY_SECRET, the development one only in development mode.
        let keyer = PersonKeyer(secret: try Secrets.personKeySecret())
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(broker.kafka))
        let time = Timestamp.rfc3339()
        var records: [OutgoingMessage] = [], relief: [OutgoingMessage] = []
        var batch: [OutgoingMessage] = []
        for i in 0..<households {
            let h = generator.household(i)
            let key = keyer.key(for: h.submission.applicant.idNumber)
            batch.append(try message(Topics.intakeSubmissions, id: h.submission.submissionId, type: EventType.intakeSubmission.rawValue,
                                     key: key, time: time, payload: h.submission))
            for r in h.records {
                records.append(try message(Topics.deptRecords, id: r.recordId, type: EventType.deptRecord.rawValue,
                                           key: keyer.key(for: r.idNumber), time: time, payload: r))
            }
            if let a = h.reliefApplication {
                relief.append(try message(Topics.reliefApplications, id: a.applicationId, type: EventType.reliefApplication.rawValue,
                                          key: keyer.key(for: a.applicant.idNumber), time: time, payload: a))
            }
            if batch.count == 2000 || i == households - 1 {
                try await producer.send(batch)
                batch.removeAll(keepingCapacity: true)
                progress("seed: \(i + 1)/\(households) households submitted")
            }
        }
        print("")
        if registryWait > 0 { try await waitForRegistry(expected: households) }
        try await producer.send(records)
        try await producer.send(relief)
        print("seed: \(households) submissions, \(records.count) department records, \(relief.count) relief applications (seed \(seed))")
    }

    private func message<T: Encodable>(_ topic: String, id: String, type: String, key: String, time: String, payload: T) throws -> OutgoingMessage {
        let e = try CloudEvent.make(id: id, source: "/doudi/seed", type: type, time: time, subject: nil, key: key,
                                    causationID: nil, payload: payload)
        return OutgoingMessage(topic: topic, key: Array(key.utf8), value: e.data, headers: e.headers.map { KafkaHeader($0.0, $0.1) })
    }

    /// Department records compare against the registry: wait until most households are in it.
    private func waitForRegistry(expected: Int) async throws {
        var config = KafkaConsumerConfiguration(broker.kafka, groupID: "doudi-seed-\(EventID.random())", topics: [Topics.registryHouseholds])
        config.sessionTimeoutMs = 6000
        let consumer = try KafkaConsumer(configuration: config)
        var seen = Set<String>()
        let deadline = ContinuousClock.now + .seconds(registryWait)
        var shown = -1
        while seen.count < expected * 9 / 10 && ContinuousClock.now < deadline {
            for m in try await consumer.poll(maxCount: 5000, timeoutMs: 200) { if let s = m.header("ce_subject") { seen.insert(s) } }
            if seen.count != shown {
                shown = seen.count
                progress("seed: \(seen.count) households registered, waiting for ~\(expected * 9 / 10)")
            }
        }
        print("")
        await consumer.close()
        if seen.count < expected * 9 / 10 {
            FileHandle.standardError.write(Data(("seed: only \(seen.count) of ~\(expected * 9 / 10) households registered after \(registryWait) s; "
                + "department records may find no one (is the intake or the matcher down? see their logs and `doudi status`)\n").utf8))
        }
    }
}

func progress(_ line: String) {
    FileHandle.standardError.write(Data(("\r" + line + "   ").utf8))
}
