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
    @Option(help: "Seconds to wait for the registry before sending department records (0, the default: send them at once; the matcher keeps records of people not yet registered).")
    var registryWait = 0

    func run() async throws {
        // DOUDI_PERSON_KEY_SECRET, the development one only in development mode.
        let seedEvents = SeedEvents(generator: PopulationGenerator(seed: seed), keyer: PersonKeyer(secret: try Secrets.personKeySecret()))
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(broker.kafka))
        var records: [OutgoingMessage] = [], relief: [OutgoingMessage] = []
        for chunk in stride(from: 0, to: households, by: 2000) {
            let events = try seedEvents.events(chunk..<min(chunk + 2000, households))
            try await producer.send(events.submissions.map { message(Topics.intakeSubmissions, $0) })
            records += events.records.map { message(Topics.deptRecords, $0) }
            relief += events.relief.map { message(Topics.reliefApplications, $0) }
            progress("seed: \(min(chunk + 2000, households))/\(households) households submitted")
        }
        print("")
        if registryWait > 0 { try await waitForRegistry(expected: households) }
        try await producer.send(records)
        try await producer.send(relief)
        print("seed: \(households) submissions, \(records.count) department records, \(relief.count) relief applications (seed \(seed))")
    }

    private func message(_ topic: String, _ e: CloudEvent) -> OutgoingMessage {
        OutgoingMessage(topic: topic, key: e.key.map { Array($0.utf8) }, value: e.data, headers: e.headers.map { KafkaHeader($0.0, $0.1) })
    }

    /// Department records compare against the registry: wait until most households are in it.
    private func waitForRegistry(expected: Int) async throws {
        // Partitions assigned directly from their start: no group join to wait for.
        var config = KafkaConsumerConfiguration(broker.kafka, groupID: "doudi-seed-\(EventID.random())", topics: [])
        config.sessionTimeoutMs = 6000
        let consumer = try KafkaConsumer(configuration: config)
        let partitions = try await broker.admin().partitions(of: Topics.registryHouseholds)
        try await consumer.assign(Dictionary(uniqueKeysWithValues: partitions.map { ($0, Int64(-2)) }))  // -2: the beginning
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
