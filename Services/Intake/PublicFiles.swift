import Crypto
import Foundation
import Hummingbird
import ServiceKit

/// The files served as they are: the OpenAPI document (the same bytes as docs/openapi.json,
/// a test checks) and the self-declaration page, with its token filled in. The page is served
/// only when a declare token is configured, under a content security policy that allows exactly
/// its own inline script and style (by hash) and nothing from elsewhere.
struct PublicFiles: Sendable {
    let openAPI: [UInt8]
    let declarePage: [UInt8]?
    let declarePolicy: String

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
        let page = declareToken.map { String(decoding: try! load("declare", "html"), as: UTF8.self)
            .replacingOccurrences(of: "__DOUDI_DECLARE_TOKEN__", with: $0) }
        declarePage = page.map { Array($0.utf8) }
        declarePolicy = Self.policy(for: page ?? "")
    }

    /// `default-src 'self'` plus the hashes of the page's inline `<script>` and `<style>` blocks.
    static func policy(for page: String) -> String {
        func hashes(_ tag: String) -> [String] {
            var out: [String] = [], rest = page[...]
            while let open = rest.range(of: "<\(tag)>"), let close = rest.range(of: "</\(tag)>", range: open.upperBound..<rest.endIndex) {
                let body = rest[open.upperBound..<close.lowerBound]
                out.append("'sha256-\(Data(SHA256.hash(data: Array(body.utf8))).base64EncodedString())'")
                rest = rest[close.upperBound...]
            }
            return out
        }
        let scripts = hashes("script"), styles = hashes("style")
        var policy = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
        if !scripts.isEmpty { policy += "; script-src 'self' " + scripts.joined(separator: " ") }
        if !styles.isEmpty { policy += "; style-src 'self' " + styles.joined(separator: " ") }
        return policy
    }

    func add(to router: Router<DoudiRequestContext>) {
        let openAPI = openAPI, declarePage = declarePage, policy = declarePolicy
        router.get("/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: openAPI)))
        }
        router.get("/declare") { _, _ in
            guard let declarePage else {
                return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: "self-declaration is not offered by this deployment\n")))
            }
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache",
                                                   .contentSecurityPolicy: policy],
                            body: .init(byteBuffer: ByteBuffer(bytes: declarePage)))
        }
    }
}
