import DoudiDomain
import Envelope
import Foundation
import TestSupport
import XCTest

/// The operator side through the CLI and HTTP: sample, survey, explain, stats, re-evaluation.
final class ClassifierOperatorTests: XCTestCase {
    /// 40 households in two counties; every fifth (four per county) has an income above the edge line.
    static let ids = (0..<40).map { String(format: "S%02d", $0) }
    static func profile(_ i: Int, version: Int = 1) -> HouseholdProfile {
        Households.profile(ids[i], version: version, region: i % 2 == 0 ? "110105001" : "140105002",
                           monthlyIncomeFen: i % 5 == 0 ? 100_000 : 0)
    }

    func testSampleSurveyExplainStatsAndReevaluation() async throws {
        var h = try await ClassifierHarness.make("operator")
        var service = try h.start()
        defer { service.terminate() }
        for i in 0..<40 { try await h.send(Self.profile(i), time: "2026-10-01T08:00:00Z") }
        try await h.waitForHouseholds(40, service)
        let api = ["--url", h.url, "--token", h.token]

        // Operator token required.
        let (denied, _) = try await h.http("POST", "/v1/samples", body: #"{"period":"2026Q4"}"#, token: "wrong")
        XCTAssertEqual(denied, 401)

        // Sample: the same period and seed draw the same households and task ids; no duplicate tasks.
        let s1 = try runDoudi(["sample"] + api + ["--period", "2026Q4", "--rate", "0.1", "--seed", "7"])
        let s2 = try runDoudi(["sample"] + api + ["--period", "2026Q4", "--rate", "0.1", "--seed", "7"])
        XCTAssertEqual(s1.status, 0, s1.output)
        let ids1 = s1.output.split(separator: "\n").filter { $0.hasPrefix("t-") }
        XCTAssertEqual(ids1, s2.output.split(separator: "\n").filter { $0.hasPrefix("t-") })
        XCTAssertEqual(ids1.count, 4, s1.output)  // 16 dibao per county, 10% → 2 each
        XCTAssertTrue(s2.output.contains("0 new random_check"), s2.output)
        let (_, other) = try await h.http("POST", "/v1/samples", body: #"{"period":"2026Q4","rate":0.1,"seed":8}"#)
        XCTAssertEqual((other["drawn"] as? [String])?.count, 4)

        // Explain names the category, the clause and the open warning.
        let explain = try runDoudi(["explain", "S01"] + api + ["--lang", "both"])
        XCTAssertEqual(explain.status, 0, explain.output)
        for fragment in ["§4.1.1", "低保对象", "minimum living guarantee (dibao)", "w-S01-basic-living-not_covered-0"] {
            XCTAssertTrue(explain.output.contains(fragment), "\(fragment) missing in:\n\(explain.output)")
        }

        // Annual survey: a task per monitored household; a re-profiled household counts as completed.
        let start = try runDoudi(["survey", "start"] + api + ["--year", "2026"])
        XCTAssertTrue(start.output.contains("tasksIssued: 32"), start.output)
        XCTAssertTrue(try runDoudi(["survey", "start"] + api + ["--year", "2026"]).output.contains("newTasks: 0"))
        try await h.send(Self.profile(1, version: 2), time: "2026-10-02T08:00:00Z")
        let completed = try await eventuallyAsync(timeout: .seconds(30)) {
            try runDoudi(["survey", "status"] + api + ["--year", "2026"]).output.contains("completed: 1")
        }
        XCTAssertTrue(completed)

        let (_, stats) = try await h.http("GET", "/v1/stats")
        XCTAssertEqual(stats["householdsByCategory"] as? [String: Int], ["dibao": 32, "not_low_income": 8])
        XCTAssertEqual((stats["openWarningsByDisposal"] as? [String: [String: Int]])?["not_covered"]?["orange"], 32)
        let kinds = stats["tasksByKind"] as? [String: Int]
        XCTAssertEqual(kinds?["annual_survey"], 32)
        let randomChecks = kinds?["random_check"] ?? 0
        let published = try await h.tasks { $0.filter { $0.kind == .randomCheck }.count >= randomChecks }
        XCTAssertEqual(published.filter { $0.kind == .randomCheck }.count, randomChecks, "each task published once")

        // Same standards: re-evaluation changes nothing.
        let same = try runDoudi(["standards", "reevaluate"] + api + ["--batch-size", "7"])
        XCTAssertTrue(same.output.contains("households: 40") && same.output.contains("opened: 0"), same.output)
        XCTAssertTrue(same.output.contains("batches: 6"), same.output)

        // New standards for county 14: its higher-income households become dibao: new warnings, once.
        service.terminate()
        let file = h.dataDir + "/standards.json"
        try #"{"version": "2026-2", "regions": {"14": {"dibaoRuralFen": 120000}}}"#.write(toFile: file, atomically: true, encoding: .utf8)
        h.extraEnvironment["DOUDI_STANDARDS_FILE"] = file
        service = try h.start()
        try await h.waitForHouseholds(40, service)
        let changed = try runDoudi(["standards", "reevaluate"] + api)
        XCTAssertTrue(changed.output.contains("opened: 4") && changed.output.contains("standardsVersion: 2026-2"), changed.output)
        let again = try runDoudi(["standards", "reevaluate"] + api)
        XCTAssertTrue(again.output.contains("opened: 0") && again.output.contains("tasks: 0"), again.output)
        let warnings = try await h.warnings(Set(Self.ids)) { $0.filter { $0.warning.standardsVersion == "2026-2" }.count >= 4 }
        XCTAssertEqual(warnings.filter { $0.warning.standardsVersion == "2026-2" }.count, 4)
        XCTAssertEqual(Set(warnings.map(\.eventId)).count, warnings.count, "no event published twice")
    }
}
