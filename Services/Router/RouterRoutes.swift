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

    /// `stores`: every task's store (docs/scaling.md); one unless `DOUDI_TASKS` > 1. Counts are
    /// summed over the tasks; the clock is the latest task's, the checked day the earliest's.
    static func add(to router: Router<DoudiRequestContext>, stores: [ServiceStore], audit: AccessAudit) {
        router.get("/v1/stats") { _, _ -> Stats in
            var total = Stats(referrals: [:], total: 0, clock: nil, checkedDay: nil, earlyOutcomes: 0, heldResolutions: 0)
            for store in stores {
                let part = try await store.pool.read { db in
                    let counts = try ReferralStore.counts(db)
                    let clock = try EventClock.load(db)
                    return Stats(referrals: counts, total: counts.values.flatMap(\.values).reduce(0, +),
                                 clock: clock?.nowText, checkedDay: clock?.checkedDay.description,
                                 earlyOutcomes: try ReferralStore.earlyCount(db), heldResolutions: try ReferralStore.heldCount(db))
                }
                for (domain, states) in part.referrals {
                    for (state, n) in states { total.referrals[domain, default: [:]][state, default: 0] += n }
                }
                total.total += part.total
                total.earlyOutcomes += part.earlyOutcomes
                total.heldResolutions += part.heldResolutions
                if let c = part.clock, total.clock.map({ c > $0 }) ?? true { total.clock = c }
                if let d = part.checkedDay, total.checkedDay.map({ d < $0 }) ?? true { total.checkedDay = d }
            }
            return total
        }
        router.get("/v1/referrals/:referralId") { request, context -> ReferralView in
            let credential = try context.require([.township, .county, .province, .department], to: "read referrals")
            let id = try context.parameters.require("referralId")
            var found: ReferralLedger.Entry?
            for store in stores where found == nil {
                found = try await store.pool.read({ try ReferralStore.entry($0, referralId: id) })
            }
            guard let e = found else { throw HTTPError(.notFound, message: "no such referral") }
            let r = e.referral
            guard credential.answers(domain: r.domain.rawValue) else { throw HTTPError(.notFound, message: "no such referral") }
            try await audit.recordScoped(request, context, resource: "referral", id: id, regionCode: r.regionCode)
            return ReferralView(referralId: r.referralId, warningId: r.warningId, householdId: r.householdId,
                                domain: r.domain.rawValue, state: e.state.rawValue, dueBy: r.dueBy, sentAt: r.sentAt)
        }
    }
}
