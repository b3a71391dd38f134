import DoudiDomain
import Foundation
import GRDB
import Hummingbird
import ServiceKit
import Store

/// Starts a department handler: rules from `DOUDI_<DOMAIN>_RULES_FILE` (checked before anything
/// else; a bad file stops the start with exit status 78 and a message naming the problem), the
/// runtime, and GET /v1/cases/{referralId} and /v1/stats.
public enum Handler {
    public static func run<P: ConfigurableProgramme>(_ type: P.Type, defaultHTTPPort: Int) async throws {
        let loaded: (rules: RegionalRules<P.Rules>, origin: String)
        do { loaded = try RulesFile.load(P.Rules.self, domain: P.domain) }
        catch {
            FileHandle.standardError.write(Data("doudi-\(P.domain.rawValue): refusing to start: \(error)\n".utf8))
            exit(78) // EX_CONFIG
        }
        let runner = startOrExit(P.domain.rawValue) {
            try ServiceRunner(processor: HandlerProcessor(programme: P(rules: loaded.rules)), defaultHTTPPort: defaultHTTPPort)
        }
        runner.logger.info("rules loaded", metadata: ["origin": "\(loaded.origin)", "regions": "\(loaded.rules.regions.entries.count)"])
        try await runner.run(routes: { routes($0, store: runner.store, audit: runner.audit, domain: P.domain, rulesOrigin: loaded.origin) })
    }

    struct CaseView: ResponseEncodable {
        var referralId, warningId, householdId, domain, state, receivedAt, updatedAt: String
        var outcomes: [Outcome]
    }

    struct Stats: ResponseEncodable {
        var domain: String
        var cases: [String: Int]
        var outcomes: [String: Int]
        var grantedFen: Int64
        var rules: String
    }

    /// Every route needs an operator token (the runtime's guard). A case names a household and
    /// what it was granted: the department itself, and the civil-affairs staff of the household's
    /// region, read it; each read is recorded.
    static func routes(_ router: Router<DoudiRequestContext>, store: ServiceStore, audit: AccessAudit, domain: Domain, rulesOrigin: String) {
        router.get("/v1/cases/:referralId") { request, context -> CaseView in
            let credential = try context.require([.department, .township, .county, .province], to: "read cases")
            guard credential.answers(domain: domain.rawValue) else { throw HTTPError(.forbidden, message: "this token answers other domains") }
            let id = try context.parameters.require("referralId")
            let found = try await store.pool.read { db in
                try CaseStore.find(db, referralId: id).map { ($0, try CaseStore.outcomes(db, referralId: id), try CaseStore.referral(db, referralId: id)) }
            }
            guard let (c, outcomes, referral) = found else { throw HTTPError(.notFound, message: "no such case") }
            try await audit.recordScoped(request, context, resource: "case", id: id, regionCode: referral?.regionCode)
            return CaseView(referralId: c.referralId, warningId: c.warningId, householdId: c.householdId, domain: c.domain,
                            state: c.state, receivedAt: c.receivedAt, updatedAt: c.updatedAt, outcomes: outcomes)
        }
        router.get("/v1/stats") { _, _ -> Stats in
            let s = try await store.pool.read { try CaseStore.stats($0) }
            return Stats(domain: domain.rawValue, cases: s.cases, outcomes: s.outcomes, grantedFen: s.grantedFen, rules: rulesOrigin)
        }
    }
}
