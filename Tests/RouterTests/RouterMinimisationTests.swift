import DoudiDomain
import Envelope
import Kafka
import TestSupport
import XCTest

/// Data minimisation (EVENTS.md `referral.v1`): reads what departments actually receive and
/// fails on any field or value they should not get.
final class RouterMinimisationTests: XCTestCase {
    // Three members: A is ill, B is at school, C has no need. Numbers are valid-looking 18-character ids.
    let idA = "140105198001011234", idB = "14010520100202567X", idC = "140105195503038765"
    let wages = "9876543", deposits = "7654321"

    /// Fields a referral may carry: the contract's fields, each need's own person and reason,
    /// and the facts of the department's domain (listed here independently of the router's code).
    /// `basis` is a fingerprint of the facts the referral rests on (no personal data); `revision`
    /// and `supersedes` number amendments.
    static let referralFields: Set<String> = ["referralId", "warningId", "householdId", "domain", "regionCode", "area", "disposal",
                                              "level", "category", "needs", "status", "dueBy", "sentAt", "basis", "revision", "supersedes"]
    static let needFields: Set<String> = ["domain", "personKey", "reason", "clause", "name", "idNumber", "facts"]
    static let facts: [String: Set<String>] = [
        "medical": ["medicalFen", "outOfPocketFen", "insuranceReimbursedFen", "illness", "category"],
        "education": ["schoolStage", "school", "grade"],
    ]

    func testReferralsCarryOnlyTheirMembersAndFacts() async throws {
        let h = try await LoopHarness.make("minimise")
        let router = try h.start("doudi-router")
        defer { router.terminate() }
        let w = Fixture.warning("\(h.tag)-w", household: "\(h.tag)-h", needs: [
            Fixture.need(.medical, person: "pk-a", id: idA, facts: [
                "outOfPocketFen": "900000", "illness": "uremia", "depositsFen": deposits, "wagesFen": wages,
                "spouseIdNumber": idB, "householdIncomeFen": wages,
            ]),
            Fixture.need(.education, person: "pk-b", id: idB, facts: [
                "schoolStage": "primary", "grade": "3", "school": "Village school, guardian \(idC)",
                "householdIncomeFen": wages, "assetsFen": deposits,
            ]),
        ])
        // The classifier's event may carry more than the payload type knows (it is additive):
        // the household's finances and members must not pass through the router either.
        var body = try JSONSerialization.jsonObject(with: JSONCoding.encoder.encode(w)) as! [String: Any]
        body["income"] = ["wagesFen": Int(wages)!]
        body["assets"] = ["depositsFen": Int(deposits)!]
        body["members"] = [["idNumber": idC, "name": "Member C"], ["idNumber": idA], ["idNumber": idB]]
        let event = CloudEvent(id: "ev-\(h.tag)", source: "/tests", type: "monitoring.warning.v1", time: "2024-03-01T09:00:00.000Z",
                               subject: w.householdId, key: w.householdId, data: Array(try JSONSerialization.data(withJSONObject: body)))
        try await h.produce([event], to: "monitoring.warnings")

        let topics = Domain.allCases.map { "referrals.\($0.rawValue)" }
        let messages = try await h.readSettled(topics) { $0.count >= 2 }
        XCTAssertEqual(messages.count, 2, router.log)
        for m in messages {
            let domain = try XCTUnwrap(m.json["domain"] as? String)
            XCTAssertEqual(m.topic, h.topic("referrals.\(domain)"))
            assertOnlyAllowedFields(m.json, domain: domain)
            let own = domain == "medical" ? idA : idB
            XCTAssertTrue(m.text.contains(own), "\(domain): the person to help is identified")
            for other in [idA, idB, idC] where other != own {
                XCTAssertFalse(m.text.contains(other), "\(domain) referral carries another member's identity number")
            }
            for secret in [wages, deposits] {
                XCTAssertFalse(m.text.contains(secret), "\(domain) referral carries the household's finances")
            }
            for word in ["income", "Income", "assets", "deposits", "members", "wages"] {
                XCTAssertFalse(m.text.contains(word), "\(domain) referral mentions \(word)")
            }
        }
        let education = try XCTUnwrap(messages.first { $0.json["domain"] as? String == "education" }).decode(Referral.self)
        XCTAssertEqual(education.needs.first?.facts, ["schoolStage": "primary", "grade": "3"],
                       "a fact smuggling an identity number is dropped")
        let medical = try XCTUnwrap(messages.first { $0.json["domain"] as? String == "medical" }).decode(Referral.self)
        XCTAssertEqual(medical.needs.first?.facts, ["outOfPocketFen": "900000", "illness": "uremia"])
    }

    private func assertOnlyAllowedFields(_ referral: [String: Any], domain: String, file: StaticString = #filePath, line: UInt = #line) {
        for key in referral.keys where !Self.referralFields.contains(key) {
            XCTFail("\(domain) referral carries field \(key)", file: file, line: line)
        }
        for need in referral["needs"] as? [[String: Any]] ?? [] {
            for key in need.keys where !Self.needFields.contains(key) {
                XCTFail("\(domain) need carries field \(key)", file: file, line: line)
            }
            for key in (need["facts"] as? [String: Any] ?? [:]).keys where !(Self.facts[domain] ?? []).contains(key) {
                XCTFail("\(domain) need carries fact \(key)", file: file, line: line)
            }
        }
    }
}
