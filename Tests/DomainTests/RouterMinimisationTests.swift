import Foundation
import XCTest
@testable import DoudiDomain

/// Data minimisation (EVENTS.md `referral.v1`): a department sees only the members concerned
/// and only the facts it needs. `leaks(in:)` lists every violation, and is itself tested below
/// so that it cannot silently pass.
final class RouterMinimisationTests: XCTestCase {
    struct Person { let key, name, id: String }
    let a = Person(key: "pk-a", name: "Zhang San", id: "110101199003071234")
    let b = Person(key: "pk-b", name: "Li Si", id: "11010120100508234X")
    let c = Person(key: "pk-c", name: "Zhang Lao", id: "110101194501011235")
    var people: [Person] { [a, b, c] }

    /// A sloppy classifier's warning: every need carries far more than its department needs.
    func household(disposal: Disposal = .notCovered) -> Warning {
        let everything: [String: String] = [
            "spouseIdNumber": b.id, "spouseName": b.name, "depositsFen": "5000000", "wagesFen": "3600000",
            "householdIncomeFen": "8000000", "phone": "13800138000", "vehiclePlate": "晋A12345",
        ]
        func need(_ domain: Domain, _ p: Person, _ facts: [String: String]) -> Need {
            Need(domain: domain, personKey: p.key, reason: "r", clause: "§4.2", name: p.name, idNumber: p.id,
                 facts: everything.merging(facts) { _, new in new })
        }
        return RouterFixture.warning([
            need(.medical, a, ["outOfPocketFen": "120000", "illness": "uremia", "category": "dibao"]),
            need(.education, b, ["schoolStage": "primary", "school": "No. 3 school, guardian id \(a.id)"]),
            need(.services, c, ["careNeed": "daily_care", "age": "79"]),
            need(.employment, a, ["laborAbility": "partial", "age": "34"]),
            need(.basicLiving, c, ["perCapitaMonthlyFen": "45000", "category": "tekun"]),
        ], disposal: disposal)
    }

    /// Every way `referral` says more than it should.
    func leaks(in referral: Referral, whitelist: FactWhitelist = .standard) -> [String] {
        var found: [String] = []
        let concerned = Set(referral.needs.compactMap(\.personKey))
        for need in referral.needs {
            if referral.domain != .coordination && need.domain != referral.domain { found.append("need of \(need.domain)") }
            for key in need.facts.keys where !whitelist.allowed(need: need.domain, sentTo: referral.domain).contains(key) {
                found.append("fact \(key)")
            }
            if let p = people.first(where: { $0.key == need.personKey }), need.idNumber != p.id || need.name != p.name {
                found.append("identity of \(need.personKey ?? "?") is not their own")
            }
        }
        let json = String(decoding: try! JSONEncoder().encode(referral), as: UTF8.self)
        for p in people where !concerned.contains(p.key) {
            if json.contains(p.id) { found.append("id number of \(p.key)") }
            if json.contains(p.name) { found.append("name of \(p.key)") }
        }
        for secret in ["5000000", "3600000", "8000000", "13800138000", "晋A12345"] where json.contains(secret) {
            found.append("household detail \(secret)")
        }
        return found
    }

    func testNoReferralCarriesMoreThanItsDepartmentNeeds() {
        for disposal in Disposal.allCases {
            let refs = ReferralPlanner().referrals(for: household(disposal: disposal))
            XCTAssertFalse(refs.isEmpty)
            for r in refs { XCTAssertEqual(leaks(in: r), [], "\(disposal) \(r.domain)") }
        }
    }

    func testEachDepartmentKeepsTheFactsItNeeds() {
        let refs = ReferralPlanner().referrals(for: household())
        let byDomain = Dictionary(uniqueKeysWithValues: refs.map { ($0.domain, $0) })
        XCTAssertEqual(byDomain[.medical]?.needs.first?.facts, ["outOfPocketFen": "120000", "illness": "uremia", "category": "dibao"])
        XCTAssertEqual(byDomain[.medical]?.needs.first?.idNumber, a.id)
        XCTAssertEqual(byDomain[.employment]?.needs.first?.facts, ["laborAbility": "partial", "age": "34"])
        XCTAssertEqual(byDomain[.services]?.needs.first?.facts, ["careNeed": "daily_care", "age": "79"])
        XCTAssertEqual(byDomain[.basicLiving]?.needs.first?.facts, ["perCapitaMonthlyFen": "45000", "category": "tekun"])
        // The school fact smuggled the guardian's identity number: dropped, and the stage kept.
        XCTAssertEqual(byDomain[.education]?.needs.first?.facts, ["schoolStage": "primary"])
    }

    func testCoordinationSeesEachNeedsOwnFactsOnly() {
        let refs = ReferralPlanner().referrals(for: household(disposal: .specialHardship))
        XCTAssertEqual(refs.map(\.domain), [.coordination])
        let medical = refs[0].needs.first { $0.domain == .medical }
        XCTAssertEqual(medical?.facts, ["outOfPocketFen": "120000", "illness": "uremia", "category": "dibao"])
        let services = refs[0].needs.first { $0.domain == .services }
        XCTAssertEqual(services?.facts, ["careNeed": "daily_care", "age": "79"])
    }

    /// The checker bites: an unminimised referral is reported on every count.
    func testTheCheckerCatchesLeaks() {
        let w = household()
        let raw = Referral(referralId: "ref-x", warningId: "w1", householdId: "hh-1", domain: .medical, regionCode: "1401",
                           area: .urban, disposal: .notCovered, level: .red, category: .dibao,
                           needs: w.needs.filter { $0.domain == .medical }, dueBy: "2024-03-04", sentAt: "2024-03-01")
        let found = leaks(in: raw)
        XCTAssertTrue(found.contains("fact spouseIdNumber"))
        XCTAssertTrue(found.contains("id number of pk-b"))
        XCTAssertTrue(found.contains("household detail 5000000"))
        var mixed = raw
        mixed.needs = w.needs.filter { $0.domain == .medical || $0.domain == .education }.map {
            FactWhitelist.standard.minimise($0, sentTo: .medical)
        }
        XCTAssertTrue(leaks(in: mixed).contains("need of education"))
    }

    func testIdentityNumberScan() {
        XCTAssertTrue(IdentityNumberScan.contains("110101199003071234"))
        XCTAssertTrue(IdentityNumberScan.contains("id: 11010120100508234X."))
        XCTAssertFalse(IdentityNumberScan.contains("11010120100508234"), "17 digits")
        XCTAssertFalse(IdentityNumberScan.contains("1101012010 0508234X"))
        XCTAssertFalse(IdentityNumberScan.contains("120000"))
    }
}
