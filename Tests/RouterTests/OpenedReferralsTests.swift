// The router reads a referral from memory (OpenedReferrals) only while its row holds exactly the
// sealed bytes it was opened from: a change written in the store, a rolled-back write, a value
// copied from another row are all read from the store. In-process router on an in-memory store.
import DoudiDomain
import Envelope
import Foundation
import GRDB
@testable import RouterService
import ServiceKit
import XCTest

final class OpenedReferralsTests: XCTestCase {
    struct Rollback: Error {}

    func testAReferralIsReadFromMemoryOnlyWhileItsRowHoldsTheSameBytes() throws {
        typealias T = RouterOrderTests
        let pipeline = try InProcessPipeline(RouterProcessor())
        for (w, hh) in [("w9", "hh-9"), ("w10", "hh-10")] {
            try pipeline.deliver([T.warningEvent(T.warning(w, household: hh, opened: "2024-03-01", due: "2024-03-08"), day: "2024-03-01")])
        }
        let id = "ref-w9-medical"
        let cache = OpenedReferrals.shared
        let original = try XCTUnwrap(try pipeline.read { try ReferralStore.entry($0, referralId: id) }).referral
        let hits = cache.statistics.hits
        XCTAssertEqual(try pipeline.read { try ReferralStore.entry($0, referralId: id) }?.referral, original)
        XCTAssertEqual(cache.statistics.hits, hits + 1, "the same bytes: read from memory")

        // Another referral written in the row (in a transaction then rolled back): read from the store both times.
        var changed = original
        changed.dueBy = "2024-04-30"
        XCTAssertThrowsError(try pipeline.db.write { db in
            try db.execute(sql: "UPDATE router_referrals SET referral = doudi_seal(?, 'router_referrals/' || referral_id) WHERE referral_id = ?",
                           arguments: [try JSONCoding.encoder.encode(changed), id])
            XCTAssertEqual(try ReferralStore.entry(db, referralId: id)?.referral, changed)
            throw Rollback()
        })
        XCTAssertEqual(try pipeline.read { try ReferralStore.entry($0, referralId: id) }?.referral, original, "the rolled-back write is not read")

        // Another row's sealed value copied into this row does not open here, from memory or not.
        _ = try pipeline.read { try ReferralStore.entry($0, referralId: "ref-w10-medical") }
        try pipeline.db.write { db in
            try db.execute(sql: """
                UPDATE router_referrals SET referral = (SELECT referral FROM router_referrals WHERE referral_id = 'ref-w10-medical')
                WHERE referral_id = ?
                """, arguments: [id])
        }
        XCTAssertThrowsError(try pipeline.read { try ReferralStore.entry($0, referralId: id) })
    }

    func testTheMemoryIsBounded() {
        let cache = OpenedReferrals(capacity: 4)
        let r = Referral(referralId: "r", warningId: "w", householdId: "h", domain: .medical, regionCode: "140105001", area: nil,
                         disposal: .notCovered, level: .orange, category: nil, needs: [], dueBy: "2024-03-08", sentAt: "2024-03-01")
        for i in 0..<10 { cache.remember("r\(i)", bytes: Data([UInt8(i)]), value: r) }
        XCTAssertLessThanOrEqual(cache.statistics.entries, 4)
        XCTAssertNotNil(cache.remembered("r9", bytes: Data([9])))
        XCTAssertNil(cache.remembered("r9", bytes: Data([8])), "other bytes: not this entry")
        XCTAssertNil(OpenedReferrals(capacity: 0).remembered("r9", bytes: Data([9])))
    }
}
