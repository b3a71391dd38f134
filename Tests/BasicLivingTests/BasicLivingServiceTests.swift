// doudi-basic-living end to end through the topics with the real broker (one service shared by
// the class; the tests' dates do not overlap, so either order gives the same results):
// a dibao referral confirmed on the automatic path and paid for two months exactly once under
// SIGKILL and a replay into a deleted store; an income rise that changes the amount, then
// suspends it, and an exit verified by the township and confirmed by the county that ends it;
// the month's payroll file per county.
import Crypto
import DoudiDomain
import Envelope
import Foundation
import GRDB
import ServiceKit
import TestSupport
import XCTest

final class BasicLivingServiceTests: XCTestCase {
    nonisolated(unsafe) static var shared: BasicLivingHarness?

    func harness() async throws -> BasicLivingHarness {
        if let h = Self.shared { return h }
        let h = try await BasicLivingHarness()
        try await h.start()
        Self.shared = h
        return h
    }

    override class func tearDown() { shared?.stop(); shared = nil }

    func testDibaoConfirmedAndPaidForTwoMonthsExactlyOnceUnderSigkillAndReplay() async throws {
        let h = try await harness()
        let hh = "hh-bl-a", line = "ref-w-hh-bl-a-basic-living-dibao"
        try await h.publish(BasicLivingHarness.dibaoReferral(hh, region: "140105001", perCapita: 30_000, size: 3), at: "2027-01-04T09:00:00+08:00")
        let granted = try await h.outcomes { $0.contains { $0.householdId == hh && $0.status == .granted } }.filter { $0.householdId == hh }
        XCTAssertEqual(granted.first { $0.status == .granted }?.amountFen, 150_000, "(800 − 300) × 3 a month")
        XCTAssertTrue(granted.first { $0.status == .granted }?.reason.contains("§4.1.1") == true)
        let january = try await h.payroll { $0.contains { $0.payrollId == "pay-\(line)-2027-01" } }
        XCTAssertTrue(january.contains { $0.entry.payrollId == "pay-\(line)-2027-01" }, "January paid")

        // February by event time (another household's facts move the clock), killed while it is applied.
        try await h.publishProfile("hh-bl-clock", region: "140105001", perCapita: 100_000, asOf: "2027-02-02T09:00:00+08:00")
        try await Task.sleep(for: .milliseconds(Int.random(in: 0...300)))
        h.kill9()
        try await h.start()
        let rejoined = try await TestBroker.waitUntilGroupIsStable(h.group, members: 1)
        XCTAssertTrue(rejoined, "the restarted service joined its group")
        let february = try await h.payroll { $0.contains { $0.payrollId == "pay-\(line)-2027-02" } }
        XCTAssertTrue(february.contains { $0.entry.payrollId == "pay-\(line)-2027-02" }, "February paid after the restart")

        // Replay into a deleted store: the same months, the same event ids, nothing new.
        h.stop()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: h.dataDir + "/basic-living.sqlite" + suffix) }
        try await TestBroker.waitUntilGroupIsEmpty(h.group)  // a killed member is listed until its session times out
        let replay = try runCLI(["replay", "--group", h.group, "--to-earliest"])
        XCTAssertEqual(replay.status, 0, replay.output)
        try await h.start()
        let rebuilt = try await eventually(timeout: .seconds(60)) {
            (try? h.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM bl_payroll WHERE line_id = ?", arguments: [line]) }) == 2
        }
        XCTAssertTrue(rebuilt, "the rebuilt store pays the same two months")
        try await Task.sleep(for: .seconds(2))
        let all = try await h.payrollSettled().filter { $0.entry.lineId == line }
        XCTAssertEqual(Set(all.map(\.entry.payrollId)), ["pay-\(line)-2027-01", "pay-\(line)-2027-02"], "two months, each once")
        XCTAssertEqual(Set(all.map(\.id)).count, 2, "each month is one event id whatever was replayed")
        XCTAssertTrue(all.allSatisfy { $0.entry.revision == 0 && $0.entry.amountFen == 150_000 && $0.entry.status == .payable })
        XCTAssertTrue(all.allSatisfy { $0.entry.standardsVersion == "default" && $0.entry.rulesVersion == "2021-default" })
        let outcomes = try await h.outcomesSettled().filter { $0.householdId == hh }
        XCTAssertEqual(Set(outcomes.map(\.outcomeId)), ["out-ref-w-hh-bl-a-basic-living-accepted", "out-ref-w-hh-bl-a-basic-living-dibao-granted"])
    }

    func testIncomeRiseChangesTheAmountThenTheVerifiedExitEndsIt() async throws {
        let h = try await harness()
        let hh = "hh-bl-b", ref = "ref-w-hh-bl-b-basic-living", line = "\(ref)-dibao", exit = "ref-w-hh-bl-b-exit-basic-living"
        try await h.publish(BasicLivingHarness.dibaoReferral(hh, region: "140106001", perCapita: 30_000, size: 3), at: "2026-09-03T09:00:00+08:00")
        // Income rises in September: 500 a head from October (800 − 500) × 3 = 900 yuan.
        try await h.publishProfile(hh, region: "140106001", perCapita: 50_000, asOf: "2026-09-20T09:00:00+08:00")
        let changed = try await h.outcomes { $0.contains { $0.outcomeId == "out-\(ref)-dibao-m2026-10-90000" } }
        XCTAssertEqual(changed.first { $0.outcomeId == "out-\(ref)-dibao-m2026-10-90000" }?.status, .granted)
        // Above the standard in October: suspended from November until the exit is verified.
        try await h.publishProfile(hh, region: "140106001", perCapita: 85_000, asOf: "2026-10-10T09:00:00+08:00")
        try await h.publish(BasicLivingHarness.exitReferral(hh, region: "140106001"), at: "2026-11-03T09:00:00+08:00")
        let waiting = try await eventually(timeout: .seconds(30)) {
            (try? h.read { try String.fetchOne($0, sql: "SELECT stage FROM bl_cases WHERE case_id = ?", arguments: [exit]) }) == "awaiting_preliminary_review"
        }
        XCTAssertTrue(waiting, "the region verifies exits by hand")

        let confirm = #"{"decision": "confirm"}"#, pass = #"{"decision": "pass", "note": "home visit: wages confirmed"}"#
        let path = "/v1/cases/\(exit)"
        let foreign = try await h.http("POST", path + "/confirmation", body: confirm, token: BasicLivingHarness.otherCounty).status
        XCTAssertEqual(foreign, 404, "another county does not see the case")
        let wrongRole = try await h.http("POST", path + "/confirmation", body: confirm, token: BasicLivingHarness.township).status
        XCTAssertEqual(wrongRole, 403)
        let early = try await h.http("POST", path + "/confirmation", body: confirm, token: BasicLivingHarness.county).status
        XCTAssertEqual(early, 409, "the township's preliminary review comes first")
        let noNote = try await h.http("POST", path + "/preliminary-review", body: #"{"decision": "fail"}"#, token: BasicLivingHarness.township).status
        XCTAssertEqual(noNote, 400, "a failed review needs a note")
        let reviewed = try await h.http("POST", path + "/preliminary-review", body: pass, token: BasicLivingHarness.township).status
        XCTAssertEqual(reviewed, 200)
        // The county's confirmation is an act of today (China Standard Time), not of the event clock:
        // the line ends in the month it was confirmed, whichever month CI happens to run in.
        let chinaMonth = { PayrollMonth(CivilDate(dayNumber: Int((Int64(Date().timeIntervalSince1970 * 1000) + 8 * 3_600_000) / 86_400_000))) }
        let before = chinaMonth()
        let done = try await h.http("POST", path + "/confirmation", body: confirm, token: BasicLivingHarness.county)
        let after = chinaMonth()
        XCTAssertEqual(done.status, 200, String(decoding: done.body, as: UTF8.self))
        let closed = try await h.outcomes { $0.contains { $0.referralId == exit && $0.status == .closed } }.first { $0.referralId == exit && $0.status == .closed }
        XCTAssertEqual(closed?.program, "dibao"); XCTAssertNil(closed?.personKey)

        // Paid: September 1,500, October 900, nothing from November (suspended, then ended when confirmed).
        let paid = PayrollPlanner.fold(try await h.payroll { PayrollPlanner.fold($0).contains { $0.payrollId == "pay-\(line)-2026-10" && $0.amountFen == 90_000 } }
            .map(\.entry)).filter { $0.lineId == line }
        XCTAssertEqual(paid.map(\.month.description), ["2026-09", "2026-10"])
        XCTAssertEqual(paid.map(\.amountFen), [150_000, 90_000])
        let ended = try h.read { db in try Data.fetchOne(db, sql: "SELECT body FROM bl_cases WHERE case_id = ?", arguments: [ref]) }
            .map { try JSONDecoder().decode(LivingCase.self, from: $0) }
        XCTAssertTrue(ended?.lines.first?.endMonth.map { [before, after].contains($0) } == true,
                      "ends in the month of the confirmation (\(before)…\(after)): \(String(describing: ended?.lines.first?.endMonth))")
        let view = try await h.http("GET", path, token: BasicLivingHarness.county)
        XCTAssertEqual(view.status, 200)
        XCTAssertFalse(String(decoding: view.body, as: UTF8.self).contains("11010519"), "no identity numbers in the API")

        // The payroll file of October for the county: the row, the region's name, a checksum that matches.
        let dir = temporaryDirectory("payroll-export")
        let export = try runExport(h, ["payroll", "export", "--month", "2026-10", "--county", "140106", "--output-dir", dir])
        XCTAssertEqual(export.status, 0, export.output)
        let file = dir + "/doudi-payroll-140106-2026-10.csv"
        let csv = try String(contentsOfFile: file, encoding: .utf8)
        let rows = csv.split(separator: "\r\n")
        XCTAssertEqual(rows.count, 2, csv)
        XCTAssertTrue(rows[1].contains("pay-\(line)-2026-10") && rows[1].contains(",90000,900.00,"), csv)
        XCTAssertTrue(rows[1].contains("迎泽区"), "the county's name beside its code: \(rows[1])")
        let digest = SHA256.hash(data: Data(csv.utf8)).map { String(format: "%02x", $0) }.joined()
        XCTAssertEqual(try String(contentsOfFile: file + ".sha256", encoding: .utf8), "\(digest)  doudi-payroll-140106-2026-10.csv\n")
        let bad = try runExport(h, ["payroll", "export", "--month", "2026-13"])
        XCTAssertNotEqual(bad.status, 0); XCTAssertTrue(bad.output.contains("--month"), bad.output)
    }

    /// The CLI in the harness's namespace.
    private func runExport(_ h: BasicLivingHarness, _ args: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = ServiceProcess.binary("doudi")
        p.arguments = args + (args.contains("--month") && !args.contains("2026-13") ? ["--brokers", TestBroker.address] : [])
        var env = ProcessInfo.processInfo.environment
        env["DOUDI_TOPIC_NAMESPACE"] = h.ns
        p.environment = env
        let pipe = Pipe()
        p.standardOutput = pipe; p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// docs/openapi-basic-living.json against the running service: every route is called and every
/// answer is one the document lists (with the runtime endpoints').
extension BasicLivingServiceTests {
    func testTheAPIAnswersAsDocumented() async throws {
        let h = try await harness()
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/openapi-basic-living.json"))) as! [String: Any]
        let paths = doc["paths"] as! [String: [String: Any]]
        func codes(_ method: String, _ path: String) -> Set<Int> {
            Set((((paths[path]?[method] as? [String: Any])?["responses"] as? [String: Any]) ?? [:]).keys.compactMap { Int($0) })
        }
        let documented = Set(paths.flatMap { p, ops in ops.keys.map { "\($0.uppercased()) \(p)" } })
        let county = BasicLivingHarness.county, township = BasicLivingHarness.township
        let calls: [(route: String, method: String, path: String, body: String?, token: String?, expected: Int)] = [
            ("GET /v1/cases", "GET", "/v1/cases?stage=confirmed", nil, county, 200),
            ("GET /v1/cases", "GET", "/v1/cases?stage=lost", nil, county, 400),
            ("GET /v1/cases", "GET", "/v1/cases", nil, nil, 401),
            ("GET /v1/cases/{caseId}", "GET", "/v1/cases/no-such-case", nil, county, 404),
            ("POST /v1/cases/{caseId}/preliminary-review", "POST", "/v1/cases/no-such-case/preliminary-review", #"{"decision":"pass"}"#, township, 404),
            ("POST /v1/cases/{caseId}/preliminary-review", "POST", "/v1/cases/x/preliminary-review", #"{"decision":"pass"}"#, county, 403),
            ("POST /v1/cases/{caseId}/confirmation", "POST", "/v1/cases/no-such-case/confirmation", "{not json", county, 404),
            ("GET /v1/payroll", "GET", "/v1/payroll?month=2026-10", nil, county, 200),
            ("GET /v1/payroll", "GET", "/v1/payroll?month=10-2026", nil, county, 400),
            ("GET /v1/payroll", "GET", "/v1/payroll?month=2026-10&county=140105", nil, county, 404),
            ("GET /v1/payroll", "GET", "/v1/payroll?month=2026-10", nil, township, 403),
            ("GET /v1/stats", "GET", "/v1/stats", nil, county, 200),
        ]
        XCTAssertEqual(Set(calls.map(\.route)), documented, "every documented route is called, and only those")
        for c in calls {
            let (status, body) = try await h.http(c.method, c.path, body: c.body, token: c.token)
            XCTAssertEqual(status, c.expected, "\(c.method) \(c.path): \(String(decoding: body, as: UTF8.self).prefix(300))")
            let parts = c.route.split(separator: " ")
            XCTAssertTrue(codes(parts[0].lowercased(), String(parts[1])).contains(status), "\(c.route) answered \(status), not in the document")
        }
    }
}
