// The console's read model and pages without a broker: the projection's counts at every division
// prefix as households, warnings and programmes change; what a page shows by role (identity numbers
// masked for the province and auditors); exports that spreadsheets open.
@testable import ConsoleService
import DoudiDomain
import Foundation
import GRDB
import ServiceKit
import Store
import TestSupport
import XCTest
import ZIPFoundation

final class ConsoleProjectionTests: XCTestCase {
    func store() throws -> ServiceStore {
        try ServiceStore(path: temporaryDirectory("console-projection") + "/console.sqlite", synchronousFull: false, migrations: ConsoleProcessor().registerMigrations)
    }

    func profile(_ id: String, region: String, version: Int, asOf: String, programs: [Program] = []) -> HouseholdProfile {
        HouseholdProfile(householdId: id, version: version, regionCode: region, area: .rural,
                         members: [Member(relation: .self, name: "张三", idNumber: "110105198001010011", health: .healthy)],
                         programs: programs, collectedAt: asOf, updatedAt: asOf, asOf: asOf)
    }

    func warning(_ id: String, household: String, region: String, status: WarningStatus, category: Category = .atRisk,
                 opened: String = "2026-11-02T10:00:00+08:00") -> Warning {
        Warning(warningId: id, householdId: household, regionCode: region, disposal: .notCovered, level: .orange, category: category,
                needs: [], reasons: [Reason(rule: "r", clause: "§2.1.4", detail: "d")], status: status, openedAt: opened,
                resolvedAt: status == .resolved ? "2026-11-10T10:00:00+08:00" : nil, dueBy: "2026-11-09")
    }

    func counts(_ db: Database, _ table: String, _ column: String, region: String) throws -> [String: Int] {
        var out: [String: Int] = [:]
        let key = table == "console_category_counts" ? "category" : "program"
        for row in try Row.fetchAll(db, sql: "SELECT \(key), \(column) FROM \(table) WHERE region_code = ? AND \(column) != 0", arguments: [region]) {
            out[row[0]] = row[1]
        }
        return out
    }

    func testCountsFollowCategoriesAndMovesAtEveryPrefix() throws {
        let s = try store()
        try s.pool.write { db in
            try ConsoleStore.saveProfile(db, profile("hh-1", region: "110105001001", version: 1, asOf: "2026-11-01T10:00:00+08:00",
                                                     programs: [Program(domain: .basicLiving, program: "dibao", since: "2026-01-01")]))
            try ConsoleStore.saveProfile(db, profile("hh-2", region: "110105002003", version: 1, asOf: "2026-11-01T10:00:00+08:00"))
        }
        try s.pool.read { db in
            XCTAssertEqual(try counts(db, "console_category_counts", "households", region: "110105"), ["dibao": 1, "unassessed": 1])
            XCTAssertEqual(try counts(db, "console_category_counts", "households", region: ""), ["dibao": 1, "unassessed": 1])
            XCTAssertEqual(try counts(db, "console_category_counts", "households", region: "110105001"), ["dibao": 1])
            XCTAssertEqual(try counts(db, "console_programme_counts", "people", region: "11"), ["dibao": 1])
        }
        // A warning decides the category; an older profile version changes nothing; a move moves the counts.
        try s.pool.write { db in
            try ConsoleStore.saveWarning(db, warning("w-2", household: "hh-2", region: "110105002003", status: .open))
            try ConsoleStore.saveProfile(db, profile("hh-1", region: "110105009009", version: 3, asOf: "2026-10-01T10:00:00+08:00"))
            try ConsoleStore.saveProfile(db, profile("hh-1", region: "110105002001", version: 2, asOf: "2026-11-05T10:00:00+08:00"))
        }
        try s.pool.read { db in
            XCTAssertEqual(try counts(db, "console_category_counts", "households", region: "110105002"), ["at_risk": 1, "unassessed": 1])
            XCTAssertEqual(try counts(db, "console_category_counts", "households", region: "110105001"), [:], "hh-1 moved")
            XCTAssertEqual(try counts(db, "console_programme_counts", "people", region: "11"), [:], "the programme ended with the move's profile")
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT open FROM console_warning_counts WHERE region_code = '1101' AND level = 'orange'"), 1)
        }
        // Resolved, then retracted: the open count and the weekly trend follow.
        try s.pool.write { db in try ConsoleStore.saveWarning(db, warning("w-2", household: "hh-2", region: "110105002003", status: .resolved)) }
        try s.pool.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT SUM(open) FROM console_warning_counts WHERE region_code = ''"), 0)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT SUM(resolved) FROM console_week_counts WHERE region_code = ''"), 1)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT SUM(opened) FROM console_week_counts WHERE region_code = ''"), 1)
        }
        try s.pool.write { db in try ConsoleStore.saveWarning(db, warning("w-2", household: "hh-2", region: "110105002003", status: .retracted)) }
        try s.pool.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT SUM(opened) FROM console_week_counts WHERE region_code = ''"), 0, "a retracted warning never held")
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT SUM(resolved) FROM console_week_counts WHERE region_code = ''"), 0)
            XCTAssertEqual(try String.fetchOne(db, sql: "SELECT category FROM console_households WHERE household_id = 'hh-2'"), "unassessed")
            let d = try ConsoleQueries.dashboard(db, scope: Scope(region: "110105"), today: CivilDate(iso: "2026-11-30")!, month: "2026-11")
            XCTAssertEqual(d.categories.reduce(0) { $0 + $1.1 }, 2)
            XCTAssertEqual(Set(d.children.map(\.code)), ["110105002"], "both households are in the second township now")
        }
    }

    func testTheHouseholdPageMasksIdentityNumbersForRolesThatDoNotVerify() throws {
        let s = try store()
        try s.pool.write { db in
            try ConsoleStore.saveProfile(db, profile("hh-9", region: "110105001001", version: 1, asOf: "2026-11-01T10:00:00+08:00"))
            try ConsoleStore.saveWarning(db, warning("w-9", household: "hh-9", region: "110105001001", status: .open))
        }
        let view = try XCTUnwrap(try s.pool.read { db in try ConsoleQueries.household(db, id: "hh-9") })
        func page(_ role: OperatorRole, _ lang: Lang = .zh) -> String {
            Pages.household(view, explanation: nil, Viewer(credential: OperatorCredential(subject: "x", role: role, regions: ["11"], expiresAt: 0, issuedAt: 0), lang: lang))
        }
        XCTAssertTrue(page(.township).contains("110105198001010011"))
        XCTAssertTrue(page(.county).contains("张三"))
        for role in [OperatorRole.province, .auditor] {
            XCTAssertFalse(page(role).contains("110105198001010011"), "\(role) sees the number masked")
            XCTAssertTrue(page(role).contains("110105********0011"))
            XCTAssertFalse(page(role).contains("张三"))
        }
        XCTAssertTrue(page(.county).contains("§2.1.4"), "the warning's clause is shown")
        XCTAssertTrue(page(.county, .en).contains("<html lang=\"en\">"))
        XCTAssertTrue(page(.county).contains("<li><a href=\"/worklist\">工作清单</a></li>"), "the menu is plain links")
        XCTAssertFalse(page(.county).contains("GRDB"))
        XCTAssertTrue(page(.county).contains("<html lang=\"zh-CN\">"))
    }

    func testExportsOpenAsCSVAndXLSX() throws {
        let sheet = Sheet(name: "户", headers: ["编号", "金额"], rows: [["hh-1", "=1+1"], ["hh-\"2\"", "a,b"]])
        let csv = String(decoding: sheet.csv(), as: UTF8.self)
        XCTAssertTrue(csv.hasPrefix("\u{FEFF}编号,金额\r\n"))
        XCTAssertTrue(csv.contains("hh-1,'=1+1\r\n"), "a formula is written as text")
        XCTAssertTrue(csv.contains("\"hh-\"\"2\"\"\",\"a,b\""))
        let archive = try Archive(data: try sheet.xlsx(), accessMode: .read)
        let entry = try XCTUnwrap(archive["xl/worksheets/sheet1.xml"])
        var xml = Data()
        _ = try archive.extract(entry) { xml.append($0) }
        let text = String(decoding: xml, as: UTF8.self)
        XCTAssertTrue(text.contains("<t xml:space=\"preserve\">编号</t>"))
        XCTAssertTrue(text.contains("hh-&quot;2&quot;"))
        XCTAssertNotNil(archive["[Content_Types].xml"])
        XCTAssertNotNil(archive["xl/workbook.xml"])
    }
}

extension ConsoleProjectionTests {
    /// Referrals waiting and tasks pending are counted by due date per division: a decision, an
    /// escalation and a completion move them.
    func testWaitingWorkIsCountedByDueDateAtEveryPrefix() throws {
        let s = try store()
        let today = CivilDate(iso: "2026-11-30")!
        func referral(_ id: String, due: String, domain: Domain = .medical) -> Referral {
            Referral(referralId: id, warningId: "w-" + id, householdId: "hh-" + id, domain: domain, regionCode: "110105001001", area: nil,
                     disposal: .notCovered, level: .red, category: nil, needs: [], dueBy: due, sentAt: "2026-11-01T10:00:00+08:00")
        }
        try s.pool.write { db in
            try ConsoleStore.saveReferral(db, referral("r1", due: "2026-11-10"))
            try ConsoleStore.saveReferral(db, referral("r2", due: "2026-12-10", domain: .education))
            try ConsoleStore.saveWorkTask(db, WorkTask(taskId: "t1", householdId: "hh-r1", regionCode: "110105001", kind: .homeVisit, reason: "r", dueBy: "2026-11-20"))
            try ConsoleStore.escalate(db, ReferralEscalated(Escalation(escalationId: "e1", referral: referral("r1", due: "2026-11-10"), daysOverdue: 1),
                                                             escalatedAt: "2026-11-11T00:00:00+08:00"))
        }
        var d = try s.pool.read { db in try ConsoleQueries.dashboard(db, scope: Scope(region: "1101"), today: today, month: "2026-11") }
        XCTAssertEqual([d.overdueReferrals, d.escalatedReferrals, d.pendingTasks, d.overdueTasks], [1, 1, 1, 1])
        let byDomain = try s.pool.read { db in try ConsoleQueries.referralsByDomain(db, scope: Scope(region: "110105001"), today: today) }
        XCTAssertEqual(byDomain.map { "\($0.domain) \($0.open) \($0.overdue) \($0.escalated)" }, ["education 1 0 0", "medical 1 1 1"])
        try s.pool.write { db in
            try ConsoleStore.decide(db, Outcome(outcomeId: "o1", referralId: "r1", householdId: "hh-r1", domain: .medical, program: "medical_assistance",
                                               status: .granted, decidedAt: "2026-11-12", reason: "granted"))
            var done = CaseworkTask(taskId: "t1", householdId: "hh-r1", personKey: nil, regionCode: "110105001", kind: .homeVisit, reason: "r",
                                    dueBy: "2026-11-20", issuedAt: "2026-11-01T10:00:00+08:00")
            done.state = .done
            done.completedOn = "2026-11-19"
            try ConsoleStore.saveTaskChange(db, CaseworkTaskEvent(done, change: .completed))
        }
        d = try s.pool.read { db in try ConsoleQueries.dashboard(db, scope: Scope(region: ""), today: today, month: "2026-11") }
        XCTAssertEqual([d.overdueReferrals, d.escalatedReferrals, d.pendingTasks, d.overdueTasks], [0, 0, 0, 0])
        let open = try s.pool.read { db in try ConsoleQueries.referrals(db, scope: Scope(region: "11"), domain: nil, openOnly: true, limit: 10) }
        XCTAssertEqual(open.map(\.referralId), ["r2"])
    }
}

extension ConsoleProjectionTests {
    /// Money paid this month per division: a payroll line changed or cancelled moves the sum.
    func testPaymentsAreSummedPerMonthAndDivision() throws {
        let s = try store()
        func line(_ amount: Int64, _ status: PayrollStatus = .payable, revision: Int = 1) -> PayrollEntry {
            PayrollEntry(payrollId: "pay-l1-2026-11", month: PayrollMonth("2026-11")!, lineId: "l1", caseId: "c1", householdId: "hh-1", personKey: nil,
                         regionCode: "110105001001", countyCode: "110105", program: "dibao", amountFen: amount, status: status, revision: revision,
                         rule: "r", clause: "§4.1", rulesVersion: "1", standardsVersion: "1", reason: "monthly")
        }
        func paid(_ region: String) throws -> Int64 {
            try s.pool.read { db in try ConsoleQueries.dashboard(db, scope: Scope(region: region), today: CivilDate(iso: "2026-11-30")!, month: "2026-11").payrollFen }
        }
        try s.pool.write { db in try ConsoleStore.savePayroll(db, line(80_000)) }
        XCTAssertEqual([try paid(""), try paid("1101"), try paid("110105001")], [80_000, 80_000, 80_000])
        try s.pool.write { db in try ConsoleStore.savePayroll(db, line(90_000, revision: 2)) }
        XCTAssertEqual(try paid("11"), 90_000, "a changed amount replaces the line")
        try s.pool.write { db in try ConsoleStore.savePayroll(db, line(0, .cancelled, revision: 3)) }
        XCTAssertEqual(try paid(""), 0, "a cancelled month is not paid")
    }
}
