// The operators' read API. Every route needs an operator token (the runtime's guard). Profiles
// and candidate lists hold personal data (names, identity numbers, health, income): only staff of
// the household's region read them, and every read is recorded (AccessAudit). `/v1/stats` gives
// counts only, with cells of fewer than `minimumCell` households suppressed.
import DoudiDomain
import Foundation
import GRDB
import Hummingbird
import NIOCore
import ServiceKit

struct RegistryAPI: Sendable {
    /// Who reads households (§3.1: the civil-affairs staff of the household's region).
    static let readers: Set<OperatorRole> = [.township, .county, .province]
    let pool: DatabasePool
    let audit: AccessAudit
    /// `DOUDI_STATS_MIN_CELL` (default 10): no count below it is published per region.
    let minimumCell: Int

    func add(to router: Router<DoudiRequestContext>) {
        router.get("/v1/households/:id") { request, context -> Response in
            _ = try context.require(Self.readers, to: "read household profiles")
            let id = try context.parameters.require("id")
            let found = try await pool.read { db in
                try Row.fetchOne(db, sql: "SELECT profile, region_code FROM households WHERE id = ?", arguments: [id])
            }
            guard let found else { return Self.json(["error": "household not found"], status: .notFound) }
            let blob: Data = found[0]
            try await audit.recordScoped(request, context, resource: "household", id: id, regionCode: found[1])
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: blob)))
        }
        router.get("/v1/candidates") { request, context -> Response in
            let credential = try context.require(Self.readers, to: "read candidate lists")
            let region = request.uri.queryParameters.get("region") ?? ""
            guard credential.national || credential.regions.contains(where: { region.hasPrefix($0) }) else {
                throw HTTPError(.forbidden, message: "name a region within your regions (?region=…)")
            }
            try await audit.record(request, context, resource: "candidates", id: region.isEmpty ? "*" : region, regionCode: region)
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
            var stats = try await pool.read { db in try RegistryStats.read(db, prefixLength: prefixLength) }
            stats.suppressCells(below: minimumCell)
            return Self.json(stats)
        }
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
    /// Regions left out because they hold fewer households than the minimum cell (so that no
    /// count describes one household); their households are still in the totals.
    var suppressedRegions: Int? = nil

    /// Drops every region cell with fewer than `minimum` households or persons (and a candidate
    /// count below it is published as 0).
    mutating func suppressCells(below minimum: Int) {
        guard minimum > 1 else { return }
        let kept = regions.filter { $0.households >= minimum && $0.persons >= minimum }
        suppressedRegions = regions.count - kept.count
        regions = kept.map { var r = $0; if r.candidates < minimum { r.candidates = 0 }; return r }
    }

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
