// The operators' read API. Profiles and candidate lists hold personal data (names, identity
// numbers) and need the bearer token `DOUDI_MATCHER_TOKEN`; `/v1/stats` gives counts only.
import DoudiDomain
import Foundation
import GRDB
import Hummingbird
import NIOCore
import ServiceKit

struct RegistryAPI: Sendable {
    /// Development default, documented in docs/matcher.md: set DOUDI_MATCHER_TOKEN in every real deployment.
    static let developmentToken = "doudi-matcher-dev-token"
    let pool: DatabasePool
    let token: String

    func add(to router: Router<BasicRequestContext>) {
        router.get("/v1/households/:id") { request, context -> Response in
            guard authorized(request) else { return Self.unauthorized() }
            let id = try context.parameters.require("id")
            let blob = try await pool.read { db in
                try Data.fetchOne(db, sql: "SELECT profile FROM households WHERE id = ?", arguments: [id])
            }
            guard let blob else { return Self.json(["error": "household not found"], status: .notFound) }
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: blob)))
        }
        router.get("/v1/candidates") { request, _ -> Response in
            guard authorized(request) else { return Self.unauthorized() }
            let region = request.uri.queryParameters.get("region") ?? ""
            let limit = min(max(request.uri.queryParameters.get("limit", as: Int.self) ?? 1000, 1), 10_000)
            let list: [[String: String]] = try await pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT person_key, region_code, reason, record_id, occurred_on FROM candidates
                    WHERE coalesce(region_code, '') LIKE ? || '%' ORDER BY occurred_on, person_key LIMIT ?
                    """, arguments: [region, limit]).map { row in
                    var item: [String: String] = ["personKey": row[0], "reason": row[2], "recordId": row[3], "occurredOn": row[4]]
                    if let code: String = row[1] { item["regionCode"] = code }
                    return item
                }
            }
            return Self.json(["candidates": list])
        }
        router.get("/v1/stats") { request, _ -> Response in
            let prefixLength = min(max(request.uri.queryParameters.get("prefixLength", as: Int.self) ?? 6, 2), 12)
            let stats = try await pool.read { db in try RegistryStats.read(db, prefixLength: prefixLength) }
            return Self.json(stats)
        }
    }

    private func authorized(_ request: Request) -> Bool { BearerToken(token).accepts(request) }

    static func unauthorized() -> Response {
        Response(status: .unauthorized, headers: [.wwwAuthenticate: "Bearer"],
                 body: .init(byteBuffer: ByteBuffer(string: "{\"error\":\"bearer token required\"}")))
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let bytes = (try? JSONEncoder.sorted.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder { let e = JSONEncoder(); e.outputFormatting = [.sortedKeys]; return e }
}

/// What `GET /v1/stats` answers (and `doudi summary` prints).
struct RegistryStats: Codable, Sendable {
    struct Region: Codable, Sendable {
        var prefix: String
        /// `140105 太原市小店区` (docs/regions.md).
        var label: String
        var households: Int; var persons: Int; var candidates: Int
    }
    var households: Int
    var persons: Int
    /// Profile versions emitted in all (the sum of the households' current versions).
    var versions: Int
    var candidates: Int
    var regions: [Region]

    static func read(_ db: Database, prefixLength: Int) throws -> RegistryStats {
        let totals = try Row.fetchOne(db, sql: "SELECT count(*), coalesce(sum(version), 0) FROM households")!
        var regions: [String: Region] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT substr(region_code, 1, ?), count(*), coalesce(sum(member_count), 0) FROM households GROUP BY 1
            """, arguments: [prefixLength]) {
            let prefix: String = row[0]
            regions[prefix] = Region(prefix: prefix, label: RegionNames.label(prefix), households: row[1], persons: row[2], candidates: 0)
        }
        for row in try Row.fetchAll(db, sql: "SELECT substr(coalesce(region_code, ''), 1, ?), count(*) FROM candidates GROUP BY 1",
                                    arguments: [prefixLength]) {
            let prefix: String = row[0]
            regions[prefix, default: Region(prefix: prefix, label: RegionNames.label(prefix), households: 0, persons: 0, candidates: 0)].candidates = row[1]
        }
        return RegistryStats(households: totals[0], persons: try Int.fetchOne(db, sql: "SELECT count(*) FROM persons") ?? 0,
                             versions: totals[1], candidates: try Int.fetchOne(db, sql: "SELECT count(*) FROM candidates") ?? 0,
                             regions: regions.values.sorted { $0.prefix < $1.prefix })
    }
}
