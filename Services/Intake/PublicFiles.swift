import Foundation
import Hummingbird

/// The files served as they are: the OpenAPI document (the same bytes as docs/openapi.json,
/// a test checks) and the self-declaration page, with its token filled in.
struct PublicFiles: Sendable {
    let openAPI: [UInt8]
    let declarePage: [UInt8]

    init(declareToken: String) throws {
        func load(_ name: String, _ ext: String) throws -> Data {
            guard let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Public") else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Public/\(name).\(ext)"])
            }
            return try Data(contentsOf: url)
        }
        openAPI = Array(try load("openapi", "json"))
        // The self-declaration token is public by nature (anyone may declare); it only
        // permits the `self_declared` channel.
        let page = String(decoding: try load("declare", "html"), as: UTF8.self)
            .replacingOccurrences(of: "__DOUDI_DECLARE_TOKEN__", with: declareToken)
        declarePage = Array(page.utf8)
    }

    func add(to router: Router<BasicRequestContext>) {
        let openAPI = openAPI, declarePage = declarePage
        router.get("/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: openAPI)))
        }
        router.get("/declare") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"],
                     body: .init(byteBuffer: ByteBuffer(bytes: declarePage)))
        }
    }
}
