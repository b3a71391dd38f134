import XCTest
@testable import DoudiDomain

/// Fixtures for the router tests (prefixed to stay clear of other suites in this target).
enum RouterFixture {
    static let day = CivilDate(year: 2024, month: 3, day: 1)!

    static func need(_ domain: Domain, person: String? = "pk-a", facts: [String: String] = [:]) -> Need {
        Need(domain: domain, personKey: person, reason: "need in \(domain.rawValue)", clause: "§4.2",
             name: person.map { "Name \($0)" }, idNumber: person == nil ? nil : "110101199003071234", facts: facts)
    }

    static func warning(_ needs: [Need], id: String = "w1", disposal: Disposal = .notCovered, level: WarningLevel = .orange,
                        status: WarningStatus = .open) -> Warning {
        Warning(warningId: id, householdId: "hh-1", regionCode: "140105001", area: .urban, disposal: disposal, level: level,
                category: .dibao, needs: needs, reasons: [], status: status, openedAt: "2024-03-01")
    }
}

final class RouterPlannerTests: XCTestCase {
    let planner = ReferralPlanner()

    func testEveryDomainGetsItsOwnReferral() {
        let w = RouterFixture.warning(Domain.allCases.map { RouterFixture.need($0) })
        let refs = planner.referrals(for: w)
        XCTAssertEqual(refs.map(\.domain), Domain.allCases)
        for r in refs {
            XCTAssertEqual(r.referralId, "ref-w1-\(r.domain.rawValue)")
            XCTAssertEqual(r.needs.map(\.domain), [r.domain])
            XCTAssertEqual(r.status, .sent)
            XCTAssertEqual(r.householdId, "hh-1")
            XCTAssertEqual(r.regionCode, "140105001")
            XCTAssertEqual(r.sentAt, "2024-03-01")
        }
        XCTAssertEqual(refs.first?.domain.referralTopic, "referrals.basic-living")
    }

    func testNeedsOfOneDomainShareOneReferral() {
        let w = RouterFixture.warning([RouterFixture.need(.medical, person: "pk-a"), RouterFixture.need(.medical, person: "pk-b"),
                                       RouterFixture.need(.education, person: "pk-c")])
        let refs = planner.referrals(for: w)
        XCTAssertEqual(refs.map(\.domain), [.medical, .education])
        XCTAssertEqual(refs[0].needs.compactMap(\.personKey), ["pk-a", "pk-b"])
    }

    func testEveryDisposal() {
        let needs = [RouterFixture.need(.medical), RouterFixture.need(.housing)]
        for disposal in Disposal.allCases {
            let refs = planner.referrals(for: RouterFixture.warning(needs, disposal: disposal))
            XCTAssertTrue(refs.allSatisfy { $0.disposal == disposal }, "\(disposal)")
            if disposal == .specialHardship {
                // No policy covers it: the county coordination mechanism studies the whole case (§3.4).
                XCTAssertEqual(refs.map(\.domain), [.coordination])
                XCTAssertEqual(refs[0].needs.map(\.domain), [.medical, .housing])
                XCTAssertEqual(refs[0].referralId, "ref-w1-coordination")
            } else {
                XCTAssertEqual(refs.map(\.domain), [.medical, .housing], "\(disposal)")
            }
        }
    }

    func testDueByFollowsTheLevel() {
        for (level, due) in [(WarningLevel.red, "2024-03-04"), (.orange, "2024-03-08"), (.yellow, "2024-03-16")] {
            let w = RouterFixture.warning([RouterFixture.need(.medical)], level: level)
            XCTAssertEqual(planner.referrals(for: w).first?.dueBy, due)
            XCTAssertEqual(planner.referrals(for: w).first?.level, level)
        }
    }

    func testPlanningIsDeterministic() {
        let w = RouterFixture.warning(Domain.allCases.map { RouterFixture.need($0) })
        XCTAssertEqual(planner.referrals(for: w), planner.referrals(for: w))
    }

    func testRedeliveryNeverPlansASecondReferral() {
        var ledger = ReferralLedger()
        let w = RouterFixture.warning([RouterFixture.need(.medical), RouterFixture.need(.education)])
        let first = planner.plan(w, ledger: ledger)
        XCTAssertEqual(first.send.count, 2)
        ledger.apply(first)
        XCTAssertTrue(planner.plan(w, ledger: ledger).isEmpty)
        // A later delivery that adds a domain plans only the new one.
        let grown = RouterFixture.warning([RouterFixture.need(.medical), RouterFixture.need(.education), RouterFixture.need(.housing)])
        XCTAssertEqual(planner.plan(grown, ledger: ledger).send.map(\.domain), [.housing])
        // Withdrawn, then delivered open again (a correction showed the warning holds after all):
        // the same referral is sent again, under the same id, and the department decides it again.
        ledger.withdraw("ref-w1-medical")
        XCTAssertEqual(planner.plan(w, ledger: ledger).send.map(\.referralId), ["ref-w1-medical"])
        // Content that changed (another state of the warning) is an amendment: a higher revision.
        var changed = w
        changed.level = .red
        let amended = planner.plan(changed, ledger: ledger).send
        XCTAssertEqual(amended.first { $0.domain == .education }?.revision, 1)
    }

    func testResolvedWarningWithdrawsOnlyOpenReferrals() {
        var ledger = ReferralLedger()
        let open = RouterFixture.warning([RouterFixture.need(.medical), RouterFixture.need(.education), RouterFixture.need(.housing)])
        ledger.apply(planner.plan(open, ledger: ledger))
        ledger.decide("ref-w1-education")
        ledger.accept("ref-w1-housing")
        var resolved = open
        resolved.status = .resolved
        XCTAssertTrue(planner.referrals(for: resolved).isEmpty)
        let plan = planner.plan(resolved, ledger: ledger)
        XCTAssertTrue(plan.send.isEmpty)
        XCTAssertEqual(plan.withdraw.map(\.referralId), ["ref-w1-housing", "ref-w1-medical"])
        XCTAssertTrue(plan.withdraw.allSatisfy { $0.status == .withdrawn })
        ledger.apply(plan)
        XCTAssertEqual(ledger.state(of: "ref-w1-medical"), .withdrawn)
        XCTAssertEqual(ledger.state(of: "ref-w1-education"), .decided)
        XCTAssertTrue(planner.plan(resolved, ledger: ledger).isEmpty, "withdrawn once")
    }

    func testOtherWarningsAreUntouchedByAResolution() {
        var ledger = ReferralLedger()
        ledger.apply(planner.plan(RouterFixture.warning([RouterFixture.need(.medical)], id: "w1"), ledger: ledger))
        ledger.apply(planner.plan(RouterFixture.warning([RouterFixture.need(.medical)], id: "w2"), ledger: ledger))
        let plan = planner.plan(RouterFixture.warning([], id: "w2", status: .resolved), ledger: ledger)
        XCTAssertEqual(plan.withdraw.map(\.referralId), ["ref-w2-medical"])
    }

    func testWarningWithoutNeedsPlansNothing() {
        XCTAssertTrue(planner.referrals(for: RouterFixture.warning([])).isEmpty)
    }
}
