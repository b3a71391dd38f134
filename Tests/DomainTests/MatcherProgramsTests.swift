import XCTest
@testable import DoudiDomain

final class MatcherProgramsTests: XCTestCase {
    typealias F = MatcherFixtures

    func outcome(_ id: String, _ status: OutcomeStatus, amount: Int64? = 60_000, decidedAt: String = "2024-04-02T15:00:00+08:00",
                 household: String = "hh-1") -> Outcome {
        Outcome(outcomeId: id, referralId: "ref-1", householdId: household, domain: .basicLiving, program: "dibao", status: status,
                amountFen: amount, personKey: F.key("A"), decidedAt: decidedAt, reason: "r")
    }

    func testGrantedAddsThenUpdatesAndClosedRemoves() {
        var registry = InMemoryRegistry(profiles: [F.profile("hh-1", members: ["A"])])
        let granted = ProgramsLedger.apply(outcome: outcome("o1", .granted), reader: registry)
        XCTAssertEqual(granted.profiles.map(\.version), [2])
        XCTAssertEqual(granted.profiles[0].programs,
                       [Program(domain: .basicLiving, program: "dibao", personKey: F.key("A"), amountFen: 60_000, since: "2024-04-02")])
        XCTAssertEqual(granted.profiles[0].asOf, "2024-01-01T10:00:00+08:00",
                       "a programme is no dated fact of the household: the latest point is published again with it")
        registry.commit(granted)

        XCTAssertTrue(ProgramsLedger.apply(outcome: outcome("o1", .granted), reader: registry).isEmpty, "replay")
        let raised = ProgramsLedger.apply(outcome: outcome("o2", .granted, amount: 70_000, decidedAt: "2024-05-01"), reader: registry)
        XCTAssertEqual(raised.profiles[0].programs.map(\.amountFen), [70_000])
        XCTAssertEqual(raised.profiles[0].programs.map(\.since), ["2024-04-02"], "since is when it started")
        registry.commit(raised)

        let closed = ProgramsLedger.apply(outcome: outcome("o3", .closed), reader: registry)
        XCTAssertEqual(closed.profiles.map(\.version), [4])
        XCTAssertEqual(closed.profiles[0].programs, [])
    }

    /// §2.1.4: a version that only records a grant keeps the income before the latest change, so
    /// the sharp drop seen in the version before is still seen.
    func testVersionThatLeavesIncomeKeepsThePreviousIncome() {
        var p = F.profile("hh-1", members: ["A"])
        p.income = Income(wagesFen: 12_000)
        p.previousPerCapitaMonthlyFen = 5_000
        let granted = ProgramsLedger.apply(outcome: outcome("o1", .granted), reader: InMemoryRegistry(profiles: [p]))
        XCTAssertEqual(granted.profiles.first?.previousPerCapitaMonthlyFen, 5_000)
    }

    /// Programmes held: per decision (referral) a grant; a withdrawal takes back only its own.
    func testHoldingsKeepEachDecisionsGrantApart() {
        var held = ProgramHoldings()
        XCTAssertFalse(held.apply(outcome("o0", .accepted)))
        XCTAssertFalse(held.apply(outcome("o0", .denied)))
        var first = outcome("o1", .granted); first.referralId = "ref-1"
        XCTAssertTrue(held.apply(first))
        XCTAssertEqual(held.programs, [Program(domain: .basicLiving, program: "dibao", personKey: F.key("A"), amountFen: 60_000, since: "2024-04-02")])
        var raised = outcome("o2", .granted, amount: 70_000, decidedAt: "2024-06-01"); raised.referralId = "ref-1"
        held.apply(raised)
        XCTAssertEqual(held.programs.map(\.amountFen), [70_000])
        XCTAssertEqual(held.programs.map(\.since), ["2024-04-02"], "since is when this decision first granted it")

        // A second referral grants the same programme; withdrawing the first decision leaves it held.
        var other = outcome("o3", .granted, decidedAt: "2024-07-01"); other.referralId = "ref-2"
        held.apply(other)
        var superseded = outcome("o4", .withdrawn); superseded.referralId = "ref-1"
        held.apply(superseded)
        XCTAssertEqual(held.programs.map(\.since), ["2024-07-01"])
        // In the other order, the same.
        var reversed = ProgramHoldings()
        for o in [first, raised, superseded, other] { reversed.apply(o) }
        XCTAssertEqual(reversed, held)
        // An exit (closed) ends the programme whatever granted it.
        held.apply(outcome("o5", .closed))
        XCTAssertEqual(held.programs, [])
    }

    func testWithdrawnRemovesAndAcceptedOrDeniedChangeNothing() {
        var registry = InMemoryRegistry(profiles: [F.profile("hh-1", members: ["A"], flags: ["edge_at_risk"])])
        registry.commit(ProgramsLedger.apply(outcome: outcome("o0", .granted), reader: registry))
        XCTAssertEqual(registry.profile(householdId: "hh-1")?.programs.count, 1)
        let withdrawn = ProgramsLedger.apply(outcome: outcome("o1", .withdrawn), reader: registry)
        XCTAssertEqual(withdrawn.profiles[0].programs, [])
        XCTAssertEqual(withdrawn.profiles[0].flags, ["edge_at_risk"])
        for status in [OutcomeStatus.accepted, .denied] {
            XCTAssertTrue(ProgramsLedger.apply(outcome: outcome("o2", status), reader: registry).isEmpty, "\(status)")
        }
    }

    func testOutcomeForUnknownHouseholdIsNoted() {
        let change = ProgramsLedger.apply(outcome: outcome("o1", .granted, household: "hh-missing"), reader: InMemoryRegistry())
        XCTAssertTrue(change.isEmpty)
        XCTAssertEqual(change.notes.map(\.code), [.unknownHousehold])
    }

    /// A reader that fails, as a store may: the error reaches the caller unchanged.
    struct FailingReader: RegistryReader {
        struct Busy: Error {}
        func householdId(forPersonKey personKey: String) throws(Busy) -> String? { throw Busy() }
        func profile(householdId: String) throws(Busy) -> HouseholdProfile? { throw Busy() }
        func base(householdId: String) throws(Busy) -> HouseholdProfile? { throw Busy() }
        func submissions(householdId: String) throws(Busy) -> [Submission] { throw Busy() }
        func claims(personKey: String) throws(Busy) -> [MembershipClaim] { throw Busy() }
        func records(personKey: String) throws(Busy) -> [PersonRecord] { throw Busy() }
        func published(householdId: String) throws(Busy) -> PublishedTimeline { throw Busy() }
        func holdings(householdId: String) throws(Busy) -> ProgramHoldings { throw Busy() }
    }

    func testReaderErrorsPropagate() {
        XCTAssertThrowsError(try ProgramsLedger.apply(outcome: outcome("o1", .granted), reader: FailingReader()))
        XCTAssertThrowsError(try HouseholdMerger.apply(accepted: F.submission("s", applicant: "A", members: ["A"], collectedAt: "2024-01-01"),
                                                       reader: FailingReader()))
    }
}
