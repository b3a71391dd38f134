import Envelope
import Foundation
import GRDB
import Hummingbird
import Kafka
import NIOCore
import TestSupport
import XCTest

/// One submission is one trace across the services: a `traceparent` on the submission is carried by
/// the runtime into the intake's acceptance and on into the matcher's registry version, and each
/// service's span of the work goes to an OTLP/HTTP collector with its parent the previous one.
final class TraceContextTests: XCTestCase {
    /// A minimal OTLP/HTTP collector: keeps every span it is sent, by service.
    final class Collector: @unchecked Sendable {
        private let lock = NSLock()
        private var spans: [(service: String, traceID: String, spanID: String, parent: String?, name: String)] = []
        func add(_ body: Data) {
            guard let json = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return }
            for rs in json["resourceSpans"] as? [[String: Any]] ?? [] {
                let attrs = (rs["resource"] as? [String: Any])?["attributes"] as? [[String: Any]] ?? []
                let service = attrs.first { $0["key"] as? String == "service.name" }
                    .flatMap { ($0["value"] as? [String: Any])?["stringValue"] as? String } ?? "?"
                for ss in rs["scopeSpans"] as? [[String: Any]] ?? [] {
                    for s in ss["spans"] as? [[String: Any]] ?? [] {
                        lock.withLock { spans.append((service, s["traceId"] as? String ?? "", s["spanId"] as? String ?? "",
                                                      s["parentSpanId"] as? String, s["name"] as? String ?? "")) }
                    }
                }
            }
        }
        var all: [(service: String, traceID: String, spanID: String, parent: String?, name: String)] { lock.withLock { spans } }
    }

    func testATraceCrossesIntakeAndMatcher() async throws {
        let namespace = try await TestBroker.freshNamespace(partitions: 1)
        let collector = Collector()
        let collectorPort = freePort()
        let router = Router()
        router.post("/v1/traces") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 8 << 20)
            collector.add(Data(body.readableBytesView))
            return Response(status: .ok)
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: collectorPort)))
        let server = Task { try await app.runService() }
        defer { server.cancel() }

        let dir = temporaryDirectory("trace")
        let common = ["DOUDI_TOPIC_NAMESPACE": namespace, "DOUDI_DATA_DIR": dir, "DOUDI_TRACING": "on",
                      "DOUDI_OTLP_ENDPOINT": "http://127.0.0.1:\(collectorPort)", "DOUDI_PERSON_KEY_SECRET": "trace-test-secret-of-at-least-32-bytes"]
        let intake = try ServiceProcess("doudi-intake", environment: common.merging(["DOUDI_GROUP_ID": "trace-intake-\(namespace)"]) { $1 },
                                        logName: "\(namespace)intake")
        defer { intake.terminate() }
        let matcher = try ServiceProcess("doudi-matcher", environment: common.merging([
            "DOUDI_GROUP_ID": "trace-matcher-\(namespace)"]) { $1 },
                                         logName: "\(namespace)matcher")
        defer { matcher.terminate() }

        let incoming = TraceContext(traceID: "4bf92f3577b34da6a3ce929d0e0e4736", spanID: "00f067aa0ba902b7")
        let submission = """
            {"submissionId":"trace-1","channel":"home_visit","regionCode":"110105001","area":"urban",
             "applicant":{"name":"测试","idNumber":"11010519491231002X","phone":"13900000000"},
             "members":[{"relation":"self","name":"测试","idNumber":"11010519491231002X","health":"chronic_illness",
                         "occupation":"unemployed","laborAbility":"partial"}],
             "income":{"wagesFen":120000},"requestsAssistance":true,"verificationAuthorized":true,"declarationSigned":true,
             "collectedAt":"2026-11-01","collectedBy":"worker-1"}
            """
        let event = CloudEvent(id: "trace-submission-1", source: "/tests/channel", type: "intake.submission.v1",
                               time: Timestamp.rfc3339(), traceparent: incoming.traceparent, key: "trace-1",
                               data: Array(submission.utf8))
        try await TestBroker.produce([event], to: namespace + "intake.submissions")

        let registry = try await TestBroker.read(namespace + "registry.households", timeout: .seconds(90)) { !$0.isEmpty }
        let version = try XCTUnwrap(registry.first, "the matcher published a registry version\n\(intake.log.suffix(1500))\n\(matcher.log.suffix(1500))")
        let accepted = try await TestBroker.read(namespace + "intake.accepted", timeout: .seconds(10)) { !$0.isEmpty }
        let acceptedContext = try XCTUnwrap(accepted.first?.header("traceparent").flatMap(TraceContext.init(traceparent:)))
        let versionContext = try XCTUnwrap(version.header("traceparent").flatMap(TraceContext.init(traceparent:)))
        XCTAssertEqual(acceptedContext.traceID, incoming.traceID, "the intake's event continues the submission's trace")
        XCTAssertEqual(versionContext.traceID, incoming.traceID, "so does the matcher's")
        XCTAssertNotEqual(versionContext.spanID, acceptedContext.spanID)
        XCTAssertNotNil(version.header("ce_dataschema"), "every event names its schema")

        let exported = try await eventuallyAsync(timeout: .seconds(20)) {
            Set(collector.all.filter { $0.traceID == incoming.traceID }.map(\.service)).isSuperset(of: ["doudi-intake", "doudi-matcher"])
        }
        XCTAssertTrue(exported, "both services exported spans of the trace: \(collector.all.map { "\($0.service) \($0.name)" })")
        let spans = collector.all.filter { $0.traceID == incoming.traceID }
        let intakeSpan = try XCTUnwrap(spans.first { $0.service == "doudi-intake" })
        let matcherSpan = try XCTUnwrap(spans.first { $0.service == "doudi-matcher" && $0.name.contains("intake.accepted") })
        XCTAssertEqual(intakeSpan.parent, incoming.spanID, "the intake's span is a child of the submitter's")
        XCTAssertEqual(intakeSpan.spanID, acceptedContext.spanID, "the acceptance carries the intake's span")
        XCTAssertEqual(matcherSpan.parent, intakeSpan.spanID, "the matcher's span is a child of the intake's")
    }
}
