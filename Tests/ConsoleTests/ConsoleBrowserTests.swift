// The console end to end in a real browser (headless Chromium over the DevTools protocol) against
// the real broker and the services it reads and acts through, started once: a township operator
// and a county operator sign in, each sees only their region; the township completes a home-visit
// task and sees the household's warnings change; the county approves a relief case; every page is
// reachable by keyboard, every control labelled, and a screenshot of each is written
// (DOUDI_CONSOLE_SCREENSHOTS=docs/console keeps the committed ones current).
import DoudiDomain
import Envelope
import Foundation
import GRDB
import ServiceKit
import TestSupport
import XCTest
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

final class ConsoleBrowserTests: XCTestCase {
    let keyer = PersonKeyer(secret: "doudi-development-secret-change-me")

    func idNumber(_ county: String, born: String, seq: Int) -> String {
        let body = county + born + String(format: "%03d", seq)
        return body + String(IdentityNumber.checkCharacter(for: body.compactMap(\.wholeNumberValue))!)
    }

    func form(_ id: String, township: String, channel: Channel, person: Member, wagesFen: Int64, medicalFen: Int64 = 0, at: String) -> Submission {
        Submission(submissionId: id, channel: channel, regionCode: township, area: .urban,
                   applicant: Applicant(name: person.name, idNumber: person.idNumber, phone: "13900000000"),
                   requestsAssistance: true, members: [person], income: Income(wagesFen: wagesFen),
                   expenses: Expenses(medicalFen: medicalFen), assets: Assets(houses: [House(areaM2: 40)]),
                   declarationSigned: true, verificationAuthorized: true, collectedAt: at,
                   collectedBy: channel == .homeVisit ? "worker-1" : nil)
    }

    func submit(_ ns: String, _ forms: [Submission]) async throws {
        try await TestBroker.produce(try forms.map { f in
            try CloudEvent.make(id: f.submissionId, source: "/tests", type: EventType.intakeSubmission.rawValue, time: f.collectedAt,
                                subject: nil, key: keyer.key(for: f.applicant.idNumber), causationID: nil, payload: f)
        }, to: ns + ContractTopic.intakeSubmissions.name)
    }

    func testTownshipAndCountyOperatorsWorkInTheConsole() async throws {
        guard Chromium.executable != nil else { throw XCTSkip("chromium is not installed") }
        let started = ContinuousClock.now
        let ns = try await TestBroker.freshNamespace()
        let data = temporaryDirectory("console-e2e")
        let ports = ["doudi-casework": freePort(), "doudi-relief": freePort(), "doudi-basic-living": freePort(),
                     "doudi-classifier": freePort(), "doudi-console": freePort()]
        var services: [ServiceProcess] = []
        defer { services.forEach { $0.terminate() } }
        for exe in ["doudi-intake", "doudi-matcher", "doudi-classifier", "doudi-router", "doudi-casework", "doudi-relief", "doudi-basic-living", "doudi-console"] {
            var env = ["DOUDI_TOPIC_NAMESPACE": ns, "DOUDI_DATA_DIR": data, "DOUDI_GROUP_ID": ns + exe]
            if let port = ports[exe] { env["DOUDI_HTTP_PORT"] = "\(port)" }
            if exe == "doudi-console" {
                env["DOUDI_CASEWORK_URL"] = "http://127.0.0.1:\(ports["doudi-casework"]!)"
                env["DOUDI_RELIEF_URL"] = "http://127.0.0.1:\(ports["doudi-relief"]!)"
                env["DOUDI_BASIC_LIVING_URL"] = "http://127.0.0.1:\(ports["doudi-basic-living"]!)"
                env["DOUDI_CLASSIFIER_URL"] = "http://127.0.0.1:\(ports["doudi-classifier"]!)"
                // One browser makes many requests a second from one address.
                env["DOUDI_HTTP_RATE_PER_ADDRESS"] = "0"
            }
            services.append(try ServiceProcess(exe, environment: env, logName: ns + exe))
        }
        var logs: String { services.map { "== \($0.process.executableURL!.lastPathComponent)\n\($0.log.suffix(1200))" }.joined(separator: "\n") }
        let console = "http://127.0.0.1:\(ports["doudi-console"]!)"

        // Dates of the last few days: the worklist's clock follows event time, and the relief service's
        // events are dated now, so a visit asked for weeks ago would already be overdue (escalated to the county).
        let today = CivilDate(dayNumber: Int(Date().timeIntervalSince1970) / 86_400)
        let visited = "\(today.adding(days: -3))T09:00:00+08:00", declared = "\(today.adding(days: -2))T09:00:00+08:00"
        // Two townships of one county (Chaoyang, Beijing) from the region directory.
        let townships = RegionDirectory.standard.children(of: "110105").map(\.code)
        XCTAssertGreaterThanOrEqual(townships.count, 2)
        let (mine, other) = (townships[0], townships[1])
        var person = Member(relation: .self, name: "测试访", idNumber: idNumber("110105", born: "19700101", seq: 61), health: .healthy, occupation: .employed)
        person.laborAbility = .full
        let neighbour = Member(relation: .self, name: "测试邻", idNumber: idNumber("110105", born: "19720101", seq: 62), health: .healthy, occupation: .employed)
        try await submit(ns, [form("cs-hv-1", township: mine, channel: .homeVisit, person: person, wagesFen: 12_000_000, at: visited),
                              form("cs-hv-2", township: other, channel: .homeVisit, person: neighbour, wagesFen: 12_000_000, at: visited)])
        // The man declares himself ill and without work: unverified, so a home visit is asked for.
        var ill = person
        ill.health = .seriousIllness; ill.occupation = .unemployed; ill.laborAbility = LaborAbility.none
        try await submit(ns, [form("cs-sd-1", township: mine, channel: .selfDeclared, person: ill, wagesFen: 0, medicalFen: 3_000_000, at: declared)])
        // A relief application above the township's limit waits for the county (§4.3).
        let app = ReliefApplication(applicationId: "cs-relief-1", applicant: ReliefApplicant(name: "测试救", idNumber: idNumber("110105", born: "19750101", seq: 63)),
                                    incidentRegionCode: mine, incidentKind: "fire", requestedFen: 400_000, urgent: true, occurredOn: today.description, householdSize: 3)
        try await TestBroker.produce([try CloudEvent.make(id: "evt-cs-relief-1", source: "/tests/window", type: EventType.reliefApplication.rawValue,
                                                          time: Timestamp.rfc3339(), subject: nil, key: "cs-relief", causationID: nil, payload: app)],
                                     to: ns + ContractTopic.reliefApplications.name)

        let shots = ProcessInfo.processInfo.environment["DOUDI_CONSOLE_SCREENSHOTS"] ?? temporaryDirectory("console-shots")
        try FileManager.default.createDirectory(atPath: shots, withIntermediateDirectories: true)
        let browser = try Chromium(profile: temporaryDirectory("chromium-console"))
        func shot(_ name: String) throws { try browser.screenshot(to: shots + "/\(name).png") }
        func text() throws -> String { try browser.evaluate("document.body.innerText") as? String ?? "" }
        /// Every visible control has a label, and nothing broke the page's policy or threw.
        func checkPage(_ name: String) throws {
            let unlabelled = try browser.evaluate("""
                [...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter(e => !e.labels || e.labels.length === 0).map(e => e.id || e.name)
                """) as? [String] ?? []
            XCTAssertEqual(unlabelled, [], "\(name): every form control has a label")
            XCTAssertEqual(try browser.evaluate("window.__violations.length") as? Int, 0, "\(name): no CSP violation")
            try shot(name)
        }
        func reloadUntil(_ url: String, _ condition: String, timeout: Double = 90) throws {
            let deadline = Date().addingTimeInterval(timeout)
            while true {
                try browser.open(url)
                if (try browser.evaluate("Boolean(\(condition))") as? Bool) == true { return }
                guard Date() < deadline else { throw Chromium.Failure(description: "\(url): \(condition) never held\n\(logs)") }
                usleep(700_000)
            }
        }
        func signIn(_ subject: String, role: String, region: String) throws {
            try browser.open(console + "/login")
            try browser.type("#dev-subject", subject)
            try browser.select("#dev-role", value: role)
            try browser.type("#dev-region", region)
            try browser.click("#dev-login button")
            try browser.waitFor("location.pathname === '/' && document.readyState === 'complete' && document.querySelector('h1')")
        }

        // Up and signed out: every page sends to the sign-in page, which is labelled and in Chinese.
        _ = try await eventuallyAsync(timeout: .seconds(60)) {
            (try? await URLSession.shared.data(from: URL(string: console + "/healthz")!)) != nil
        }
        try browser.open(console + "/worklist")
        XCTAssertEqual(try browser.evaluate("location.pathname") as? String, "/login")
        XCTAssertEqual(try browser.evaluate("document.documentElement.lang") as? String, "zh-CN")
        try checkPage("login")

        // The township operator.
        try signIn("township-1", role: "township", region: mine)
        try reloadUntil(console + "/households", "document.querySelectorAll('#households tbody tr').length >= 1")
        let listed = try browser.evaluate("[...document.querySelectorAll('#households tbody tr td:first-child')].map(e => e.innerText)") as? [String] ?? []
        XCTAssertEqual(listed.count, 1, "the township sees its own household only: \(listed)")
        let household = try XCTUnwrap(listed.first)
        try checkPage("households-township")
        try reloadUntil(console + "/", "document.querySelector('#categories tbody tr')")
        try checkPage("dashboard-township")
        XCTAssertFalse(try text().contains(other), "the other township is not on this operator's dashboard")

        // The worklist has the home visit; the keyboard reaches the task and its forms in order.
        let visitLink = "[...document.querySelectorAll('#tasks a')].find(a => a.innerText === '入户核查')"
        // The worklist is the console's projection of casework's events, so it may list a visit a
        // moment before casework has settled it (a visit cancelled and asked for again while the
        // facts arrive): a task page without the forms is read again, then the worklist again.
        var seen: [String] = []
        for attempt in 1...4 {
            try reloadUntil(console + "/worklist", visitLink)
            if attempt == 1 { try checkPage("worklist-township") }
            try browser.evaluate("\(visitLink).focus()")
            try browser.pressEnter()
            do { try browser.waitFor("location.pathname.startsWith('/tasks/')", timeout: 10) }
            catch { throw Chromium.Failure(description: "Enter on the focused link did not open the task: \(try browser.evaluate("location.href") ?? "")\n\(try text())") }
            let task = try browser.evaluate("location.href") as? String ?? ""
            if (try? reloadUntil(task, "document.querySelector('#complete')", timeout: 8)) != nil { break }
            seen.append("\(task): \(try text())")
            guard attempt < 4 else { throw Chromium.Failure(description: "no visit task could be completed:\n\(seen.joined(separator: "\n"))\n\(logs)") }
        }
        XCTAssertTrue(try text().contains("入户核查"))
        var reached: [String] = []
        try browser.evaluate("document.activeElement.blur(); document.querySelector('#assign').scrollIntoView()")
        try browser.evaluate("document.querySelector('#assignee-kind').focus()")
        for _ in 0..<12 {
            reached.append(try browser.evaluate("document.activeElement.id || document.activeElement.tagName") as? String ?? "")
            try browser.pressTab()
        }
        XCTAssertTrue(reached.starts(with: ["assignee-kind", "assignee-id", "BUTTON", "health-0", "labor-0", "occupation-0", "income-0"]),
                      "Tab moves through the forms in reading order: \(reached)")
        try checkPage("task-home-visit")
        // What the visit found: a serious illness, no work, no wages, large medical expenses.
        try browser.select("#health-0", value: "serious_illness")
        try browser.select("#labor-0", value: "none")
        try browser.select("#occupation-0", value: "unemployed")
        try browser.type("#income-0", "0")
        try browser.type("#wages", "0")
        try browser.type("#medical", "30000")
        try browser.type("#note", "入户核实：重病，无劳动能力")
        try browser.click("#complete button")
        do { try browser.waitFor("location.search.includes('done=completed')", timeout: 30) }
        catch { XCTFail("the completion was not accepted: \(try text())"); throw error }
        let page = try text()
        XCTAssertEqual(try browser.evaluate("document.querySelector('#task-state').innerText") as? String, "已完成", page)

        // The household's warnings follow the verified facts.
        try reloadUntil(console + "/households/\(household)", "document.querySelectorAll('#open-warnings tbody tr').length >= 1", timeout: 120)
        XCTAssertTrue(try text().contains(person.idNumber), "the township sees the identity number in full")
        XCTAssertTrue(try text().contains("§"), "reasons carry their clauses")
        XCTAssertTrue(try browser.evaluate("[...document.querySelectorAll('#timeline tbody tr')].length >= 3") as? Bool ?? false, "the timeline has the events")
        try checkPage("household-township")
        try browser.open(console + "/households/hh-does-not-exist")
        XCTAssertTrue(try text().contains("没有这个家庭"))

        // English, then back.
        try browser.open(console + "/")
        try browser.click("a.lang")
        try browser.waitFor("document.documentElement?.lang === 'en'")
        XCTAssertTrue(try text().contains("Dashboard"))
        try checkPage("dashboard-township-en")
        try browser.click("a.lang")
        try browser.waitFor("document.documentElement?.lang === 'zh-CN'")
        try browser.click("header form button")
        try browser.waitFor("location.pathname === '/login'")

        // The county operator: both townships, drill-down, approvals, referrals, exports.
        try signIn("county-1", role: "county", region: "110105")
        try reloadUntil(console + "/", "document.querySelectorAll('#children tbody tr').length >= 2")
        try checkPage("dashboard-county")
        try browser.click("#children a[href='/?region=\(mine)']")
        try browser.waitFor("location.search === '?region=\(mine)'")
        XCTAssertTrue(try text().contains(RegionDirectory.standard.region(mine)?.name ?? mine))
        try checkPage("dashboard-county-drilldown")
        try reloadUntil(console + "/households?region=110105", "document.querySelectorAll('#households tbody tr').length >= 2")
        try browser.open(console + "/households/\(household)")
        XCTAssertTrue(try text().contains(person.idNumber), "the county sees it too")
        try reloadUntil(console + "/approvals", "document.querySelector('.approval form[action^=\"/approvals/relief/\"]')")
        try checkPage("approvals-county")
        let action = try browser.evaluate("document.querySelector('.approval form[action^=\"/approvals/relief/\"]').getAttribute('action')") as? String ?? ""
        let amountField = try browser.evaluate("document.querySelector('form[action=\"\(action)\"] input[name=amount]').id") as? String ?? ""
        try browser.type("#\(amountField)", "4000")
        try browser.click("form[action=\"\(action)\"] button")
        do { try browser.waitFor("location.search.includes('done=1')", timeout: 30) }
        catch { XCTFail("the approval was not accepted: \(try text())"); throw error }
        XCTAssertFalse(try browser.evaluate("Boolean(document.querySelector('form[action=\"\(action)\"]'))") as? Bool ?? true, "the approved case waits no more")
        try checkPage("approvals-county-done")
        let caseId = String(action.split(separator: "/").last ?? "")
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(ports["doudi-relief"]!)/v1/cases/\(caseId)")!)
        request.setValue("Bearer " + OperatorToken.development(subject: "check", role: .county, regions: ["110105"]), forHTTPHeaderField: "Authorization")
        let (body, _) = try await URLSession.shared.data(for: request)
        let approved = try JSONSerialization.jsonObject(with: body) as? [String: Any]
        XCTAssertEqual(approved?["countyApproved"] as? Bool, true, "the relief service recorded the county's approval")
        XCTAssertEqual(approved?["approver"] as? String, "county-1", "with the operator's own identity")
        try reloadUntil(console + "/referrals?region=110105", "document.querySelector('#by-domain')")
        try checkPage("referrals-county")
        try browser.open(console + "/worklist?region=110105&state=done")
        try checkPage("worklist-county-done")
        let csv = try browser.evaluate("fetch('/export/households.csv?region=110105').then(r => r.text())") as? String ?? ""
        XCTAssertTrue(csv.contains(household), csv)
        let bom = try browser.evaluate("fetch('/export/households.csv?region=110105').then(r => r.arrayBuffer()).then(b => [...new Uint8Array(b).slice(0, 3)])") as? [Int]
        XCTAssertEqual(bom, [0xEF, 0xBB, 0xBF], "a byte-order mark, so spreadsheets read UTF-8")
        let xlsx = try browser.evaluate("fetch('/export/worklist.xlsx?region=110105&state=done').then(r => r.arrayBuffer()).then(b => [...new Uint8Array(b).slice(0, 2)])") as? [Int]
        XCTAssertEqual(xlsx, [0x50, 0x4B], "an XLSX is a zip")
        let outside = try browser.evaluate("fetch('/?region=120105').then(r => r.status)") as? Int
        XCTAssertEqual(outside, 404, "a region outside the operator's is not shown")
        try browser.click("header form button")

        // The province sees the household masked.
        try signIn("province-1", role: "province", region: "11")
        try browser.open(console + "/households/\(household)")
        XCTAssertFalse(try text().contains(person.idNumber), "the province sees identity numbers masked")
        XCTAssertTrue(try text().contains(String(person.idNumber.suffix(4))))
        try checkPage("household-province-masked")
        XCTAssertEqual(browser.pageErrors, [])

        // Every household page read was recorded (the console's access log, as on audit.access).
        let store = try OpenBeside.open(data + "/console.sqlite")
        let reads = try await store.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM runtime_access_log WHERE resource = 'console-household' AND resource_id = ?", arguments: [household]) ?? 0
        }
        XCTAssertGreaterThanOrEqual(reads, 4, "township, county, province and the visit form")
        print("console browser test: \(ContinuousClock.now - started)")
    }
}
