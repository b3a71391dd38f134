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

/// The worklist end to end through the topics with the real broker, intake, matcher, classifier,
/// router and casework running as processes (started once for the class): a home visit's result
/// changes the household's profile and warnings; an overdue task escalates to the county; a
/// special-hardship case conference records measures that close the warning.
final class CaseworkSuiteTests: XCTestCase {
    final class Suite: @unchecked Sendable {
        let ns: String
        let data = temporaryDirectory("casework")
        let port = freePort()
        var services: [ServiceProcess] = []
        init() async throws {
            ns = try await TestBroker.freshNamespace()
            for exe in ["doudi-intake", "doudi-matcher", "doudi-classifier", "doudi-router", "doudi-casework"] {
                var env = ["DOUDI_TOPIC_NAMESPACE": ns, "DOUDI_DATA_DIR": data, "DOUDI_GROUP_ID": ns + exe]
                if exe == "doudi-casework" { env["DOUDI_HTTP_PORT"] = "\(port)" }
                services.append(try ServiceProcess(exe, environment: env, logName: ns + exe))
            }
        }
        var logs: String { services.map { "== \($0.process.executableURL!.lastPathComponent)\n\($0.log.suffix(1500))" }.joined(separator: "\n") }
    }

    nonisolated(unsafe) static var shared: Task<Suite, Error>?
    static func suite() async throws -> Suite {
        if shared == nil { shared = Task { try await Suite() } }
        return try await shared!.value
    }

    override class func tearDown() {
        let s = shared
        shared = nil
        let done = DispatchSemaphore(value: 0)
        Task { (try? await s?.value)?.services.forEach { $0.terminate() }; done.signal() }
        done.wait()
        super.tearDown()
    }

    static let county = OperatorToken.development(subject: "county-1", role: .county, regions: ["110105"])
    static let township = OperatorToken.development(subject: "township-1", role: .township, regions: ["110105001"])
    static let elsewhere = OperatorToken.development(subject: "township-9", role: .township, regions: ["120105001"])
    let keyer = PersonKeyer(secret: "doudi-development-secret-change-me")

    // MARK: helpers

    func http(_ s: Suite, _ method: String, _ path: String, body: String? = nil, token: String? = CaseworkSuiteTests.county) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(s.port)" + path)!)
        request.httpMethod = method
        request.httpBody = body.map { Data($0.utf8) }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    func tasks(_ s: Suite, _ query: String, token: String = CaseworkSuiteTests.county) async throws -> [CaseworkTask] {
        let (code, data) = try await http(s, "GET", "/v1/tasks?" + query, token: token)
        guard code == 200 else { return [] }
        struct Page: Decodable { var tasks: [CaseworkTask] }
        return (try? JSONDecoder().decode(Page.self, from: data))?.tasks ?? []
    }

    func waitForTask(_ s: Suite, _ query: String, timeout: Duration = .seconds(60), until: (CaseworkTask) -> Bool = { _ in true }) async throws -> CaseworkTask? {
        var found: CaseworkTask?
        _ = try await eventuallyAsync(timeout: timeout) {
            found = try await self.tasks(s, query).first(where: until)
            return found != nil
        }
        return found
    }

    func idNumber(_ county: String, born: String, seq: Int) -> String {
        let body = county + born + String(format: "%03d", seq)
        return body + String(IdentityNumber.checkCharacter(for: body.compactMap(\.wholeNumberValue))!)
    }

    func form(_ id: String, channel: Channel, person: Member, wagesFen: Int64, medicalFen: Int64 = 0, at: String) -> Submission {
        Submission(submissionId: id, channel: channel, regionCode: "110105001", area: .urban,
                   applicant: Applicant(name: person.name, idNumber: person.idNumber, phone: "13900000000"),
                   requestsAssistance: true, members: [person], income: Income(wagesFen: wagesFen),
                   expenses: Expenses(medicalFen: medicalFen), assets: Assets(houses: [House(areaM2: 40)]),
                   declarationSigned: true, verificationAuthorized: true, collectedAt: at,
                   collectedBy: channel == .homeVisit ? "worker-1" : nil)
    }

    func submit(_ s: Suite, _ forms: [Submission]) async throws {
        try await TestBroker.produce(try forms.map { f in
            try CloudEvent.make(id: f.submissionId, source: "/tests", type: EventType.intakeSubmission.rawValue, time: f.collectedAt,
                                subject: nil, key: keyer.key(for: f.applicant.idNumber), causationID: nil, payload: f)
        }, to: s.ns + ContractTopic.intakeSubmissions.name)
    }

    func warnings(_ s: Suite, household: String, until: @escaping ([Warning]) -> Bool) async throws -> [Warning] {
        let ms = try await TestBroker.read(s.ns + ContractTopic.monitoringWarnings.name, timeout: .seconds(60)) { ms in
            until(ms.compactMap { try? JSONDecoder().decode(Warning.self, from: Data($0.value)) }.filter { $0.householdId == household })
        }
        return ms.compactMap { try? JSONDecoder().decode(Warning.self, from: Data($0.value)) }.filter { $0.householdId == household }
    }

    func profiles(_ s: Suite, until: @escaping ([HouseholdProfile]) -> Bool) async throws -> [HouseholdProfile] {
        let ms = try await TestBroker.read(s.ns + ContractTopic.registryHouseholds.name, timeout: .seconds(60)) { ms in
            until(ms.compactMap { try? JSONDecoder().decode(HouseholdProfile.self, from: Data($0.value)) })
        }
        return ms.compactMap { try? JSONDecoder().decode(HouseholdProfile.self, from: Data($0.value)) }
    }

    /// The latest state of each warning of the household.
    func latest(_ ws: [Warning]) -> [String: Warning] {
        var out: [String: Warning] = [:]
        for w in ws { out[w.warningId] = w }
        return out
    }

    // MARK: tests

    /// A self-declaration that differs from what a visit verified gets a home-visit task; the
    /// visit's form, completed through the API, becomes a verified submission: the profile takes
    /// its facts and the household's warnings follow.
    func testAHomeVisitResultChangesTheProfileAndTheWarnings() async throws {
        let s = try await Self.suite()
        var person = Member(relation: .self, name: "测试访", idNumber: idNumber("110105", born: "19700101", seq: 41),
                            health: .healthy, occupation: .employed)
        person.laborAbility = .full
        try await submit(s, [form("cw-hv-1", channel: .homeVisit, person: person, wagesFen: 12_000_000, at: "2026-11-02T09:00:00+08:00")])
        let first = try await profiles(s) { $0.contains { $0.sourceSubmissions.contains("cw-hv-1") } }
        let hh = try XCTUnwrap(first.first { $0.sourceSubmissions.contains("cw-hv-1") }?.householdId, s.logs)

        // The man declares himself: no wages, a serious illness. Unverified: the verified visit stands, a visit is asked for.
        var ill = person
        ill.health = .seriousIllness; ill.occupation = .unemployed; ill.laborAbility = LaborAbility.none
        try await submit(s, [form("cw-sd-1", channel: .selfDeclared, person: ill, wagesFen: 0, medicalFen: 3_000_000, at: "2026-11-03T09:00:00+08:00")])
        let task = try await waitForTask(s, "household=\(hh)&kind=home_visit")
        let visit = try XCTUnwrap(task, "casework has the home-visit task\n\(s.logs)")
        XCTAssertEqual(visit.state, .open)
        XCTAssertEqual(visit.office, "110105001", "the township visits")

        // An operator of another township does not see it; a result without the form names the field.
        let (hidden, _) = try await http(s, "GET", "/v1/tasks/\(visit.taskId)", token: Self.elsewhere)
        XCTAssertEqual(hidden, 404)
        let (bad, badBody) = try await http(s, "POST", "/v1/tasks/\(visit.taskId)/completion", body: #"{"result": {"note": "visited"}}"#, token: Self.township)
        XCTAssertEqual(bad, 422)
        XCTAssertTrue(String(decoding: badBody, as: UTF8.self).contains("result.form"), String(decoding: badBody, as: UTF8.self))

        // The visit finds what was declared; the township completes the task with the form.
        var found = form("ignored", channel: .homeVisit, person: ill, wagesFen: 0, medicalFen: 3_000_000, at: "2026-11-05T10:00:00+08:00")
        found.collectedBy = "township-1"
        let formJSON = String(decoding: try JSONEncoder().encode(found), as: UTF8.self)
        let (code, body) = try await http(s, "POST", "/v1/tasks/\(visit.taskId)/completion",
                                          body: #"{"completedOn": "2026-11-05", "result": {"form": \#(formJSON)}}"#, token: Self.township)
        XCTAssertEqual(code, 200, String(decoding: body, as: UTF8.self))
        let done = try JSONDecoder().decode(CaseworkTask.self, from: body)
        XCTAssertEqual(done.state, .done)
        let submissionId = try XCTUnwrap(done.result?.submissionId)

        let after = try await profiles(s) { $0.contains { $0.householdId == hh && $0.sourceSubmissions.contains(submissionId) } }
        let profile = try XCTUnwrap(after.filter { $0.householdId == hh }.max { $0.version < $1.version }, s.logs)
        XCTAssertTrue(profile.sourceSubmissions.contains(submissionId), "the visit is merged into the same household")
        XCTAssertEqual(profile.members.first?.health, .seriousIllness, "the verified visit's facts win")
        let opened = try await warnings(s, household: hh) { ws in ws.contains { $0.status == .open } }
        XCTAssertTrue(opened.contains { $0.status == .open }, "warnings follow the verified facts\n\(s.logs)")
        let (again, _) = try await http(s, "POST", "/v1/tasks/\(visit.taskId)/completion",
                                        body: #"{"result": {"form": \#(formJSON)}}"#, token: Self.township)
        XCTAssertEqual(again, 409, "done once")
    }

    /// A task past its deadline escalates from the township to the county when the event clock
    /// passes it, dated the first day overdue; the township may no longer assign it, the county may.
    func testAnOverdueTaskEscalatesToTheCounty() async throws {
        let s = try await Self.suite()
        let hh = "hh-cw-overdue-\(EventID.random().prefix(6))"
        func task(_ id: String, due: String, at: String) throws -> CloudEvent {
            let t = WorkTask(taskId: id, householdId: hh, regionCode: "110105001", kind: .staffRelativeReview, reason: "annex", dueBy: due)
            return try CloudEvent.make(id: "ev-" + id, source: "/tests", type: EventType.workTask.rawValue, time: at, subject: hh,
                                       key: hh, causationID: nil, payload: t)
        }
        let late = "t-\(hh)-staff_relative_review"
        try await TestBroker.produce([try task(late, due: "2026-01-10", at: "2026-01-05T09:00:00+08:00"),
                                      try task("t-\(hh)-later", due: "2099-03-01", at: "2026-01-20T09:00:00+08:00")],
                                     to: s.ns + ContractTopic.workTasks.name)
        let escalated = try await TestBroker.read(s.ns + ContractTopic.caseworkTasks.name, timeout: .seconds(60)) { ms in
            ms.contains { (try? JSONDecoder().decode(CaseworkTaskEvent.self, from: Data($0.value)))?.taskId == late }
        }.compactMap { try? JSONDecoder().decode(CaseworkTaskEvent.self, from: Data($0.value)) }.filter { $0.taskId == late }
        let e = try XCTUnwrap(escalated.first, s.logs)
        XCTAssertEqual(e.change, .escalated)
        XCTAssertEqual(e.state, .overdue)
        XCTAssertEqual(e.level, .county)
        XCTAssertEqual(e.office, "110105")
        XCTAssertEqual(e.escalatedFrom, .township)
        XCTAssertEqual(e.escalatedOn, "2026-01-11", "dated the first day overdue, not the day the clock moved")
        // (The class's tests share one clock: another test may have moved it to November already.)
        let other = try await waitForTask(s, "household=\(hh)&state=open", timeout: .seconds(20))
        XCTAssertEqual(other?.taskId, "t-\(hh)-later", "the task due later stays open")

        let (forbidden, _) = try await http(s, "POST", "/v1/tasks/\(late)/assignment", body: #"{"assignee": {"kind": "person", "id": "worker-2"}}"#,
                                            token: Self.township)
        XCTAssertEqual(forbidden, 403, "with the county now")
        let (outside, outsideBody) = try await http(s, "POST", "/v1/tasks/\(late)/assignment", body: #"{"assignee": {"kind": "office", "id": "120105001"}}"#)
        XCTAssertEqual(outside, 422)
        XCTAssertTrue(String(decoding: outsideBody, as: UTF8.self).contains("assignee.id"))
        // The county assigns it with the CLI, and lists the household's tasks.
        let url = "http://127.0.0.1:\(s.port)"
        let assigned = try runDoudi(["tasks", "assign", late, "--person", "county-2", "--url", url, "--token", Self.county])
        XCTAssertEqual(assigned.status, 0, assigned.output)
        XCTAssertTrue(assigned.output.contains("assigned to person county-2"), assigned.output)
        let listed = try runDoudi(["tasks", "list", "--household", hh, "--state", "overdue", "--url", url, "--token", Self.county])
        XCTAssertEqual(listed.status, 0, listed.output)
        XCTAssertTrue(listed.output.contains(late) && listed.output.contains("county 110105"), listed.output)
        let refused = try runDoudi(["tasks", "complete", late, "--result", #"{"decision": "maybe"}"#, "--url", url, "--token", Self.county])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.output.contains("result.decision"), "the CLI shows the field: \(refused.output)")
        let (completed, completedBody) = try await http(s, "POST", "/v1/tasks/\(late)/completion",
                                                        body: #"{"completedOn": "2026-01-25", "result": {"decision": "rejected"}}"#)
        XCTAssertEqual(completed, 422)
        XCTAssertTrue(String(decoding: completedBody, as: UTF8.self).contains("result.note"))
        let (ok, okBody) = try await http(s, "POST", "/v1/tasks/\(late)/completion",
                                          body: #"{"completedOn": "2026-01-25", "result": {"decision": "approved"}}"#)
        XCTAssertEqual(ok, 200, String(decoding: okBody, as: UTF8.self))
        let t = try JSONDecoder().decode(CaseworkTask.self, from: okBody)
        XCTAssertEqual(t.state, .done)
        XCTAssertEqual(t.escalatedOn, "2026-01-11", "done late: the escalation stands")
        XCTAssertEqual(t.result?.decision, "approved")
        let list = try await tasks(s, "household=\(hh)&limit=1")
        XCTAssertEqual(list.count, 1, "paged")
    }

    /// Every department denies a seriously ill man; special hardship goes to the county's
    /// coordination mechanism; the case conference's measures close the warning.
    func testACaseConferenceRecordsMeasuresThatCloseTheSpecialHardshipWarning() async throws {
        let s = try await Self.suite()
        let ill = Member(relation: .self, name: "测试困", idNumber: idNumber("110105", born: "19650101", seq: 57), health: .seriousIllness,
                         occupation: .unemployed, laborAbility: LaborAbility.none)
        try await submit(s, [form("cw-sh-1", channel: .homeVisit, person: ill, wagesFen: 0, medicalFen: 3_000_000, at: "2026-11-02T09:00:00+08:00")])
        let ps = try await profiles(s) { $0.contains { $0.sourceSubmissions.contains("cw-sh-1") } }
        let hh = try XCTUnwrap(ps.first { $0.sourceSubmissions.contains("cw-sh-1") }?.householdId, s.logs)

        // This test plays every department the man is referred to, and denies.
        let topics = Domain.allCases.filter { $0 != .coordination }.map { s.ns + ContractTopic.referrals($0).name }
        let referrals = try await TestBroker.readSettled(topics: topics, minimum: 1, quiet: .seconds(4), timeout: .seconds(60))
            .filter { $0.header("ce_subject") == hh }
            .compactMap { try? JSONDecoder().decode(Referral.self, from: Data($0.value)) }.filter { $0.status == .sent }
        XCTAssertFalse(referrals.isEmpty, s.logs)
        try await TestBroker.produce(try referrals.map { r in
            let o = Outcome(outcomeId: "deny-\(r.referralId)", referralId: r.referralId, warningId: r.warningId, householdId: hh,
                            domain: r.domain, program: "test_department", status: .denied, decidedAt: "2026-11-04T10:00:00+08:00",
                            reason: "not within this department's policy", basis: r.basis)
            return try CloudEvent.make(id: o.outcomeId, source: "/tests/department", type: EventType.assistanceOutcome.rawValue,
                                       time: "2026-11-04T10:00:00+08:00", subject: hh, key: hh, causationID: nil, payload: o)
        }, to: s.ns + ContractTopic.assistanceOutcomes.name)

        // The case conference, with the needs the coordination referral names.
        let conference = try await waitForTask(s, "household=\(hh)&kind=case_conference", timeout: .seconds(90)) { $0.coordination != nil }
        let cc = try XCTUnwrap(conference, "a case conference with its coordination referral\n\(s.logs)")
        XCTAssertEqual(cc.level, .county, "the county's coordination mechanism")
        let needs = try XCTUnwrap(cc.coordination?.needs)
        let partial = needs.count > 1
            ? #"{"completedOn": "2026-11-05", "result": {"measures": [{"domain": "\#(needs[0].domain.rawValue)", "measure": "m"}]}}"# : nil
        if let partial {
            let (code, _) = try await http(s, "POST", "/v1/tasks/\(cc.taskId)/completion", body: partial)
            XCTAssertEqual(code, 422, "every need is answered")
        }
        let measures = needs.map { n in
            #"{"domain": "\#(n.domain.rawValue)", \#(n.personKey.map { "\"personKey\": \"\($0)\"," } ?? "") "measure": "charity fund and a township job", "amountFen": 300000}"#
        }.joined(separator: ", ")
        let (code, body) = try await http(s, "POST", "/v1/tasks/\(cc.taskId)/completion",
                                          body: #"{"completedOn": "2026-11-05", "result": {"measures": [\#(measures)]}}"#)
        XCTAssertEqual(code, 200, String(decoding: body, as: UTF8.self))
        let warningId = try XCTUnwrap(cc.coordination?.warningId)
        let ws = try await warnings(s, household: hh) { ws in ws.contains { $0.warningId == warningId && $0.status == .resolved } }
        let closed = try XCTUnwrap(latest(ws)[warningId], s.logs)
        XCTAssertEqual(closed.status, .resolved, "the agreed measures close the special-hardship warning\n\(s.logs)")
        XCTAssertEqual(closed.resolvedBy, cc.coordination?.referralId, "resolved by the coordination referral's decision")

        // `doudi summary` shows the state now: the coordination referral decided, the measures held, the conference done.
        let summary = try runSummary(s)
        let referralsNow = summary["referrals"] as? [String: [String: Int]] ?? [:]
        XCTAssertGreaterThanOrEqual(referralsNow["coordination"]?["granted"] ?? 0, 1, "\(summary)")
        XCTAssertGreaterThanOrEqual(referralsNow.values.compactMap { $0["denied"] }.reduce(0, +), 1, "\(summary)")
        let programmes = summary["programmes"] as? [String: [String: Int]] ?? [:]
        XCTAssertTrue(programmes.keys.contains { $0.hasSuffix("/" + TaskResults.conferenceProgram) }, "\(summary)")
        XCTAssertGreaterThanOrEqual((summary["tasks"] as? [String: Int])?["done"] ?? 0, 1, "\(summary)")
    }

    /// The default clock (`DOUDI_CASEWORK_CLOCK=wall`): a quiet worklist still escalates, because
    /// the scheduler moves the clock to the wall time. (Its own namespace: the wall clock would
    /// escalate the other tests' tasks.)
    func testTheWallClockEscalatesWhenNoEventsArrive() async throws {
        let ns = try await TestBroker.freshNamespace(partitions: 1)
        let port = freePort()
        let casework = try ServiceProcess("doudi-casework", environment: [
            "DOUDI_TOPIC_NAMESPACE": ns, "DOUDI_DATA_DIR": temporaryDirectory("casework-wall"), "DOUDI_GROUP_ID": ns + "casework",
            "DOUDI_HTTP_PORT": "\(port)", "DOUDI_CASEWORK_CLOCK": "wall", "DOUDI_CASEWORK_TICK": "300ms"], logName: ns + "casework")
        defer { casework.terminate() }
        let t = WorkTask(taskId: "t-hh-wall-staff_relative_review", householdId: "hh-wall", regionCode: "110105001",
                         kind: .staffRelativeReview, reason: "annex", dueBy: "2026-01-10")
        try await TestBroker.produce([try CloudEvent.make(id: "ev-wall", source: "/tests", type: EventType.workTask.rawValue,
                                                          time: "2026-01-02T09:00:00+08:00", subject: "hh-wall", key: "hh-wall",
                                                          causationID: nil, payload: t)], to: ns + ContractTopic.workTasks.name)
        let escalated = try await TestBroker.read(ns + ContractTopic.caseworkTasks.name, timeout: .seconds(60)) { !$0.isEmpty }
        let e = try XCTUnwrap(escalated.first.flatMap { try? JSONDecoder().decode(CaseworkTaskEvent.self, from: Data($0.value)) }, casework.log)
        XCTAssertEqual(e.change, .escalated)
        XCTAssertEqual(e.escalatedOn, "2026-01-11", "dated the first day overdue, not the wall-clock day")
        XCTAssertEqual(e.office, "110105")
    }

    /// docs/openapi-casework.json lists exactly the routes the service registers, and every answer it gives.
    func testTheAPIAnswersAsDocumented() async throws {
        let s = try await Self.suite()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("docs/openapi-casework.json"))) as? [String: Any]
        let paths = doc?["paths"] as? [String: [String: Any]] ?? [:]
        func codes(_ method: String, _ path: String) -> Set<Int> {
            Set((((paths[path]?[method] as? [String: Any])?["responses"] as? [String: Any]) ?? [:]).keys.compactMap { Int($0) })
        }
        let documented = Set(paths.flatMap { path, ops in ops.keys.map { "\($0.uppercased()) \(path)" } })
        XCTAssertEqual(documented, ["GET /v1/tasks", "GET /v1/tasks/{taskId}", "POST /v1/tasks/{taskId}/assignment",
                                    "POST /v1/tasks/{taskId}/completion", "GET /v1/stats"])
        let auditor = OperatorToken.development(subject: "auditor-1", role: .auditor, regions: ["*"])
        let calls: [(String, String, String, String?, String?, Int)] = [
            ("get", "/v1/tasks", "/v1/tasks?region=110105&limit=5", nil, Self.county, 200),
            ("get", "/v1/tasks", "/v1/tasks?kind=nap", nil, Self.county, 400),
            ("get", "/v1/tasks", "/v1/tasks", nil, nil, 401),
            ("get", "/v1/tasks/{taskId}", "/v1/tasks/t-none", nil, Self.county, 404),
            ("post", "/v1/tasks/{taskId}/assignment", "/v1/tasks/t-none/assignment", #"{"assignee": {"kind": "person", "id": "w1"}}"#, Self.county, 404),
            ("post", "/v1/tasks/{taskId}/assignment", "/v1/tasks/t-none/assignment", "{not json", Self.county, 400),
            ("post", "/v1/tasks/{taskId}/assignment", "/v1/tasks/t-none/assignment", #"{"assignee": {"kind": "person", "id": "w1"}}"#, auditor, 403),
            ("post", "/v1/tasks/{taskId}/completion", "/v1/tasks/t-none/completion", #"{"result": {}}"#, Self.county, 404),
            ("post", "/v1/tasks/{taskId}/completion", "/v1/tasks/t-none/completion", #"{"result": {}, "completedOn": "2999-01-01"}"#, Self.county, 422),
            ("get", "/v1/stats", "/v1/stats", nil, Self.county, 200),
        ]
        for (method, route, path, body, token, expected) in calls {
            let (status, data) = try await http(s, method.uppercased(), path, body: body, token: token)
            XCTAssertEqual(status, expected, "\(method) \(path): \(String(decoding: data, as: UTF8.self).prefix(300))")
            XCTAssertTrue(codes(method, route).contains(status), "\(method) \(route) answered \(status), which the document does not list")
        }
    }

    /// `doudi summary --json` on the class's namespace.
    func runSummary(_ s: Suite) throws -> [String: Any] {
        let p = Process()
        p.executableURL = ServiceProcess.binary("doudi")
        p.arguments = ["summary", "--json", "--month", "2026-11", "--brokers", TestBroker.address, "--classifier", "http://127.0.0.1:1"]
        var env = ProcessInfo.processInfo.environment
        env["DOUDI_TOPIC_NAMESPACE"] = s.ns
        env["DOUDI_MODE"] = "development"
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, String(decoding: data, as: UTF8.self))
        return (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }
}
