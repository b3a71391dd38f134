import Envelope
import Foundation
import ServiceKit
import TestSupport
import XCTest

/// Issue 13, finding 3: outside `DOUDI_MODE=development`, no service starts on a built-in or weak
/// secret, and the published development keys open nothing.
final class SecureByDefaultTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// scripts/services.txt: every service of the suite.
    var services: [String] {
        let text = (try? String(contentsOf: Self.root.appendingPathComponent("scripts/services.txt"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    static let personKey = "a-production-person-key-secret-of-48-bytes-000000"
    static let operatorKeys = "k1=" + Data((0..<32).map { UInt8($0 * 7 % 251) }).base64EncodedString()
    static let storeKeys = "s1=" + Data((0..<32).map { UInt8($0 * 13 % 251) }).base64EncodedString()

    /// Runs `exe` in production mode with `env` and returns its exit status and output (it must exit by itself).
    func start(_ exe: String, _ env: [String: String]) async throws -> (status: Int32, output: String) {
        var environment = ["DOUDI_MODE": "production", "DOUDI_PERSON_KEY_SECRET": "", "DOUDI_OPERATOR_KEYS": "", "DOUDI_STORE_KEYS": "",
                           "DOUDI_DATA_DIR": temporaryDirectory("secure-\(exe)"), "DOUDI_HTTP_PORT": "0"]
        for (k, v) in env { environment[k] = v }
        let p = try ServiceProcess(exe, environment: environment, logName: "secure-\(exe)-\(EventID.random().prefix(6))")
        let exited = try await eventually(timeout: .seconds(20)) { !p.process.isRunning }
        if !exited { p.terminate(); return (-1, p.log) }
        return (p.process.terminationStatus, p.log)
    }

    func testEveryServiceRefusesToStartWithoutItsSecretsOutsideDevelopmentMode() async throws {
        XCTAssertEqual(services.count, 13)  // with doudi-casework and doudi-basic-living (issue 15), doudi-console (issue 16)
        for exe in services {
            let none = try await start(exe, [:])
            XCTAssertEqual(none.status, 78, "\(exe): \(none.output)")
            XCTAssertTrue(none.output.contains("refusing to start: DOUDI_PERSON_KEY_SECRET is not set"), "\(exe): \(none.output)")

            let weak = try await start(exe, ["DOUDI_PERSON_KEY_SECRET": "doudi-secret"])
            XCTAssertEqual(weak.status, 78, "\(exe): \(weak.output)")
            XCTAssertTrue(weak.output.contains("DOUDI_PERSON_KEY_SECRET is shorter than 32 bytes"), "\(exe): \(weak.output)")

            let noOperatorKeys = try await start(exe, ["DOUDI_PERSON_KEY_SECRET": Self.personKey])
            XCTAssertEqual(noOperatorKeys.status, 78, "\(exe): \(noOperatorKeys.output)")
            XCTAssertTrue(noOperatorKeys.output.contains("DOUDI_OPERATOR_KEYS is not set"), "\(exe): \(noOperatorKeys.output)")

            let noStoreKeys = try await start(exe, ["DOUDI_PERSON_KEY_SECRET": Self.personKey, "DOUDI_OPERATOR_KEYS": Self.operatorKeys])
            XCTAssertEqual(noStoreKeys.status, 78, "\(exe): \(noStoreKeys.output)")
            XCTAssertTrue(noStoreKeys.output.contains("DOUDI_STORE_KEYS is not set"), "\(exe): \(noStoreKeys.output)")
            XCTAssertFalse(noStoreKeys.output.contains(Self.personKey), "a secret is never printed")
        }
    }

    /// With every secret set, a production service starts quietly, and a token signed with the
    /// published development key (which opened the matcher's data before) is refused.
    func testTheDevelopmentKeysOpenNothingInProduction() async throws {
        let port = freePort()
        var env = ProcessInfo.processInfo.environment
        env["DOUDI_MODE"] = "production"
        let service = try ServiceProcess("doudi-matcher", environment: [
            "DOUDI_MODE": "production", "DOUDI_PERSON_KEY_SECRET": Self.personKey, "DOUDI_OPERATOR_KEYS": Self.operatorKeys,
            "DOUDI_STORE_KEYS": Self.storeKeys, "DOUDI_DATA_DIR": temporaryDirectory("secure-prod"), "DOUDI_HTTP_PORT": String(port),
            "DOUDI_TOPIC_NAMESPACE": "secure-\(EventID.random().prefix(6)).", "DOUDI_GROUP_ID": "secure-\(EventID.random())"],
            logName: "secure-prod-\(port)")
        defer { service.terminate() }
        let up = try await eventuallyAsync(timeout: .seconds(30)) { await TrustBoundaryTests.get(port, "/healthz").status == 200 }
        XCTAssertTrue(up, service.log)
        XCTAssertFalse(service.log.contains("DOUDI_MODE=development"))
        let development = OperatorToken.development(subject: "intruder", role: .province, regions: ["*"])
        let refused = await TrustBoundaryTests.get(port, "/v1/households/hh-1", token: development)
        XCTAssertEqual(refused.status, 401)
        let keys = try OperatorKeyRing.fromEnvironment(["DOUDI_OPERATOR_KEYS": Self.operatorKeys])
        let now = Int64(Date().timeIntervalSince1970)
        let issued = try OperatorToken.sign(OperatorCredential(subject: "province-ops", role: .province, regions: ["*"],
                                                               expiresAt: now + 600, issuedAt: now), with: keys.current)
        let accepted = await TrustBoundaryTests.get(port, "/v1/households/hh-1", token: issued)
        XCTAssertEqual(accepted.status, 404, "a token of the deployment's own key is accepted (the household does not exist)")
    }
}
