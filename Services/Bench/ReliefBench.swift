// Relief throughput: applications decided per second and stages paid per second, through the
// real service (a doudi-relief child process) in a fresh topic namespace, with a short stage
// interval so that payment, not the calendar, is what is measured. Progress is read from the
// service's store read-only (a measurement probe; operators use the HTTP API).
import DoudiDomain
import Envelope
import Foundation
import GRDB
import Kafka

func reliefBench(brokers: String, applications: Int) async throws -> [String: Double] {
    let kafka = KafkaConfiguration(bootstrapServers: brokers, clientID: "doudi-bench")
    let ns = "bench\(EventID.random().prefix(8))."
    let topics = ["relief.applications", "relief.disbursements", "assistance.outcomes", "work.tasks",
                  "referrals.emergency", "deadletter"]
    try await KafkaAdmin(configuration: kafka).createTopics(topics.map { TopicSpec(name: ns + $0, partitions: 3) })
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-relief-bench-\(EventID.random().prefix(8))").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let standards = dir + "/standards.json"
    try #"{ "reserveFunds": { "defaultOpeningFen": 100000000000 } }"#.write(toFile: standards, atomically: true, encoding: .utf8)

    let relief = Process()
    relief.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("doudi-relief")
    var env = ProcessInfo.processInfo.environment
    for (k, v) in ["DOUDI_BROKERS": brokers, "DOUDI_TOPIC_NAMESPACE": ns, "DOUDI_DATA_DIR": dir, "DOUDI_HTTP_PORT": "0",
                   "DOUDI_GROUP_ID": "relief-bench-\(EventID.random().prefix(8))", "DOUDI_SESSION_TIMEOUT_MS": "6000",
                   "DOUDI_RELIEF_STANDARDS_FILE": standards, "DOUDI_RELIEF_STAGE_INTERVAL_SECONDS": "0.05",
                   "DOUDI_RELIEF_TICK_MS": "50", "DOUDI_LOG_LEVEL": "warning"] { env[k] = v }
    relief.environment = env
    try relief.run()
    defer { if relief.isRunning { relief.terminate(); relief.waitUntilExit() } }

    // Urgent township cases of 2,500 yuan: an aid-first stage now and three staged ones.
    let stagesPerCase = 4
    let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka))
    let now = Timestamp.rfc3339()
    let events = try (0..<applications).map { i -> OutgoingMessage in
        // A distinct person per application (birth date and sequence), so that none merges as a duplicate.
        let born = CivilDate(year: 1980, month: 1, day: 1)!.adding(days: i / 1000).description.replacingOccurrences(of: "-", with: "")
        let body = "110101" + born + String(format: "%03d", i % 1000)
        let number = body + String(IdentityNumber.checkCharacter(for: body.compactMap(\.wholeNumberValue))!)
        let app = ReliefApplication(applicationId: "bench-\(i)", applicant: ReliefApplicant(name: "Bench Applicant", idNumber: number),
                                    incidentRegionCode: "14010500\(i % 9 + 1)", incidentKind: "fire", requestedFen: 250_000,
                                    urgent: true, occurredOn: String(now.prefix(10)), householdSize: 4)
        let e = try CloudEvent.make(id: "bench-app-\(i)", source: "/doudi/bench", type: EventType.reliefApplication.rawValue, time: now,
                                    subject: nil, key: "bench-\(i)", causationID: nil, payload: app)
        return OutgoingMessage(topic: ns + "relief.applications", key: Array("bench-\(i)".utf8), value: e.data,
                               headers: e.headers.map { KafkaHeader($0.0, $0.1) })
    }
    for chunk in stride(from: 0, to: events.count, by: 2000) { try await producer.send(Array(events[chunk..<min(chunk + 2000, events.count)])) }

    func counts() -> (decided: Int, paid: Int) {
        var config = Configuration(); config.readonly = true
        guard let db = try? DatabaseQueue(path: dir + "/relief.sqlite", configuration: config),
              let c = try? db.read({ db in
                  (try Int.fetchOne(db, sql: "SELECT count(*) FROM relief_applications") ?? 0,
                   try Int.fetchOne(db, sql: "SELECT count(*) FROM relief_stages WHERE paid = 1") ?? 0)
              }) else { return (0, 0) }
        return c
    }
    let deadline = Date().addingTimeInterval(600)
    var first: Date?, decided: Date?, paid: Date?
    while paid == nil && Date() < deadline && relief.isRunning {
        let c = counts()
        if first == nil && c.decided > 0 { first = Date() }
        if decided == nil && c.decided >= applications { decided = Date() }
        if c.paid >= applications * stagesPerCase { paid = Date() }
        try await Task.sleep(for: .milliseconds(50))
    }
    guard let first, let decided, let paid else { throw BenchFailure(description: "relief bench did not finish: \(counts())") }
    return ["relief.applications": Double(applications),
            "relief.applications_decided_per_s": Double(applications) / max(0.001, decided.timeIntervalSince(first)),
            "relief.stages_paid_per_s": Double(applications * stagesPerCase) / max(0.001, paid.timeIntervalSince(first))]
}

struct BenchFailure: Error, CustomStringConvertible { var description: String }
