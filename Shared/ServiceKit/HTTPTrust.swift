import DoudiDomain
import Envelope
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The request context of every service's HTTP server: the peer's address (rate limits) and the
/// operator credential the guard verified (every `/v1` route has one).
public struct DoudiRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public var credential: OperatorCredential?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The caller's credential when its role is one of `roles`; 403 otherwise. (401 never reaches
    /// a route: the guard answers it.)
    public func require(_ roles: Set<OperatorRole>, to action: String) throws -> OperatorCredential {
        guard let credential else { throw HTTPError(.unauthorized, message: "an operator bearer token is required") }
        guard roles.contains(credential.role) else {
            throw HTTPError(.forbidden, message: "the \(credential.role.rawValue) role may not \(action)")
        }
        return credential
    }
}

/// HTTP settings every service shares (docs/configuration.md, "HTTP").
public struct HTTPSettings: Sendable {
    /// `DOUDI_HTTP_IDLE_TIMEOUT_SECONDS` (default 30): a connection without a request in progress,
    /// or that never completes its request head, is closed after this.
    public var idleTimeoutSeconds: Int
    /// `DOUDI_HTTP_REQUEST_TIMEOUT_SECONDS` (default 60): longest time to read and answer one request
    /// (a body that stalls ends with 408). `POST /v1/reevaluate` is exempt (it runs for minutes).
    public var requestTimeoutSeconds: Int
    /// `DOUDI_HTTP_RATE_PER_ADDRESS` (default 100) and `DOUDI_HTTP_RATE_PER_OPERATOR` (default 50):
    /// sustained requests per second; bursts of twice as many pass. 0 disables the limit.
    public var ratePerAddress: Int
    public var ratePerOperator: Int
    /// `DOUDI_METRICS_TOKEN`: when set, `/metrics` needs `Authorization: Bearer <it>` (Prometheus'
    /// `bearer_token_file`). At least 32 bytes.
    public var metricsToken: String?

    public init(environment env: [String: String] = ProcessInfo.processInfo.environment) throws {
        func int(_ name: String, _ value: Int) throws -> Int {
            guard let text = env[name], !text.isEmpty else { return value }
            guard let n = Int(text), n >= 0 else { throw MissingSecret(name, "must be a non-negative integer") }
            return n
        }
        idleTimeoutSeconds = max(1, try int("DOUDI_HTTP_IDLE_TIMEOUT_SECONDS", 30))
        requestTimeoutSeconds = max(1, try int("DOUDI_HTTP_REQUEST_TIMEOUT_SECONDS", 60))
        ratePerAddress = try int("DOUDI_HTTP_RATE_PER_ADDRESS", 100)
        ratePerOperator = try int("DOUDI_HTTP_RATE_PER_OPERATOR", 50)
        if let token = env["DOUDI_METRICS_TOKEN"], !token.isEmpty {
            guard token.utf8.count >= 32 else { throw MissingSecret("DOUDI_METRICS_TOKEN", "is shorter than 32 bytes") }
            metricsToken = token
        }
    }
}

/// In front of every route of every service: security headers on every answer, a deadline per
/// request, rate limits per address and per operator, and on `/v1/…` a verified operator token
/// (401 without one). Health and readiness stay open for the orchestrator; `/metrics` needs the
/// metrics token when one is configured.
public struct TrustMiddleware: RouterMiddleware {
    public typealias Context = DoudiRequestContext
    let keys: OperatorKeyRing
    let settings: HTTPSettings
    let addressLimiter: RateLimiter
    let operatorLimiter: RateLimiter
    let realm: String
    /// `/v1` paths that need no token (public data): exact paths, or prefixes ending in `/`.
    let publicPaths: [String]

    public init(keys: OperatorKeyRing, settings: HTTPSettings, realm: String, publicPaths: [String] = []) {
        self.keys = keys; self.settings = settings; self.realm = realm; self.publicPaths = publicPaths
        addressLimiter = RateLimiter(perSecond: settings.ratePerAddress)
        operatorLimiter = RateLimiter(perSecond: settings.ratePerOperator)
    }

    /// What every answer carries: no framing, no sniffing, no referrer, scripts and styles from
    /// the service's own origin only (a page with inline code sets its own policy with hashes).
    public static let securityHeaders: [(HTTPField.Name, String)] = [
        (.contentSecurityPolicy, "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"),
        (HTTPField.Name("X-Frame-Options")!, "DENY"),
        (HTTPField.Name("X-Content-Type-Options")!, "nosniff"),
        (HTTPField.Name("Referrer-Policy")!, "no-referrer"),
        (HTTPField.Name("Cross-Origin-Opener-Policy")!, "same-origin"),
    ]

    public func handle(_ request: Request, context: DoudiRequestContext,
                       next: (Request, DoudiRequestContext) async throws -> Response) async throws -> Response {
        var response: Response
        do { response = try await guarded(request, context: context, next: next) }
        catch let error as HTTPResponseError { response = try error.response(from: request, context: context) }
        for (name, value) in Self.securityHeaders where response.headers[name] == nil { response.headers[name] = value }
        if request.uri.path.hasPrefix("/v1/"), response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }

    private func guarded(_ request: Request, context: DoudiRequestContext,
                         next: (Request, DoudiRequestContext) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path == "/healthz" || path == "/readyz" { return try await next(request, context) }
        if let address = context.remoteAddress?.ipAddress, !addressLimiter.allow(address) { return Self.tooMany() }
        if path == "/metrics" {
            if let token = settings.metricsToken, !BearerToken(token).accepts(request) { return unauthorized("metrics token required") }
            return try await next(request, context)
        }
        var context = context
        let isPublic = publicPaths.contains { $0.hasSuffix("/") ? path.hasPrefix($0) : path == $0 }
        if (path.hasPrefix("/v1/") || path == "/v1") && !isPublic {
            let credential: OperatorCredential
            switch authenticate(request) {
            case .success(let c): credential = c
            case .failure(let failure): return unauthorized(failure.description)
            }
            if !operatorLimiter.allow(credential.subject) { return Self.tooMany() }
            context.credential = credential
        }
        if path == "/v1/reevaluate" { return try await next(request, context) }
        // The responder runs inside the deadline's task group; Hummingbird's `next` is not marked
        // Sendable, but it is only called once, from that one child task.
        let context2 = context, limit = Duration.seconds(settings.requestTimeoutSeconds)
        return try await withoutActuallyEscaping(next) { escapable in
            nonisolated(unsafe) let next = escapable
            return try await withDeadline(limit) { try await next(request, context2) }
        }
    }

    func authenticate(_ request: Request) -> Result<OperatorCredential, OperatorToken.Failure> {
        guard let header = request.headers[.authorization], header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            return .failure(.malformed)
        }
        do { return .success(try OperatorToken.verify(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces), keys: keys)) }
        catch let failure as OperatorToken.Failure { return .failure(failure) }
        catch { return .failure(.malformed) }
    }

    private func unauthorized(_ why: String) -> Response {
        Self.problem(.unauthorized, "unauthorized", "缺少或无效的访问令牌", "missing or invalid bearer token: \(why)",
                     extra: [(.wwwAuthenticate, "Bearer realm=\"\(realm)\"")])
    }

    static func tooMany() -> Response {
        problem(.tooManyRequests, "rate_limited", "请求过于频繁，请稍后再试", "too many requests; retry after a second",
                extra: [(.retryAfter, "1")])
    }

    /// The intake's error shape, `{"errors":[{field, code, message, messageEn}]}`, plus `error` for older readers.
    static func problem(_ status: HTTPResponse.Status, _ code: String, _ zh: String, _ en: String,
                        extra: [(HTTPField.Name, String)] = []) -> Response {
        let body: [String: Any] = ["error": en, "errors": [["field": "", "code": code, "message": zh, "messageEn": en]]]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data("{}".utf8)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        for (k, v) in extra { headers[k] = v }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    private func withDeadline(_ limit: Duration, _ body: @escaping @Sendable () async throws -> Response) async throws -> Response {
        try await withThrowingTaskGroup(of: Response?.self) { group in
            group.addTask { try await body() }
            group.addTask { try await Task.sleep(for: limit); return nil }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let response = first else {
                return Self.problem(.requestTimeout, "request_timeout", "请求超时", "the request was not completed in time",
                                    extra: [(.connection, "close")])
            }
            return response
        }
    }
}

/// Token buckets by key (an address, an operator): `perSecond` sustained, twice that in a burst.
public final class RateLimiter: @unchecked Sendable {
    private let rate: Double
    private let burst: Double
    private let lock = NSLock()
    private var buckets: [String: (tokens: Double, at: ContinuousClock.Instant)] = [:]

    public init(perSecond: Int) { rate = Double(perSecond); burst = Double(perSecond * 2) }

    public func allow(_ key: String) -> Bool {
        guard rate > 0 else { return true }
        let now = ContinuousClock.now
        lock.lock(); defer { lock.unlock() }
        if buckets.count > 50_000 { buckets = buckets.filter { now - $0.value.at < .seconds(60) } }
        var bucket = buckets[key] ?? (burst, now)
        let elapsed = now - bucket.at
        bucket.tokens = min(burst, bucket.tokens + rate * (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
        bucket.at = now
        guard bucket.tokens >= 1 else { buckets[key] = bucket; return false }
        bucket.tokens -= 1
        buckets[key] = bucket
        return true
    }
}
