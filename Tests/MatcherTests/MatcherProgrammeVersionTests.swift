// A version that only carries new programmes (an outcome's grant, published at the end of the
// batch) reuses the facts fingerprint its point's timeline row holds instead of computing it
// again: its event id must be the one computing it gives, or a replay and a live run would publish
// two ids for one content (issue 13's collisions). In-process: the matcher's processor on an
// in-memory store (InProcessPipeline), no broker.
@testable import MatcherService
import DoudiDomain
import Envelope
import Foundation
import GRDB
import ServiceKit
import XCTest

final class MatcherProgrammeVersionTests: XCTestCase {
    static func event<T: Encodable>(_ type: EventType, id: String, _ payload: T) throws -> CloudEvent {
        try CloudEvent.make(id: id, source: "/tests", type: type.rawValue, time: "2024-06-30T10:00:00+08:00",
                            subject: nil, key: "order", causationID: nil, payload: payload)
    }

    func testAProgrammeOnlyVersionHasTheIdItsContentGives() throws {
        let pipeline = try InProcessPipeline(MatcherProcessor(personKeySecret: MatcherHarness.secret, counters: MatchCounters()))
        let submission = MatcherHarness.submission("s-1", applicant: 1, members: [1, 2], collectedAt: "2024-06-01T09:00:00+08:00")
        try pipeline.deliver([(Topics.intakeAccepted, try Self.event(.intakeAccepted, id: "acc-1", submission))])
        let first = try XCTUnwrap(pipeline.published.last { $0.event.type == EventType.registryHousehold.rawValue })
        let founded = try first.event.decode(HouseholdProfile.self)
        XCTAssertTrue(founded.programs.isEmpty)

        // Two grants in one batch: one version, with both programmes, at the same point.
        let grants = [("o-1", "dibao"), ("o-2", "temporary")].map { id, program in
            Outcome(outcomeId: id, householdId: founded.householdId, domain: .basicLiving, program: program, status: .granted,
                    amountFen: 60_000, decidedAt: "2024-06-10", reason: "approved")
        }
        let published = try pipeline.deliver(try grants.map { (Topics.assistanceOutcomes, try Self.event(.assistanceOutcome, id: "out-\($0.outcomeId)", $0)) })
        let versions = published.filter { $0.event.type == EventType.registryHousehold.rawValue }
        XCTAssertEqual(versions.count, 1)
        let version = try XCTUnwrap(versions.first)
        let profile = try version.event.decode(HouseholdProfile.self)
        XCTAssertEqual(profile.programs.map(\.program).sorted(), ["dibao", "temporary"])
        XCTAssertEqual(profile.version, founded.version + 1)
        XCTAssertEqual(profile.asOf, founded.asOf, "a programme-only version is of the same point")
        XCTAssertEqual(HouseholdTimeline.factsFingerprint(profile), HouseholdTimeline.factsFingerprint(founded))

        // The id computed from the content, as a replay that computes the fingerprint would.
        let computed = ChangeEvents.event(profile, bytes: Data(version.event.data), facts: HouseholdTimeline.factsFingerprint(profile),
                                          causeID: nil, source: "/doudi/matcher")
        XCTAssertEqual(version.event.id, computed.event.id)
        XCTAssertNotEqual(version.event.id, first.event.id)
    }
}
