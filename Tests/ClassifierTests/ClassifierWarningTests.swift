import DoudiDomain
import Envelope
import Foundation
import TestSupport
import XCTest

/// Warnings through the real broker: opened once whatever is re-delivered or replayed, resolved
/// by a granted outcome, escalated by the router, and due checks driven by event time.
final class ClassifierWarningTests: XCTestCase {
    func testNotCoveredOpensOnceAcrossRedeliveryAndReplayAndResolvesOnGrant() async throws {
        let h = try await ClassifierHarness.make("lifecycle")
        var service = try h.start()
        defer { service.terminate() }
        let a = Households.profile("A")
        try await h.send(a, time: "2026-10-01T08:00:00Z")
        try await h.send(Households.profile("U", authorized: false), time: "2026-10-01T08:00:00Z")

        let first = try await h.warnings(["A", "U"]) { $0.contains { $0.warning.householdId == "A" } }
        XCTAssertEqual(first.map(\.warning.warningId), ["w-A-basic-living-not_covered-0"], service.log.suffix(3000).description)
        XCTAssertEqual(first.first?.warning.status, .open)
        XCTAssertEqual(first.first?.warning.level, .orange)
        XCTAssertEqual(first.first?.warning.dueBy, "2026-10-08")
        // Unauthorised: the referral is held back and verification authorisation is requested instead.
        let tasks = try await h.tasks { $0.contains { $0.householdId == "U" } }
        XCTAssertEqual(tasks.filter { $0.householdId == "U" }.map(\.kind), [.requestAuthorization])
        XCTAssertNil(tasks.first { $0.householdId == "U" }?.reason.range(of: "测试人"), "no names in tasks")

        // Re-delivery (same event id), the same version under another id, and an unchanged new version.
        try await h.send(a, time: "2026-10-01T08:00:00Z")
        try await h.send(a, time: "2026-10-01T09:00:00Z", id: "p-A-v1-again")
        var v2 = a; v2.version = 2
        try await h.send(v2, time: "2026-10-02T08:00:00Z")
        // Topics are not ordered against each other: let v2 land before the outcome, as it would
        // in production where the matcher's next version follows the grant.
        let v2Applied = try await eventually { h.profileVersion("A") == 2 }
        XCTAssertTrue(v2Applied, service.log.suffix(2000).description)
        try await h.send(Outcome(outcomeId: "o-A-1", householdId: "A", domain: .basicLiving, program: "dibao", status: .granted,
                                 amountFen: 60_000, decidedAt: "2026-10-03T08:00:00Z", reason: "approved"),
                         time: "2026-10-03T08:00:00Z")
        let all = try await h.warnings(["A", "U"]) { $0.contains { $0.warning.status == .resolved } }
        XCTAssertEqual(all.filter { $0.warning.status == .open }.map(\.warning.warningId), ["w-A-basic-living-not_covered-0"])
        XCTAssertEqual(all.filter { $0.warning.status == .resolved }.map(\.warning.warningId), ["w-A-basic-living-not_covered-0"])
        XCTAssertFalse(all.contains { $0.warning.householdId == "U" })

        // Replay from the earliest offsets: applied inputs change nothing and publish nothing.
        service.terminate()
        try await TestBroker.waitUntilGroupIsEmpty(h.group)  // a killed member is listed until its session times out
        let replay = try runCLI(["replay", "--group", h.group, "--to-earliest"])
        XCTAssertEqual(replay.status, 0, replay.output)
        service = try h.start()
        try await h.send(Households.profile("M"), time: "2026-10-03T09:00:00Z")  // marker: processed after the replay
        let after = try await h.warnings(["A", "U", "M"]) { $0.contains { $0.warning.householdId == "M" } }
        let aEvents = after.filter { $0.warning.householdId == "A" }
        XCTAssertEqual(aEvents.count, 2, "one open and one resolved event, nothing re-published")
        XCTAssertEqual(Set(aEvents.map(\.warning.warningId)), ["w-A-basic-living-not_covered-0"])
    }

    /// Topics are not ordered against each other: a registry version made before the matcher read a
    /// grant can reach the classifier after the grant itself. The programme stays held (no second
    /// warning, no second referral), and a version that changes nothing the classifier reads is
    /// not evaluated again, while one that does is.
    func testRegistryVersionBehindAGrantDoesNotReopenTheWarning() async throws {
        let h = try await ClassifierHarness.make("behind")
        let service = try h.start()
        defer { service.terminate() }
        try await h.send(Households.profile("B"), time: "2026-10-01T08:00:00Z")
        _ = try await h.warnings(["B"]) { $0.contains { $0.warning.householdId == "B" } }
        try await h.send(Outcome(outcomeId: "o-B-1", householdId: "B", domain: .basicLiving, program: "dibao", status: .granted,
                                 amountFen: 60_000, decidedAt: "2026-10-02T08:00:00Z", reason: "approved"),
                         time: "2026-10-02T08:00:00Z")
        _ = try await h.warnings(["B"]) { $0.contains { $0.warning.status == .resolved } }
        // v2 was made before the matcher read the grant (no programmes), v3 after it.
        try await h.send(Households.profile("B", version: 2), time: "2026-10-02T09:00:00Z")
        try await h.send(Households.profile("B", version: 3, programs: [Program(domain: .basicLiving, program: "dibao",
                                                                                amountFen: 60_000, since: "2026-10-02")]),
                         time: "2026-10-02T09:00:01Z")
        let v3Applied = try await eventually { h.profileVersion("B") == 3 }
        XCTAssertTrue(v3Applied, service.log.suffix(2000).description)
        XCTAssertEqual(h.evaluatedOn("B"), "2026-10-02", "v2 changed what the classifier reads: evaluated")
        // v4 on a later day with the same facts is evaluated again (a new day may change ages, periods).
        try await h.send(Households.profile("B", version: 4), time: "2026-10-05T09:00:00Z")
        let v4Evaluated = try await eventually { h.evaluatedOn("B") == "2026-10-05" }
        XCTAssertTrue(v4Evaluated, service.log.suffix(2000).description)
        try await h.send(Households.profile("M"), time: "2026-10-05T09:00:01Z")  // marker: processed after B's versions
        let all = try await h.warnings(["B", "M"]) { $0.contains { $0.warning.householdId == "M" } }
        let b = all.filter { $0.warning.householdId == "B" }
        XCTAssertEqual(b.map(\.warning.status), [.open, .resolved], "the grant is not forgotten by an older registry view")
        XCTAssertEqual(Set(b.map(\.warning.warningId)), ["w-B-basic-living-not_covered-0"])

        // An unregistered candidate gets a home visit; the matcher's take-back (the person was
        // registered after all) cancels it.
        var candidate = Signal(signalId: "sig-r9-candidate", kind: .unregisteredCandidate, householdId: nil, personKey: "pk-cand",
                               regionCode: "110105001", department: .tradeUnion, recordKind: .unionHardship, recordId: "r9",
                               occurredOn: "2026-10-05")
        func send(_ s: Signal, id: String) async throws {
            try await TestBroker.produce([try ClassifierHarness.event(id, type: "monitoring.signal.v1", time: "2026-10-05T00:00:00+08:00",
                                                                       key: s.personKey, s)], to: h.ns + "monitoring.signals")
        }
        try await send(candidate, id: "ev-sig-r9")
        let visit = try await h.tasks { $0.contains { $0.personKey == "pk-cand" } }.filter { $0.personKey == "pk-cand" }
        XCTAssertEqual(visit.map(\.kind), [.homeVisit])
        XCTAssertEqual(visit.first?.regionCode, "110105001")
        candidate.retracted = true
        try await send(candidate, id: "ev-sig-r9-retracted")
        let cancelled = try await h.tasks { $0.contains { $0.personKey == "pk-cand" && $0.status == .cancelled } }.filter { $0.personKey == "pk-cand" }
        XCTAssertEqual(cancelled.map(\.taskId), ["t-pk-cand-home_visit-2026", "t-pk-cand-home_visit-2026"])
        XCTAssertEqual(cancelled.last?.regionCode, "110105001", "the cancellation names the candidate's region")
    }

    /// Due checks are the classifier's own, from event time (RULES.md "Convergence"): a router
    /// escalation changes nothing and does not move the clock, even dated past every deadline (its
    /// timing depends on when the router's clock moved), and the
    /// day after a warning's deadline opens policy_not_implemented dated that day, for every
    /// household whose deadline passed, when any event moves the clock past it.
    func testDueChecksFromEventTimeNotFromEscalations() async throws {
        let h = try await ClassifierHarness.make("due")
        let service = try h.start()
        defer { service.terminate() }
        try await h.send(Households.profile("B"), time: "2026-10-01T08:00:00Z")
        try await h.send(Households.profile("C"), time: "2026-10-01T08:00:00Z")
        _ = try await h.warnings(["B", "C"]) { $0.count >= 2 }

        try await h.send(escalation: ["escalationId": "e-C-1", "referralId": "r-C-1", "warningId": "w-C-basic-living-not_covered-0",
                                      "householdId": "C", "domain": "basic-living", "dueBy": "2026-10-08",
                                      "escalatedAt": "2026-10-20T00:00:00+08:00"], time: "2026-10-20T00:00:00+08:00")
        try await h.send(Households.profile("M"), time: "2026-10-03T08:00:01Z")  // marker: read after the escalation
        let before = try await h.warnings(["B", "C", "M"]) { $0.contains { $0.warning.householdId == "M" } }
        XCTAssertFalse(before.contains { $0.warning.disposal == .policyNotImplemented }, "an escalation is not a fact the classifier decides on")
        let (_, clock) = try await h.http("GET", "/v1/stats")
        XCTAssertEqual(clock["eventClock"] as? String, "2026-10-03T08:00:01Z", "nor does it move the clock")

        // An unrelated event on day 9 moves the event clock past B's and C's deadline (2026-10-08).
        try await h.send(Households.profile("D", monthlyIncomeFen: 500_000), time: "2026-10-09T08:00:00Z")
        let due = try await h.warnings(["B", "C"]) { ws in ws.filter { $0.warning.disposal == .policyNotImplemented }.count >= 2 }
        let late = due.filter { $0.warning.disposal == .policyNotImplemented }
        XCTAssertEqual(late.map(\.warning.warningId).sorted(),
                       ["w-B-basic-living-policy_not_implemented-0", "w-C-basic-living-policy_not_implemented-0"])
        XCTAssertEqual(Set(late.map(\.warning.openedAt)), ["2026-10-09"], "dated the first day overdue")
        XCTAssertTrue(late.allSatisfy { $0.warning.reasons.contains { $0.rule == "disposal.policy_not_implemented" } })
        let (_, stats) = try await h.http("GET", "/v1/stats")
        XCTAssertEqual((stats["openWarningsByDisposal"] as? [String: [String: Int]])?["policy_not_implemented"]?["orange"], 2)
        XCTAssertEqual(stats["eventClock"] as? String, "2026-10-09T08:00:00Z")
    }

    func testInvalidStandardsFileStopsTheServiceListingEveryProblem() throws {
        let dir = temporaryDirectory("standards")
        let file = dir + "/standards.json"
        try #"{"version": "bad", "regions": {"x1": {"dibaoUrbanFen": "lots"}, "11": {"colour": "red"}}}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let service = try ServiceProcess("doudi-classifier", environment: ["DOUDI_STANDARDS_FILE": file, "DOUDI_DATA_DIR": dir],
                                         logName: "classifier-standards-\(EventID.random().prefix(6))")
        service.process.waitUntilExit()
        XCTAssertNotEqual(service.process.terminationStatus, 0)
        for fragment in ["regions[\"x1\"]", "dibaoUrbanFen", "regions[\"11\"] (11 北京市).colour"] {
            XCTAssertTrue(service.log.contains(fragment), "\(fragment) missing in:\n\(service.log)")
        }
    }
}

/// The shipped example of a standards file is valid.
final class ClassifierStandardsFileTests: XCTestCase {
    func testExampleStandardsFileIsValid() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("compose/standards.example.json"))
        let standards = try LocalStandards(jsonBytes: Array(data))
        XCTAssertEqual(standards.version, "2026-1")
        XCTAssertEqual(standards.lookup(regionCode: "140105002").values.orangeDeadlineDays, 5)
        XCTAssertEqual(standards.lookup(regionCode: "140105002").values.edgeMultiplierPermille, 2_000)
    }
}
