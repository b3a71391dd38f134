import DoudiDomain
import Envelope
import Foundation
import Kafka
import ServiceKit
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Intake: submissions per second through the topic path, and HTTP latency at a fixed offered load.
struct IntakeBench {
    let kafka: KafkaConfiguration
    let workDir: String

    /// Synthetic submissions as JSON, with ids unique to this run.
    func bodies(_ n: Int, prefix: String) throws -> [(id: String, json: [UInt8], idNumber: String)] {
        let generator = PopulationGenerator(seed: 5)
        let encoder = JSONEncoder()
        return try (0..<n).map { i in
            var s = generator.household(i).submission
            s.submissionId = "\(prefix)-\(i)"
            return (s.submissionId, Array(try encoder.encode(s)), s.applicant.idNumber)
        }
    }

    func start(_ ns: String, port: Int) throws -> Process {
        try BenchSupport.start("doudi-intake", env: [
            "DOUDI_BROKERS": kafka.bootstrapServers, "DOUDI_TOPIC_NAMESPACE": ns, "DOUDI_GROUP_ID": "\(ns)intake",
            "DOUDI_DATA_DIR": "\(workDir)/\(ns)", "DOUDI_HTTP_PORT": String(port), "DOUDI_BATCH_SIZE": "1000",
            "DOUDI_SESSION_TIMEOUT_MS": "6000", "DOUDI_LOG_LEVEL": "warning",
            // The benchmark is one client at hundreds of requests a second: no rate limit.
            "DOUDI_HTTP_RATE_PER_ADDRESS": "0", "DOUDI_HTTP_RATE_PER_OPERATOR": "0",
        ], log: "\(workDir)/\(ns)intake.log")
    }

    func topicPath(submissions n: Int) async throws -> Double {
        let ns = try await BenchSupport.freshNamespace(kafka)
        let service = try start(ns, port: 0)
        defer { BenchSupport.stop(service) }
        try await Task.sleep(for: .seconds(5))
        let keyer = PersonKeyer(secret: Secrets.developmentPersonKeySecret)
        let messages = try bodies(n, prefix: "bt").map { b in
            let key = keyer.key(for: b.idNumber)
            let e = CloudEvent(id: b.id, source: "/bench", type: EventType.intakeSubmission.rawValue, time: Timestamp.rfc3339(), key: key, data: b.json)
            return OutgoingMessage(topic: ns + "intake.submissions", key: Array(key.utf8), value: e.data, headers: e.headers.map { KafkaHeader($0.0, $0.1) })
        }
        let consumer = try await BenchSupport.joinedConsumer(kafka, topic: ns + "intake.accepted")
        let started = ContinuousClock.now
        async let consumed = BenchSupport.consume(consumer, count: n)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka))
        for chunk in stride(from: 0, to: n, by: 5000) { try await producer.send(Array(messages[chunk..<min(chunk + 5000, n)])) }
        let got = try await consumed
        guard got >= n else { throw BenchError("intake accepted \(got) of \(n)") }
        return Double(n) / BenchSupport.seconds(.now - started)
    }

    /// POSTs at `perSecond` for `seconds`; returns p50 and p99 in ms and the share answered 202.
    func http(perSecond: Int, seconds: Int) async throws -> (p50: Double, p99: Double, ok: Double) {
        let ns = try await BenchSupport.freshNamespace(kafka)
        let port = 18_600 + Int.random(in: 0..<300)
        let service = try start(ns, port: port)
        defer { BenchSupport.stop(service) }
        try await Task.sleep(for: .seconds(5))
        let all = try bodies(perSecond * seconds, prefix: "bh")
        let url = URL(string: "http://127.0.0.1:\(port)/v1/submissions")!
        let config = URLSessionConfiguration.default
        config.httpMaximumConnectionsPerHost = 64
        let session = URLSession(configuration: config)
        let token = OperatorToken.development(subject: "bench", role: .province, regions: ["*"])
        let results = try await withThrowingTaskGroup(of: (Double, Bool).self) { group in
            let start = ContinuousClock.now
            for (i, body) in all.enumerated() {
                // Open-loop load: each request leaves at its scheduled time, whatever the others do.
                let due = start + .microseconds(Int64(i) * 1_000_000 / Int64(perSecond))
                try await Task.sleep(until: due, clock: .continuous)
                group.addTask {
                    var request = URLRequest(url: url)
                    request.httpMethod = "POST"
                    request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
                    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                    request.httpBody = Data(body.json)
                    let t = ContinuousClock.now
                    let (_, response) = try await session.data(for: request)
                    return (BenchSupport.seconds(.now - t) * 1000, (response as? HTTPURLResponse)?.statusCode == 202)
                }
            }
            var out: [(Double, Bool)] = []
            for try await r in group { out.append(r) }
            return out
        }
        let latencies = results.map(\.0).sorted()
        return (latencies[latencies.count / 2], latencies[latencies.count * 99 / 100],
                Double(results.filter(\.1).count) / Double(results.count))
    }
}
