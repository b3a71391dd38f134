// Operator credentials for the CLI (issue 13): `doudi operator token` mints signed operator tokens
// with the key ring `DOUDI_OPERATOR_KEYS` (docs/configuration.md, "Operator tokens"), and every
// command that calls a service's HTTP API sends one (`--token`, env `DOUDI_TOKEN`).
import ArgumentParser
import Envelope
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ServiceKit

/// `--token` and `--purpose` of every command that reads a service's API.
struct CredentialOptions: ParsableArguments {
    @Option(help: "Operator token (env DOUDI_TOKEN; `doudi operator token` mints one). In development mode a development province token is used when none is given.")
    var token: String?
    @Option(help: "Why you read this (recorded with every read of personal data; env DOUDI_PURPOSE).")
    var purpose: String?

    func resolvedToken() throws -> String {
        if let token, !token.isEmpty { return token }
        let env = ProcessInfo.processInfo.environment
        if let token = env["DOUDI_TOKEN"], !token.isEmpty { return token }
        guard DeploymentMode.current == .development else {
            throw ValidationError("an operator token is required: --token or DOUDI_TOKEN (mint one with `doudi operator token`)")
        }
        return OperatorToken.development(subject: "doudi-cli-development")
    }

    func authorize(_ request: inout URLRequest) throws {
        request.setValue("Bearer \(try resolvedToken())", forHTTPHeaderField: "Authorization")
        if let purpose = purpose ?? ProcessInfo.processInfo.environment["DOUDI_PURPOSE"], !purpose.isEmpty {
            request.setValue(purpose, forHTTPHeaderField: "Doudi-Purpose")
        }
    }
}

/// A service's answer outside 2xx, as the operator reads it.
struct ServiceHTTPFailure: Error, CustomStringConvertible {
    var service: String; var status: Int; var body: String
    var description: String { "\(service) answered \(status): \(body)" }
}

extension CredentialOptions {
    /// One call to a service's `/v1` API with this credential (JSON body, 2xx or `ServiceHTTPFailure`):
    /// the one HTTP path of the operator commands (relief, tasks).
    func call(_ service: String, base: String, _ method: String, _ path: String, body: Data? = nil) async throws -> Data {
        guard let target = URL(string: base + path) else { throw ValidationError("bad --url \(base)") }
        var request = URLRequest(url: target)
        request.httpMethod = method
        request.httpBody = body
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        try authorize(&request)
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            throw ServiceHTTPFailure(service: service, status: status, body: String(decoding: data, as: UTF8.self))
        }
        return data
    }
}

struct OperatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator", abstract: "Operator credentials: mint and inspect signed operator tokens.",
        subcommands: [Token.self, Inspect.self])

    struct Token: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mint an operator token signed with the current key of DOUDI_OPERATOR_KEYS (the development key in development mode).")
        @Option(help: "Who the operator is (recorded with every submission and read).") var subject: String
        @Option(help: "township, county, province, department, auditor or declarant.") var role: String
        @Option(help: "Region-code prefixes, comma-separated (`*`: the whole country).") var regions: String
        @Option(help: "Only these intake channels, comma-separated (declarant: self_declared).") var channels: String?
        @Option(help: "Department role: the referral domains it answers, comma-separated.") var domains: String?
        @Option(help: "Lifetime: 30m, 8h, 90d (at most 400d).") var ttl = "8h"

        func run() throws {
            guard let role = OperatorRole(rawValue: role) else {
                throw ValidationError("--role must be one of \(OperatorRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let seconds = Self.seconds(ttl), seconds > 0, seconds <= OperatorToken.maximumLifetimeSeconds else {
                throw ValidationError("--ttl must be like 30m, 8h or 90d, at most 400d")
            }
            func list(_ text: String?) -> [String]? {
                text.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
            }
            let regionList = list(regions) ?? []
            guard !regionList.isEmpty, regionList.allSatisfy({ $0 == "*" || ($0.count <= 12 && $0.allSatisfy(\.isNumber)) }) else {
                throw ValidationError("--regions: division-code prefixes (digits) or *")
            }
            if role == .declarant && list(channels) != ["self_declared"] {
                throw ValidationError("a declarant token must be limited to --channels self_declared")
            }
            let keys = try OperatorKeyRing.fromEnvironment()
            let now = Int64(Date().timeIntervalSince1970)
            let credential = OperatorCredential(subject: subject, role: role, regions: regionList, channels: list(channels),
                                                domains: list(domains), expiresAt: now + seconds, issuedAt: now)
            print(try OperatorToken.sign(credential, with: keys.current))
        }

        static func seconds(_ text: String) -> Int64? {
            guard let unit = text.last, let n = Int64(text.dropLast()) else { return nil }
            switch unit {
            case "s": return n
            case "m": return n * 60
            case "h": return n * 3600
            case "d": return n * 86_400
            default: return nil
            }
        }
    }

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Verify a token with DOUDI_OPERATOR_KEYS and print its claims.")
        @Argument(help: "The token.") var token: String

        func run() throws {
            let c = try OperatorToken.verify(token, keys: try OperatorKeyRing.fromEnvironment())
            print("subject: \(c.subject)\nrole: \(c.role.rawValue)\nregions: \(c.regions.joined(separator: ","))")
            if let channels = c.channels { print("channels: \(channels.joined(separator: ","))") }
            if let domains = c.domains { print("domains: \(domains.joined(separator: ","))") }
            print("expires: \(Timestamp.rfc3339(milliseconds: c.expiresAt * 1000))")
        }
    }
}

/// `doudi audit`: who read which personal data, when and why (the audit.access topic).
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "List reads of personal data (audit.access): who, when, what, why.")
    @OptionGroup var broker: BrokerOptions
    @Option(help: "Only reads by this operator (subject).") var actor: String?
    @Option(help: "Only reads of this resource id (a household, a case, a referral).") var resource: String?
    @Option(help: "Only reads at or after this RFC 3339 time or date.") var since: String?
    @Flag(help: "Only reads that were denied.") var denied = false
    @Option(help: "Show at most N (the latest).") var limit = 200

    func run() async throws {
        let sinceMs = try since.map { text -> Int64 in
            guard let ms = Timestamp.milliseconds(text) else { throw ValidationError("--since: not an RFC 3339 time or date") }
            return ms
        }
        var rows: [[String]] = [], total = 0
        try await readAll(broker.kafka, topic: Topics.name(.auditAccess)) { m in
            guard let r = try? JSONDecoder().decode(AccessRecordRow.self, from: Data(m.value)) else { return }
            if let actor, r.actor != actor { return }
            if let resource, r.resourceId != resource { return }
            if let sinceMs, (Timestamp.milliseconds(r.accessedAt) ?? 0) < sinceMs { return }
            if denied, r.decision != "denied" { return }
            total += 1
            rows.append([r.accessedAt, r.service, r.actor, r.role, "\(r.resource) \(r.resourceId)", r.regionCode ?? "-", r.decision, r.purpose])
        }
        rows.sort { $0[0] < $1[0] }
        printTable(["TIME", "SERVICE", "ACTOR", "ROLE", "WHAT", "REGION", "DECISION", "WHY"], Array(rows.suffix(limit)))
        print("\(total) access(es)\(total > limit ? ", the latest \(limit) shown" : "")")
    }

    struct AccessRecordRow: Decodable {
        var service, actor, role, resource, resourceId, purpose, decision, accessedAt: String
        var regionCode: String?
    }
}
