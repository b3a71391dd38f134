@preconcurrency import Crypto
import Envelope
import Foundation

/// Who an operator is, what they may do, and where (issue 13). The guideline (§5) puts each task
/// with a level of government: township staff collect and visit, the county approves and audits,
/// the province oversees, departments answer referrals, auditors read what was read.
public enum OperatorRole: String, Codable, Sendable, CaseIterable {
    case township, county, province, department, auditor
    /// The public self-declaration page: may only submit `self_declared` forms.
    case declarant
}

/// A verified operator credential (the claims of a signed token).
public struct OperatorCredential: Sendable, Equatable, Codable {
    /// `sub`: the operator's stable name (recorded with every submission and access).
    public var subject: String
    public var role: OperatorRole
    /// Region-code prefixes the operator acts for: `"11"` (Beijing), `"3201"` (Nanjing), a full
    /// township code; `"*"` for the whole country.
    public var regions: [String]
    /// When present, the only intake channels this credential may submit.
    public var channels: [String]?
    /// For the department role: the referral domains it answers (`medical`, …); nil means none.
    public var domains: [String]?
    /// `exp` in seconds since 1970.
    public var expiresAt: Int64
    public var issuedAt: Int64

    enum CodingKeys: String, CodingKey {
        case subject = "sub", role, regions, channels, domains, expiresAt = "exp", issuedAt = "iat"
    }

    public init(subject: String, role: OperatorRole, regions: [String], channels: [String]? = nil, domains: [String]? = nil,
                expiresAt: Int64, issuedAt: Int64) {
        self.subject = subject; self.role = role; self.regions = regions; self.channels = channels; self.domains = domains
        self.expiresAt = expiresAt; self.issuedAt = issuedAt
    }

    public func covers(region: String) -> Bool { regions.contains { $0 == "*" || region.hasPrefix($0) } }
    public func allows(channel: String) -> Bool { channels.map { $0.contains(channel) } ?? true }
    public func answers(domain: String) -> Bool { role != .department || (domains?.contains(domain) ?? false) }
    /// Whether the scope is the whole country.
    public var national: Bool { regions.contains("*") }
}

/// The keys that sign and verify operator tokens: `DOUDI_OPERATOR_KEYS` = `id=base64,id=base64`
/// (HMAC-SHA256 keys of at least 32 bytes; the first signs, every one verifies, so a rotation
/// adds the new key first and drops the old one once its tokens have expired). The development
/// ring is published and accepted in development mode only.
public struct OperatorKeyRing: Sendable {
    public struct Key: Sendable { public let id: String; let key: SymmetricKey }
    public let keys: [Key]
    public var current: Key { keys[0] }

    public static let developmentKeys = "dev=ZG91ZGktZGV2ZWxvcG1lbnQtb3BlcmF0b3Itc2lnbmluZy1rZXk="

    public init(_ ring: [(id: String, key: [UInt8])]) {
        keys = ring.map { Key(id: $0.id, key: SymmetricKey(data: $0.key)) }
    }

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> OperatorKeyRing {
        OperatorKeyRing(try Secrets.keyRing("DOUDI_OPERATOR_KEYS", env, development: developmentKeys, minimumBytes: 32))
    }

    func key(id: String) -> Key? { keys.first { $0.id == id } }
}

/// Operator tokens: compact JWS (JWT) with HS256 and a `kid` header naming the key. Only HS256
/// is accepted (`alg: none` and every other algorithm are refused), `exp` is required, and the
/// signature is checked in constant time before any claim is read.
public enum OperatorToken {
    public enum Failure: Error, Equatable, CustomStringConvertible, Sendable {
        case malformed, unsupportedAlgorithm, unknownKey, badSignature, expired, notYetValid, badClaims
        public var description: String {
            switch self {
            case .malformed: "not a signed token (header.claims.signature)"
            case .unsupportedAlgorithm: "only HS256 tokens are accepted"
            case .unknownKey: "signed with a key this service does not hold (kid)"
            case .badSignature: "the signature does not verify"
            case .expired: "the token has expired"
            case .notYetValid: "the token was issued in the future"
            case .badClaims: "the token's claims are incomplete (sub, role, regions, exp)"
            }
        }
    }

    /// Longest lifetime a token may claim (a declare-page token is the long-lived one).
    public static let maximumLifetimeSeconds: Int64 = 400 * 86_400

    public static func sign(_ credential: OperatorCredential, with key: OperatorKeyRing.Key) throws -> String {
        let header = try JSONSerialization.data(withJSONObject: ["alg": "HS256", "typ": "JWT", "kid": key.id], options: [.sortedKeys])
        let claims = try JSONCoding.encoder.encode(credential)
        let input = base64url(header) + "." + base64url(claims)
        let mac = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: key.key)
        return input + "." + base64url(Data(mac))
    }

    public static func verify(_ token: String, keys: OperatorKeyRing, nowSeconds: Int64 = Int64(Date().timeIntervalSince1970)) throws -> OperatorCredential {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, token.utf8.count < 8192,
              let headerData = unbase64url(parts[0]), let claimsData = unbase64url(parts[1]), let mac = unbase64url(parts[2]),
              let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any] else { throw Failure.malformed }
        guard header["alg"] as? String == "HS256" else { throw Failure.unsupportedAlgorithm }
        guard let kid = header["kid"] as? String, let key = keys.key(id: kid) else { throw Failure.unknownKey }
        let input = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: input, using: key.key) else { throw Failure.badSignature }
        guard let credential = try? JSONDecoder().decode(OperatorCredential.self, from: claimsData),
              !credential.subject.isEmpty, credential.subject.utf8.count <= 128, !credential.regions.isEmpty,
              credential.expiresAt - credential.issuedAt <= maximumLifetimeSeconds else { throw Failure.badClaims }
        guard credential.expiresAt > nowSeconds else { throw Failure.expired }
        guard credential.issuedAt <= nowSeconds + 300 else { throw Failure.notYetValid }
        return credential
    }

    /// A development token, signed with the development key (tests, `doudi` in development mode).
    public static func development(subject: String = "development", role: OperatorRole = .province, regions: [String] = ["*"],
                                   channels: [String]? = nil, domains: [String]? = nil, lifetimeSeconds: Int64 = 8 * 3600) -> String {
        let now = Int64(Date().timeIntervalSince1970)
        let ring = try! OperatorKeyRing(Secrets.keyRing("DOUDI_OPERATOR_KEYS", ["DOUDI_MODE": "development"],
                                                        development: OperatorKeyRing.developmentKeys, minimumBytes: 32))
        return try! sign(OperatorCredential(subject: subject, role: role, regions: regions, channels: channels, domains: domains,
                                            expiresAt: now + lifetimeSeconds, issuedAt: now), with: ring.current)
    }

    static func base64url(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func unbase64url(_ text: Substring) -> Data? {
        guard text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 || $0 == 95 }) else { return nil }
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s)
    }
}
