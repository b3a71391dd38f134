import Foundation
import Hummingbird
import ServiceKit

/// The files served as they are: the OpenAPI document (the same bytes as docs/openapi.json,
/// a test checks) and the self-declaration page with its script and styles. The page is served
/// only when a declare token is configured; it carries that token in a meta tag and runs under
/// `Content-Security-Policy: default-src 'self'`: no inline script or style, nothing from
/// another origin.
struct PublicFiles: Sendable {
    let openAPI: [UInt8]
    let declarePage: [UInt8]?
    let declareScript: [UInt8]
    let declareStyles: [UInt8]
    static let contentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"

    init(declareToken: String?) throws {
        func load(_ name: String, _ ext: String) throws -> Data {
            guard let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Public") else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Public/\(name).\(ext)"])
            }
            return try Data(contentsOf: url)
        }
        openAPI = Array(try load("openapi", "json"))
        // The self-declaration token is public by nature (anyone may declare); it only
        // permits the `self_declared` channel.
        let template = String(decoding: try load("declare", "html"), as: UTF8.self)
        declarePage = declareToken.map { Array(template.replacingOccurrences(of: "__DOUDI_DECLARE_TOKEN__", with: $0).utf8) }
        declareScript = Array(try load("declare", "js"))
        declareStyles = Array(try load("declare", "css"))
    }

    func add(to router: Router<DoudiRequestContext>) {
        func serve(_ path: RouterPath, _ bytes: [UInt8], _ type: String, policy: Bool = false) {
            var fields: HTTPFields = [.contentType: type, .cacheControl: "no-cache", .xContentTypeOptions: "nosniff"]
            if policy { fields[.contentSecurityPolicy] = Self.contentSecurityPolicy }
            let headers = fields
            router.get(path) { _, _ in Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes))) }
        }
        serve("/openapi.json", openAPI, "application/json; charset=utf-8")
        if let declarePage {
            serve("/declare", declarePage, "text/html; charset=utf-8", policy: true)
            serve("/declare.js", declareScript, "text/javascript; charset=utf-8")
            serve("/declare.css", declareStyles, "text/css; charset=utf-8")
        } else {
            router.get("/declare") { _, _ in
                Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                         body: .init(byteBuffer: ByteBuffer(string: "self-declaration is not offered by this deployment\n")))
            }
        }
    }
}
