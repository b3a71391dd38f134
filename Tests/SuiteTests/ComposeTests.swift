import Envelope
import Foundation
import XCTest

/// The compose files parse, name every service executable, and carry the broker settings the
/// reliability model needs (replication 3, min.insync.replicas 2, no auto-creation, no unclean election).
final class ComposeTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

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
        XCTAssertEqual(serviceExecutables.count, 10)
        let commands = services.values.compactMap { ($0["command"] as? [String])?.first }
        for exe in serviceExecutables { XCTAssertTrue(commands.contains(exe), "\(file) runs \(exe)") }

        let kafkas = services.filter { $0.key.hasPrefix("kafka") }
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
    }

    func testProductionComposeHasThreeBrokersAndEveryService() throws {
        try check("compose.yaml", brokers: 3, replication: 3, minISR: 2)
    }

    func testLaptopComposeHasOneBrokerAndEveryService() throws {
        try check("compose.laptop.yaml", brokers: 1, replication: 1, minISR: 1)
    }

    func testTheTopicCatalogueIsTheContract() {
        // EVENTS.md: 12 fixed topics plus one referral topic per domain (11), and audit.access (issue 13).
        XCTAssertEqual(Set(Topics.all).count, 24)
        for d in ["basic-living", "medical", "education", "housing", "employment", "disaster", "emergency", "services", "charity", "other", "coordination"] {
            XCTAssertTrue(Topics.all.contains("referrals.\(d)"))
        }
    }
}
