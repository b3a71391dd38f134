import DoudiDomain
import Envelope
import Foundation
import ServiceKit
import Store
import XCTest

/// The trust primitives of issue 13 as units: sealing at rest with key rotation, operator tokens,
/// the producer allow-list, and the secrets a process refuses to run without.
final class TrustPrimitivesTests: XCTestCase {
    func key(_ id: String, _ byte: UInt8) -> Sealer.Key { Sealer.Key(id: id, bytes: [UInt8](repeating: byte, count: 32)) }

    func testSealingRoundTripsBindsToItsRowAndSurvivesRotation() throws {
        let old = Sealer(keys: [key("k1", 1)])
        let plain = Array("{\"idNumber\":\"11010519491231002X\",\"name\":\"张三\"}".utf8)
        let sealed = old.seal(plain, aad: "t/row-1")
        XCTAssertNil(Data(sealed).range(of: Data("11010519491231002X".utf8)), "no plaintext in the sealed bytes")
        XCTAssertEqual(try old.open(sealed, aad: "t/row-1"), plain)
        // The layout rows already written hold: DS1 · id length · id · nonce (12) · ciphertext · tag (16).
        XCTAssertEqual(Array(sealed.prefix(6)), Array("DS1".utf8) + [2] + Array("k1".utf8))
        XCTAssertEqual(sealed.count, 6 + 12 + plain.count + 16)
        XCTAssertEqual(Data(old.seal(Data(plain), aad: "t/row-1")).prefix(6), Data(sealed.prefix(6)))
        XCTAssertEqual(try old.open(old.seal(Data(plain), aad: "t/row-1"), aad: "t/row-1"), Data(plain))
        XCTAssertNotEqual(old.seal(plain, aad: "t/row-1"), sealed, "a fresh nonce each time")
        XCTAssertThrowsError(try old.open(sealed, aad: "t/row-2"), "a value copied to another row does not open")
        var tampered = sealed; tampered[tampered.count - 20] ^= 1
        XCTAssertThrowsError(try old.open(tampered, aad: "t/row-1"))

        // Rotation: the new key seals, the old one still opens what it sealed.
        let rotated = Sealer(keys: [key("k2", 2), key("k1", 1)])
        XCTAssertEqual(try rotated.open(sealed, aad: "t/row-1"), plain)
        XCTAssertTrue(rotated.needsResealing(Data(sealed)))
        let resealed = rotated.seal(plain, aad: "t/row-1")
        XCTAssertFalse(rotated.needsResealing(Data(resealed)))
        XCTAssertThrowsError(try old.open(resealed, aad: "t/row-1")) { error in
            XCTAssertEqual("\(error)", "the stored value is sealed under key k2, which DOUDI_STORE_KEYS does not hold")
        }
        // Rows from before sealing read as they are.
        XCTAssertEqual(try rotated.openOrLegacy(Data(plain), aad: "t/row-1"), Data(plain))
    }

    func testStoreKeysComeFromTheEnvironmentOutsideDevelopment() throws {
        XCTAssertThrowsError(try Sealer.fromEnvironment([:])) { XCTAssertTrue("\($0)".contains("DOUDI_STORE_KEYS is not set")) }
        XCTAssertNoThrow(try Sealer.fromEnvironment(["DOUDI_MODE": "development"]))
        let short = "k1=" + Data(repeating: 1, count: 16).base64EncodedString()
        XCTAssertThrowsError(try Sealer.fromEnvironment(["DOUDI_STORE_KEYS": short])) { XCTAssertTrue("\($0)".contains("shorter than 32 bytes")) }
        let ring = "k2=" + Data(repeating: 2, count: 32).base64EncodedString() + ",k1=" + Data(repeating: 1, count: 32).base64EncodedString()
        XCTAssertEqual(try Sealer.fromEnvironment(["DOUDI_STORE_KEYS": ring]).current.id, "k2")
        XCTAssertThrowsError(try Secrets.personKeySecret(["DOUDI_PERSON_KEY_SECRET": "short"]))
        XCTAssertThrowsError(try Secrets.personKeySecret(["DOUDI_MODE": "development", "DOUDI_PERSON_KEY_SECRET": "short"]),
                             "a weak secret is refused in development mode too")
        XCTAssertThrowsError(try Secrets.personKeySecret(["DOUDI_MODE": "production"]))
    }

    func testOperatorTokensVerifyOnlyUnderTheirKeyUntilTheyExpire() throws {
        let ring = OperatorKeyRing([(id: "k2", key: [UInt8](repeating: 7, count: 32)), (id: "k1", key: [UInt8](repeating: 9, count: 32))])
        let now: Int64 = 1_800_000_000
        let claims = OperatorCredential(subject: "li", role: .township, regions: ["110101"], expiresAt: now + 3600, issuedAt: now)
        let token = try OperatorToken.sign(claims, with: ring.current)
        XCTAssertEqual(try OperatorToken.verify(token, keys: ring, nowSeconds: now + 10), claims)
        // A token of the old key still verifies while the key is in the ring.
        let old = try OperatorToken.sign(claims, with: ring.keys[1])
        XCTAssertEqual(try OperatorToken.verify(old, keys: ring, nowSeconds: now), claims)
        let dropped = OperatorKeyRing([(id: "k2", key: [UInt8](repeating: 7, count: 32))])
        XCTAssertThrowsError(try OperatorToken.verify(old, keys: dropped, nowSeconds: now)) { XCTAssertEqual($0 as? OperatorToken.Failure, .unknownKey) }
        XCTAssertThrowsError(try OperatorToken.verify(token, keys: ring, nowSeconds: now + 3601)) { XCTAssertEqual($0 as? OperatorToken.Failure, .expired) }

        // A changed claim (a wider region) breaks the signature.
        var parts = token.split(separator: ".").map(String.init)
        let wider = try JSONEncoder().encode(OperatorCredential(subject: "li", role: .province, regions: ["*"], expiresAt: now + 3600, issuedAt: now))
        parts[1] = wider.base64EncodedString().replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        XCTAssertThrowsError(try OperatorToken.verify(parts.joined(separator: "."), keys: ring, nowSeconds: now)) {
            XCTAssertEqual($0 as? OperatorToken.Failure, .badSignature)
        }
        // alg none, and a lifetime beyond the maximum.
        let none = "eyJhbGciOiJub25lIiwia2lkIjoiazIifQ." + parts[1] + "."
        XCTAssertThrowsError(try OperatorToken.verify(none, keys: ring, nowSeconds: now)) { XCTAssertEqual($0 as? OperatorToken.Failure, .unsupportedAlgorithm) }
        let forever = try OperatorToken.sign(OperatorCredential(subject: "x", role: .auditor, regions: ["*"], expiresAt: now + 500 * 86_400, issuedAt: now), with: ring.current)
        XCTAssertThrowsError(try OperatorToken.verify(forever, keys: ring, nowSeconds: now)) { XCTAssertEqual($0 as? OperatorToken.Failure, .badClaims) }

        XCTAssertTrue(claims.covers(region: "110101001"))
        XCTAssertFalse(claims.covers(region: "110102001"))
        XCTAssertFalse(OperatorCredential(subject: "d", role: .department, regions: ["*"], domains: ["medical"], expiresAt: 0, issuedAt: 0).answers(domain: "education"))
    }

    func event(_ type: EventType, source: String, payload: String = "{}") -> CloudEvent {
        CloudEvent(id: "e", source: source, type: type.rawValue, time: "2026-11-02T00:00:00Z", data: Array(payload.utf8))
    }

    func testProducersArePerTypeAndOutcomesPerDomain() {
        let production = ProducerAllowList(environment: [:])
        XCTAssertNil(production.refusal(for: event(.intakeAccepted, source: "/doudi/intake")))
        XCTAssertNotNil(production.refusal(for: event(.intakeAccepted, source: "/doudi/matcher")))
        XCTAssertNotNil(production.refusal(for: event(.reliefApproval, source: "/doudi/intake")))
        XCTAssertNil(production.refusal(for: event(.assistanceOutcome, source: "/doudi/medical", payload: #"{"domain":"medical"}"#)))
        let crossDomain = production.refusal(for: event(.assistanceOutcome, source: "/doudi/medical", payload: #"{"domain":"education"}"#))
        XCTAssertTrue(crossDomain?.contains("DOUDI_ALLOWED_SOURCES_ASSISTANCE_OUTCOME_V1_EDUCATION") == true, crossDomain ?? "")
        XCTAssertNotNil(production.refusal(for: event(.assistanceOutcome, source: "/doudi/medical", payload: "not json")))
        XCTAssertNotNil(production.refusal(for: event(.deptRecord, source: "/tests")), "test sources only in development mode")
        XCTAssertNil(production.refusal(for: CloudEvent(id: "e", source: "/x", type: "demo.input.v1", time: "", data: [])),
                     "types outside the contract are the service's business")

        let configured = ProducerAllowList(environment: [
            "DOUDI_ALLOWED_SOURCES_DEPT_RECORD_V1": "/nhsa/settlement, /moe/*",
            "DOUDI_ALLOWED_SOURCES_ASSISTANCE_OUTCOME_V1_BASIC_LIVING": "/mca/dibao"])
        XCTAssertNil(configured.refusal(for: event(.deptRecord, source: "/nhsa/settlement")))
        XCTAssertNil(configured.refusal(for: event(.deptRecord, source: "/moe/enrolment")))
        XCTAssertNotNil(configured.refusal(for: event(.deptRecord, source: "/moe")))
        XCTAssertNil(configured.refusal(for: event(.assistanceOutcome, source: "/mca/dibao", payload: #"{"domain":"basic-living"}"#)))
        XCTAssertNotNil(configured.refusal(for: event(.assistanceOutcome, source: "/mca/dibao", payload: #"{"domain":"medical"}"#)))

        // The scope is read from the top level only, and only where a decoder cannot read another value.
        XCTAssertNil(production.refusal(for: event(.assistanceOutcome, source: "/doudi/medical",
                                                   payload: #" { "a" : {"domain":"education"}, "domain" : "medical", "b":["domain"] } "#)))
        XCTAssertNil(production.refusal(for: event(.assistanceOutcome, source: "/doudi/medical", payload: #"{"domain":"medic\u0061l"}"#)),
                     "an escaped value is read as a decoder reads it")
        // Either order: a reader keeping the first value, or the last, would let one of them through.
        for disguised in [#"{"domain":"medical","domain":"education"}"#, #"{"domain":"medical","dom\u0061in":"education"}"#,
                          #"{"domain":"education","domain":"medical"}"#, #"{"dom\u0061in":"education","domain":"medical"}"#,
                          "{\"domain\":\"medi\u{01}cal\"}",
                          #"{"domain":"medical""#, #"{"domain":7}"#, #"{"domain":null}"#, #"["domain","medical"]"#, #"{"outcome":{"domain":"medical"}}"#] {
            XCTAssertNotNil(production.refusal(for: event(.assistanceOutcome, source: "/doudi/medical", payload: disguised)), disguised)
        }
        XCTAssertEqual(ProducerAllowList.scopeValue("domain", in: Array(#"{"domain":"中\"文\n"}"#.utf8)), "中\"文\n")
        XCTAssertEqual(ProducerAllowList.scopeValue("domain", in: Array(#"{"x":"\"","domain":"d"}"#.utf8)), "d")
        XCTAssertNil(ProducerAllowList.scopeValue("domain", in: [0x7B, 0x22, 0x64, 0x6F, 0x6D, 0x61, 0x69, 0x6E, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D]),
                     "not UTF-8")

        let development = ProducerAllowList(environment: ["DOUDI_MODE": "development"])
        XCTAssertNil(development.refusal(for: event(.deptRecord, source: "/tests/department")))
        XCTAssertNotNil(development.refusal(for: event(.reliefApproval, source: "/doudi/intake")))
    }

    func testStoreFilesArePrivate() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-perm-\(EventID.random().prefix(8))/nested").path
        let store = try ServiceStore(path: dir + "/s.sqlite", sealer: Sealer(keys: [key("k", 3)]))
        try store.pool.write { db in
            try db.execute(sql: "CREATE TABLE t(id TEXT, blob BLOB)")
            try db.execute(sql: "INSERT INTO t VALUES ('a', doudi_seal(?, 't/' || 'a'))", arguments: [Data("张三".utf8)])
        }
        let read = try store.pool.read { try Data.fetchOne($0, sql: "SELECT doudi_open(blob, 't/' || id) FROM t") }
        XCTAssertEqual(read.map { String(decoding: $0, as: UTF8.self) }, "张三")
        let mode = { (p: String) in (try FileManager.default.attributesOfItem(atPath: p)[.posixPermissions] as? NSNumber)?.intValue }
        XCTAssertEqual(try mode(dir), 0o700)
        for f in ["s.sqlite", "s.sqlite-wal", "s.sqlite-shm"] where FileManager.default.fileExists(atPath: dir + "/" + f) {
            XCTAssertEqual(try mode(dir + "/" + f), 0o600, f)
        }
    }
}
