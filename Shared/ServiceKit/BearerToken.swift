import HTTPTypes
import Hummingbird

/// One operator bearer token, checked in constant time so response times say nothing about it.
public struct BearerToken: Sendable {
    private let expected: [UInt8]

    public init(_ token: String) { expected = Array("Bearer \(token)".utf8) }

    public func accepts(_ request: Request) -> Bool {
        let given = Array((request.headers[.authorization] ?? "").utf8)
        var diff = given.count ^ expected.count
        for i in 0..<min(given.count, expected.count) { diff |= Int(given[i] ^ expected[i]) }
        return diff == 0
    }
}
