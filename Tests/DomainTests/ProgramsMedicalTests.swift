import XCTest
@testable import DoudiDomain

/// Fixtures for the programme tests.
enum ProgramsFixture {
    static let day = CivilDate(year: 2024, month: 5, day: 10)!

    static func need(_ domain: Domain, person: String? = "pk-a", _ facts: [String: String]) -> Need {
        Need(domain: domain, personKey: person, reason: "r", clause: "§4.2", name: "N", idNumber: nil, facts: facts)
    }

    static func referral(_ domain: Domain, _ needs: [Need], area: Area? = .urban, category: Category? = .dibao,
                         disposal: Disposal = .notCovered, region: String = "140105001") -> Referral {
        Referral(referralId: "ref-w1-\(domain.rawValue)", warningId: "w1", householdId: "hh-1", domain: domain,
                 regionCode: region, area: area, disposal: disposal, level: .orange, category: category,
                 needs: needs, dueBy: "2024-05-17", sentAt: "2024-05-10")
    }

    /// The decisions after the leading `accepted` outcome.
    static func decisions(_ outcomes: [Outcome]) -> [Outcome] { Array(outcomes.dropFirst()) }
}

final class ProgramsMedicalTests: XCTestCase {
    let medical = MedicalProgramme()
    let cap = MedicalRules().annualCapFen

    func pay(_ oop: Int64, category: Category = .dibao, paid: Int64 = 0, facts: [String: String] = [:]) -> Outcome {
        let need = ProgramsFixture.need(.medical, facts.merging(["outOfPocketFen": String(oop)]) { a, _ in a })
        let out = medical.decide(referral: ProgramsFixture.referral(.medical, [need], category: category),
                                 history: ["pk-a": paid], on: ProgramsFixture.day)
        XCTAssertEqual(out.count, 2)
        return out[1]
    }

    func testOutcomeShape() {
        let need = ProgramsFixture.need(.medical, ["outOfPocketFen": "1000"])
        let out = medical.decide(referral: ProgramsFixture.referral(.medical, [need, need]), history: [:], on: ProgramsFixture.day)
        XCTAssertEqual(out.map(\.outcomeId), ["out-ref-w1-medical-1", "out-ref-w1-medical-2", "out-ref-w1-medical-3"])
        XCTAssertEqual(out.map(\.status), [.accepted, .granted, .granted])
        XCTAssertEqual(out[0].program, "medical_assistance")
        XCTAssertNil(out[0].personKey)
        XCTAssertEqual(out[1].personKey, "pk-a")
        XCTAssertTrue(out.allSatisfy { $0.referralId == "ref-w1-medical" && $0.warningId == "w1" && $0.decidedAt == "2024-05-10" })
        XCTAssertEqual(out, medical.decide(referral: ProgramsFixture.referral(.medical, [need, need]), history: [:], on: ProgramsFixture.day))
    }

    func testSharesByCategoryRoundDown() {
        XCTAssertEqual(pay(100_001, category: .tekun).amountFen, 100_001)
        XCTAssertEqual(pay(333, category: .dibao).amountFen, 233)              // 233.1
        XCTAssertEqual(pay(50_000 + 999, category: .dibaoEdge).amountFen, 599) // 599.4 after the deductible
        XCTAssertEqual(pay(50_000 + 999, category: .atRisk).amountFen, 499)
        XCTAssertEqual(pay(50_000 + 999, category: .expenditureHardship).amountFen, 499)
        XCTAssertEqual(pay(50_000 + 999, category: .otherLowIncome).amountFen, 499)
        XCTAssertEqual(pay(100_000, category: .notLowIncome).status, .denied)
    }

    func testDeductibleBoundary() {
        XCTAssertEqual(pay(49_999, category: .dibaoEdge).status, .denied)
        XCTAssertEqual(pay(50_000, category: .dibaoEdge).status, .denied)
        XCTAssertEqual(pay(50_001, category: .dibaoEdge).status, .denied, "60% of 1 fen rounds to nothing")
        XCTAssertEqual(pay(50_002, category: .dibaoEdge).amountFen, 1)
        // Deductible-free for tekun and dibao: the first fen counts.
        XCTAssertEqual(pay(1, category: .tekun).amountFen, 1)
        XCTAssertEqual(pay(2, category: .dibao).amountFen, 1)
    }

    func testAnnualCapBoundary() {
        XCTAssertEqual(pay(1_000, category: .tekun, paid: cap - 1_001).amountFen, 1_000, "ends one fen below the cap")
        XCTAssertEqual(pay(1_000, category: .tekun, paid: cap - 1_000).amountFen, 1_000, "ends exactly at the cap")
        XCTAssertEqual(pay(1_000, category: .tekun, paid: cap - 999).amountFen, 999, "would pass the cap by one fen")
        XCTAssertEqual(pay(1_000, category: .tekun, paid: cap - 1).amountFen, 1)
        XCTAssertEqual(pay(1_000, category: .tekun, paid: cap).status, .denied)
        XCTAssertEqual(pay(1_000, category: .tekun, paid: cap + 1).status, .denied)
    }

    func testCapCountsWhatThisReferralGrants() {
        let need = ProgramsFixture.need(.medical, ["outOfPocketFen": "4000000"])
        let out = medical.decide(referral: ProgramsFixture.referral(.medical, [need, need], category: .tekun),
                                 history: [:], on: ProgramsFixture.day)
        XCTAssertEqual(out.compactMap(\.amountFen), [4_000_000, cap - 4_000_000])
    }

    func testOutOfPocketSources() {
        let derived = ProgramsFixture.need(.medical, ["medicalFen": "300000", "insuranceReimbursedFen": "200000"])
        let none = ProgramsFixture.need(.medical, ["illness": "flu"])
        let out = ProgramsFixture.decisions(medical.decide(referral: ProgramsFixture.referral(.medical, [derived, none], category: .tekun),
                                                           history: [:], on: ProgramsFixture.day))
        XCTAssertEqual(out.map(\.status), [.granted, .denied])
        XCTAssertEqual(out[0].amountFen, 100_000)
    }

    func testPersonsOwnCategoryWins() {
        // A single-person-dibao member of an edge household: dibao share, no deductible.
        XCTAssertEqual(pay(10_000, category: .dibaoEdge, facts: ["category": "dibao"]).amountFen, 7_000)
    }

    func testNoLongerEligibleClosesAndOtherDomainsAreIgnored() {
        let need = ProgramsFixture.need(.medical, ["outOfPocketFen": "1000"])
        let closing = medical.decide(referral: ProgramsFixture.referral(.medical, [need], disposal: .noLongerEligible),
                                     history: [:], on: ProgramsFixture.day)
        XCTAssertEqual(closing.map(\.status), [.accepted, .closed])
        XCTAssertTrue(medical.decide(referral: ProgramsFixture.referral(.education, [need]), history: [:], on: ProgramsFixture.day).isEmpty)
    }

    func testRegionalRulesLongestPrefixWins() {
        var province = MedicalRules(); province.annualCapFen = 500
        var county = MedicalRules(); county.annualCapFen = 700
        let p = MedicalProgramme(rules: RegionalRules(regions: ["14": province, "140105": county]))
        let need = ProgramsFixture.need(.medical, ["outOfPocketFen": "1000"])
        func amount(_ region: String) -> Int64? {
            p.decide(referral: ProgramsFixture.referral(.medical, [need], category: .tekun, region: region),
                     history: [:], on: ProgramsFixture.day)[1].amountFen
        }
        XCTAssertEqual(amount("140105001"), 700)
        XCTAssertEqual(amount("140106001"), 500)
        XCTAssertEqual(amount("110101001"), 1000)
    }
}
