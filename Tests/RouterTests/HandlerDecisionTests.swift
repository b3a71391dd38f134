import DoudiDomain
import Envelope
import Foundation
import HandlerKit
import Kafka
import TestSupport
import XCTest

/// The five department handlers as executables: each decides referrals at a rule boundary and
/// publishes `assistance.outcome.v1`; caps carry over between referrals through the case store.
final class HandlerDecisionTests: XCTestCase {
    func testEveryHandlerDecidesAtItsBoundaries() async throws {
        let h = try await LoopHarness.make("handlers")
        // Education gets a regional rules file: a higher boarding allowance in Shanxi (14).
        let rules = "\(h.dataDir)/education-rules.json"
        try #"{"regions": {"14": {"stages": {"primary": [{"program": "boarding_living_allowance", "kind": "grant", "amountFen": 150000}]}}}}"#
            .write(toFile: rules, atomically: true, encoding: .utf8)
        let handlers = try ["doudi-medical", "doudi-education", "doudi-housing", "doudi-employment", "doudi-disaster"].map {
            try h.start($0, extra: ["DOUDI_EDUCATION_RULES_FILE": rules])
        }
        defer { handlers.forEach { $0.terminate() } }
        let p = h.tag
        func person(_ domain: Domain, _ key: String, _ facts: [String: String]) -> Need {
            Fixture.need(domain, person: key, id: nil, facts: facts)
        }
        // Medical: dibao pays 70% from the first fen; the 60,000-yuan annual cap is reached over three claims.
        let medical = [("m1", "8000000"), ("m2", "1000000"), ("m3", "100000")].map { id, fen in
            Fixture.referral("\(p)-\(id)", domain: .medical, household: "\(p)-hm", needs: [person(.medical, "pk-m", ["outOfPocketFen": fen])])
        }
        // Caps follow the cases' order, not their arrival: c2 (sent 10 May) is read first and granted
        // in full; c1 (sent 9 May) comes after, takes the full amount, and c2 is decided again.
        let capOrder = [("c2", "2024-05-10"), ("c1", "2024-05-09")].map { id, sent in
            var r = Fixture.referral("\(p)-\(id)", domain: .medical, household: "\(p)-hc", needs: [person(.medical, "pk-c", ["outOfPocketFen": "8000000"])])
            r.sentAt = sent
            return r
        }
        let education = [
            Fixture.referral("\(p)-e1", domain: .education, household: "\(p)-he1", needs: [person(.education, "pk-e1", ["schoolStage": "primary"])]),
            Fixture.referral("\(p)-e2", domain: .education, household: "\(p)-he2", needs: [person(.education, "pk-e2", ["schoolStage": "primary"])],
                             region: "110101001"),
        ]
        // Housing: two members need 30 m²; 30 m² meets it, 29.5 m² is 0.5 m² short (20 yuan/m² a month).
        let housing = [("30", "h1"), ("29.5", "h2")].map { area, id in
            Fixture.referral("\(p)-\(id)", domain: .housing, household: "\(p)-\(id)",
                             needs: [Fixture.need(.housing, facts: ["householdSize": "2", "areaM2": area, "housingStatus": "renting"])])
        }
        // Employment: 59 is the last working age (an "older" job-seeker), 60 is past it.
        let employment = [("59", "j1"), ("60", "j2")].map { age, id in
            Fixture.referral("\(p)-\(id)", domain: .employment, household: "\(p)-\(id)",
                             needs: [person(.employment, "pk-\(id)", ["laborAbility": "full", "age": age])])
        }
        // Disaster: reconstruction for 3 persons (15,000 yuan) is limited by the assessed loss of 12,000.
        let disaster = [Fixture.referral("\(p)-d1", domain: .disaster, household: "\(p)-hd",
                                         needs: [Fixture.need(.disaster, facts: ["phase": "reconstruction", "affectedPersons": "3", "lossFen": "1200000"])],
                                         area: .rural)]
        for (domain, referrals) in [("medical", medical + capOrder), ("education", education), ("housing", housing),
                                    ("employment", employment), ("disaster", disaster)] {
            try await h.produce(try referrals.map { try Fixture.referralEvent($0) }, to: "referrals.\(domain)")
        }
        // Re-delivery of a referral under a new event id changes nothing.
        try await h.produce([try Fixture.event(medical[0], type: "referral.v1", id: "ev-again", key: medical[0].householdId,
                                               time: "2024-05-10T11:00:00.000Z")], to: "referrals.medical")

        let all = medical + capOrder + education + housing + employment + disaster
        let ids = Set(all.map { $0.referralId })
        let messages = try await h.readSettled(["assistance.outcomes"]) { m in
            Set(m.compactMap { $0.json["referralId"] as? String }).isSuperset(of: ids)
        }
        let outcomes = try messages.map { try $0.decode(Outcome.self) }.filter { ids.contains($0.referralId ?? "") }
        XCTAssertEqual(Set(messages.compactMap { $0.header("ce_id") }).count, messages.count, "no event twice")
        func decisions(_ r: Referral) -> [String] {
            outcomes.filter { $0.referralId == r.referralId && $0.status != OutcomeStatus.accepted }
                .map { "\($0.program) \($0.status.rawValue) \($0.amountFen.map(String.init) ?? "-")" }
        }
        for r in all {
            let accepted = outcomes.filter { $0.referralId == r.referralId && $0.status == OutcomeStatus.accepted }
            XCTAssertEqual(accepted.count, 1, "\(r.referralId): accepted once")
        }
        XCTAssertEqual(decisions(medical[0]), ["medical_assistance granted 5600000"])
        XCTAssertEqual(decisions(medical[1]), ["medical_assistance granted 400000"], "limited by the annual cap")
        XCTAssertEqual(decisions(medical[2]), ["medical_assistance denied -"], "cap reached")
        XCTAssertEqual(decisions(capOrder[1]), ["medical_assistance granted 5600000"], "the earlier case counts nothing read before it")
        XCTAssertEqual(decisions(capOrder[0]), ["medical_assistance granted 5600000", "medical_assistance granted 400000"],
                       "the later case decided again with what the earlier one paid")
        XCTAssertEqual(decisions(education[0]), ["boarding_living_allowance granted 150000"], "regional rules file")
        XCTAssertEqual(decisions(education[1]), ["boarding_living_allowance granted 100000"], "defaults elsewhere")
        XCTAssertEqual(decisions(housing[0]), ["rental_subsidy denied -"])
        XCTAssertEqual(decisions(housing[1]), ["rental_subsidy granted 1000"])
        XCTAssertEqual(decisions(employment[0]), ["public_welfare_job granted -", "social_insurance_subsidy granted 200000",
                                                  "training_subsidy granted 150000"])
        XCTAssertEqual(decisions(employment[1]), ["employment_assistance denied -"])
        XCTAssertEqual(decisions(disaster[0]), ["housing_reconstruction granted 1200000"])
        let first: KafkaMessage = try XCTUnwrap(messages.first { $0.json["outcomeId"] as? String == "out-\(p)-m1-2" })
        XCTAssertEqual(first.header("ce_id"), EventID.derived("assistance.outcome.v1", "out-\(p)-m1-2"), "id from the outcome id")
        XCTAssertEqual(first.header("ce_source"), "/doudi/medical")
        XCTAssertEqual(first.key.map { String(decoding: $0, as: UTF8.self) }, "\(p)-hm")

        // Case store: states, and the year-to-date amount the cap was measured against.
        let state: String? = try h.query("medical", "SELECT state FROM handler_cases WHERE referral_id = ?", ["\(p)-m3"])
        XCTAssertEqual(state, "denied")
        let paid: Int64? = try h.query("medical", "SELECT sum(paid_fen) FROM handler_paid_by_case WHERE year = 2024 AND recipient = 'pk-m'")
        XCTAssertEqual(paid, 6_000_000)

        // A withdrawn referral closes its case; its decision (already published) stands.
        var withdrawn = medical[0]
        withdrawn.status = .withdrawn
        try await h.produce([try Fixture.referralEvent(withdrawn, time: "2024-05-12T10:00:00.000Z")], to: "referrals.medical")
        let closed = try await eventually {
            try h.query("medical", "SELECT state FROM handler_cases WHERE referral_id = ?", ["\(p)-m1"]) as String? == "closed"
        }
        XCTAssertTrue(closed, handlers[0].log)
        let count: Int? = try h.query("medical", "SELECT count(*) FROM handler_outcomes WHERE referral_id = ?", ["\(p)-m1"])
        XCTAssertEqual(count, 2, "no closed outcome for a case already decided")
    }

    /// A rules file with a misspelt field stops the handler at start with a message naming it.
    func testInvalidRulesFileStopsTheStart() async throws {
        let dir = temporaryDirectory("bad-rules")
        let file = "\(dir)/housing.json"
        try #"{"default": {"rentalSubsidyPerM2Fenn": 3000}}"#.write(toFile: file, atomically: true, encoding: .utf8)
        let handler = try ServiceProcess("doudi-housing", environment: ["DOUDI_HOUSING_RULES_FILE": file, "DOUDI_DATA_DIR": dir],
                                         logName: "bad-rules-housing")
        let exited = try await eventually(timeout: .seconds(20)) { !handler.process.isRunning }
        XCTAssertTrue(exited)
        XCTAssertEqual(handler.process.terminationStatus, 78)
        XCTAssertTrue(handler.log.contains("unknown field default.rentalSubsidyPerM2Fenn"), handler.log)

        try #"{"regions": {"14": {"renovationGrantFen": {"C": "lots"}}}}"#.write(toFile: file, atomically: true, encoding: .utf8)
        let typed = try ServiceProcess("doudi-housing", environment: ["DOUDI_HOUSING_RULES_FILE": file, "DOUDI_DATA_DIR": dir],
                                       logName: "bad-rules-housing-2")
        let exited2 = try await eventually(timeout: .seconds(20)) { !typed.process.isRunning }
        XCTAssertTrue(exited2)
        XCTAssertEqual(typed.process.terminationStatus, 78)
        XCTAssertTrue(typed.log.contains("regions.14.renovationGrantFen.C: expected Int64"), typed.log)
    }

    /// Rules files may name regions by code only, and every code must be in the region directory.
    func testRulesFileRegionsMustBeInTheDirectory() throws {
        XCTAssertThrowsError(try RulesFile.parse(MedicalRules.self, Data(#"{"regions": {"140199": {}, "350427": {}}}"#.utf8), name: "rules.json")) {
            let text = "\($0)"
            XCTAssertTrue(text.contains("regions.140199: no division with this code in the region directory"), text)
            XCTAssertTrue(text.contains("nearest valid parent: 1401 山西省太原市"), text)
            XCTAssertTrue(text.contains("regions.350427: retired in 2021 (撤县设区, was 沙县); use 350405 三明市沙县区"), text)
        }
        XCTAssertThrowsError(try RulesFile.parse(MedicalRules.self, Data(#"{"regions": {"1401": {"annualCapFenn": 1}}}"#.utf8), name: "rules.json")) {
            XCTAssertTrue("\($0)".contains("unknown field regions.1401 (1401 山西省太原市).annualCapFenn"), "\($0)")
        }
        XCTAssertNoThrow(try RulesFile.parse(MedicalRules.self, Data(#"{"regions": {"14": {}, "140105": {}}}"#.utf8), name: "rules.json"))
    }
}
