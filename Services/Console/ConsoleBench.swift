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
            let store = try ServiceStore(path: path, synchronousFull: false, cacheBytes: ConsoleProcessor().storeCacheBytes, migrations: { ConsoleStore.register(&$0); ConsoleStore.registerV2(&$0) })
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

    /// Fills the read model in SQL (a million households through the projection one event at a
    /// time takes most of an hour in a debug build): the same rows and the same per-division counts
    /// the projection keeps, each profile sealed as the projection seals it. The projection itself
    /// is tested event by event (ConsoleTests).
    static func fill(_ store: ServiceStore, from start: Int, to end: Int, townships: [String]) async throws {
        let today = ConsoleRoutes.today()
        let clock = ContinuousClock(), began = clock.now
        let template = HouseholdProfile(householdId: "HHID", version: 1, regionCode: "REGION", area: .rural,
                                        members: [Member(relation: .self, name: "测试甲", idNumber: "COUNTY19800101001X", health: .seriousIllness, monthlyIncomeFen: 30_000),
                                                  Member(relation: .child, name: "测试乙", idNumber: "COUNTY20100101002X", health: .healthy)],
                                        income: Income(wagesFen: 30_000), expenses: Expenses(medicalFen: 500_000),
                                        programs: [Program(domain: .basicLiving, program: "dibao", amountFen: 80_000, since: "2026-01-01")],
                                        collectedAt: "2026-01-01T10:00:00+08:00", updatedAt: "2026-01-01T10:00:00+08:00", asOf: "2026-01-01T10:00:00+08:00")
        let json = String(decoding: try JSONCoding.encoder.encode(template), as: UTF8.self)
        let month = String(today.description.prefix(7))
        try await store.pool.write { db in
            try db.execute(sql: "CREATE TEMP TABLE bench_townships(i INTEGER PRIMARY KEY, code TEXT NOT NULL)")
            for (i, t) in townships.enumerated() { try db.execute(sql: "INSERT INTO bench_townships VALUES (?, ?)", arguments: [i, t]) }
            try db.execute(sql: """
                CREATE TEMP TABLE bench_h AS
                WITH RECURSIVE seq(k) AS (SELECT ?1 UNION ALL SELECT k + 1 FROM seq WHERE k + 1 < ?2)
                SELECT k, 'hh-bench-' || k AS hh,
                  (SELECT code FROM bench_townships WHERE i = k % ?3) || printf('%03d', 1 + (k / ?3) % 15) AS region,
                  CASE k % 8 WHEN 0 THEN 'dibao' WHEN 1 THEN 'dibao' WHEN 2 THEN 'tekun' WHEN 3 THEN 'dibao_edge' WHEN 4 THEN 'at_risk'
                    WHEN 5 THEN 'expenditure_hardship' WHEN 6 THEN 'other_low_income' ELSE 'not_low_income' END AS category,
                  date(?4, '-' || (k % 56) || ' days') AS opened
                FROM seq
                """, arguments: [start, end, townships.count, today.description])
            try db.execute(sql: """
                INSERT OR REPLACE INTO console_households(household_id, region_code, category, flags, members, version, as_of, profile)
                SELECT hh, region, category, '', 2, 1, opened || 'T10:00:00+08:00',
                  doudi_seal(replace(replace(replace(?1, 'HHID', hh), 'REGION', region), 'COUNTY', substr(region, 1, 6)), 'console_households/' || hh)
                FROM bench_h
                """, arguments: [json])
            FileHandle.standardError.write(Data("households written (\(Int((clock.now - began).seconds)) s)\n".utf8))
            try db.execute(sql: """
                INSERT INTO console_warnings(warning_id, household_id, region_code, level, disposal, category, status, opened_at, resolved_at, due_by, json)
                SELECT 'w-' || hh, hh, region, CASE k % 3 WHEN 0 THEN 'red' WHEN 1 THEN 'orange' ELSE 'yellow' END,
                  CASE k % 4 WHEN 0 THEN 'policy_not_implemented' WHEN 1 THEN 'not_covered' WHEN 2 THEN 'special_hardship' ELSE 'no_longer_eligible' END,
                  category, CASE WHEN k % 10 = 0 THEN 'resolved' ELSE 'open' END, opened || 'T10:00:00+08:00',
                  CASE WHEN k % 10 = 0 THEN date(opened, '+3 days') || 'T10:00:00+08:00' END, date(opened, '+7 days'),
                  json_object('warningId', 'w-' || hh, 'householdId', hh, 'regionCode', region, 'disposal', 'not_covered', 'level', 'orange',
                    'category', category, 'needs', json_array(json_object('domain', 'medical', 'reason', 'large medical expense', 'clause', '§2.1.4', 'facts', json_object())),
                    'reasons', json_array(json_object('rule', 'need.medical', 'clause', '§2.1.4', 'detail', 'medical expense over the threshold')),
                    'status', CASE WHEN k % 10 = 0 THEN 'resolved' ELSE 'open' END, 'openedAt', opened || 'T10:00:00+08:00', 'dueBy', date(opened, '+7 days'))
                FROM bench_h WHERE k % 5 = 0;
                INSERT INTO console_referrals(referral_id, warning_id, household_id, domain, region_code, status, level, due_by, sent_at, escalated_at)
                SELECT 'r-' || hh, 'w-' || hh, hh, CASE k % 4 WHEN 0 THEN 'medical' WHEN 1 THEN 'education' WHEN 2 THEN 'housing' ELSE 'employment' END,
                  region, CASE WHEN k % 15 = 0 THEN 'escalated' ELSE 'sent' END, 'orange', date(opened, '+7 days'), opened || 'T10:00:00+08:00',
                  CASE WHEN k % 15 = 0 THEN date(opened, '+8 days') || 'T00:00:00+08:00' END
                FROM bench_h WHERE k % 5 = 0;
                INSERT INTO console_tasks(task_id, household_id, region_code, kind, state, level, office, due_by, reason)
                SELECT 't-' || hh, hh, region, CASE k % 3 WHEN 0 THEN 'home_visit' WHEN 1 THEN 'random_check' ELSE 'verify_exit' END,
                  CASE k % 4 WHEN 0 THEN 'open' WHEN 1 THEN 'assigned' WHEN 2 THEN 'done' ELSE 'overdue' END, 'village', region,
                  date(opened, '+15 days'), '§3.3 home visit'
                FROM bench_h WHERE k % 3 = 0;
                INSERT INTO console_timeline(household_id, at, event_id, topic, type, summary)
                SELECT hh, opened || 'T10:00:00+08:00', 'ev-' || hh, 'registry.households', 'registry.household.v1', 'v1 members=2' FROM bench_h;
                INSERT INTO console_programmes(household_id, region_code, domain, program, person_key, amount_fen, since)
                SELECT hh, region, 'basic-living', category, '', 80000, '2026-01-01' FROM bench_h WHERE category IN ('dibao', 'tekun');
                INSERT INTO console_payments(payment_id, kind, household_id, region_code, month, amount_fen, program)
                SELECT 'payroll:pay-' || hh, 'payroll', hh, region, '\(month)', 80000, category FROM bench_h WHERE category IN ('dibao', 'tekun');
                INSERT INTO console_payments(payment_id, kind, household_id, region_code, month, amount_fen, program)
                SELECT 'relief-' || hh, 'relief', hh, region, '\(month)', 150000, 'temporary_relief' FROM bench_h WHERE k % 50 = 0;
                DELETE FROM console_category_counts; DELETE FROM console_programme_counts; DELETE FROM console_week_counts; DELETE FROM console_warning_counts;
                CREATE TEMP TABLE bench_len(n INTEGER); INSERT INTO bench_len VALUES (0), (2), (4), (6), (9), (12);
                INSERT INTO console_category_counts SELECT substr(region_code, 1, n), category, count(*) FROM console_households, bench_len
                  WHERE length(region_code) >= n GROUP BY 1, 2;
                INSERT INTO console_programme_counts SELECT substr(region_code, 1, n), program, count(*) FROM console_programmes, bench_len
                  WHERE length(region_code) >= n GROUP BY 1, 2;
                INSERT INTO console_warning_counts SELECT substr(region_code, 1, n), level, disposal, count(*) FROM console_warnings, bench_len
                  WHERE status = 'open' AND length(region_code) >= n GROUP BY 1, 2, 3;
                INSERT INTO console_week_counts(region_code, week, opened, resolved)
                SELECT substr(region_code, 1, n), date(substr(opened_at, 1, 10), '-' || ((CAST(strftime('%w', substr(opened_at, 1, 10)) AS INTEGER) + 6) % 7) || ' days'),
                  count(*), 0 FROM console_warnings, bench_len WHERE length(region_code) >= n GROUP BY 1, 2;
                DROP TABLE bench_len;
                \(ConsoleStore.backfillV2)
                \(ConsoleStore.backfillV3)
                DROP TABLE bench_h; DROP TABLE bench_townships;
                """)
        }
        try await store.pool.write { db in try db.execute(sql: "ANALYZE") }
        FileHandle.standardError.write(Data("filled \(end - start) households in \(Int((clock.now - began).seconds)) s\n".utf8))
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
        print(pad("operator", 26) + pad("page", 14) + "  p50 ms   p95 ms   max ms")
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
                print(pad(label, 26) + pad(name, 14) + String(format: "%8.1f %8.1f %8.1f", times[times.count / 2], p95, times.last!))
            }
        }
        print(String(format: "worst p95: %.1f ms (target 200 ms)", worst))
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
