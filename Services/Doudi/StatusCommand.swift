import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The suite's executables and their default HTTP ports (README, scripts/services.txt).
let serviceCatalogue: [(name: String, port: Int)] = [
    ("intake", 8081), ("matcher", 8082), ("classifier", 8083), ("router", 8084), ("relief", 8085),
    ("medical", 8091), ("education", 8092), ("housing", 8093), ("employment", 8094), ("disaster", 8095), ("noop", 8090),
]

/// `doudi status`: per service, health, readiness, processed, dead letters, outbox backlog, lag.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Health, lag, dead letters and outbox backlog per service.")
    @Option(help: "Host the services listen on.") var host = "127.0.0.1"
    @Flag(help: "Include services that do not answer.") var all = false

    func run() async throws {
        var rows: [[String]] = []
        for service in serviceCatalogue {
            let base = "http://\(host):\(service.port)"
            guard let health = await get("\(base)/healthz") else {
                if all { rows.append([service.name, String(service.port), "down", "-", "-", "-", "-", "-"]) }
                continue
            }
            let ready = await get("\(base)/readyz")
            let metrics = parseMetrics(await get("\(base)/metrics", token: ProcessInfo.processInfo.environment["DOUDI_METRICS_TOKEN"])?.body ?? "")
            func m(_ name: String) -> String { metrics[name].map { String(Int($0)) } ?? "-" }
            rows.append([service.name, String(service.port), health.status == 200 ? "up" : "unhealthy",
                         ready?.status == 200 ? "ready" : "not ready", m("doudi_events_processed_total"),
                         m("doudi_events_deadlettered_total"), m("doudi_outbox_backlog"), m("doudi_consumer_lag")])
        }
        if rows.isEmpty { print("status: no service answers on \(host) (start them with scripts/run)"); return }
        printTable(["SERVICE", "PORT", "HEALTH", "READY", "PROCESSED", "DEAD-LETTERED", "OUTBOX", "LAG"], rows)
    }

    private func get(_ url: String, token: String? = nil) async -> (status: Int, body: String)? {
        var request = URLRequest(url: URL(string: url)!)
        request.timeoutInterval = 2
        if let token, !token.isEmpty { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        guard let (data, response) = try? await URLSession.shared.data(for: request),
              let http = response as? HTTPURLResponse else { return nil }
        return (http.statusCode, String(decoding: data, as: UTF8.self))
    }
}

/// Sums Prometheus samples by metric name (labels ignored).
func parseMetrics(_ text: String) -> [String: Double] {
    var out: [String: Double] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
        let parts = line.split(separator: " ")
        guard parts.count >= 2, let value = Double(parts[1]) else { continue }
        let name = String(parts[0].prefix { $0 != "{" })
        out[name, default: 0] += value
    }
    return out
}
