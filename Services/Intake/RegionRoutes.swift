// The region directory over HTTP, for the cascading picker of /declare (自主申报: a resident
// picks province → city → county → township instead of typing a 9-digit code) and for any
// channel system that wants names. Public (no token: the runtime's guard lets `publicPaths` through):
// the directory is public data. Answers
// carry the directory's snapshot as ETag and may be cached for a day.
import DoudiDomain
import Foundation
import Hummingbird
import ServiceKit

struct RegionRoutes: Sendable {
    /// The paths served without an operator token.
    static let publicPaths = ["/v1/regions", "/v1/regions/"]
    let directory: RegionDirectory
    var etag: String { "\"regions-\(directory.snapshot)\"" }

    struct Item: Codable, Sendable {
        var code: String
        var name: String
        var level: String
        /// True when the directory lists nothing under it (a township, or a county without township data).
        var leaf: Bool
        var abolished: Bool?
    }

    struct Children: Codable, Sendable {
        var parent: String?
        var snapshot: String
        var children: [Item]
    }

    struct Lookup: Codable, Sendable {
        var code: String
        /// `140105 太原市小店区`.
        var label: String
        /// Province down to the deepest known division (a village code ends at its township).
        var chain: [Item]
        var retired: Retired?
        /// For a 9- or 12-digit code, what intake would say: `current`, `retired` (accepted with
        /// a warning) or `unknown` (rejected).
        var status: String?
        var snapshot: String
    }

    struct Retired: Codable, Sendable {
        var name: String
        var year: Int
        var change: String
        var successor: String?
        var successorLabel: String?
    }

    func add(to router: Router<DoudiRequestContext>) {
        router.get("/v1/regions") { request, _ in
            let parent = request.uri.queryParameters.get("parent") ?? ""
            return answer(request) { () -> Children? in
                if parent.isEmpty { return Children(parent: nil, snapshot: directory.snapshot, children: directory.provinceList.map(item)) }
                guard directory.region(parent) != nil else { return nil }
                return Children(parent: parent, snapshot: directory.snapshot, children: directory.children(of: parent).map(item))
            }
        }
        router.get("/v1/regions/{code}") { request, context in
            let code = context.parameters.get("code") ?? ""
            return answer(request) { () -> Lookup? in
                let chain = directory.chain(code)
                let retired = directory.retirement(code)
                guard !chain.isEmpty || retired != nil else { return nil }
                return Lookup(code: code, label: directory.label(code), chain: chain.map(item),
                              retired: retired.map { Retired(name: $0.name, year: $0.year, change: $0.change, successor: $0.successor,
                                                             successorLabel: $0.successor.map { directory.label($0) }) },
                              status: status(code), snapshot: directory.snapshot)
            }
        }
    }

    private func status(_ code: String) -> String? {
        guard code.utf8.count == 9 || code.utf8.count == 12, case .success(let parsed) = RegionCode.parse(code) else { return nil }
        switch directory.check(parsed) {
        case .current: return "current"
        case .retired: return "retired"
        case .unknown: return "unknown"
        }
    }

    private func item(_ r: Region) -> Item {
        Item(code: r.code, name: r.name, level: r.level.rawValue, leaf: !directory.hasChildren(r.code),
             abolished: r.abolished ? true : nil)
    }

    /// 304 when the client has this snapshot; 404 (the API's error shape) for an unknown code.
    private func answer<T: Encodable>(_ request: Request, _ body: () -> T?) -> Response {
        let caching: HTTPFields = [.cacheControl: "public, max-age=86400", .eTag: etag]
        if request.headers[.ifNoneMatch] == etag { return Response(status: .notModified, headers: caching) }
        guard let value = body() else {
            return HTTPReplies.error(.notFound, "unknown_region", "区划目录中没有该代码", "no division with this code in the region directory")
        }
        return HTTPReplies.json(.ok, value, extraHeaders: caching)
    }
}
