// `GET /v1/households/{id}/explanation`: the household's last decision explained (Explanation),
// recomputed from its stored profile and signals as of the date of that decision, with the
// ledger's open warnings. Read-only: explaining changes nothing.
import DoudiDomain
import GRDB
import Hummingbird
import Store

struct ExplainResponse: ResponseEncodable {
    struct OpenWarning: Codable { var warningId: String; var domain: String; var disposal: String; var level: String; var dueBy: String? }
    var householdId: String
    /// The household's region (who may read the explanation: AccessAudit.recordScoped).
    var regionCode: String
    var profileVersion: Int
    var category: String
    var standardsVersion: String
    /// The standards version of the stored decision, when a re-evaluation is still due.
    var decidedUnderStandards: String?
    var openWarnings: [OpenWarning]
    /// Language code → lines.
    var text: [String: [String]]
}

enum Explain {
    static func read(_ store: ServiceStore, standards: LocalStandards, householdId hh: String,
                     languages: [ExplanationLanguage]) async throws -> ExplainResponse? {
        try await store.pool.read { db in
            guard let stored = try HouseholdStore.load(db, hh) else { return nil }
            var context = try HouseholdStore.context(db, hh)
            context.notLowIncomeSince = stored.notLowIncomeSince
            let ledger = try LedgerStore.load(db, householdId: hh)
            context.deniedReferralDomains = ledger.deniedReferralDomains(householdId: hh)
            let asOf = stored.decidedOn ?? CivilDate(iso: stored.profile.updatedAt) ?? CivilDate(year: 2026, month: 1, day: 1)!
            let d = Classifier.evaluate(profile: stored.profile, context: context, standards: standards, asOf: asOf)
            let open = ledger.openWarnings(householdId: hh)
            let recorded = try String.fetchOne(db, sql: "SELECT standards_version FROM households WHERE household_id = ?", arguments: [hh])
            var text: [String: [String]] = [:]
            for l in languages { text[l.rawValue] = Explanation.lines(d, openWarnings: open, language: l) }
            return ExplainResponse(
                householdId: hh, regionCode: stored.profile.regionCode, profileVersion: stored.profile.version, category: d.category.rawValue,
                standardsVersion: d.record.standardsVersion,
                decidedUnderStandards: recorded == d.record.standardsVersion ? nil : recorded,
                openWarnings: open.map { .init(warningId: $0.warningId, domain: $0.domain.rawValue, disposal: $0.disposal.rawValue,
                                               level: $0.level.rawValue, dueBy: $0.dueBy) },
                text: text)
        }
    }
}
