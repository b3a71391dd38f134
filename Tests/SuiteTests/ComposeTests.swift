import DoudiDomain
import Envelope
import Foundation
import XCTest

/// The compose files parse, name every service executable, and carry the broker settings the
/// reliability model needs (replication 3, min.insync.replicas 2, no auto-creation, no unclean election).
final class ComposeTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func text(_ path: String) throws -> String { try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8) }

    func load(_ file: String) throws -> [String: Any] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
                       Self.root.appendingPathComponent("compose/\(file)").path]
        let out = Pipe(); p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "\(file) must be valid YAML")
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// Every executable product of Package.swift except the CLI, the demo and the benchmark.
    var serviceExecutables: [String] {
        let manifest = (try? String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)) ?? ""
        let regex = try! NSRegularExpression(pattern: #"\.executable\(name: "(doudi-[a-z-]+)""#)
        return regex.matches(in: manifest, range: NSRange(manifest.startIndex..., in: manifest)).map {
            String(manifest[Range($0.range(at: 1), in: manifest)!])
        }.filter { !["doudi-noop", "doudi-bench"].contains($0) }
    }

    func check(_ file: String, brokers: Int, replication: Int, minISR: Int) throws {
        let compose = try load(file)
        let services = try XCTUnwrap(compose["services"] as? [String: [String: Any]])
        XCTAssertEqual(serviceExecutables.count, 13)  // with doudi-casework and doudi-basic-living (issue 15), doudi-console (issue 16)
        let commands = services.values.compactMap { ($0["command"] as? [String])?.first }
        for exe in serviceExecutables { XCTAssertTrue(commands.contains(exe), "\(file) runs \(exe)") }

        let kafkas = services.filter { $0.key.hasPrefix("kafka") && $0.key != "kafka-access" }
        XCTAssertEqual(kafkas.count, brokers)
        for (_, k) in kafkas {
            let env = try XCTUnwrap(k["environment"] as? [String: Any])
            XCTAssertEqual(env["KAFKA_PROCESS_ROLES"] as? String, "broker,controller", "KRaft mode")
            XCTAssertEqual(env["KAFKA_MIN_INSYNC_REPLICAS"] as? String, String(minISR))
            XCTAssertEqual(env["KAFKA_DEFAULT_REPLICATION_FACTOR"] as? String, String(replication))
            XCTAssertEqual(env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] as? String, "false")
            XCTAssertEqual(env["KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE"] as? String, "false")
        }
        let job = try XCTUnwrap(services["topics"]?["command"] as? [String])
        XCTAssertEqual(Array(job.prefix(3)), ["doudi", "topics", "create"], "the topic job creates every contract topic")
        // The day begun on every partition of the registry (docs/scaling.md, "Event time is per task").
        let clock = try XCTUnwrap(services["clock"]?["command"] as? [String], "\(file) runs the suite's clock")
        XCTAssertEqual(Array(clock.prefix(4)), ["doudi", "clock", "tick", "--every"])
        XCTAssertEqual(job[job.firstIndex(of: "--replication-factor")! + 1], String(replication))
        XCTAssertEqual(job[job.firstIndex(of: "--min-insync-replicas")! + 1], String(minISR))

        var volumes = Set<String>()
        for (name, s) in services where (s["command"] as? [String])?.first?.hasPrefix("doudi-") == true {
            let v = try XCTUnwrap((s["volumes"] as? [String])?.first, "\(name) keeps its store on a volume")
            XCTAssertTrue(v.hasSuffix(":/var/lib/doudi"))
            XCTAssertTrue(volumes.insert(v).inserted, "\(name) has a store of its own")
            let env = try XCTUnwrap(s["environment"] as? [String: Any])
            XCTAssertNotNil(env["DOUDI_BROKERS"])
        }
        try checkSecurity(compose, file)
    }

    /// Issue 13: every secret from .env with no default, no development mode, SASL_SSL with one
    /// principal per service, brokers that deny what no ACL allows, and the ACL job applying the
    /// generated matrix.
    func checkSecurity(_ compose: [String: Any], _ file: String) throws {
        let services = try XCTUnwrap(compose["services"] as? [String: [String: Any]])
        let text = try String(contentsOf: Self.root.appendingPathComponent("compose/\(file)"), encoding: .utf8)
        let example = try String(contentsOf: Self.root.appendingPathComponent("compose/.env.example"), encoding: .utf8)
        let secretNames = Set(try NSRegularExpression(pattern: #"\$\{([A-Z0-9_]+)"#)
            .matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range(at: 1), in: text)!]) })
        XCTAssertTrue(secretNames.isSuperset(of: ["DOUDI_PERSON_KEY_SECRET", "DOUDI_OPERATOR_KEYS", "DOUDI_STORE_KEYS", "DOUDI_METRICS_TOKEN"]))
        for name in secretNames { XCTAssertTrue(example.contains("\n\(name)="), "\(name) is documented in compose/.env.example") }
        XCTAssertFalse(text.contains("DOUDI_MODE"), "no development mode in a deployment")
        XCTAssertFalse(text.contains("PLAINTEXT"), "no plaintext listener")

        for (name, s) in services where (s["command"] as? [String])?.first?.hasPrefix("doudi-") == true {
            let env = try XCTUnwrap(s["environment"] as? [String: String], name)
            let service = String(((s["command"] as? [String])?.first ?? "").dropFirst("doudi-".count))
            XCTAssertEqual(env["DOUDI_KAFKA_SECURITY_PROTOCOL"], "SASL_SSL", name)
            XCTAssertEqual(env["DOUDI_KAFKA_SASL_MECHANISM"], "SCRAM-SHA-512", name)
            XCTAssertEqual(env["DOUDI_KAFKA_SASL_USERNAME"], "doudi-\(service)", "\(name) has a principal of its own")
            // As compose/kafka/access.sh names it: upper case, `-` as `_` (doudi-basic-living → …_BASIC_LIVING).
            let variable = "DOUDI_KAFKA_PASSWORD_" + service.uppercased().replacingOccurrences(of: "-", with: "_")
            XCTAssertEqual(env["DOUDI_KAFKA_SASL_PASSWORD"], "${\(variable):?set \(variable)}")
            for secret in ["DOUDI_PERSON_KEY_SECRET", "DOUDI_OPERATOR_KEYS", "DOUDI_STORE_KEYS"] {
                XCTAssertTrue(env[secret]?.hasPrefix("${\(secret):?") == true, "\(name) takes \(secret) from .env, no default")
            }
        }
        for (name, k) in services where name.hasPrefix("kafka") && name != "kafka-access" {
            let env = try XCTUnwrap(k["environment"] as? [String: String])
            XCTAssertEqual(env["KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"], "false")
            XCTAssertEqual(env["KAFKA_AUTHORIZER_CLASS_NAME"], "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
            XCTAssertEqual(env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"], "SASL_SSL:SASL_SSL,INTERNAL:SSL,CONTROLLER:SSL")
            XCTAssertEqual(env["KAFKA_LISTENER_NAME_INTERNAL_SSL_CLIENT_AUTH"], "required")
        }
        // The ACL job creates every principal of the matrix: each needs its password (access.sh).
        let accessEnv = try XCTUnwrap(services["kafka-access"]?["environment"] as? [String: Any])
        for principal in Set(KafkaAccess.matrix().map(\.principal)) {
            let variable = "DOUDI_KAFKA_PASSWORD_" + principal.dropFirst("doudi-".count).uppercased().replacingOccurrences(of: "-", with: "_")
            XCTAssertNotNil(accessEnv[variable], "\(file): the kafka-access job has \(variable) for \(principal)")
        }
        let access = try XCTUnwrap(services["kafka-access"]?["volumes"] as? [String])
        XCTAssertTrue(access.contains("../docs/kafka-acls.txt:/doudi/kafka-acls.txt:ro"), "the ACL job applies the generated matrix")
    }

    /// The ACL matrix (docs/kafka-acls.txt, from the catalogue) gives each service exactly what it
    /// consumes (Read) and produces (Write, plus dead letters and access records), nothing broader.
    func testTheKafkaACLMatrixCoversEachServiceAndNothingMore() throws {
        let written = try String(contentsOf: Self.root.appendingPathComponent("docs/kafka-acls.txt"), encoding: .utf8)
        XCTAssertEqual(written, KafkaAccess.render(), "run doudi contract --write docs")
        let grants = KafkaAccess.matrix()
        let topics = Set(ContractTopic.allCases.map(\.name))
        // Besides the contract's topics, each service whose state splits by partition reads and
        // writes its own checkpoint topic (docs/scaling.md), and no other service touches it.
        let checkpoints = Set(KafkaAccess.checkpointed.map(KafkaAccess.checkpointTopic))
        XCTAssertEqual(checkpoints, ["runtime.checkpoints.classifier", "runtime.checkpoints.router"])
        for g in grants where !topics.contains(g.topic) {
            XCTAssertTrue(checkpoints.contains(g.topic), "\(g.topic) is a contract topic or a checkpoint topic (no wildcard)")
            XCTAssertEqual(g.principal, "doudi-" + g.topic.dropFirst("runtime.checkpoints.".count), "only its service touches \(g.topic)")
        }
        func of(_ p: String, _ op: String) -> Set<String> { Set(grants.filter { $0.principal == p && $0.operation == op }.map(\.topic)) }
        let expected: [String: (read: Set<String>, write: Set<String>)] = [
            "intake": (["intake.submissions"], ["intake.accepted", "intake.rejected"]),
            "matcher": (["intake.accepted", "dept.records", "assistance.outcomes"], ["registry.households", "monitoring.signals"]),
            "classifier": (["registry.households", "monitoring.signals", "assistance.outcomes", "clock.ticks", "runtime.checkpoints.classifier"],
                           ["monitoring.warnings", "work.tasks", "runtime.checkpoints.classifier"]),
            // The router reads the registry for the people its referrals name (RouterProcessor).
            "router": (["monitoring.warnings", "assistance.outcomes", "registry.households", "clock.ticks", "runtime.checkpoints.router"],
                       Set(Domain.allCases.map { "referrals.\($0.rawValue)" } + ["assistance.outcomes", "runtime.checkpoints.router"])),
            "relief": (["relief.applications", "referrals.emergency"], ["relief.disbursements", "assistance.outcomes", "work.tasks"]),
            "medical": (["referrals.medical"], ["assistance.outcomes"]),
            "education": (["referrals.education"], ["assistance.outcomes"]),
            "housing": (["referrals.housing"], ["assistance.outcomes"]),
            "employment": (["referrals.employment"], ["assistance.outcomes"]),
            "disaster": (["referrals.disaster"], ["assistance.outcomes"]),
            "casework": (["work.tasks", "referrals.coordination", "assistance.outcomes"],
                         ["intake.submissions", "assistance.outcomes", "casework.tasks"]),
            "basic-living": (["referrals.basic-living", "registry.households", "clock.ticks"], ["assistance.outcomes", "basic-living.payroll"]),
            "console": (Set(["registry.households", "monitoring.warnings", "work.tasks", "casework.tasks", "assistance.outcomes", "relief.applications",
                             "relief.disbursements", "basic-living.payroll"] + Domain.allCases.map { "referrals.\($0.rawValue)" }), []),
        ]
        XCTAssertEqual(Set(KafkaAccess.services), Set(expected.keys))
        for (service, e) in expected {
            XCTAssertEqual(of("doudi-\(service)", "Read"), e.read, service)
            XCTAssertEqual(of("doudi-\(service)", "Write"), e.write.union(["deadletter", "audit.access"]), service)
        }
        XCTAssertEqual(of("doudi-operator", "Write"), ["intake.submissions", "dept.records"])
        // `doudi clock tick` (the day begun on every partition), under its own principal and topic.
        XCTAssertEqual(of("doudi-clock", "Write"), ["clock.ticks"])
        XCTAssertTrue(of("doudi-clock", "Read").isEmpty)
        XCTAssertEqual(of("doudi-auditor", "Read"), ["audit.access", "deadletter"])
        XCTAssertTrue(of("doudi-auditor", "Write").isEmpty)
        XCTAssertEqual(Set(grants.map(\.principal)), Set(KafkaAccess.services.map { "doudi-\($0)" } + ["doudi-operator", "doudi-auditor", "doudi-clock"]))
    }

    func testProductionComposeHasThreeBrokersAndEveryService() throws {
        try check("compose.yaml", brokers: 3, replication: 3, minISR: 2)
    }

    func testLaptopComposeHasOneBrokerAndEveryService() throws {
        try check("compose.laptop.yaml", brokers: 1, replication: 1, minISR: 1)
    }

    func testTheTopicCatalogueIsTheContract() {
        // EVENTS.md: 12 fixed topics plus one referral topic per domain (11), audit.access (issue 13),
        // casework.tasks and basic-living.payroll (issue 15), clock.ticks (issue 17).
        XCTAssertEqual(Set(Topics.all).count, 27)
        for d in ["basic-living", "medical", "education", "housing", "employment", "disaster", "emergency", "services", "charity", "other", "coordination"] {
            XCTAssertTrue(Topics.all.contains("referrals.\(d)"))
        }
    }

    /// Issue 18, finding 8: the image is built from pinned inputs in stages, and what runs carries no
    /// test tools and fetches nothing.
    func testTheImageIsMultiStageWithPinnedBasesAndASlimRuntime() throws {
        let dockerfile = try text("compose/Dockerfile")
        let lines = dockerfile.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
        let froms = lines.filter { $0.hasPrefix("FROM ") }
        XCTAssertEqual(froms.count, 2, "a build stage and a runtime stage")
        for arg in lines.filter({ $0.hasPrefix("ARG ") && $0.contains("IMAGE=") }) {
            let image = String(arg.split(separator: "=", maxSplits: 1)[1])
            let tag = image.split(separator: ":").dropFirst().first.map(String.init) ?? ""
            XCTAssertFalse(tag.isEmpty || tag == "latest", "\(image) has a pinned tag")
            XCTAssertTrue(tag.contains(where: \.isNumber), "\(image): a version, not a floating name")
        }
        let runtime = lines.drop { !$0.hasPrefix("FROM ${RUNTIME_IMAGE}") }.joined(separator: "\n").lowercased()
        XCTAssertFalse(runtime.isEmpty)
        for banned in ["chromium", "fonts-", "pip", "python", "tansu", "scripts/setup", "git clone", "wget", "apt-get source", "swift build"] {
            XCTAssertFalse(runtime.contains(banned), "the runtime stage has no \(banned)")
        }
        XCTAssertFalse(dockerfile.contains("scripts/setup"), "the image does not run the developer setup (test broker, browser)")
        XCTAssertFalse(dockerfile.contains("apt-get source"), "no sources fetched at build time")
        XCTAssertTrue(runtime.contains("user doudi"), "runs as a non-root user")
        XCTAssertTrue(runtime.contains("healthcheck"))
    }

    /// Prometheus, its alert rules and the Grafana dashboard parse, and every metric they use is one
    /// the services export.
    func testAlertRulesAndDashboardUseMetricsTheServicesExport() throws {
        let observability = try load("compose.observability.yaml")
        let services = try XCTUnwrap(observability["services"] as? [String: Any])
        XCTAssertNotNil(services["prometheus"]); XCTAssertNotNil(services["grafana"])
        let rules = try load("prometheus/alerts.yml")
        let alerts = ((rules["groups"] as? [[String: Any]])?.first?["rules"] as? [[String: Any]]) ?? []
        XCTAssertGreaterThanOrEqual(alerts.count, 6)
        let metricsSource = try text("Shared/ServiceKit/ServiceMetrics.swift")
        let exported = Set(try NSRegularExpression(pattern: #"name: "(doudi_[a-z_]+)""#)
            .matches(in: metricsSource, range: NSRange(metricsSource.startIndex..., in: metricsSource))
            .map { String(metricsSource[Range($0.range(at: 1), in: metricsSource)!]) })
            .union(["hb_requests", "hb_request_errors", "http_server_request_duration", "up"])
        let dashboard = try text("compose/grafana/dashboards/doudi.json")
        let panels = (try JSONSerialization.jsonObject(with: Data(dashboard.utf8)) as? [String: Any])?["panels"] as? [[String: Any]] ?? []
        let expressions = alerts.compactMap { $0["expr"] as? String }
            + panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
        XCTAssertGreaterThanOrEqual(panels.count, 8)
        let names = try NSRegularExpression(pattern: #"\b((?:doudi|hb|http_server)_[a-z_]+|up)\b"#)
        for expr in expressions {
            for m in names.matches(in: expr, range: NSRange(expr.startIndex..., in: expr)) {
                var metric = String(expr[Range(m.range(at: 1), in: expr)!])
                for suffix in ["_bucket", "_count", "_sum"] where metric.hasSuffix(suffix) { metric = String(metric.dropLast(suffix.count)) }
                XCTAssertTrue(exported.contains(metric), "\(metric) in `\(expr)` is exported")
            }
        }
    }
}
