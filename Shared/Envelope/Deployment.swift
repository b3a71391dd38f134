import Foundation

/// Secure by default (issue 13): no process of the suite uses a built-in secret unless it runs in
/// development mode, `DOUDI_MODE=development`, which `scripts/run`, `scripts/test` and the tests'
/// `ServiceProcess` set. Every other value (unset included) is production: each secret must come
/// from the environment, and a missing or weak one stops the start with a message naming it.
public enum DeploymentMode: String, Sendable {
    case production, development

    public static func from(_ env: [String: String]) -> DeploymentMode {
        env["DOUDI_MODE"]?.lowercased() == "development" ? .development : .production
    }

    public static var current: DeploymentMode { from(ProcessInfo.processInfo.environment) }

    /// The line every service logs at start in development mode.
    public static let developmentWarning =
        "DOUDI_MODE=development: PUBLISHED DEVELOPMENT SECRETS ARE IN USE (person keys, operator keys, store keys); never run this mode with real data"
}

/// A secret the process needs and cannot start without (outside development mode).
public struct MissingSecret: Error, CustomStringConvertible, Sendable {
    public var variable: String
    public var problem: String
    public init(_ variable: String, _ problem: String) { self.variable = variable; self.problem = problem }
    public var description: String { "refusing to start: \(variable) \(problem) (docs/configuration.md, \"Secrets\")" }
}

/// Reading secrets: the environment's value, else the published development value in development
/// mode only. Values are never logged.
public enum Secrets {
    /// Person keys and household ids are HMACs under this secret: with a short or published one,
    /// an identity number is found from its key by trying the few million valid numbers of a county.
    public static let minimumPersonKeySecretBytes = 32

    /// The development value of `DOUDI_PERSON_KEY_SECRET` (published: development mode only).
    public static let developmentPersonKeySecret = "doudi-development-secret-change-me"

    public static func personKeySecret(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        try value("DOUDI_PERSON_KEY_SECRET", env, development: developmentPersonKeySecret,
                  minimumBytes: minimumPersonKeySecretBytes)
    }

    /// `name`'s value; in development mode `development` when unset. A value shorter than
    /// `minimumBytes` is refused in every mode (a development run with a weak custom secret is a bug too).
    public static func value(_ name: String, _ env: [String: String], development: String?, minimumBytes: Int = 1) throws -> String {
        if let v = env[name], !v.isEmpty {
            guard v.utf8.count >= minimumBytes else { throw MissingSecret(name, "is shorter than \(minimumBytes) bytes") }
            return v
        }
        if DeploymentMode.from(env) == .development, let development { return development }
        throw MissingSecret(name, "is not set and DOUDI_MODE is not development")
    }

    /// A key ring `id=base64,id=base64` (the first is current): `DOUDI_OPERATOR_KEYS`, `DOUDI_STORE_KEYS`.
    public static func keyRing(_ name: String, _ env: [String: String], development: String,
                               minimumBytes: Int) throws -> [(id: String, key: [UInt8])] {
        let text = try value(name, env, development: development)
        var ring: [(id: String, key: [UInt8])] = []
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 32,
                  parts[0].utf8.allSatisfy({ $0 == 45 || $0 == 95 || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) })
            else { throw MissingSecret(name, "must be id=base64[,id=base64…] with ids of letters, digits, - and _") }
            guard let key = Data(base64Encoded: parts[1]) else { throw MissingSecret(name, "key \(parts[0]) is not base64") }
            guard key.count >= minimumBytes else { throw MissingSecret(name, "key \(parts[0]) is shorter than \(minimumBytes) bytes") }
            guard !ring.contains(where: { $0.id == parts[0] }) else { throw MissingSecret(name, "names key \(parts[0]) twice") }
            ring.append((parts[0], Array(key)))
        }
        guard !ring.isEmpty else { throw MissingSecret(name, "holds no key") }
        return ring
    }
}
