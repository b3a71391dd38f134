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

struct ClassifierAPI: Sendable {
    let writer: StoreWriter
    var store: ServiceStore { writer.store }
    let standards: LocalStandards
    let audit: AccessAudit
    let logger: Logger

    func addRoutes(to router: Router<DoudiRequestContext>) {
        router.get("/v1/stats") { _, _ in try await Stats.read(store) }
        router.post("/v1/reevaluate") { request, context in
            _ = try context.require([.province], to: "re-evaluate the registry")
            let body = try await decodeOptional(ReevaluateRequest.self, request, context) ?? ReevaluateRequest()
            return try await Reevaluation(writer: writer, standards: standards, logger: logger)
                .run(batchSize: min(max(body.batchSize ?? 200, 1), 5_000))
        }
        router.post("/v1/samples") { request, context in
            _ = try context.require([.county, .province], to: "draw samples")
            return try await Sampling(writer: writer).sample(try await request.decode(as: SampleRequest.self, context: context))
        }
        router.post("/v1/surveys") { request, context in
            _ = try context.require([.county, .province], to: "start surveys")
            return try await Sampling(writer: writer).startSurvey(try await request.decode(as: SurveyRequest.self, context: context))
        }
        router.get("/v1/surveys/:year") { request, context in
            _ = try context.require([.county, .province, .auditor], to: "read surveys")
            guard let year = context.parameters.get("year", as: Int.self) else { throw HTTPError(.badRequest, message: "year") }
            return try await Sampling(writer: writer).surveyStatus(year: year)
        }
        router.get("/v1/households/:id/explanation") { request, context in
            _ = try context.require([.township, .county, .province], to: "read explanations")
            let id = context.parameters.get("id") ?? ""
            let lang = request.uri.queryParameters.get("lang") ?? "both"
            let languages: [ExplanationLanguage] = lang == "both" ? [.zh, .en] : ExplanationLanguage(rawValue: lang).map { [$0] } ?? []
            guard !languages.isEmpty else { throw HTTPError(.badRequest, message: "lang must be zh, en or both") }
            guard let e = try await Explain.read(store, standards: standards, householdId: id, languages: languages) else {
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
