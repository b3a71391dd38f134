import XCTest
@testable import DoudiDomain

final class MatcherProgramsTests: XCTestCase {
    typealias F = MatcherFixtures

    func outcome(_ id: String, _ status: OutcomeStatus, amount: Int64? = 60_000, decidedAt: String = "2024-04-02T15:00:00+08:00",
                 household: String = "hh-1") -> Outcome {
        Outcome(outcomeId: id, householdId: household, domain: .basicLiving, program: "dibao", status: status,
                amountFen: amount, personKey: F.key("A"), decidedAt: decidedAt, reason: "r")
    }

    func testGrantedAddsThenUpdatesAndClosedRemoves() {
        var registry = InMemoryRegistry(profiles: [F.profile("hh-1", members: ["A"])])
        let granted = ProgramsLedger.apply(outcome: outcome("o1", .granted), reader: registry)
        XCTAssertEqual(granted.profiles.map(\.version), [2])
        XCTAssertEqual(granted.profiles[0].programs,
                       [Program(domain: .basicLiving, program: "dibao", personKey: F.key("A"), amountFen: 60_000, since: "2024-04-02")])
        XCTAssertEqual(granted.profiles[0].updatedAt, "2024-04-02T15:00:00+08:00")
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

    /// What outcomes said of a programme wins over the registry's copy, whichever came first.
    func testHeldProgramsFromOutcomesWinOverTheRegistry() {
        let dibao = Program(domain: .basicLiving, program: "dibao", personKey: F.key("A"), amountFen: 50_000, since: "2024-01-01")
        let key = ProgramKey(dibao)
        XCTAssertNil(HeldPrograms.holding(after: outcome("o0", .accepted), previous: nil))
        XCTAssertNil(HeldPrograms.holding(after: outcome("o0", .denied), previous: nil))
        let held = HeldPrograms.holding(after: outcome("o1", .granted), previous: nil)
        XCTAssertEqual(held, .held(Program(domain: .basicLiving, program: "dibao", personKey: F.key("A"), amountFen: 60_000, since: "2024-04-02")))
        let raised = HeldPrograms.holding(after: outcome("o2", .granted, amount: 70_000, decidedAt: "2024-06-01"), previous: held)
        XCTAssertEqual(raised, .held(Program(domain: .basicLiving, program: "dibao", personKey: F.key("A"), amountFen: 70_000, since: "2024-04-02")))
        XCTAssertEqual(HeldPrograms.holding(after: outcome("o3", .closed), previous: raised), .ended)

        // Registry behind a grant: the grant counts. Registry ahead of a closure read: the closure counts.
        XCTAssertEqual(HeldPrograms.effective(registry: [], holdings: [key: held!]).map(\.amountFen), [60_000])
        XCTAssertEqual(HeldPrograms.effective(registry: [dibao], holdings: [key: .ended]), [])
        XCTAssertEqual(HeldPrograms.effective(registry: [dibao], holdings: [key: raised!]).map(\.since), ["2024-01-01"],
                       "the registry's date of the first grant is kept")
        let other = Program(domain: .education, program: "grant", personKey: F.key("B"), since: "2024-02-01")
        XCTAssertEqual(HeldPrograms.effective(registry: [other, dibao], holdings: [:]), [dibao, other], "sorted by key")
    }

    func testWithdrawnRemovesAndAcceptedOrDeniedChangeNothing() {
        let program = Program(domain: .basicLiving, program: "dibao", personKey: F.key("A"), amountFen: 60_000, since: "2024-01-01")
        let registry = InMemoryRegistry(profiles: [F.profile("hh-1", members: ["A"], programs: [program], flags: ["edge_at_risk"])])
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
    }

    func testReaderErrorsPropagate() {
        XCTAssertThrowsError(try ProgramsLedger.apply(outcome: outcome("o1", .granted), reader: FailingReader()))
        XCTAssertThrowsError(try HouseholdMerger.apply(accepted: F.submission("s", applicant: "A", members: ["A"], collectedAt: "2024-01-01"),
                                                       reader: FailingReader(), now: F.now))
    }
}
