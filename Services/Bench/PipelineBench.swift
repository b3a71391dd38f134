import DoudiDomain
import Envelope
import Foundation
import GRDB
import Kafka
import ServiceKit

/// The whole suite on this machine: every service started on a fresh topic namespace, synthetic
/// households submitted on `intake.submissions`, timed until the last referral and outcome.
struct PipelineBench {
    let kafka: KafkaConfiguration
    let workDir: String
    var brokerPid: Int32? = nil
    /// Replicas of the matcher, the classifier and the router (docs/scaling.md), and the classifier's
    /// and the router's `DOUDI_TASKS`.
    var replicas = 1
    var tasks = 1
    static let replicated: Set<String> = ["doudi-matcher", "doudi-classifier", "doudi-router"]
    static let split: Set<String> = ["doudi-classifier", "doudi-router"]
    static let services = ["doudi-intake", "doudi-matcher", "doudi-classifier", "doudi-router", "doudi-medical",
                           "doudi-education", "doudi-housing", "doudi-employment", "doudi-disaster", "doudi-relief"]

    /// Starts every service; returns them with the namespace.
    func startSuite() async throws -> (namespace: String, processes: [Process]) {
        let ns = try await BenchSupport.freshNamespace(kafka)
        var processes: [Process] = []
        for exe in Self.services where FileManager.default.fileExists(atPath: BenchSupport.binDir.appendingPathComponent(exe).path) {
            for replica in 0..<(Self.replicated.contains(exe) ? replicas : 1) {
                processes.append(try BenchSupport.start(exe, env: [
                    "DOUDI_BROKERS": kafka.bootstrapServers, "DOUDI_TOPIC_NAMESPACE": ns, "DOUDI_GROUP_ID": "\(ns)\(exe)",
                    "DOUDI_DATA_DIR": "\(workDir)/\(ns)", "DOUDI_HTTP_PORT": "0", "DOUDI_BATCH_SIZE": "1000",
                    "DOUDI_SESSION_TIMEOUT_MS": "6000", "DOUDI_SYNCHRONOUS": "normal",
                    "DOUDI_TASKS": Self.split.contains(exe) ? String(tasks) : "1",
                ], log: "\(workDir)/\(ns)\(exe)\(replica == 0 ? "" : ".\(replica)").log"))
            }
        }
        try await Task.sleep(for: .seconds(6))  // every group joined
        try await tickToday(namespace: ns)
        return (ns, processes)
    }

    /// Today begun on every partition of `clock.ticks`, as compose's hourly `doudi clock tick`
    /// says it in a deployment: the population's facts are dated weeks back, so the classifier's
    /// due checks (§3.4) and the router's escalations run against today, not against the latest
    /// fact date (the classifier's clock follows facts and ticks, never the router's escalations).
    func tickToday(namespace ns: String) async throws {
        guard let today = ClockTick.todayInChina() else { throw BenchError("no date for today") }
        let topic = ns + ContractTopic.clockTicks.name
        let partitions = try await KafkaAdmin(configuration: kafka).partitions(of: topic).map(\.partition)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka))
        try await producer.send(try ClockTicks.messages(day: today, topic: topic, partitions: partitions))
    }

    func submissions(_ range: Range<Int>, namespace: String, keyer: PersonKeyer, stampNow: Bool) throws -> [OutgoingMessage] {
        let generator = PopulationGenerator(seed: 99)
        let time = Timestamp.rfc3339()
        return try range.map { i in
            var s = generator.household(i).submission
            s.submissionId = "bench-\(namespace)\(i)"
            let key = keyer.key(for: s.applicant.idNumber)
            let e = try CloudEvent.make(id: s.submissionId, source: "/bench", type: EventType.intakeSubmission.rawValue,
                                        time: stampNow ? Timestamp.rfc3339() : time, subject: nil, key: key, causationID: nil, payload: s)
            return OutgoingMessage(topic: namespace + "intake.submissions", key: Array(key.utf8), value: e.data,
                                   headers: e.headers.map { KafkaHeader($0.0, $0.1) })
        }
    }

    /// Households per second from the first submission to the last referral or outcome.
    /// `cpuSeconds`: per process (each service, `broker`, `doudi-bench` itself), the CPU it used
    /// from the first submission to the last event seen.
    func throughput(households: Int) async throws -> (rate: Double, referrals: Int, outcomes: Int, eventsByType: [String: Int],
                                                      cpuSeconds: [String: Double]) {
        let (ns, processes) = try await startSuite()
        defer { processes.forEach { BenchSupport.stop($0) } }
        let keyer = PersonKeyer(secret: (try? Secrets.personKeySecret()) ?? Secrets.developmentPersonKeySecret)
        // Every topic is watched, so that the run also shows the cascade: events per household by type.
        let consumer = try await joined(Topics.all(namespace: ns))
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka))
        // Replicas are `<executable>#<n>`; their CPU is added up per service below.
        var pids: [String: Int32] = [:]
        for p in processes {
            let name = p.executableURL?.lastPathComponent ?? "?"
            var key = name, n = 1
            while pids[key] != nil { n += 1; key = "\(name)#\(n)" }
            pids[key] = p.processIdentifier
        }
        if let brokerPid { pids["broker"] = brokerPid }
        pids["doudi-bench"] = getpid()
        let cpuAtStart = BenchSupport.cpuSnapshot(pids)
        var cpuAtLast = cpuAtStart
        let started = ContinuousClock.now
        for chunk in stride(from: 0, to: households, by: 5000) {
            try await producer.send(try submissions(chunk..<min(chunk + 5000, households), namespace: ns, keyer: keyer, stampNow: false))
        }
        // Synthetic households may share a member and merge, so completion is counted in
        // submissions registered (a profile lists every submission it merged), not households.
        var registered = Set<String>(), referrals = 0, outcomes = 0, byType: [String: Int] = [:]
        var last = ContinuousClock.now
        let decoder = JSONDecoder()
        // Done when every submission is in the registry, every service's store has applied every
        // event seen on the topics it reads and its outbox is empty, and nothing has moved for 2 s.
        // (Quiet alone is not enough: a loaded service can spend more than 5 s on one batch.)
        var seenEnd: [TopicPartition: Int64] = [:]
        var lastCheck = ContinuousClock.now
        while true {
            if registered.count >= households && ContinuousClock.now - last >= .seconds(2) && ContinuousClock.now - lastCheck >= .seconds(1) {
                lastCheck = .now
                if caughtUp(dataDir: "\(workDir)/\(ns)", seenEnd: seenEnd, namespace: ns) { break }
            }
            let batch = try await consumer.poll(maxCount: 10_000, timeoutMs: 200)
            if !batch.isEmpty { last = .now; cpuAtLast = BenchSupport.cpuSnapshot(pids) }
            for m in batch {
                seenEnd[m.topicPartition] = max(seenEnd[m.topicPartition] ?? 0, m.offset + 1)
                byType["\(m.topic.dropFirst(ns.count)) \(m.header("ce_type") ?? "-")", default: 0] += 1
                if m.topic.hasSuffix("registry.households") {
                    if let p = try? decoder.decode(Sources.self, from: Data(m.value)) { registered.formUnion(p.sourceSubmissions) }
                } else if m.topic.hasSuffix("assistance.outcomes") { outcomes += 1 } else if m.topic.contains("referrals.") { referrals += 1 }
            }
            if ContinuousClock.now - started > .seconds(1500) { throw BenchError("pipeline did not finish: \(registered.count) of \(households) submissions registered") }
        }
        await consumer.close()
        let cpu = cpuAtLast.reduce(into: [String: Double]()) {
            $0[String($1.key.prefix { $0 != "#" }), default: 0] += $1.value - (cpuAtStart[$1.key] ?? 0)
        }
        return (Double(households) / BenchSupport.seconds(last - started), referrals, outcomes, byType, cpu)
    }

    /// Latency from submission to its household's first referral at a fixed offered load, and
    /// where it goes: each hop is the time between the records' timestamps (set when a service's
    /// outbox relay produced them, so a hop is the next service's fetch, apply, commit and relay).
    struct Latency {
        var p50: Double, p99: Double, samples: Int
        /// Median ms per hop: submission → intake.accepted → registry.households →
        /// monitoring.warnings → referral.
        var hops: [(name: String, p50: Double)]
    }

    func latency(perSecond: Int, seconds: Int) async throws -> Latency {
        let (ns, processes) = try await startSuite()
        defer { processes.forEach { BenchSupport.stop($0) } }
        let keyer = PersonKeyer(secret: (try? Secrets.personKeySecret()) ?? Secrets.developmentPersonKeySecret)
        let consumer = try await joined([ns + "intake.accepted", ns + "registry.households", ns + "monitoring.warnings"]
                                        + Topics.referralDomains.map { ns + "referrals.\($0)" })
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka))
        let total = perSecond * seconds
        var sentAt: [String: ContinuousClock.Instant] = [:]   // submission id → send time
        var householdOf: [String: String] = [:]               // household id → submission id
        var latencies: [Double] = []
        // Wall-clock milliseconds of each step of a submission's path (records' timestamps).
        var sentMs: [String: Int64] = [:], acceptedMs: [String: Int64] = [:], registeredMs: [String: Int64] = [:]
        var warnedMs: [String: Int64] = [:]
        var hops: [[Double]] = Array(repeating: [], count: 4)
        let perTick = max(1, perSecond / 100), tick = perTick * 1000 / perSecond  // ms between sends
        var next = ContinuousClock.now
        var i = 0
        while i < total || ContinuousClock.now < next + .seconds(5) {
            if i < total && ContinuousClock.now >= next {
                let msgs = try submissions(i..<min(i + perTick, total), namespace: ns, keyer: keyer, stampNow: true)
                let now = ContinuousClock.now, wall = Int64(Date().timeIntervalSince1970 * 1000)
                for n in i..<min(i + perTick, total) { sentAt["bench-\(ns)\(n)"] = now; sentMs["bench-\(ns)\(n)"] = wall }
                Task { try? await producer.send(msgs) }
                i += perTick
                next += .milliseconds(tick)
            }
            for m in try await consumer.poll(maxCount: 5000, timeoutMs: 0) {
                let ts = m.timestampMs ?? 0
                if m.topic.hasSuffix("intake.accepted") {
                    if let sid = m.header("ce_causationid"), acceptedMs[sid] == nil { acceptedMs[sid] = ts }
                    continue
                }
                guard let hh = m.header("ce_subject") else { continue }
                if m.topic.hasSuffix("registry.households") {
                    if householdOf[hh] == nil, let p = try? JSONDecoder().decode(Sources.self, from: Data(m.value)) {
                        householdOf[hh] = p.sourceSubmissions.first
                        registeredMs[hh] = ts
                    }
                } else if m.topic.hasSuffix("monitoring.warnings") {
                    if warnedMs[hh] == nil { warnedMs[hh] = ts }
                } else if let sid = householdOf[hh], let t = sentAt.removeValue(forKey: sid) {
                    latencies.append(BenchSupport.seconds(.now - t) * 1000)
                    if let s = sentMs[sid], let a = acceptedMs[sid], let r = registeredMs[hh], let w = warnedMs[hh] {
                        for (k, (from, to)) in [(s, a), (a, r), (r, w), (w, ts)].enumerated() { hops[k].append(Double(to - from)) }
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(1))
        }
        await consumer.close()
        latencies.sort()
        guard !latencies.isEmpty else { throw BenchError("no referral observed") }
        let names = ["submission → intake.accepted", "→ registry.households (matcher)", "→ monitoring.warnings (classifier)", "→ referral (router)"]
        return Latency(p50: latencies[latencies.count / 2], p99: latencies[min(latencies.count - 1, latencies.count * 99 / 100)],
                       samples: latencies.count,
                       hops: zip(names, hops).map { name, v in (name, v.isEmpty ? .nan : v.sorted()[v.count / 2]) })
    }

    /// Every service's store has applied what the benchmark saw on the topics it reads (a topic it
    /// has applied any partition of), and its outbox is empty.
    private func caughtUp(dataDir: String, seenEnd: [TopicPartition: Int64], namespace: String) -> Bool {
        var config = Configuration()
        config.readonly = true
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dataDir)) ?? []
        for exe in Self.services {
            let service = exe.dropFirst("doudi-".count)
            // One store, or one per task (docs/scaling.md).
            for file in files where file == "\(service).sqlite" || (file.hasPrefix("\(service).task-") && file.hasSuffix(".sqlite")) {
                let path = "\(dataDir)/\(file)"
                // `<service>.task-<t>-of-<T>.sqlite` holds the partitions p with p mod T = t.
                let numbers = file.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
                let (task, count) = numbers.count >= 2 ? (numbers[numbers.count - 2], numbers[numbers.count - 1]) : (0, 1)
                guard let queue = try? DatabaseQueue(path: path, configuration: config),
                      let done = try? queue.read({ db -> Bool in
                          if try Int.fetchOne(db, sql: "SELECT count(*) FROM runtime_outbox") ?? 0 > 0 { return false }
                          var applied: [TopicPartition: Int64] = [:]
                          for row in try Row.fetchAll(db, sql: "SELECT topic, partition, next_offset FROM runtime_offsets") {
                              applied[TopicPartition(row[0], row[1])] = row[2]
                          }
                          let topics = Set(applied.keys.map(\.topic))
                          return seenEnd.allSatisfy { tp, end in
                              !topics.contains(tp.topic) || Int(tp.partition) % count != task || (applied[tp] ?? 0) >= end
                          }
                      }) else { return false }
                try? queue.close()
                if !done { return false }
            }
        }
        return true
    }

    private func joined(_ topics: [String]) async throws -> KafkaConsumer {
        var config = KafkaConsumerConfiguration(kafka, groupID: "bench-\(EventID.random())", topics: topics)
        config.sessionTimeoutMs = 6000
        let consumer = try KafkaConsumer(configuration: config)
        let deadline = ContinuousClock.now + .seconds(30)
        while consumer.assignment.isEmpty && ContinuousClock.now < deadline { _ = try await consumer.poll(maxCount: 1, timeoutMs: 100) }
        return consumer
    }
}

/// The one field of a profile the benchmark reads (decoding the whole profile would compete with
/// the services for the same two cores).
private struct Sources: Decodable {
    var sourceSubmissions: [String]
}
