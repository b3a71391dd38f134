import DoudiDomain
import Envelope
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Kafka
import ServiceKit
import TestSupport
import XCTest

/// Issue 13, findings 2–6 against every service of the suite running as a child process (started
/// once for the class, on one topic namespace): who may publish, who may read, what is recorded,
/// how events are identified, and what HTTP and the stores give away. Finding 3 (no start
/// without secrets) is `SecureByDefaultTests`.
final class TrustBoundaryTests: XCTestCase {
    /// Every service's `/v1` routes (method, path) — a new route belongs here.
    static let routes: [String: [(String, String)]] = [
        "doudi-intake": [("POST", "/v1/submissions"), ("GET", "/v1/submissions/x")],
        "doudi-matcher": [("GET", "/v1/households/hh-x"), ("GET", "/v1/candidates?region=11"), ("GET", "/v1/stats")],
        "doudi-classifier": [("GET", "/v1/stats"), ("POST", "/v1/reevaluate"), ("POST", "/v1/samples"), ("POST", "/v1/surveys"),
                             ("GET", "/v1/surveys/2026"), ("GET", "/v1/households/hh-x/explanation")],
        "doudi-router": [("GET", "/v1/stats"), ("GET", "/v1/referrals/r-x")],
        "doudi-relief": [("GET", "/v1/cases"), ("GET", "/v1/cases/c-x"), ("POST", "/v1/cases/c-x/approval"), ("GET", "/v1/funds"), ("GET", "/v1/stats")],
        "doudi-medical": [("GET", "/v1/cases/r-x"), ("GET", "/v1/stats")],
        "doudi-education": [("GET", "/v1/cases/r-x"), ("GET", "/v1/stats")],
        "doudi-housing": [("GET", "/v1/cases/r-x"), ("GET", "/v1/stats")],
        "doudi-employment": [("GET", "/v1/cases/r-x"), ("GET", "/v1/stats")],
        "doudi-disaster": [("GET", "/v1/cases/r-x"), ("GET", "/v1/stats")],
    ]

    struct Suite: Sendable {
        let ns: String
        let dataDir: String
        let ports: [String: Int]
        func topic(_ t: ContractTopic) -> String { ns + t.name }
    }

    nonisolated(unsafe) static var processes: [ServiceProcess] = []
    static let started: Task<Suite, Error> = Task {
        let ns = try await TestBroker.freshNamespace()
        let data = temporaryDirectory("trust")
        var ports: [String: Int] = [:]
        for exe in routes.keys.sorted() {
            let port = freePort()
            ports[exe] = port
            processes.append(try ServiceProcess(exe, environment: [
                "DOUDI_TOPIC_NAMESPACE": ns, "DOUDI_DATA_DIR": data + "/" + exe, "DOUDI_GROUP_ID": ns + exe,
                "DOUDI_HTTP_PORT": String(port), "DOUDI_STATS_MIN_CELL": "10"], logName: ns + exe))
        }
        for (exe, port) in ports {
            let up = try await eventuallyAsync(timeout: .seconds(60)) { await get(port, "/healthz").status == 200 }
            guard up else { throw HarnessFailure(description: "\(exe) did not start") }
        }
        return Suite(ns: ns, dataDir: data, ports: ports)
    }

    override class func tearDown() {
        processes.forEach { $0.terminate() }
        super.tearDown()
    }

    struct HarnessFailure: Error, CustomStringConvertible { var description: String }

    // MARK: HTTP helpers

    struct Reply { var status: Int; var headers: [String: String]; var body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] } }

    static func request(_ port: Int, _ method: String, _ path: String, token: String? = nil, body: Data? = nil,
                        headers: [String: String] = [:]) async -> Reply {
        var r = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        r.httpMethod = method
        r.timeoutInterval = 20
        if let body { r.httpBody = body; r.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        else if method == "POST" { r.httpBody = Data("{}".utf8) }
        if let token { r.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (k, v) in headers { r.setValue(v, forHTTPHeaderField: k) }
        guard let (data, response) = try? await URLSession.shared.data(for: r), let http = response as? HTTPURLResponse else {
            return Reply(status: 0, headers: [:], body: Data())
        }
        var h: [String: String] = [:]
        for (k, v) in http.allHeaderFields { h[String(describing: k).lowercased()] = String(describing: v) }
        return Reply(status: http.statusCode, headers: h, body: data)
    }

    static func get(_ port: Int, _ path: String, token: String? = nil) async -> Reply { await request(port, "GET", path, token: token) }

    static func idNumber(_ n: Int, division: String = "110101") -> String {
        let body = division + "1980" + String(format: "%02d", 1 + n % 12) + "15" + String(format: "%03d", n % 1000)
        return body + String(IdentityNumber.checkCharacter(for: body.compactMap(\.wholeNumberValue))!)
    }

    static func submission(_ id: String, person n: Int, name: String = "李秀英", region: String = "110101001") -> [String: Any] {
        let number = idNumber(n)
        return ["submissionId": id, "channel": "home_visit", "regionCode": region, "area": "urban",
                "applicant": ["name": name, "idNumber": number, "phone": "13800138000"],
                "members": [["relation": "self", "name": name, "idNumber": number, "health": "chronic_illness",
                             "occupation": "unemployed", "laborAbility": "partial"]],
                "income": ["wagesFen": 100_000], "expenses": ["medicalFen": 300_000], "assets": ["depositsFen": 10_000],
                "requestsAssistance": true, "verificationAuthorized": true, "declarationSigned": true,
                "collectedAt": "2026-11-01", "collectedBy": "worker-1"]
    }

    static let beijing = OperatorToken.development(subject: "township-beijing", role: .township, regions: ["11"])
    static let nanjing = OperatorToken.development(subject: "township-nanjing", role: .township, regions: ["3201"])
    static let province = OperatorToken.development(subject: "province-ops", role: .province, regions: ["*"])

    /// A token signed with a key no service holds, one that has expired, and an unsigned one (`alg: none`).
    static var forged: [(String, String)] {
        let now = Int64(Date().timeIntervalSince1970)
        let claims = OperatorCredential(subject: "intruder", role: .province, regions: ["*"], expiresAt: now + 3600, issuedAt: now)
        let otherKey = OperatorKeyRing([(id: "dev", key: Array("an-attacker-chosen-key-of-32-bytes!!".utf8))]).current
        let expired = OperatorCredential(subject: "old", role: .province, regions: ["*"], expiresAt: now - 10, issuedAt: now - 3600)
        let devKey = try! OperatorKeyRing.fromEnvironment(["DOUDI_MODE": "development"]).current
        func b64(_ s: String) -> String {
            Data(s.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_")
        }
        let unsigned = b64(#"{"alg":"none","kid":"dev","typ":"JWT"}"#) + "." + b64(#"{"sub":"x","role":"province","regions":["*"],"exp":9999999999,"iat":0}"#) + "."
        return [("no token", ""), ("not a token", "hello"), ("another key", try! OperatorToken.sign(claims, with: otherKey)),
                ("expired", try! OperatorToken.sign(expired, with: devKey)), ("alg none", unsigned)]
    }

    // MARK: Finding 4 (and 3): no /v1 route answers without a valid credential

    func testNoV1RouteAnswersWithoutAValidCredential() async throws {
        let suite = try await Self.started.value
        for (exe, routes) in Self.routes.sorted(by: { $0.key < $1.key }) {
            let port = try XCTUnwrap(suite.ports[exe])
            for (method, path) in routes {
                for (what, token) in Self.forged {
                    let reply = await Self.request(port, method, path, token: token.isEmpty ? nil : token)
                    XCTAssertEqual(reply.status, 401, "\(exe) \(method) \(path) with \(what)")
                    XCTAssertEqual(reply.headers["x-content-type-options"], "nosniff", "\(exe) \(path)")
                    XCTAssertEqual(reply.headers["x-frame-options"], "DENY")
                    XCTAssertTrue(reply.headers["content-security-policy"]?.contains("frame-ancestors 'none'") == true)
                }
                let valid = await Self.request(port, method, path, token: Self.province)
                XCTAssertNotEqual(valid.status, 401, "\(exe) \(method) \(path) refuses a valid token")
                XCTAssertNotEqual(valid.status, 0)
            }
            let health = await Self.get(port, "/healthz")
            XCTAssertEqual(health.status, 200, "health stays open for the orchestrator")
        }
    }

    // MARK: Finding 2: who produced an event is checked

    func testProducersAreCheckedPerEventType() async throws {
        let suite = try await Self.started.value
        let now = Timestamp.rfc3339()
        // A relief approval not from the relief API; an education outcome from the medical handler;
        // a department record from an unknown system.
        try await TestBroker.produce([try CloudEvent.make(id: "forged-approval", source: "/doudi/intake", type: "relief.approval.v1", time: now,
                                                          subject: nil, key: "case-x", causationID: nil,
                                                          payload: ReliefApproval(caseId: "case-x", approvedFen: 1, approver: "x"))],
                                     to: suite.topic(.reliefApplications))
        try await TestBroker.produce([try CloudEvent.make(id: "forged-outcome", source: "/doudi/medical", type: "assistance.outcome.v1", time: now,
                                                          subject: "hh-x", key: "hh-x", causationID: nil,
                                                          payload: Outcome(outcomeId: "o-x", referralId: "r-x", warningId: "w-x", householdId: "hh-x",
                                                                           domain: .education, program: "grant", status: .granted,
                                                                           decidedAt: "2026-11-02", reason: "forged"))],
                                     to: suite.topic(.assistanceOutcomes))
        try await TestBroker.produce([try CloudEvent.make(id: "forged-record", source: "/unknown-system", type: "dept.record.v1", time: now,
                                                          subject: nil, key: "k", causationID: nil, payload: ["recordId": "r"])],
                                     to: suite.topic(.deptRecords))
        let letters = try await TestBroker.read(suite.topic(.deadletter), timeout: .seconds(90)) { all in
            Set(all.filter { ($0.header("dlq_error") ?? "").contains("producer not allowed") }.map { "\($0.header("ce_id")!)@\($0.header("dlq_service")!)" })
                .isSuperset(of: ["forged-approval@relief", "forged-outcome@router", "forged-outcome@classifier", "forged-outcome@matcher", "forged-record@matcher"])
        }
        let refused = letters.filter { ($0.header("dlq_error") ?? "").contains("producer not allowed") }
        let seen = Set(refused.map { "\($0.header("ce_id")!)@\($0.header("dlq_service")!)" })
        XCTAssertTrue(seen.isSuperset(of: ["forged-approval@relief", "forged-outcome@router", "forged-outcome@classifier",
                                           "forged-outcome@matcher", "forged-record@matcher"]), "\(seen)")
        let outcome = try XCTUnwrap(refused.first { $0.header("ce_id") == "forged-outcome" })
        XCTAssertTrue(outcome.header("dlq_error")!.contains("for domain education"), outcome.header("dlq_error")!)
    }

    // MARK: Finding 5: events are (ce_source, ce_id); submission ids are per operator

    func testEventsAreIdentifiedBySourceAndIdAndSubmissionIdsPerOperator() async throws {
        let suite = try await Self.started.value
        func event(_ source: String, _ body: [String: Any]) throws -> CloudEvent {
            CloudEvent(id: "shared-ce-id", source: source, type: "intake.submission.v1", time: Timestamp.rfc3339(),
                       key: body["submissionId"] as? String, data: Array(try JSONSerialization.data(withJSONObject: body)))
        }
        // Two channel systems that happen to choose the same ce_id: both submissions are decided.
        try await TestBroker.produce([try event("/tests/channel-a", Self.submission("sys-a-1", person: 501)),
                                      try event("/tests/channel-b", Self.submission("sys-b-1", person: 502))], to: suite.topic(.intakeSubmissions))
        let accepted = try await TestBroker.read(suite.topic(.intakeAccepted), timeout: .seconds(60)) { all in
            Set(all.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.value)) as? [String: Any])?["submissionId"] as? String })
                .isSuperset(of: ["sys-a-1", "sys-b-1"])
        }
        let ids = Set(accepted.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.value)) as? [String: Any])?["submissionId"] as? String })
        XCTAssertTrue(ids.isSuperset(of: ["sys-a-1", "sys-b-1"]), "the second submission vanished: \(ids)")
        // The same producer re-using its id for other content: a collision, dead-lettered with the reason.
        try await TestBroker.produce([try event("/tests/channel-a", Self.submission("sys-a-2", person: 503))], to: suite.topic(.intakeSubmissions))
        let letters = try await TestBroker.read(suite.topic(.deadletter), timeout: .seconds(60)) { all in
            all.contains { ($0.header("dlq_error") ?? "").contains("event id collision") }
        }
        let collision = try XCTUnwrap(letters.first { ($0.header("dlq_error") ?? "").contains("event id collision") })
        XCTAssertEqual(collision.header("dlq_service"), "intake")
        XCTAssertFalse(collision.header("dlq_error")!.contains(Self.idNumber(503)))

        // Over HTTP, two operators' equal submission ids are two submissions; neither can see the other's.
        let port = try XCTUnwrap(suite.ports["doudi-intake"])
        let nanjingForm = Self.submission("same-id", person: 504, region: "320102001").merging(
            ["applicant": ["name": "王芳", "idNumber": Self.idNumber(504, division: "320102"), "phone": "13800138000"],
             "members": [["relation": "self", "name": "王芳", "idNumber": Self.idNumber(504, division: "320102"), "health": "healthy",
                          "occupation": "unemployed", "laborAbility": "full"]]]) { $1 }
        let a = await Self.request(port, "POST", "/v1/submissions", token: Self.beijing,
                                   body: try JSONSerialization.data(withJSONObject: Self.submission("same-id", person: 505)))
        let b = await Self.request(port, "POST", "/v1/submissions", token: Self.nanjing, body: try JSONSerialization.data(withJSONObject: nanjingForm))
        XCTAssertEqual(a.status, 202, String(decoding: a.body, as: UTF8.self))
        XCTAssertEqual(b.status, 202, "another operator's id is not a conflict: \(String(decoding: b.body, as: UTF8.self))")
        let mine = await Self.get(port, "/v1/submissions/same-id", token: Self.nanjing)
        XCTAssertEqual(mine.json["regionCode"] as? String, "320102001", "each operator sees its own submission")
        let other = OperatorToken.development(subject: "township-other", role: .township, regions: ["11"])
        let probe = await Self.get(port, "/v1/submissions/same-id", token: other)
        XCTAssertEqual(probe.status, 404, "an id outside the caller's scope is not revealed")
    }

    // MARK: Finding 4: reads of personal data need the region, are recorded, and stats hide small cells

    func testReadsOfPersonalDataAreScopedAndAudited() async throws {
        let suite = try await Self.started.value
        let intake = try XCTUnwrap(suite.ports["doudi-intake"]), matcher = try XCTUnwrap(suite.ports["doudi-matcher"])
        let posted = await Self.request(intake, "POST", "/v1/submissions", token: Self.beijing,
                                        body: try JSONSerialization.data(withJSONObject: Self.submission("audit-1", person: 601)))
        XCTAssertEqual(posted.status, 202)
        let versions = try await TestBroker.read(suite.topic(.registryHouseholds), timeout: .seconds(90)) { all in
            all.contains { String(decoding: $0.value, as: UTF8.self).contains("audit-1") }
        }
        let profile = try XCTUnwrap(versions.first { String(decoding: $0.value, as: UTF8.self).contains("audit-1") })
        let hh = try XCTUnwrap(profile.header("ce_subject"))

        let outside = await Self.get(matcher, "/v1/households/\(hh)", token: Self.nanjing)
        XCTAssertEqual(outside.status, 404, "a household outside the operator's regions is not revealed")
        let department = await Self.get(matcher, "/v1/households/\(hh)", token: OperatorToken.development(subject: "dept", role: .department, regions: ["*"]))
        XCTAssertEqual(department.status, 403)
        let inside = await Self.request(matcher, "GET", "/v1/households/\(hh)", token: Self.beijing, headers: ["Doudi-Purpose": "home visit 2026-11"])
        XCTAssertEqual(inside.status, 200)
        XCTAssertEqual(inside.headers["cache-control"], "no-store")

        // Cells of fewer than DOUDI_STATS_MIN_CELL households are not published, whatever the prefix length.
        let stats = await Self.get(matcher, "/v1/stats?prefixLength=9", token: Self.beijing)
        XCTAssertEqual(stats.status, 200)
        XCTAssertEqual((stats.json["regions"] as? [Any])?.count, 0, String(decoding: stats.body, as: UTF8.self))
        let relief = await Self.get(try XCTUnwrap(suite.ports["doudi-relief"]), "/v1/cases?limit=-1", token: Self.province)
        XCTAssertEqual(relief.status, 400, "limit=-1 is not 'no limit'")

        let records = try await TestBroker.read(suite.topic(.auditAccess), timeout: .seconds(60)) { all in
            all.filter { String(decoding: $0.value, as: UTF8.self).contains(hh) }.count >= 2
        }
        let mine = records.compactMap { try? JSONDecoder().decode(AccessRecord.self, from: Data($0.value)) }.filter { $0.resourceId == hh }
        XCTAssertTrue(mine.contains { $0.actor == "township-nanjing" && $0.decision == "denied" && $0.service == "matcher" }, "\(mine)")
        XCTAssertTrue(mine.contains { $0.actor == "township-beijing" && $0.decision == "granted" && $0.purpose == "home visit 2026-11"
                                      && $0.regionCode == "110101001" && $0.resource == "household" }, "\(mine)")
        for r in records { XCTAssertFalse(String(decoding: r.value, as: UTF8.self).contains(Self.idNumber(601)), "no personal data on audit.access") }
        // ... and in the matcher's store, and listed by `doudi audit`.
        let cli = Process()
        cli.executableURL = ServiceProcess.binary("doudi")
        cli.arguments = ["audit", "--actor", "township-beijing", "--brokers", TestBroker.address]
        cli.environment = ProcessInfo.processInfo.environment.merging(["DOUDI_TOPIC_NAMESPACE": suite.ns]) { $1 }
        let pipe = Pipe()
        cli.standardOutput = pipe
        try cli.run()
        let listed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        cli.waitUntilExit()
        XCTAssertEqual(cli.terminationStatus, 0, listed)
        XCTAssertTrue(listed.contains(hh) && listed.contains("home visit 2026-11") && listed.contains("granted"), listed)
    }

    // MARK: Finding 6: stores are private and personal data in them sealed; HTTP hardening

    func testStoresArePrivateAndPersonalDataSealed() async throws {
        let suite = try await Self.started.value
        let intake = try XCTUnwrap(suite.ports["doudi-intake"])
        let name = "赵淑芬"
        let posted = await Self.request(intake, "POST", "/v1/submissions", token: Self.beijing,
                                        body: try JSONSerialization.data(withJSONObject: Self.submission("sealed-1", person: 701, name: name)))
        XCTAssertEqual(posted.status, 202)
        _ = try await TestBroker.read(suite.topic(.intakeAccepted), timeout: .seconds(60)) { all in
            all.contains { String(decoding: $0.value, as: UTF8.self).contains("sealed-1") }
        }
        let dir = suite.dataDir + "/doudi-intake"
        let fm = FileManager.default
        XCTAssertEqual((try fm.attributesOfItem(atPath: dir)[.posixPermissions] as? NSNumber)?.intValue, 0o700)
        for file in try fm.contentsOfDirectory(atPath: dir) where file.hasPrefix("intake.sqlite") {
            XCTAssertEqual((try fm.attributesOfItem(atPath: dir + "/" + file)[.posixPermissions] as? NSNumber)?.intValue, 0o600, file)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + file))
            XCTAssertNil(bytes.range(of: Data(Self.idNumber(701).utf8)), "\(file) holds an identity number in clear")
            XCTAssertNil(bytes.range(of: Data(name.utf8)), "\(file) holds a name in clear")
        }
    }

    func testNamesWithMarkupOrDirectionControlsAreRejectedNamingTheField() async throws {
        let suite = try await Self.started.value
        let intake = try XCTUnwrap(suite.ports["doudi-intake"])
        var form = Self.submission("markup-1", person: 801, name: "<svg onload=1>")
        form["members"] = [["relation": "self", "name": "<svg onload=1>", "idNumber": Self.idNumber(801), "health": "healthy",
                            "occupation": "unemployed", "laborAbility": "full"]]
        let reply = await Self.request(intake, "POST", "/v1/submissions", token: Self.beijing, body: try JSONSerialization.data(withJSONObject: form))
        XCTAssertEqual(reply.status, 422)
        let errors = (reply.json["errors"] as? [[String: Any]]) ?? []
        XCTAssertTrue(errors.contains { $0["field"] as? String == "applicant.name" && $0["code"] as? String == "invalid_name" }, "\(errors)")
        XCTAssertTrue(errors.contains { $0["field"] as? String == "members[0].name" && $0["code"] as? String == "invalid_name" }, "\(errors)")
        // The self-declaration page: security headers, a policy that allows only its own inline code.
        let page = await Self.get(intake, "/declare")
        XCTAssertEqual(page.status, 200)
        XCTAssertEqual(page.headers["x-frame-options"], "DENY")
        XCTAssertEqual(page.headers["x-content-type-options"], "nosniff")
        XCTAssertEqual(page.headers["referrer-policy"], "no-referrer")
        XCTAssertTrue(page.headers["content-security-policy"]?.hasPrefix("default-src 'self'") == true)
    }
}

/// HTTP hardening on a service of its own (the limits are set low): idle connections are closed,
/// and an address or an operator that sends too much is slowed down with 429.
final class HTTPHardeningTests: XCTestCase {
    func testIdleConnectionsCloseAndRatesAreLimited() async throws {
        let port = freePort()
        let service = try ServiceProcess("doudi-noop", environment: [
            "DOUDI_DATA_DIR": temporaryDirectory("hardening"), "DOUDI_HTTP_PORT": String(port), "DOUDI_GROUP_ID": "hardening-\(EventID.random())",
            "DOUDI_NOOP_INPUT": "hardening-in-\(EventID.random())", "DOUDI_HTTP_IDLE_TIMEOUT_SECONDS": "2", "DOUDI_HTTP_RATE_PER_ADDRESS": "5"],
            logName: "hardening-\(port)")
        defer { service.terminate() }
        let up = try await eventuallyAsync(timeout: .seconds(30)) { await TrustBoundaryTests.get(port, "/healthz").status == 200 }
        XCTAssertTrue(up, service.log)
        XCTAssertTrue(service.log.contains("DOUDI_MODE=development"), "development mode says so at start")

        // Stalled connections: opened, a partial request head, then nothing.
        var sockets: [Int32] = []
        for _ in 0..<20 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET); addr.sin_port = UInt16(port).bigEndian; addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            XCTAssertEqual(connected, 0)
            _ = "GET /metrics HTTP/1.1\r\nHost: x\r\n".withCString { send(fd, $0, strlen($0), 0) }
            sockets.append(fd)
        }
        try await Task.sleep(for: .seconds(5))
        for fd in sockets {
            var tv = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            var buffer = [UInt8](repeating: 0, count: 512)
            XCTAssertLessThanOrEqual(recv(fd, &buffer, buffer.count, 0), 0, "a stalled connection was closed by the server")
            close(fd)
        }

        // 40 requests at once from one address: past the burst (2 × 5), 429 with Retry-After.
        var statuses: [Int] = []
        for _ in 0..<40 { statuses.append(await TrustBoundaryTests.get(port, "/metrics").status) }
        XCTAssertTrue(statuses.contains(429), "\(statuses)")
        XCTAssertTrue(statuses.prefix(8).allSatisfy { $0 == 200 }, "\(statuses)")
        let health = await TrustBoundaryTests.get(port, "/healthz")
        XCTAssertEqual(health.status, 200, "health checks are never rate limited")
    }
}
