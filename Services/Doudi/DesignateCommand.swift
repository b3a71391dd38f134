import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `doudi designate HOUSEHOLD --reason "…" [--undo]`: a county operator designates a household as
/// other low-income (§2.1.5), or lifts the designation, through the matcher's API (docs/matcher.md).
struct DesignateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "designate",
        abstract: "Designate a household as other low-income (§2.1.5), or lift it with --undo (a county operator token of its region).")

    @Argument(help: "The household id, e.g. hh-3f2a….") var household: String
    @Option(help: "Why the county designates (or lifts); recorded with the household. No names or identity numbers.")
    var reason: String
    @Flag(help: "Lift the designation instead.") var undo = false
    @Option(help: "Base URL of doudi-matcher (env DOUDI_MATCHER_URL).")
    var url = ProcessInfo.processInfo.environment["DOUDI_MATCHER_URL"] ?? "http://127.0.0.1:8082"
    @OptionGroup var credential: CredentialOptions

    func validate() throws {
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("--reason must not be empty") }
    }

    func run() async throws {
        let id = household.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? household
        guard let target = URL(string: "\(url)/v1/households/\(id)/designation") else { throw ValidationError("bad --url \(url)") }
        var request = URLRequest(url: target)
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: ["designated": !undo, "reason": reason] as [String: Any])
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        try credential.authorize(&request)
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let body = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        guard status == 202 else {
            throw ValidationError("doudi-matcher answered \(status): \(body["error"] as? String ?? String(decoding: data, as: UTF8.self))")
        }
        print("\(undo ? "lifted" : "designated") \(household): record \(body["recordId"] as? String ?? "?") accepted "
              + "(the registry applies it from dept.records)")
    }
}
