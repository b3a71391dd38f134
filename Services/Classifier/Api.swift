// The classifier's HTTP API (operators, through `doudi`). Writes go through the store and the
// outbox in one transaction each, like event processing. Every route needs an operator token
// (the runtime's guard); explanations name the people concerned, so only staff of the household's
// region read them and every read is recorded (AccessAudit). Re-evaluations and samples are the
// county's and the province's.
import DoudiDomain
import Envelope
import Foundation
import Hummingbird
import Logging
import ServiceKit
import Store

/// With the state split into tasks (DOUDI_TASKS, docs/scaling.md), reads gather every task and
/// writes go to the task holding each household, at the latest task's event clock.
struct ClassifierAPI: Sendable {
    /// One writer per task (one unless DOUDI_TASKS > 1).
    let writers: [StoreWriter]
    var stores: [ServiceStore] { writers.map(\.store) }
    let standards: LocalStandards
    let audit: AccessAudit
    let logger: Logger

    func addRoutes(to router: Router<DoudiRequestContext>) {
        router.get("/v1/stats") { _, _ in try await Stats.read(stores) }
        router.post("/v1/reevaluate") { request, context in
            _ = try context.require([.province], to: "re-evaluate the registry")
            let body = try await decodeOptional(ReevaluateRequest.self, request, context) ?? ReevaluateRequest()
            return try await Reevaluation(writers: writers, standards: standards, logger: logger)
                .run(batchSize: min(max(body.batchSize ?? 200, 1), 5_000))
        }
        router.post("/v1/samples") { request, context in
            _ = try context.require([.county, .province], to: "draw samples")
            return try await Sampling(writers: writers).sample(try await request.decode(as: SampleRequest.self, context: context))
        }
        router.post("/v1/surveys") { request, context in
            _ = try context.require([.county, .province], to: "start surveys")
            return try await Sampling(writers: writers).startSurvey(try await request.decode(as: SurveyRequest.self, context: context))
        }
        router.get("/v1/surveys/:year") { request, context in
            _ = try context.require([.county, .province, .auditor], to: "read surveys")
            guard let year = context.parameters.get("year", as: Int.self) else { throw HTTPError(.badRequest, message: "year") }
            return try await Sampling(writers: writers).surveyStatus(year: year)
        }
        router.get("/v1/households/:id/explanation") { request, context in
            _ = try context.require([.township, .county, .province], to: "read explanations")
            let id = context.parameters.get("id") ?? ""
            let lang = request.uri.queryParameters.get("lang") ?? "both"
            let languages: [ExplanationLanguage] = lang == "both" ? [.zh, .en] : ExplanationLanguage(rawValue: lang).map { [$0] } ?? []
            guard !languages.isEmpty else { throw HTTPError(.badRequest, message: "lang must be zh, en or both") }
            var found: ExplainResponse?
            for store in stores where found == nil {
                found = try await Explain.read(store, standards: standards, householdId: id, languages: languages)
            }
            guard let e = found else {
                throw HTTPError(.notFound, message: "no profile for this household")
            }
            try await audit.recordScoped(request, context, resource: "explanation", id: id, regionCode: e.regionCode)
            return e
        }
    }

    private func decodeOptional<T: Decodable>(_ type: T.Type, _ request: Request, _ context: DoudiRequestContext) async throws -> T? {
        var request = request
        let body = try await request.collectBody(upTo: 1 << 16)
        guard body.readableBytes > 0 else { return nil }
        do { return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView)) }
        catch { throw HTTPError(.badRequest, message: "invalid JSON body") }
    }
}

struct ReevaluateRequest: Codable { var batchSize: Int? }
