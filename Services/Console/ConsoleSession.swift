// Who is looking (issue 13's trust layer, for people in a browser): the console keeps the
// operator's own signed token in an HttpOnly, SameSite=Strict cookie and verifies it on every
// request with the suite's operator keys, so the console acts with exactly the operator's role and
// regions and forwards the same token to the owning services. Sign-in takes a token issued with
// `doudi operator token`; in DOUDI_MODE=development only, a development sign-in issues one for a
// chosen role and region.
import DoudiDomain
import Envelope
import Foundation
import HTTPTypes
import Hummingbird
import ServiceKit

struct ConsoleSession: RouterMiddleware {
    typealias Context = DoudiRequestContext
    let keys: OperatorKeyRing
    static let cookie = "doudi_console"
    static let langCookie = "doudi_lang"
    static let open = ["/login", "/login/development", "/lang", "/assets/"]

    func handle(_ request: Request, context: DoudiRequestContext,
                next: (Request, DoudiRequestContext) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if Self.open.contains(where: { $0.hasSuffix("/") ? path.hasPrefix($0) : path == $0 }) { return try await next(request, context) }
        guard let token = Self.cookie(request, Self.cookie), let credential = try? OperatorToken.verify(token, keys: keys) else {
            return Response(status: .seeOther, headers: [.location: "/login", .cacheControl: "no-store"])
        }
        var context = context
        context.credential = credential
        var response = try await next(request, context)
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }

    static func cookie(_ request: Request, _ name: String) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let kv = part.trimmingCharacters(in: .whitespaces)
                if kv.hasPrefix(name + "=") { return String(kv.dropFirst(name.count + 1)) }
            }
        }
        return nil
    }

    static func token(_ request: Request) -> String? { cookie(request, Self.cookie) }

    static func lang(_ request: Request) -> Lang {
        if let q = request.uri.queryParameters.get("lang"), let l = Lang(rawValue: q) { return l }
        return cookie(request, langCookie).flatMap(Lang.init(rawValue:)) ?? .zh
    }

    static func setCookie(_ token: String, maxAge: Int) -> String {
        "\(cookie)=\(token); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(maxAge)"
    }

    /// Roles that use the console (departments answer in their own systems; declarants only declare).
    static let roles: Set<OperatorRole> = [.township, .county, .province, .auditor]
    /// Roles that see identity numbers and names in full: the staff who verify the household (§3.3).
    static let unmasked: Set<OperatorRole> = [.township, .county]
}

/// Parses an `application/x-www-form-urlencoded` body.
func formFields(_ request: Request) async throws -> [String: String] {
    let buffer = try await request.body.collect(upTo: 256 * 1024)
    let text = String(buffer: buffer)
    var out: [String: String] = [:]
    for pair in text.split(separator: "&") {
        let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        func decode(_ s: Substring) -> String { s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s) }
        out[decode(kv[0])] = kv.count > 1 ? decode(kv[1]) : ""
    }
    return out
}

func html(_ page: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
    var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
    headers.append(contentsOf: extra)
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
}

func redirect(_ to: String, headers extra: HTTPFields = [:]) -> Response {
    var headers: HTTPFields = [.location: to]
    headers.append(contentsOf: extra)
    return Response(status: .seeOther, headers: headers)
}

/// The masked form of an identity number or a name, for roles that do not verify households.
enum Mask {
    static func idNumber(_ s: String) -> String {
        guard s.count > 10 else { return String(repeating: "*", count: s.count) }
        return String(s.prefix(6)) + String(repeating: "*", count: s.count - 10) + String(s.suffix(4))
    }
    static func name(_ s: String) -> String { s.isEmpty ? s : String(s.prefix(1)) + String(repeating: "*", count: max(1, s.count - 1)) }
}
