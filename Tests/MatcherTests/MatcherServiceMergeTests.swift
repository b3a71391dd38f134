import DoudiDomain
import Envelope
import Foundation
import TestSupport
import XCTest

/// Accepted submissions through the running matcher: one household across channels, moves,
/// no-op resubmissions, conflicts; then the registry rebuilt from the topics is identical.
final class MatcherServiceMergeTests: XCTestCase {
    typealias H = MatcherHarness

    func testMergeMoveNoOpConflictAndReplay() async throws {
        let h = try await MatcherHarness.make("merge")
        var service = try h.start()
        let hhA = "hh-" + H.key(1).prefix(16), hhD = "hh-" + H.key(4).prefix(16)

        // Two channels, one household: the second shares members 1 and 2 and adds 3.
        _ = try await h.produceAccepted(H.submission("s1", applicant: 1, members: [1, 2], collectedAt: "2024-03-01T10:00:00+08:00"))
        _ = try await h.produceAccepted(H.submission("s2", channel: .selfDeclared, applicant: 1, members: [1, 2, 3],
                                                     collectedAt: "2024-03-05T10:00:00+08:00"))
        var seen = try await h.households { ps in ps.contains { $0.householdId == hhA && $0.version == 2 } }
        XCTAssertEqual(seen.count, 2, service.log)
        let merged = try XCTUnwrap(seen.last)
        XCTAssertEqual(merged.householdId, hhA)
        XCTAssertEqual(Set(merged.members.compactMap(\.personKey)), [H.key(1), H.key(2), H.key(3)])
        XCTAssertEqual(Set(merged.channels), [.homeVisit, .selfDeclared])
        XCTAssertEqual(merged.sourceSubmissions, ["s1", "s2"])

        // The same submission again (a new event id): no new version.
        _ = try await h.produceAccepted(H.submission("s2", channel: .selfDeclared, applicant: 1, members: [1, 2, 3],
                                                     collectedAt: "2024-03-05T10:00:00+08:00"), eventId: "acc-s2-again")
        // Member 3 moves to person 4's household.
        _ = try await h.produceAccepted(H.submission("s3", applicant: 4, members: [4], collectedAt: "2024-04-01T10:00:00+08:00"))
        _ = try await h.produceAccepted(H.submission("s4", applicant: 4, members: [4, 3], collectedAt: "2024-04-02T10:00:00+08:00"))
        // An older collection with other incomes: kept out, recorded as a conflict.
        _ = try await h.produceAccepted(H.submission("s5", channel: .grassrootsReport, applicant: 1, members: [1, 2],
                                                     collectedAt: "2024-02-01T10:00:00+08:00", wagesFen: 99_000))
        seen = try await h.households { ps in ps.contains { $0.householdId == hhA && $0.version == 4 } }
        let applied = try await eventually { try h.appliedCount() == 6 }
        XCTAssertTrue(applied, service.log)
        // Households are keyed to different partitions: compare by id and version, not by arrival.
        seen = try await TestBroker.readSettled(h.ns + "registry.households", minimum: 6).map(H.profile)
        let versions = Dictionary(seen.map { ("\($0.householdId)#\($0.version)", $0) }) { first, _ in first }
        XCTAssertEqual(seen.count, 6, "the resubmission made no version")
        XCTAssertEqual(Set(versions.keys), ["\(hhA)#1", "\(hhA)#2", "\(hhD)#1", "\(hhD)#2", "\(hhA)#3", "\(hhA)#4"])
        let movedTo = try XCTUnwrap(versions["\(hhD)#2"]), movedFrom = try XCTUnwrap(versions["\(hhA)#3"])
        let conflicted = try XCTUnwrap(versions["\(hhA)#4"])
        XCTAssertEqual(Set(movedTo.members.compactMap(\.personKey)), [H.key(4), H.key(3)])
        XCTAssertEqual(Set(movedFrom.members.compactMap(\.personKey)), [H.key(1), H.key(2)])
        XCTAssertEqual(try h.scalar("SELECT count(*) FROM persons WHERE person_key = ? AND household_id = ?", [H.key(3), hhD]), 1)
        XCTAssertEqual(conflicted.income.wagesFen, 600_000, "the older collection does not win")
        XCTAssertEqual(conflicted.conflicts.map(\.fieldGroup), ["income"])
        XCTAssertEqual(conflicted.conflicts.first?.discarded, "s5")
        XCTAssertEqual(conflicted.conflicts.first?.rule, "latest_collected_at_wins")

        // Replay: stop, delete the store, consume everything again from the earliest offset.
        let before = try h.storedProfiles()
        XCTAssertEqual(before.count, 2)
        service.terminate()
        try FileManager.default.removeItem(atPath: h.dataDir)
        service = try h.start(group: h.group + "-rebuild")
        defer { service.terminate() }
        let rebuilt = try await eventually { try h.appliedCount() == 6 }
        XCTAssertTrue(rebuilt, service.log)
        XCTAssertEqual(try h.storedProfiles(), before, "the rebuilt registry is identical")
    }
}
