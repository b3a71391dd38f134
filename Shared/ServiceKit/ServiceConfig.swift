import Envelope
import Foundation
import Logging

/// Runtime settings of a service, from environment variables (documented in docs/configuration.md).
public struct ServiceConfig: Sendable {
    /// `DOUDI_BROKERS`: bootstrap servers. Default `127.0.0.1:19092` (the development broker).
    public var brokers: String
    /// `DOUDI_DATA_DIR`: where the service keeps its SQLite store. Default `./data`.
    public var dataDir: String
    /// `DOUDI_<SERVICE>_HTTP_PORT` or `DOUDI_HTTP_PORT`: health, readiness, metrics (and APIs). 0 disables.
    public var httpPort: Int
    public var httpHost: String
    /// `DOUDI_GROUP_ID`: the consumer group. Default `doudi-<service>`.
    public var groupID: String
    /// `DOUDI_BATCH_SIZE`: messages applied per store transaction. Default 500.
    public var batchSize: Int
    /// `DOUDI_PERSON_KEY_SECRET`: the deployment secret of person keys (HMAC-SHA256), at least
    /// 32 bytes; the published development value only in development mode.
    public var personKeySecret: String
    /// `DOUDI_MODE`: `development` allows the published development secrets (with a loud warning).
    public var mode: DeploymentMode
    /// `DOUDI_OPERATOR_KEYS`: the keys that verify operator tokens.
    public var operatorKeys: OperatorKeyRing
    /// Timeouts, rate limits, the metrics token.
    public var http: HTTPSettings
    /// `DOUDI_SESSION_TIMEOUT_MS`: consumer-group session timeout. Default 10000.
    public var sessionTimeoutMs: Int
    /// `DOUDI_SYNCHRONOUS`: `full` (default) or `normal` SQLite durability.
    public var synchronousFull: Bool
    /// `DOUDI_LOG_LEVEL`: trace, debug, info (default), notice, warning, error.
    public var logLevel: Logger.Level
    /// `DOUDI_KAFKA_<PROPERTY>`: any librdkafka property, e.g. DOUDI_KAFKA_SECURITY_PROTOCOL=ssl.
    public var kafkaExtra: [String: String]

    public let service: String

    /// Throws `MissingSecret` when a secret is missing or weak outside development mode.
    public init(service: String, defaultHTTPPort: Int, environment env: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.service = service
        mode = DeploymentMode.from(env)
        personKeySecret = try Secrets.personKeySecret(env)
        operatorKeys = try OperatorKeyRing.fromEnvironment(env)
        http = try HTTPSettings(environment: env)
        let upper = service.uppercased().replacingOccurrences(of: "-", with: "_")
        brokers = env["DOUDI_BROKERS"] ?? "127.0.0.1:19092"
        dataDir = env["DOUDI_DATA_DIR"] ?? "./data"
        httpPort = Int(env["DOUDI_\(upper)_HTTP_PORT"] ?? env["DOUDI_HTTP_PORT"] ?? "") ?? defaultHTTPPort
        httpHost = env["DOUDI_HTTP_HOST"] ?? "127.0.0.1"
        groupID = env["DOUDI_GROUP_ID"] ?? "doudi-\(service)"
        batchSize = max(1, Int(env["DOUDI_BATCH_SIZE"] ?? "") ?? 500)
        sessionTimeoutMs = Int(env["DOUDI_SESSION_TIMEOUT_MS"] ?? "") ?? 10_000
        synchronousFull = (env["DOUDI_SYNCHRONOUS"] ?? "full").lowercased() != "normal"
        logLevel = env["DOUDI_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        var extra: [String: String] = [:]
        for (k, v) in env where k.hasPrefix("DOUDI_KAFKA_") {
            extra[k.dropFirst("DOUDI_KAFKA_".count).lowercased().replacingOccurrences(of: "_", with: ".")] = v
        }
        kafkaExtra = extra
    }

    public var storePath: String { "\(dataDir)/\(service).sqlite" }
}

extension ServiceConfig {
    /// For a service's `main`: the configuration, or a one-line refusal naming the missing secret
    /// and exit status 78 (EX_CONFIG).
    public static func orExit(service: String, defaultHTTPPort: Int) -> ServiceConfig {
        startOrExit(service) { try ServiceConfig(service: service, defaultHTTPPort: defaultHTTPPort) }
    }
}

/// Runs a start-up step; on failure prints `doudi-<service>: <error>` and exits with status 78.
public func startOrExit<T>(_ service: String, _ body: () throws -> T) -> T {
    do { return try body() } catch {
        FileHandle.standardError.write(Data("doudi-\(service): \(error)\n".utf8))
        exit(78)
    }
}
