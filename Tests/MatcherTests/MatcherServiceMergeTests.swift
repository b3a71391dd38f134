import DoudiDomain
import Envelope
import Foundation
import TestSupport
import XCTest

/// Accepted submissions through the running matcher: one household across channels, moves,
/// no-op resubmissions, a late older collection (history), an unverified claim that loses to
/// verified facts (RULES.md "Trust"); then the registry rebuilt from the topics is identical.
final class MatcherServiceMergeTests: XCTestCase {
    typealias H = MatcherHarness

    func testMergeMoveNoOpTrustHistoryAndReplay() async throws {
        let h = try await MatcherHarness.make("merge")
        var service = try h.start()
        let hhA = H.householdId(1), hhD = H.householdId(4)

        // Two verified channels, one household: the second shares members 1 and 2 and adds 3.
        _ = try await h.produceAccepted(H.submission("s1", applicant: 1, members: [1, 2], collectedAt: "2024-03-01T10:00:00+08:00"))
        _ = try await h.produceAccepted(H.submission("s2", channel: .dataComparison, applicant: 1, members: [1, 2, 3],
                                                     collectedAt: "2024-03-05T10:00:00+08:00"))
        var seen = try await h.households { ps in ps.contains { $0.householdId == hhA && $0.version == 2 } }
        XCTAssertEqual(seen.count, 2, service.log)
        let merged = try XCTUnwrap(seen.last)
        XCTAssertEqual(merged.householdId, hhA)
        XCTAssertEqual(Set(merged.members.compactMap(\.personKey)), [H.key(1), H.key(2), H.key(3)])
        XCTAssertEqual(Set(merged.channels), [.homeVisit, .dataComparison])
        XCTAssertEqual(merged.sourceSubmissions, ["s1", "s2"])

        // The same submission again (a new event id): no new version.
        _ = try await h.produceAccepted(H.submission("s2", channel: .dataComparison, applicant: 1, members: [1, 2, 3],
                                                     collectedAt: "2024-03-05T10:00:00+08:00"), eventId: "acc-s2-again")
        // Member 3 moves to person 4's household (a home visit: verified).
        _ = try await h.produceAccepted(H.submission("s3", applicant: 4, members: [4], collectedAt: "2024-04-01T10:00:00+08:00"))
        _ = try await h.produceAccepted(H.submission("s4", applicant: 4, members: [4, 3], collectedAt: "2024-04-02T10:00:00+08:00"))
        // An older collection with other incomes arrives late: history, not the household's present.
        _ = try await h.produceAccepted(H.submission("s5", channel: .grassrootsReport, applicant: 1, members: [1, 2],
                                                     collectedAt: "2024-02-01T10:00:00+08:00", wagesFen: 99_000))
        // A newer self-declaration (unverified) of no income at all: it never overwrites the verified income.
        _ = try await h.produceAccepted(H.submission("s6", channel: .selfDeclared, applicant: 1, members: [1, 2],
                                                     collectedAt: "2024-05-01T10:00:00+08:00", wagesFen: 0))
        let applied = try await eventually { try h.appliedCount() == 7 }
        XCTAssertTrue(applied, service.log)
        let all = try await TestBroker.readSettled(h.ns + "registry.households", minimum: 6).map(H.profile)
        let byHousehold = Dictionary(grouping: all, by: \.householdId)
        XCTAssertEqual(Set(byHousehold.keys), [hhA, hhD])
        for (id, versions) in byHousehold {
            // Versions count up without gaps, and the highest is the latest point of the history.
            XCTAssertEqual(Set(versions.map(\.version)), Set(1...versions.map(\.version).max()!), id)
            let newest = versions.max { $0.version < $1.version }!
            XCTAssertEqual(newest.asOf, versions.compactMap(\.asOf).max(), id)
        }
        // No two versions say the same (the resubmission made none; a late fact republishes only what it changed).
        let contents = all.map { p -> HouseholdProfile in var x = p; x.version = 0; x.updatedAt = ""; return x }
        for i in contents.indices { for j in contents.indices where j > i { XCTAssertNotEqual(contents[i], contents[j], "the resubmission made no version") } }
        let a = try XCTUnwrap(byHousehold[hhA]?.max { $0.version < $1.version })
        let d = try XCTUnwrap(byHousehold[hhD]?.max { $0.version < $1.version })
        XCTAssertEqual(Set(d.members.compactMap(\.personKey)), [H.key(4), H.key(3)])
        XCTAssertEqual(Set(a.members.compactMap(\.personKey)), [H.key(1), H.key(2)])
        XCTAssertEqual(try h.scalar("SELECT count(*) FROM persons WHERE person_key = ? AND household_id = ?", [H.key(3), hhD]), 1)
        XCTAssertEqual(a.income.wagesFen, 600_000, "neither the older collection nor the unverified one wins")
        XCTAssertEqual(a.unverifiedClaims?.map(\.source), ["s6"])
        XCTAssertEqual(a.unverifiedClaims?.first?.fieldGroups.contains("income"), true)
        XCTAssertTrue(a.conflicts.contains { $0.fieldGroup == "income" && $0.discarded == "s6" && $0.rule == "verified_source_wins" },
                      "\(a.conflicts)")
        XCTAssertFalse(a.conflicts.contains { $0.discarded == "s5" }, "an older collection is history, not a conflict")
        // The household as of February is s5's (published as a point of the history).
        XCTAssertTrue(all.contains { $0.householdId == hhA && $0.asOf?.hasPrefix("2024-02-01") == true && $0.income.wagesFen == 99_000 })

        // Replay: stop, delete the store, consume everything again from the earliest offset.
        let before = try h.storedProfiles()
        XCTAssertEqual(before.count, 2)
        service.terminate()
        try FileManager.default.removeItem(atPath: h.dataDir)
        service = try h.start(group: h.group + "-rebuild")
        defer { service.terminate() }
        let rebuilt = try await eventually { try h.appliedCount() == 7 }
        XCTAssertTrue(rebuilt, service.log)
        XCTAssertEqual(try h.storedProfiles(), before, "the rebuilt registry is identical")
    }
}
