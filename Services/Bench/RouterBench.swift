// The referral loop under load: the router and the five department handlers as child processes
// on a fresh topic namespace; N warnings with mixed needs go in, and referrals and outcomes are
// counted as they come out of the broker (end to end, including both services' stores and outboxes).
import DoudiDomain
import Envelope
import Foundation
import Kafka

/// Returns `referralsPerSecond`, `outcomesPerSecond` (each from the first warning produced to
/// the last event of its kind read) and the counts behind them.
func routerBench(brokers: String, warnings: Int) async throws -> [String: Double] {
    let ns = "bench\(EventID.random().prefix(8))."
    let kafka = KafkaConfiguration(bootstrapServers: brokers, clientID: "doudi-bench")
    let base = Topics.all.map { String($0.dropFirst(Topics.namespace.count)) }
    _ = try await KafkaAdmin(configuration: kafka).createTopics(base.map { TopicSpec(name: ns + $0, partitions: 3) })
    let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-\(ns)bench").path
    let services = try ["doudi-router", "doudi-medical", "doudi-education", "doudi-housing", "doudi-employment", "doudi-disaster"]
        .map { try BenchProcess($0, brokers: brokers, namespace: ns, dataDir: dataDir) }
    defer {
        services.forEach { $0.stop() }
        try? FileManager.default.removeItem(atPath: dataDir)
    }
    let domains: [Domain] = [.medical, .education, .housing, .employment, .disaster]
    let reader = try KafkaConsumer(configuration: {
        var c = KafkaConsumerConfiguration(kafka, groupID: "bench-read-\(ns)", topics: (domains.map { "referrals.\($0.rawValue)" }
            + ["assistance.outcomes"]).map { ns + $0 })
        c.sessionTimeoutMs = 6000
        return c
    }())
    let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka))

    // Warm-up: one warning through every handler, so group joins are not measured.
    let warmUp = RouterBenchLoad.warning(-1, prefix: ns)
    try await producer.send([try RouterBenchLoad.message(warmUp, topic: ns + "monitoring.warnings")])
    _ = try await RouterBenchLoad.drain(reader, referrals: RouterBenchLoad.referrals(warmUp),
                                        outcomes: RouterBenchLoad.outcomes(warmUp), timeout: .seconds(120))

    let load = (0..<warnings).map { RouterBenchLoad.warning($0, prefix: ns) }
    let expectedReferrals = load.map(RouterBenchLoad.referrals).reduce(0, +)
    let expectedOutcomes = load.map(RouterBenchLoad.outcomes).reduce(0, +)
    let started = ContinuousClock.now
    for chunk in stride(from: 0, to: load.count, by: 2000) {
        try await producer.send(try load[chunk..<min(chunk + 2000, load.count)].map {
            try RouterBenchLoad.message($0, topic: ns + "monitoring.warnings")
        })
    }
    let (referralsAt, outcomesAt) = try await RouterBenchLoad.drain(reader, referrals: expectedReferrals, outcomes: expectedOutcomes,
                                                                    timeout: .seconds(max(120, warnings / 20)))
    await reader.close()
    func seconds(_ end: ContinuousClock.Instant?) -> Double {
        guard let end else { return .nan }
        let d = (end - started).components
        return Double(d.seconds) + Double(d.attoseconds) / 1e18
    }
    return [
        "warnings": Double(warnings),
        "referrals": Double(expectedReferrals), "outcomes": Double(expectedOutcomes),
        "referralsSeconds": seconds(referralsAt), "outcomesSeconds": seconds(outcomesAt),
        "referralsPerSecond": Double(expectedReferrals) / seconds(referralsAt),
        "outcomesPerSecond": Double(expectedOutcomes) / seconds(outcomesAt),
    ]
}

enum RouterBenchLoad {
    /// Warning `i`: one to three needs across the five handler domains, with the facts each
    /// programme decides on (so every referral is really assessed).
    static func warning(_ i: Int, prefix: String) -> Warning {
        let all: [(Domain, [String: String])] = [
            (.medical, ["outOfPocketFen": String(100_000 + i % 50 * 10_000)]),
            (.education, ["schoolStage": ["primary", "senior_secondary", "higher"][abs(i) % 3]]),
            (.housing, ["householdSize": "3", "areaM2": String(20 + abs(i) % 40), "housingStatus": "renting"]),
            (.employment, ["laborAbility": "full", "age": String(25 + abs(i) % 40)]),
            (.disaster, ["phase": "emergency", "affectedPersons": "2"]),
        ]
        let needs = (0..<(1 + abs(i) % 3)).map { k -> Need in
            let (domain, facts) = all[(abs(i) + k * 2) % all.count]
            return Need(domain: domain, personKey: "pk-\(i)-\(k)", reason: "bench", clause: "§4.2", facts: facts)
        }
        return Warning(warningId: "\(prefix)w\(i)", householdId: "\(prefix)h\(i)", regionCode: "140105001", area: .urban,
                       disposal: .notCovered, level: .orange, category: .dibao, needs: needs, reasons: [], status: .open,
                       openedAt: "2024-06-01")
    }

    static let day = CivilDate(year: 2024, month: 6, day: 1)!

    static func referrals(_ w: Warning) -> Int { ReferralPlanner().referrals(for: w).count }

    /// The outcomes the handlers will publish, from the same programmes (default rules).
    static func outcomes(_ w: Warning) -> Int {
        ReferralPlanner().referrals(for: w).map { r -> Int in
            switch r.domain {
            case .medical: MedicalProgramme().decide(referral: r, history: [:], on: day).count
            case .education: EducationProgramme().decide(referral: r, history: [:], on: day).count
            case .housing: HousingProgramme().decide(referral: r, history: [:], on: day).count
            case .employment: EmploymentProgramme().decide(referral: r, history: [:], on: day).count
            case .disaster: DisasterProgramme().decide(referral: r, history: [:], on: day).count
            default: 0
            }
        }.reduce(0, +)
    }

    static func message(_ w: Warning, topic: String) throws -> OutgoingMessage {
        let e = try CloudEvent.make(id: "bench-\(w.warningId)", source: "/bench", type: EventType.monitoringWarning.rawValue,
                                    time: "2024-06-01T09:00:00.000Z", subject: w.householdId, key: w.householdId,
                                    causationID: nil, payload: w)
        return OutgoingMessage(topic: topic, key: Array(w.householdId.utf8), value: e.data,
                               headers: e.headers.map { KafkaHeader($0.0, $0.1) })
    }

    /// Reads until `referrals` referral events and `outcomes` outcome events arrived; returns
    /// when each count was reached (nil if the timeout passed first).
    static func drain(_ reader: KafkaConsumer, referrals: Int, outcomes: Int, timeout: Duration)
        async throws -> (ContinuousClock.Instant?, ContinuousClock.Instant?) {
        var seenReferrals = 0, seenOutcomes = 0
        var referralsAt: ContinuousClock.Instant?, outcomesAt: ContinuousClock.Instant?
        let deadline = ContinuousClock.now + timeout
        while (referralsAt == nil || outcomesAt == nil) && ContinuousClock.now < deadline {
            for m in try await reader.poll(maxCount: 5000, timeoutMs: 100) {
                if m.header("ce_type") == EventType.referral.rawValue { seenReferrals += 1 }
                if m.header("ce_type") == EventType.assistanceOutcome.rawValue { seenOutcomes += 1 }
            }
            if referralsAt == nil && seenReferrals >= referrals { referralsAt = .now }
            if outcomesAt == nil && seenOutcomes >= outcomes { outcomesAt = .now }
        }
        return (referralsAt, outcomesAt)
    }
}

/// A service executable beside this one, on the bench's namespace, group and data directory.
final class BenchProcess: @unchecked Sendable {
    let process = Process()

    init(_ executable: String, brokers: String, namespace: String, dataDir: String) throws {
        let bin = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let service = String(executable.dropFirst("doudi-".count))
        try FileManager.default.createDirectory(atPath: "\(dataDir)/\(service)", withIntermediateDirectories: true)
        process.executableURL = bin.appendingPathComponent(executable)
        var env = ProcessInfo.processInfo.environment
        for (k, v) in ["DOUDI_BROKERS": brokers, "DOUDI_TOPIC_NAMESPACE": namespace, "DOUDI_GROUP_ID": "bench-\(namespace)\(service)",
                       "DOUDI_DATA_DIR": "\(dataDir)/\(service)", "DOUDI_HTTP_PORT": "0", "DOUDI_ROUTER_WALLCLOCK": "0",
                       "DOUDI_SESSION_TIMEOUT_MS": "6000"] { env[k] = v }
        process.environment = env
        let log = "\(dataDir)/\(service)/service.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
