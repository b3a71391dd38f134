import Envelope
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging

/// Tracing settings (docs/configuration.md). Off by default: then the runtime only carries a
/// `traceparent` that arrived on an input into the events derived from it (a string operation per
/// event) and records no span.
public struct TracingSettings: Sendable {
    /// `DOUDI_TRACING=on`: every applied event is a span; events without a trace start one.
    public var enabled: Bool
    /// `DOUDI_OTLP_ENDPOINT` (e.g. `http://otel-collector:4318`): spans go to `<endpoint>/v1/traces`
    /// as OTLP/HTTP JSON. Without it, spans are written to the log as one JSON line each.
    public var otlpEndpoint: URL?

    init(_ env: [String: String], problems: inout [String]) {
        switch env["DOUDI_TRACING"]?.lowercased() ?? "off" {
        case "", "off", "0", "false": enabled = false
        case "on", "1", "true": enabled = true
        case let other: enabled = false; problems.append("DOUDI_TRACING=\(other.prefix(20)) is neither on nor off")
        }
        otlpEndpoint = nil
        if let text = env["DOUDI_OTLP_ENDPOINT"], !text.isEmpty {
            if let url = URL(string: text), url.scheme == "http" || url.scheme == "https" { otlpEndpoint = url }
            else { problems.append("DOUDI_OTLP_ENDPOINT=\(text.prefix(60)) is not an http(s) URL") }
        }
    }
}

/// One unit of work of a trace: a service applying one event.
struct Span: Sendable {
    var context: TraceContext
    var parentSpanID: String?
    var name: String
    var startNanos: UInt64
    var endNanos: UInt64
    var attributes: [(String, String)]
}

/// The runtime's tracer: derives the context of the work on an input and of what it publishes,
/// and exports finished spans in the background.
final class Tracer: @unchecked Sendable {
    let settings: TracingSettings
    let service: String
    private let logger: Logger
    private let lock = NSLock()
    private var buffer: [Span] = []

    init(settings: TracingSettings, service: String, logger: Logger) {
        self.settings = settings; self.service = service; self.logger = logger
    }

    /// The context of this service's work on `event`: a child of the event's own, or (tracing on)
    /// a new trace named by the event's id; nil when there is nothing to carry.
    func context(forWorkOn event: CloudEvent) -> (context: TraceContext, parent: String?)? {
        if let tp = event.traceparent, let incoming = TraceContext(traceparent: tp) {
            return (incoming.child(service, event.id), incoming.spanID)
        }
        return settings.enabled ? (TraceContext.root(event.id), nil) : nil
    }

    /// Sets `traceparent` on derived events that have none: they continue the work's trace.
    static func stamp(_ events: inout [OutgoingEvent], with context: TraceContext?) {
        guard let context else { return }
        for i in events.indices where events[i].event.traceparent == nil { events[i].event.traceparent = context.traceparent }
    }

    /// Events written outside a consumer (HTTP, schedulers) start a trace of their own when tracing is on.
    func stampRoots(_ events: inout [OutgoingEvent]) {
        guard settings.enabled else { return }
        for i in events.indices where events[i].event.traceparent == nil {
            events[i].event.traceparent = TraceContext.root(events[i].event.id).traceparent
        }
    }

    func record(_ span: Span) {
        guard settings.enabled else { return }
        lock.withLock { buffer.append(span) }
    }

    static func nowNanos() -> UInt64 { UInt64(Date().timeIntervalSince1970 * 1_000_000_000) }

    /// Sends what was recorded; called every second by the pipeline and once at shutdown.
    func flush() async {
        let spans: [Span] = lock.withLock { defer { buffer = [] }; return buffer }
        guard !spans.isEmpty else { return }
        if let endpoint = settings.otlpEndpoint {
            var request = URLRequest(url: endpoint.appendingPathComponent("v1/traces"))
            request.httpMethod = "POST"
            request.timeoutInterval = 5
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Self.otlpJSON(spans, service: service)
            do {
                let (_, response) = try await URLSession.shared.data(for: request)
                if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
                    logger.warning("trace export refused", metadata: ["status": "\(http.statusCode)", "spans": "\(spans.count)"])
                }
            } catch {
                logger.warning("trace export failed; spans dropped", metadata: ["error": "\(error)", "spans": "\(spans.count)"])
            }
        } else {
            for span in spans {
                logger.info("span", metadata: ["trace_id": "\(span.context.traceID)", "span_id": "\(span.context.spanID)",
                                               "parent_span_id": "\(span.parentSpanID ?? "")", "name": "\(span.name)",
                                               "duration_us": "\((span.endNanos - span.startNanos) / 1000)"])
            }
        }
    }

    /// OTLP/HTTP JSON (opentelemetry-proto `ExportTraceServiceRequest`).
    static func otlpJSON(_ spans: [Span], service: String) -> Data {
        func attr(_ k: String, _ v: String) -> [String: Any] { ["key": k, "value": ["stringValue": v]] }
        let otlpSpans: [[String: Any]] = spans.map { s in
            var o: [String: Any] = ["traceId": s.context.traceID, "spanId": s.context.spanID, "name": s.name, "kind": 5,
                                    "startTimeUnixNano": String(s.startNanos), "endTimeUnixNano": String(s.endNanos),
                                    "attributes": s.attributes.map { attr($0.0, $0.1) }]
            if let p = s.parentSpanID { o["parentSpanId"] = p }
            return o
        }
        let body: [String: Any] = ["resourceSpans": [[
            "resource": ["attributes": [attr("service.name", "doudi-\(service)")]],
            "scopeSpans": [["scope": ["name": "doudi.runtime"], "spans": otlpSpans]],
        ]]]
        return (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
    }
}
