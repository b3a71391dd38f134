import DoudiDomain
import GRDB
import Hummingbird
import ServiceKit
import Store

/// GET /v1/stats (referrals by domain and state, the event clock, outcomes waiting for their referral) and
/// GET /v1/referrals/{referralId} (a referral's ledger entry, without its needs; it still names a
/// household, so only its region's staff and the department it is for read it, and each read is
/// recorded). Both need an operator token (the runtime's guard).
enum RouterRoutes {
    struct Stats: ResponseEncodable {
        var referrals: [String: [String: Int]]
        var total: Int
        var clock: String?
        var checkedDay: String?
        /// Outcomes read before the referral they answer, waiting for it (docs/router.md).
        var earlyOutcomes: Int
        /// Resolved warnings whose withdrawals wait for the outcomes topic to be read to its end.
        var heldResolutions: Int
    }

    struct ReferralView: ResponseEncodable {
        var referralId, warningId, householdId, domain, state, dueBy, sentAt: String
    }

    static func add(to router: Router<DoudiRequestContext>, store: ServiceStore, audit: AccessAudit) {
        router.get("/v1/stats") { _, _ -> Stats in
            try await store.pool.read { db in
                let counts = try ReferralStore.counts(db)
                let clock = try EventClock.load(db)
                return Stats(referrals: counts, total: counts.values.flatMap(\.values).reduce(0, +),
                             clock: clock?.nowText, checkedDay: clock?.checkedDay.description,
                             earlyOutcomes: try ReferralStore.earlyCount(db), heldResolutions: try ReferralStore.heldCount(db))
            }
        }
        router.get("/v1/referrals/:referralId") { request, context -> ReferralView in
            let credential = try context.require([.township, .county, .province, .department], to: "read referrals")
            let id = try context.parameters.require("referralId")
            guard let e = try await store.pool.read({ try ReferralStore.entry($0, referralId: id) }) else {
                throw HTTPError(.notFound, message: "no such referral")
            }
            let r = e.referral
            guard credential.answers(domain: r.domain.rawValue) else { throw HTTPError(.notFound, message: "no such referral") }
            try await audit.recordScoped(request, context, resource: "referral", id: id, regionCode: r.regionCode)
            return ReferralView(referralId: r.referralId, warningId: r.warningId, householdId: r.householdId,
                                domain: r.domain.rawValue, state: e.state.rawValue, dueBy: r.dueBy, sentAt: r.sentAt)
        }
    }
}
