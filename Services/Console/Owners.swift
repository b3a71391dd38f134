// The owning services, called with the operator's own token (issue 16: actions go through the
// services that own them — casework for tasks, basic-living for dibao/tekun decisions, relief for
// approvals — and the classifier for the explanation), so every rule, scope check and access
// record of those services applies to the console's user exactly as to the CLI.
import DoudiDomain
import Envelope
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

struct ConsoleSettings: Sendable {
    var casework: String
    var basicLiving: String
    var relief: String
    var classifier: String
    /// Development sign-in (DOUDI_MODE=development only).
    var developmentLogin: Bool

    struct Invalid: Error, CustomStringConvertible { var description: String }

    static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> ConsoleSettings {
        func url(_ name: String, _ port: Int) throws -> String {
            let text = env[name].flatMap { $0.isEmpty ? nil : $0 } ?? "http://127.0.0.1:\(port)"
            guard let u = URL(string: text), u.scheme == "http" || u.scheme == "https", u.host != nil else {
                throw Invalid(description: "\(name)=\(text.prefix(60)) is not an http(s) URL")
            }
            return text.hasSuffix("/") ? String(text.dropLast()) : text
        }
        return ConsoleSettings(casework: try url("DOUDI_CASEWORK_URL", 8087), basicLiving: try url("DOUDI_BASIC_LIVING_URL", 8086),
                               relief: try url("DOUDI_RELIEF_URL", 8085), classifier: try url("DOUDI_CLASSIFIER_URL", 8083),
                               developmentLogin: DeploymentMode.from(env) == .development)
    }
}

/// What an owning service answered.
struct OwnerAnswer: Sendable {
    var status: Int
    var body: Data
    var ok: Bool { (200..<300).contains(status) }
    var json: Any? { try? JSONSerialization.jsonObject(with: body) }
    /// The service's error text (`error`, and each field's message), for the page.
    var problem: String {
        guard let o = json as? [String: Any] else { return status == 0 ? "service unreachable" : "HTTP \(status)" }
        var parts = [o["error"] as? String ?? "HTTP \(status)"]
        for e in o["errors"] as? [[String: Any]] ?? [] {
            let field = e["field"] as? String ?? ""
            parts.append((field.isEmpty ? "" : field + ": ") + (e["message"] as? String ?? ""))
        }
        return parts.filter { !$0.isEmpty }.joined(separator: "; ")
    }
}

struct Owners: Sendable {
    let settings: ConsoleSettings

    func call(_ base: String, _ method: String, _ path: String, token: String, body: Any? = nil, purpose: String = "console") async -> OwnerAnswer {
        guard let url = URL(string: base + path) else { return OwnerAnswer(status: 0, body: Data()) }
        var request = URLRequest(url: url, timeoutInterval: 10)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue(purpose, forHTTPHeaderField: "Doudi-Purpose")
        if let body {
            request.httpBody = try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            return OwnerAnswer(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data)
        } catch {
            return OwnerAnswer(status: 0, body: Data())
        }
    }

    func task(_ id: String, token: String) async -> OwnerAnswer {
        await call(settings.casework, "GET", "/v1/tasks/" + (id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id), token: token)
    }
    func assign(_ id: String, kind: String, assignee: String, token: String) async -> OwnerAnswer {
        await call(settings.casework, "POST", "/v1/tasks/\(enc(id))/assignment", token: token, body: ["assignee": ["kind": kind, "id": assignee]])
    }
    func complete(_ id: String, result: [String: Any], token: String) async -> OwnerAnswer {
        await call(settings.casework, "POST", "/v1/tasks/\(enc(id))/completion", token: token, body: ["result": result])
    }
    func explanation(_ household: String, token: String) async -> OwnerAnswer {
        await call(settings.classifier, "GET", "/v1/households/\(enc(household))/explanation?lang=both", token: token, purpose: "console household page")
    }
    func reliefCases(status: String, token: String) async -> OwnerAnswer {
        await call(settings.relief, "GET", "/v1/cases?status=\(status)&limit=500", token: token, purpose: "console approvals")
    }
    func approveRelief(_ id: String, approvedFen: Int64, token: String) async -> OwnerAnswer {
        await call(settings.relief, "POST", "/v1/cases/\(enc(id))/approval", token: token, body: ["approvedFen": approvedFen])
    }
    func livingCases(stage: String, token: String) async -> OwnerAnswer {
        await call(settings.basicLiving, "GET", "/v1/cases?stage=\(stage)&limit=500", token: token, purpose: "console approvals")
    }
    func reviewLiving(_ id: String, step: String, decision: String, note: String, token: String) async -> OwnerAnswer {
        var body: [String: Any] = ["decision": decision]
        if !note.isEmpty { body["note"] = note }
        return await call(settings.basicLiving, "POST", "/v1/cases/\(enc(id))/\(step)", token: token, body: body)
    }

    private func enc(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_."))) ?? s }
}
