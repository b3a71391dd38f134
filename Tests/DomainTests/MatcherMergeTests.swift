import XCTest
@testable import DoudiDomain

final class MatcherMergeTests: XCTestCase {
    typealias F = MatcherFixtures
    let jan = "2024-01-10T09:00:00+08:00", mar = "2024-03-10T09:00:00+08:00", may = "2024-05-10T09:00:00+08:00"

    func testNewHouseholdHasDeterministicIdVersionOneAndMemberships() {
        let change = HouseholdMerger.apply(accepted: F.submission("s1", applicant: "A", members: ["A", "B"], collectedAt: jan),
                                           reader: InMemoryRegistry())
        let id = F.householdId(forApplicant: "A")
        XCTAssertEqual(change.profiles.map(\.householdId), [id])
        let profile = change.profiles[0]
        XCTAssertEqual(profile.version, 1)
        XCTAssertEqual(profile.updatedAt, jan, "a version describes the household as of its facts' time")
        XCTAssertEqual(profile.asOf, jan)
        XCTAssertNil(profile.previousPerCapitaMonthlyFen)
        XCTAssertEqual(profile.sourceSubmissions, ["s1"])
        XCTAssertEqual(profile.fieldGroupSources?["income"], FieldGroupSource(collectedAt: jan, source: "s1"))
        XCTAssertEqual(change.memberships, [.set(personKey: F.key("A"), householdId: id), .set(personKey: F.key("B"), householdId: id)])
        XCTAssertTrue(change.signals.isEmpty)
    }

    func testTakenIdFallsBackToLongerDerivedId() {
        var registry = InMemoryRegistry(profiles: [F.profile(F.householdId(forApplicant: "A"), members: [])])
        let change = F.replay([F.submission("s1", applicant: "A", members: ["A"], collectedAt: jan)], into: &registry)[0]
        XCTAssertEqual(change.profiles.map(\.householdId), [F.householdId(forApplicant: "A") + "-2"])
    }

    func testReplayedSubmissionChangesNothing() {
        var registry = InMemoryRegistry()
        let s1 = F.submission("s1", applicant: "A", members: ["A", "B"], collectedAt: mar, wagesFen: 100)
        let s0 = F.submission("s0", applicant: "A", members: ["A", "B"], collectedAt: jan, wagesFen: 50)
        _ = F.replay([s1, s0], into: &registry)
        for submission in [s1, s0] {
            let change = HouseholdMerger.apply(accepted: submission, reader: registry)
            XCTAssertTrue(change.isEmpty)
            XCTAssertEqual(change.notes.map(\.code), [.alreadyApplied])
        }
    }

    func testReplayFromEmptyRebuildsTheSameRegistry() {
        let inputs = [F.submission("s1", applicant: "A", members: ["A", "B"], collectedAt: jan),
                      F.submission("s2", applicant: "C", members: ["C"], collectedAt: jan),
                      F.submission("s3", applicant: "C", members: ["C", "B"], collectedAt: mar, wagesFen: 9),
                      F.submission("s4", applicant: "A", members: ["A"], collectedAt: jan, wagesFen: 7)]
        var first = InMemoryRegistry(), second = InMemoryRegistry()
        XCTAssertEqual(F.replay(inputs, into: &first), F.replay(inputs, into: &second))
        XCTAssertEqual(first, second)
    }

    func testSubmissionsFromDifferentChannelsMergeIntoOneHousehold() {
        var registry = InMemoryRegistry()
        let visit = F.submission("visit", channel: .homeVisit, applicant: "A", members: ["A", "B"], collectedAt: jan, wagesFen: 100)
        let declared = F.submission("self", channel: .selfDeclared, applicant: "B", members: ["B", "A"], collectedAt: mar, wagesFen: 80)
        let change = F.replay([visit, declared], into: &registry)[1]
        let id = F.householdId(forApplicant: "A")
        XCTAssertEqual(Set(change.profiles.map(\.householdId)), [id])
        XCTAssertEqual(registry.profiles.count, 1)
        let profile = try! XCTUnwrap(change.profile(id))
        XCTAssertEqual(profile.version, 2)
        XCTAssertEqual(profile.income.wagesFen, 100, "a self-declaration never overwrites what a home visit verified (RULES.md Trust)")
        XCTAssertEqual(profile.unverifiedClaims, [UnverifiedClaim(source: "self", channel: .selfDeclared, collectedAt: mar,
                                                                  fieldGroups: ["income", "members"])],
                       "the income, and the members as the declaration lists them (B as the applicant)")
        XCTAssertEqual(Set(profile.channels), [.homeVisit, .selfDeclared])
        XCTAssertEqual(profile.sourceSubmissions, ["self", "visit"])
        XCTAssertTrue(change.memberships.isEmpty, "the same people: memberships unchanged")
        XCTAssertEqual(profile.conflicts, [Conflict(fieldGroup: "income", kept: "visit", discarded: "self", rule: "verified_source_wins"),
                                           Conflict(fieldGroup: "members", kept: "visit", discarded: "self", rule: "verified_source_wins")])
    }

    func testAnUnverifiedClaimNeverMovesRegionChangesPeopleOrRaisesIncomeOfAVerifiedHousehold() {
        var registry = InMemoryRegistry()
        let visit = F.submission("visit", channel: .homeVisit, applicant: "A", members: ["A", "B"], collectedAt: jan, wagesFen: 1_000)
        let claim = F.submission("claim", channel: .selfDeclared, applicant: "A", members: ["A", "X"], collectedAt: may,
                                 wagesFen: 50_000_000, regionCode: "440305001")
        let change = F.replay([visit, claim], into: &registry)[1]
        let profile = try! XCTUnwrap(change.profile(F.householdId(forApplicant: "A")))
        XCTAssertEqual(profile.regionCode, "140105001")
        XCTAssertEqual(profile.members.compactMap(\.personKey), [F.key("A"), F.key("B")])
        XCTAssertEqual(profile.income.wagesFen, 1_000)
        XCTAssertEqual(profile.unverifiedClaims?.first?.fieldGroups, ["address", "income", "members"])
        XCTAssertNil(registry.householdId(forPersonKey: F.key("X")), "an unverified form does not register a person into a verified household")
        XCTAssertEqual(registry.householdId(forPersonKey: F.key("B")), F.householdId(forApplicant: "A"))

        // A later home visit that confirms the change applies it.
        let confirmed = F.replay([F.submission("visit2", channel: .homeVisit, applicant: "A", members: ["A", "X"], collectedAt: "2024-06-10T09:00:00+08:00",
                                               wagesFen: 2_000, regionCode: "440305001")], into: &registry)[0]
        let after = try! XCTUnwrap(confirmed.profile(F.householdId(forApplicant: "A")))
        XCTAssertEqual(after.regionCode, "440305001")
        XCTAssertEqual(after.members.compactMap(\.personKey), [F.key("A"), F.key("X")])
        XCTAssertEqual(registry.householdId(forPersonKey: F.key("X")), F.householdId(forApplicant: "A"))
        XCTAssertNil(registry.householdId(forPersonKey: F.key("B")), "left out by the newest verified form")
    }

    func testPersonMovesAndBothHouseholdsGetNewVersions() {
        var registry = InMemoryRegistry()
        _ = F.replay([F.submission("s1", applicant: "A", members: ["A", "A2"], collectedAt: jan, wagesFen: 24_000),
                      F.submission("s2", applicant: "C", members: ["C"], collectedAt: jan)], into: &registry)
        let change = F.replay([F.submission("s3", applicant: "C", members: ["C", "A"], collectedAt: mar)], into: &registry)[0]
        let (hhA, hhC) = (F.householdId(forApplicant: "A"), F.householdId(forApplicant: "C"))
        XCTAssertEqual(change.profiles.map(\.householdId), [hhC, hhA])
        XCTAssertEqual(change.profile(hhC)?.version, 2)
        XCTAssertEqual(change.profile(hhC)?.members.compactMap(\.personKey), [F.key("C"), F.key("A")])
        XCTAssertEqual(change.profile(hhA)?.version, 2)
        XCTAssertEqual(change.profile(hhA)?.members.compactMap(\.personKey), [F.key("A2")])
        XCTAssertEqual(change.profile(hhA)?.previousPerCapitaMonthlyFen, 1_000, "24000 / 12 / 2 members")
        XCTAssertEqual(change.memberships, [.set(personKey: F.key("A"), householdId: hhC)])
        XCTAssertEqual(registry.householdId(forPersonKey: F.key("A")), hhC)
    }

    func testEmptiedHouseholdGetsAVersionWithoutMembers() {
        var registry = InMemoryRegistry()
        _ = F.replay([F.submission("s1", applicant: "A", members: ["A"], collectedAt: jan),
                      F.submission("s2", applicant: "C", members: ["C"], collectedAt: jan)], into: &registry)
        let change = F.replay([F.submission("s3", applicant: "C", members: ["C", "A"], collectedAt: mar)], into: &registry)[0]
        let emptied = change.profile(F.householdId(forApplicant: "A"))
        XCTAssertEqual(emptied?.version, 2)
        XCTAssertEqual(emptied?.members, [])
    }

    func testUnregisteredApplicantJoinsLowestIdAndOthersMove() {
        var registry = InMemoryRegistry()
        _ = F.replay([F.submission("s1", applicant: "A", members: ["A"], collectedAt: jan),
                      F.submission("s2", applicant: "C", members: ["C"], collectedAt: jan)], into: &registry)
        let (hhA, hhC) = (F.householdId(forApplicant: "A"), F.householdId(forApplicant: "C"))
        XCTAssertLessThan(hhA, hhC)
        let change = F.replay([F.submission("s3", applicant: "D", members: ["D", "C", "A"], collectedAt: mar)], into: &registry)[0]
        XCTAssertEqual(change.profile(hhA)?.members.compactMap(\.personKey), [F.key("D"), F.key("C"), F.key("A")])
        XCTAssertEqual(change.profile(hhC)?.members, [])
        XCTAssertEqual(Set(change.memberships), [.set(personKey: F.key("D"), householdId: hhA), .set(personKey: F.key("C"), householdId: hhA)])
    }

    func testPersonStaysInHouseholdCollectedMoreRecently() {
        var registry = InMemoryRegistry()
        _ = F.replay([F.submission("s1", applicant: "A", members: ["A", "B"], collectedAt: may),
                      F.submission("s2", applicant: "C", members: ["C"], collectedAt: jan)], into: &registry)
        let change = F.replay([F.submission("s3", applicant: "C", members: ["C", "A"], collectedAt: mar)], into: &registry)[0]
        let hhC = F.householdId(forApplicant: "C")
        // In fact time: A lived with C as of March, and with A's household again as of May.
        XCTAssertEqual(change.profiles.map(\.householdId), [hhC, hhC])
        XCTAssertEqual(change.profiles.map { $0.members.compactMap(\.personKey) }, [[F.key("C"), F.key("A")], [F.key("C")]])
        XCTAssertEqual(change.profile(hhC)?.members.compactMap(\.personKey), [F.key("C")])
        XCTAssertEqual(change.profile(hhC)?.conflicts,
                       [Conflict(fieldGroup: "members", kept: "s1", discarded: "s3", rule: "latest_collected_at_wins")])
        XCTAssertEqual(registry.householdId(forPersonKey: F.key("A")), F.householdId(forApplicant: "A"))
    }

    func testOlderSubmissionAfterNewerIsAPointOfTheHistory() {
        var registry = InMemoryRegistry()
        let newer = F.submission("new", channel: .homeVisit, applicant: "A", members: ["A", "B"], collectedAt: mar, wagesFen: 500)
        let older = F.submission("old", channel: .homeVisit, applicant: "A", members: ["A", "B"], collectedAt: jan, wagesFen: 900)
        let change = F.replay([newer, older], into: &registry)[1]
        // The older collection is a point of the household's history before the newer one: both
        // points are published again, in order, so the highest version is the latest point.
        XCTAssertEqual(change.profiles.map(\.version), [2, 3])
        XCTAssertEqual(change.profiles.map(\.asOf), [jan, mar])
        XCTAssertEqual(change.profiles[0].income.wagesFen, 900, "as of January, the January collection")
        let profile = change.profiles[1]
        XCTAssertEqual(profile.income.wagesFen, 500, "the newer collection is kept")
        XCTAssertEqual(profile.collectedAt, mar)
        XCTAssertTrue(profile.conflicts.isEmpty, "an older collection is history, not a disagreement")
        XCTAssertEqual(profile.sourceSubmissions, ["new", "old"])
        XCTAssertEqual(registry.profile(householdId: profile.householdId)?.asOf, mar)
    }

    func testTheSameCollectionsInAnyOrderGiveTheSameHistory() {
        let inputs = [F.submission("s1", applicant: "A", members: ["A", "B"], collectedAt: jan, wagesFen: 100),
                      F.submission("s2", applicant: "A", members: ["A"], collectedAt: may, wagesFen: 50),
                      F.submission("s3", channel: .hotlinePetition, applicant: "A", members: ["A", "B", "C"], collectedAt: mar, wagesFen: 9)]
        var histories: Set<[String]> = []
        for order in [[0, 1, 2], [2, 1, 0], [1, 0, 2], [1, 2, 0]] {
            var registry = InMemoryRegistry()
            _ = F.replay(order.map { inputs[$0] }, into: &registry)
            let id = F.householdId(forApplicant: "A")
            let facts = RegistryFacts(householdId: id, submissions: registry.submissions(householdId: id),
                                      claims: ["A", "B", "C"].flatMap { registry.claims(personKey: F.key($0)) })
            histories.insert(HouseholdTimeline.timeline(facts).map { CanonicalEncoding.serialized($0) })
            XCTAssertEqual(registry.profile(householdId: id)?.income.wagesFen, 50)
            XCTAssertEqual(registry.profile(householdId: id)?.members.compactMap(\.personKey), [F.key("A")])
        }
        XCTAssertEqual(histories.count, 1)
    }

    func testNewerSubmissionAfterOlderOverwritesWithoutConflict() {
        var registry = InMemoryRegistry()
        let older = F.submission("old", applicant: "A", members: ["A", "B"], collectedAt: jan, wagesFen: 900)
        let newer = F.submission("new", channel: .homeVisit, applicant: "A", members: ["A"], collectedAt: mar, wagesFen: 500)
        let change = F.replay([older, newer], into: &registry)[1]
        let profile = change.profiles[0]
        XCTAssertEqual(profile.income.wagesFen, 500)
        XCTAssertEqual(profile.members.compactMap(\.personKey), [F.key("A")])
        XCTAssertTrue(profile.conflicts.isEmpty)
        XCTAssertEqual(change.memberships, [.remove(personKey: F.key("B"))], "a member the newer form omits leaves")
    }

    func testOffsetsCompareAsInstants() {
        XCTAssertTrue(CollectionTime.isEarlier("2024-03-01T09:00:00+08:00", than: "2024-03-01T02:00:00Z"))
        XCTAssertFalse(CollectionTime.isEarlier("2024-03-01T10:00:00.5+08:00", than: "2024-03-01T02:00:00Z"))
        XCTAssertTrue(CollectionTime.isEarlier("2024-03-01", than: "2024-03-01T00:00:01Z"))
    }

    func testVersionIncreasesByExactlyOnePerChange() {
        var registry = InMemoryRegistry()
        let changes = F.replay([F.submission("s1", applicant: "A", members: ["A"], collectedAt: jan),
                                F.submission("s2", applicant: "A", members: ["A", "B"], collectedAt: mar),
                                F.submission("s3", applicant: "A", members: ["A", "B"], collectedAt: may, wagesFen: 1)], into: &registry)
        XCTAssertEqual(changes.flatMap { $0.profiles.map(\.version) }, [1, 2, 3])
    }

    func testProgramsAndFlagsAreKeptAndPreviousIncomeRecorded() {
        let id = F.householdId(forApplicant: "A")
        var seed = F.profile(id, members: ["A", "B"], programs: [Program(domain: .basicLiving, program: "dibao", since: "2023-01-01")],
                             flags: ["edge_at_risk"])
        seed.income = Income(wagesFen: 120_000)
        seed.supporters = [Supporter(relation: "child", name: "S", idNumber: "ID-S", annualSupportFen: 24_000)]
        var registry = InMemoryRegistry(profiles: [seed])
        let profile = F.replay([F.submission("s1", applicant: "A", members: ["A", "B"], collectedAt: mar, wagesFen: 10)],
                               into: &registry)[0].profiles[0]
        XCTAssertEqual(profile.version, 2)
        XCTAssertEqual(profile.programs, seed.programs)
        XCTAssertEqual(profile.flags, ["edge_at_risk"])
        XCTAssertEqual(profile.previousPerCapitaMonthlyFen, 6_000, "(120000 + 24000) / 12 / 2")
    }

    func testIdenticalFactsFromAnotherSubmissionRecordOnlyProvenance() {
        var registry = InMemoryRegistry()
        let changes = F.replay([F.submission("s1", applicant: "A", members: ["A"], collectedAt: jan),
                                F.submission("s2", channel: .selfDeclared, applicant: "A", members: ["A"], collectedAt: mar)],
                               into: &registry)
        let profile = changes[1].profiles[0]
        XCTAssertEqual(profile.version, 2)
        XCTAssertEqual(profile.collectedAt, mar)
        XCTAssertTrue(profile.conflicts.isEmpty)
        XCTAssertTrue(changes[1].memberships.isEmpty)
    }
}
