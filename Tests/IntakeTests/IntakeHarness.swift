import DoudiDomain
import Envelope
import Foundation
import Kafka
import ServiceKit
import TestSupport
import XCTest
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A `doudi-intake` child process with a fresh topic namespace, store and HTTP port.
final class IntakeUnderTest: @unchecked Sendable {
    let namespace: String
    let dataDir: String
    let port: Int
    let process: ServiceProcess
    static let operatorToken = OperatorToken.development(subject: "beijing", role: .township, regions: ["11"])
    static let nanjingToken = OperatorToken.development(subject: "nanjing", role: .township, regions: ["3201"])
    static let declareToken = OperatorToken.development(subject: "self-declaration", role: .declarant, regions: ["*"],
                                                        channels: ["self_declared"])

    init(name: String, extraEnvironment: [String: String] = [:]) async throws {
        namespace = try await TestBroker.freshNamespace()
        dataDir = temporaryDirectory("intake-\(name)")
        port = freePort()
        var env = ["DOUDI_TOPIC_NAMESPACE": namespace, "DOUDI_GROUP_ID": "intake-test-\(EventID.random())",
                   "DOUDI_DATA_DIR": dataDir, "DOUDI_HTTP_PORT": String(port),
                   "DOUDI_INTAKE_DECLARE_TOKEN": Self.declareToken]
        for (k, v) in extraEnvironment { env[k] = v }
        process = try ServiceProcess("doudi-intake", environment: env, logName: "intake-\(name)-\(port)")
        let up = try await eventually(timeout: .seconds(30)) { self.isHealthySync() }
        XCTAssertTrue(up, "intake did not start: \(process.log.suffix(2000))")
    }

    deinit { process.terminate() }

    var base: URL { URL(string: "http://127.0.0.1:\(port)")! }
    func topic(_ name: String) -> String { namespace + name }

    private func isHealthySync() -> Bool {
        (try? Data(contentsOf: base.appendingPathComponent("healthz"))).map { String(decoding: $0, as: UTF8.self) == "ok\n" } ?? false
    }

    func healthy() async -> Bool { (try? await request("GET", "/healthz").status) == 200 }

    /// Waits until the consumer has its partitions (a group join takes a few seconds).
    func waitReady() async throws {
        let ready = try await eventuallyAsync(timeout: .seconds(60)) { (try? await self.request("GET", "/readyz").status) == 200 }
        XCTAssertTrue(ready, "intake not ready")
    }

    struct Reply {
        let status: Int; let body: Data
        /// Lower-cased names.
        var headers: [String: String] = [:]
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    }

    func request(_ method: String, _ path: String, token: String? = IntakeUnderTest.operatorToken, body: Data? = nil,
                 headers: [String: String] = [:]) async throws -> Reply {
        var r = URLRequest(url: URL(string: path, relativeTo: base)!)
        r.httpMethod = method
        r.httpBody = body
        r.timeoutInterval = 30
        r.cachePolicy = .reloadIgnoringLocalCacheData
        if let token { r.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if body != nil { r.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        for (k, v) in headers { r.setValue(v, forHTTPHeaderField: k) }
        let (data, response) = try await URLSession.shared.data(for: r)
        let http = response as! HTTPURLResponse
        var names: [String: String] = [:]
        for (k, v) in http.allHeaderFields { names["\(k)".lowercased()] = "\(v)" }
        return Reply(status: http.statusCode, body: data, headers: names)
    }

    func post(_ submission: [String: Any], token: String? = IntakeUnderTest.operatorToken) async throws -> Reply {
        try await request("POST", "/v1/submissions", token: token, body: JSONSerialization.data(withJSONObject: submission))
    }
}

/// Valid submissions and identity numbers made for the tests.
enum Samples {
    /// A valid identity number for person `n` (unique for n < 100 000).
    static func idNumber(_ n: Int, division: String = "110101") -> String {
        let birth = CivilDate(dayNumber: CivilDate(year: 1950, month: 1, day: 1)!.dayNumber + n % 10_000)
        let compact = String(format: "%04d%02d%02d", birth.year, birth.month, birth.day)
        let body = division + compact + String(format: "%03d", n / 10_000)
        let check = IdentityNumber.checkCharacter(for: body.compactMap { $0.wholeNumberValue })!
        return body + String(check)
    }

    static func submission(id: String?, person n: Int, region: String = "110101001",
                           channel: String = "home_visit") -> [String: Any] {
        let idNumber = idNumber(n)
        var s: [String: Any] = [
            "channel": channel, "regionCode": region, "area": "urban",
            "applicant": ["name": "测试申请人", "idNumber": idNumber, "phone": "13800138000"],
            "members": [["relation": "self", "name": "测试申请人", "idNumber": idNumber, "health": "chronic_illness",
                         "occupation": "unemployed", "laborAbility": "partial"]],
            "income": ["wagesFen": 1_200_000], "expenses": ["medicalFen": 300_000], "assets": ["depositsFen": 10_000],
            "requestsAssistance": true, "verificationAuthorized": true, "declarationSigned": true,
            "collectedAt": "2024-06-01", "collectedBy": "测试协理员",
        ]
        if let id { s["submissionId"] = id }
        return s
    }

    static func event(_ body: [String: Any], id: String, time: String = Timestamp.rfc3339()) throws -> CloudEvent {
        // Keyed like a channel system would (one submission's events stay in order on one partition).
        CloudEvent(id: id, source: "/tests/channel", type: "intake.submission.v1", time: time, key: body["submissionId"] as? String,
                   data: Array(try JSONSerialization.data(withJSONObject: body)))
    }
}

/// Decoded events of a topic, by `submissionId`.
func payloads(_ messages: [KafkaMessage]) -> [[String: Any]] {
    messages.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.value))) as? [String: Any] }
}

func submissionIds(_ messages: [KafkaMessage]) -> [String] { payloads(messages).compactMap { $0["submissionId"] as? String } }


