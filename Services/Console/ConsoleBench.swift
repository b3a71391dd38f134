// `doudi-console bench`: the console's pages on a read model of a real size (issue 16: with
// 1,000,000 households every page answers in under 200 ms at p95). It fills a store through the
// projection's own functions (households with members, warnings, referrals, tasks, payments over
// real division codes), then renders each page — the same query and HTML as the route — for an
// operator of the whole province, a county and a township, and prints p50/p95/max per page.
import DoudiDomain
import Envelope
import Foundation
import GRDB
import ServiceKit
import Store

enum ConsoleBench {
    static func main(_ args: [String]) async -> Int32 {
        var households = 1_000_000, runs = 40, path = "/tmp/doudi-console-bench/console.sqlite"
        var i = 0
        while i < args.count {
            switch args[i] {
            case "--households": households = Int(args[i + 1]) ?? households; i += 2
            case "--runs": runs = Int(args[i + 1]) ?? runs; i += 2
            case "--store": path = args[i + 1]; i += 2
            default:
                print("usage: doudi-console bench [--households N] [--runs N] [--store PATH]  (an existing store of that size is reused)")
                return 2
            }
        }
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let store = try ServiceStore(path: path, synchronousFull: false, migrations: ConsoleStore.register)
            let have = try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM console_households") ?? 0 }
            let townships = Self.townships(prefixes: ["32", "51", "41"])
            if have < households { try await fill(store, from: have, to: households, townships: townships) }
            try await measure(store, townships: townships, runs: runs, households: households)
            return 0
        } catch {
            print("bench failed: \(error)")
            return 1
        }
    }

    static func townships(prefixes: [String]) -> [String] {
        var out: [String] = []
        func walk(_ code: String) {
            for r in RegionDirectory.standard.children(of: code) {
                if r.level == .township { out.append(r.code) } else { walk(r.code) }
            }
        }
        for p in prefixes { walk(p) }
        return out
    }

    static func fill(_ store: ServiceStore, from start: Int, to end: Int, townships: [String]) async throws {

        let clock = ContinuousClock(), began = clock.now
        let today = ConsoleRoutes.today()
        let categories: [Category] = [.dibao, .dibao, .tekun, .dibaoEdge, .atRisk, .expenditureHardship, .otherLowIncome, .notLowIncome]
        var n = start
        while n < end {
            let batch = min(end, n + 5_000)
            let range = n..<batch
            try await store.pool.write { db in
                for k in range {
                    let township = townships[k % townships.count]
                    let region = township + String(format: "%03d", 1 + (k / townships.count) % 15)
                    let hh = "hh-bench-\(k)"
                    let size = 1 + k % 4
                    let members = (0..<size).map { j in
                        Member(relation: j == 0 ? .self : .child, name: "测试\(k % 1000)", idNumber: "\(region.prefix(6))19800101\(String(format: "%03d", j))X",
                               health: j == 0 && k % 7 == 0 ? .seriousIllness : .healthy, monthlyIncomeFen: Int64(k % 300_000))
                    }
                    let category = categories[k % categories.count]
                    var programs: [Program] = []
                    if category == .dibao { programs.append(Program(domain: .basicLiving, program: "dibao", amountFen: 80_000, since: "2026-01-01")) }
                    if category == .tekun { programs.append(Program(domain: .basicLiving, program: "tekun", personKey: "pk-\(k)", amountFen: 120_000, since: "2026-01-01")) }
                    let opened = today.adding(days: -(k % 56))
                    let openedAt = "\(opened)T10:00:00+08:00"
                    let p = HouseholdProfile(householdId: hh, version: 1, regionCode: region, area: k % 2 == 0 ? .rural : .urban, members: members,
                                             programs: programs, collectedAt: openedAt, updatedAt: openedAt, asOf: openedAt)
                    if k % 5 == 0 {
                        let level: WarningLevel = [.red, .orange, .yellow][k % 3]
                        let disposal = Disposal.allCases[k % 4]
                        let w = Warning(warningId: "w-\(hh)", householdId: hh, regionCode: region, disposal: disposal, level: level, category: category,
                                        needs: [Need(domain: .medical, reason: "large medical expense", clause: "§2.1.4")],
                                        reasons: [Reason(rule: "need.medical", clause: "§2.1.4", detail: "medical expense over the threshold")],
                                        status: k % 10 == 0 ? .resolved : .open, openedAt: openedAt,
                                        resolvedAt: k % 10 == 0 ? "\(opened.adding(days: 3))T10:00:00+08:00" : nil, dueBy: opened.adding(days: level.deadlineDays).description)
                        try ConsoleStore.saveWarning(db, w)
                        let r = Referral(referralId: "r-\(hh)", warningId: w.warningId, householdId: hh, domain: [.medical, .education, .housing, .employment][k % 4],
                                         regionCode: region, area: nil, disposal: disposal, level: level, category: category, needs: [], dueBy: w.dueBy!, sentAt: openedAt)
                        try ConsoleStore.saveReferral(db, r)
                        try ConsoleStore.saveWorkTask(db, WorkTask(taskId: "t-\(hh)", householdId: hh, regionCode: region, kind: .homeVisit,
                                                                   reason: "§3.3 home visit", dueBy: opened.adding(days: 15).description))
                        try ConsoleStore.addTimeline(db, household: hh, at: openedAt, eventId: w.warningId, topic: "monitoring.warnings",
                                                     type: EventType.monitoringWarning.rawValue, summary: "open")
                    }
                    try ConsoleStore.saveProfile(db, p)
                    if !programs.isEmpty {
                        try db.execute(sql: "INSERT OR REPLACE INTO console_payments(payment_id, kind, household_id, region_code, month, amount_fen, program) VALUES (?, 'payroll', ?, ?, ?, ?, ?)",
                                       arguments: ["pay-\(hh)", hh, region, String(today.description.prefix(7)), programs[0].amountFen ?? 0, programs[0].program])
                    }

                }
            }
            n = batch
            let rate = Double(n - start) / max(0.001, (clock.now - began).seconds)
            FileHandle.standardError.write(Data("\rfilled \(n)/\(end) households (\(Int(rate))/s)   ".utf8))
        }
        FileHandle.standardError.write(Data("\n".utf8))
    }

    static func measure(_ store: ServiceStore, townships: [String], runs: Int, households: Int) async throws {
        let today = ConsoleRoutes.today(), month = String(today.description.prefix(7))
        let township = townships[townships.count / 2], county = String(township.prefix(6)), province = String(township.prefix(2))
        let operators: [(String, OperatorCredential)] = [
            ("province \(province)", OperatorCredential(subject: "p", role: .province, regions: [province], expiresAt: 0, issuedAt: 0)),
            ("county \(county)", OperatorCredential(subject: "c", role: .county, regions: [county], expiresAt: 0, issuedAt: 0)),
            ("township \(township)", OperatorCredential(subject: "t", role: .township, regions: [township], expiresAt: 0, issuedAt: 0)),
        ]
        let pool = store.pool
        print("doudi-console bench: \(households) households in the read model; \(runs) renders per page and operator (query + HTML)")
        print(String(format: "%-24@ %-12@ %8@ %8@ %8@", "operator" as NSString, "page" as NSString, "p50 ms" as NSString, "p95 ms" as NSString, "max ms" as NSString))
        var worst = 0.0
        for (label, credential) in operators {
            let v = Viewer(credential: credential, lang: .zh)
            let scope = Scope(region: credential.regions[0])
            let sample = try await pool.read { db in
                try String.fetchOne(db, sql: "SELECT household_id FROM console_warnings WHERE region_code >= ? AND region_code < ? LIMIT 1",
                                    arguments: [scope.region, scope.region + ";"]) ?? "hh-bench-0"
            }
            let pages: [(String, @Sendable () async throws -> Int)] = [
                ("dashboard", { try await pool.read { db in Pages.dashboard(try ConsoleQueries.dashboard(db, scope: scope, today: today, month: month), region: scope.region, month: month, v).utf8.count } }),
                ("worklist", { try await pool.read { db in Pages.worklist(try ConsoleQueries.tasks(db, scope: scope, states: Pages.pendingStates, kind: nil, limit: 50, offset: 0), region: scope.region, state: "pending", kind: "", page: 1, today: today.description, v).utf8.count } }),
                ("worklist p.20", { try await pool.read { db in Pages.worklist(try ConsoleQueries.tasks(db, scope: scope, states: Pages.pendingStates, kind: "home_visit", limit: 50, offset: 950), region: scope.region, state: "pending", kind: "home_visit", page: 20, today: today.description, v).utf8.count } }),
                ("households", { try await pool.read { db in Pages.households(try ConsoleQueries.households(db, scope: scope, category: "dibao", limit: 50, offset: 0), region: scope.region, category: "dibao", page: 1, v).utf8.count } }),
                ("referrals", { try await pool.read { db in Pages.referrals(byDomain: try ConsoleQueries.referralsByDomain(db, scope: scope, today: today), rows: try ConsoleQueries.referrals(db, scope: scope, domain: "medical", openOnly: true, limit: 50), region: scope.region, domain: "medical", page: 1, today: today.description, v).utf8.count } }),
                ("household", { try await pool.read { db in try ConsoleQueries.household(db, id: sample).map { Pages.household($0, explanation: nil, v).utf8.count } ?? 0 } }),
            ]
            for (name, render) in pages {
                var times: [Double] = []
                _ = try await render()
                for _ in 0..<runs {
                    let t0 = ContinuousClock.now
                    _ = try await render()
                    times.append((ContinuousClock.now - t0).seconds * 1000)
                }
                times.sort()
                let p95 = times[min(times.count - 1, Int(Double(times.count) * 0.95))]
                worst = max(worst, p95)
                print(String(format: "%-24@ %-12@ %8.1f %8.1f %8.1f", label as NSString, name as NSString, times[times.count / 2], p95, times.last!))
            }
        }
        print(String(format: "worst p95: %.1f ms (target 200 ms)", worst))
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
