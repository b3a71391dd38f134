import DoudiDomain
import Foundation
import Logging

/// A channel operator's bearer token, scoped to region-code prefixes (and optionally channels).
struct OperatorToken: Codable, Sendable {
    var token: String
    var `operator`: String
    /// Region-code prefixes the operator may submit and read: `"11"` (Beijing), `"3201"`
    /// (Nanjing), a full township code; `"*"` for every region.
    var regions: [String]
    /// When present, the only channels this token may submit (the self-declaration page's
    /// token is limited to `self_declared`).
    var channels: [String]?

    func covers(region: String) -> Bool { regions.contains { $0 == "*" || region.hasPrefix($0) } }
    func allows(channel: String) -> Bool { channels.map { $0.contains(channel) } ?? true }
}

/// The tokens file `DOUDI_INTAKE_TOKENS_FILE`: `{"tokens":[{"token","operator","regions","channels"?}]}`.
/// Without it the development tokens below are used, and a warning says so at start.
struct OperatorTokens: Sendable {
    private let byToken: [String: OperatorToken]
    /// The token the self-declaration page uses (`DOUDI_INTAKE_DECLARE_TOKEN`).
    let declareToken: String

    static let development: [OperatorToken] = [
        OperatorToken(token: "doudi-dev-operator", operator: "development", regions: ["*"]),
        OperatorToken(token: "doudi-dev-self-declare", operator: "self-declaration", regions: ["*"], channels: ["self_declared"]),
    ]

    init(_ tokens: [OperatorToken], declareToken: String) {
        byToken = Dictionary(tokens.map { ($0.token, $0) }, uniquingKeysWith: { first, _ in first })
        self.declareToken = declareToken
    }

    static func load(environment env: [String: String] = ProcessInfo.processInfo.environment, logger: Logger) throws -> OperatorTokens {
        let declare = env["DOUDI_INTAKE_DECLARE_TOKEN"] ?? "doudi-dev-self-declare"
        guard let path = env["DOUDI_INTAKE_TOKENS_FILE"], !path.isEmpty else {
            logger.warning("DOUDI_INTAKE_TOKENS_FILE not set: using the development tokens (docs/intake.md); never in production")
            return OperatorTokens(development, declareToken: declare)
        }
        struct File: Decodable { var tokens: [OperatorToken] }
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        guard !file.tokens.contains(where: { $0.token.count < 16 }) else {
            throw TokensFileError(reason: "every token in \(path) must have at least 16 characters")
        }
        logger.info("operator tokens loaded", metadata: ["count": "\(file.tokens.count)"])
        return OperatorTokens(file.tokens, declareToken: declare)
    }

    /// The token of an `Authorization: Bearer …` header value.
    func authenticate(_ authorization: String?) -> OperatorToken? {
        guard let value = authorization, value.lowercased().hasPrefix("bearer ") else { return nil }
        return byToken[value.dropFirst(7).trimmingCharacters(in: .whitespaces)]
    }
}

struct TokensFileError: Error, CustomStringConvertible { let reason: String; var description: String { reason } }
