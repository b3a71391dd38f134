// `GET /v1/households/{id}/explanation`: the household's last decision explained (Explanation),
// recomputed from its history's current profile and programmes as of its last point, with the
// open warnings. Read-only: explaining changes nothing.
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
            guard let h = try HouseholdStore.history(db, householdId: hh), var profile = h.profile else { return nil }
            let asOf = h.point?.date ?? CivilDate(iso: profile.updatedAt) ?? CivilDate(year: 2026, month: 1, day: 1)!
            profile.programs = h.programs
            var context = ClassificationContext(signals: (profile.departmentFacts ?? []).filter { (CivilDate(iso: $0.occurredOn) ?? asOf) <= asOf })
            context.notLowIncomeSince = h.notLowIncomeSince
            context.deniedReferralDomains = h.ledger.deniedReferralDomains(householdId: hh)
            let d = Classifier.evaluate(profile: profile, context: context, standards: standards, asOf: asOf)
            let open = h.openWarnings
            var text: [String: [String]] = [:]
            for l in languages { text[l.rawValue] = Explanation.lines(d, openWarnings: open, language: l) }
            return ExplainResponse(
                householdId: hh, regionCode: profile.regionCode, profileVersion: profile.version, category: d.category.rawValue,
                standardsVersion: d.record.standardsVersion,
                decidedUnderStandards: h.standardsVersion == d.record.standardsVersion ? nil : h.standardsVersion,
                openWarnings: open.map { .init(warningId: $0.warningId, domain: $0.domain.rawValue, disposal: $0.disposal.rawValue,
                                               level: $0.level.rawValue, dueBy: $0.dueBy) },
                text: text)
        }
    }
}
