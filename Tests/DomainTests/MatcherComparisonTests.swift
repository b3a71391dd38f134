import XCTest
@testable import DoudiDomain

final class MatcherComparisonTests: XCTestCase {
    typealias F = MatcherFixtures
    let hh = "hh-1"

    /// Household hh-1 with members A and B, collected on 2024-03-01, which authorised verification.
    func registry(_ edit: (inout HouseholdProfile) -> Void = { _ in }) -> InMemoryRegistry {
        var profile = F.profile(hh, members: ["A", "B"], collectedAt: "2024-03-01T10:00:00+08:00")
        profile.verificationAuthorized = true
        edit(&profile)
        return InMemoryRegistry(profiles: [profile])
    }

    func compare(_ record: DeptRecord, person tag: String = "A", in registry: InMemoryRegistry? = nil,
                 settings: ComparisonSettings = .standard) -> RegistryChange {
        DepartmentComparison.apply(record: record, personKey: F.key(tag), reader: registry ?? self.registry(),
                                   settings: settings)
    }

    func memberA(_ change: RegistryChange) -> Member? {
        change.profile(hh)?.members.first { $0.personKey == F.key("A") }
    }

    func testEveryRecordKindRaisesItsSignalForARegisteredPerson() {
        let cases: [(DeptRecordKind, SignalKind, [String: String], Int64?)] = [
            (.medicalExpense, .largeMedicalExpense, [:], 1_000_000),
            (.seriousIllnessDiagnosis, .seriousIllness, [:], nil),
            (.disabilityCertificate, .disability, ["grade": "2"], nil),
            (.unemploymentRegistration, .unemployment, [:], nil),
            (.employmentRegistration, .employment, [:], nil),
            (.studentEnrollment, .schoolEnrollment, ["stage": "high_school"], nil),
            (.housingStatus, .housingHardship, ["status": "unsafe"], nil),
            (.disasterVictim, .disaster, [:], nil),
            (.death, .death, [:], nil),
            (.vehicleRegistration, .vehicleRegistration, ["kind": "car", "plate": "晋A12345"], 8_000_000),
            (.propertyRegistration, .propertyRegistration, ["areaM2": "90"], nil),
            (.businessRegistration, .businessRegistration, ["businessName": "shop"], 100_000),
            (.monitoredHousehold, .monitoredByRuralRevitalization, ["status": "edge_at_risk"], nil),
            (.unionHardship, .unionHardship, [:], nil),
            (.suddenEvent, .suddenEvent, ["incidentKind": "fire"], 300_000),
            (.lowIncomeDesignation, .lowIncomeDesignation, ["designated": "true", "reason": "r"], nil),
            (.uncoveredHardship, .uncoveredHardship, ["hardship": "h"], nil),
        ]
        XCTAssertEqual(Set(cases.map(\.0)), Set(DeptRecordKind.allCases))
        for (kind, signal, attributes, amount) in cases {
            let change = compare(F.record("r-\(kind.rawValue)", kind, person: "A", amountFen: amount, attributes: attributes))
            XCTAssertEqual(change.signals.map(\.kind), [signal], "\(kind)")
            XCTAssertEqual(change.signals.first?.signalId, "sig-r-\(kind.rawValue)")
            XCTAssertEqual(change.signals.first?.householdId, hh)
            XCTAssertEqual(change.signals.first?.personKey, F.key("A"))
            XCTAssertNil(change.signals.first?.attributes["plate"], "no personal attributes in signals")
        }
    }

    /// §2.1.4: a medical record below the single-record threshold is not dropped: it is a
    /// `medical_expense` signal, which the classifier adds up per person over 12 months.
    func testMedicalExpenseBelowThresholdIsASmallExpense() {
        let change = compare(F.record("r1", .medicalExpense, person: "A", amountFen: 999_999))
        XCTAssertEqual(change.signals.map(\.kind), [.medicalExpense], "small expenses accumulate per person (§2.1.4)")
        XCTAssertEqual(change.signals.first?.amountFen, 999_999)
        XCTAssertEqual(change.signals.first?.occurredOn, "2024-06-01")
        XCTAssertEqual(change.profile(hh)?.departmentFacts?.map(\.kind), [.medicalExpense])
        XCTAssertEqual(change.records.map(\.record.recordId), ["r1"], "the record is kept as a fact about the person")
        let lowered = compare(F.record("r1", .medicalExpense, person: "A", amountFen: 500_000),
                              settings: ComparisonSettings(largeMedicalExpenseFen: 500_000))
        XCTAssertEqual(lowered.signals.map(\.kind), [.largeMedicalExpense])
        XCTAssertEqual(lowered.profile(hh)?.departmentFacts?.map(\.signalId), ["sig-r1"],
                       "department facts travel in the household's version, at their date")
    }

    /// §4 preamble, annex 核查授权: registrations of property reach a household's record only when it
    /// authorised the verification of its finances; otherwise nothing is applied or signalled.
    func testPropertyRegistrationsNeedTheAuthorisation() {
        let unauthorised = registry { $0.verificationAuthorized = false }
        for (kind, attributes) in [(DeptRecordKind.vehicleRegistration, ["kind": "car", "plate": "P1"]),
                                   (.propertyRegistration, ["areaM2": "90"]), (.businessRegistration, ["businessName": "shop"])] {
            let change = compare(F.record("r-\(kind.rawValue)", kind, person: "A", amountFen: 100, attributes: attributes), in: unauthorised)
            XCTAssertTrue(change.profiles.isEmpty && change.signals.isEmpty, "\(kind)")
            XCTAssertEqual(change.notes.map(\.code), [.notAuthorized], "\(kind)")
        }
        // Other department data about a registered person still applies (data comparison, §2.2.4).
        XCTAssertEqual(compare(F.record("r9", .seriousIllnessDiagnosis, person: "A"), in: unauthorised).signals.map(\.kind), [.seriousIllness])
    }

    /// §2.1.3, §4.1.4: rural revitalization lifts the risk, or says the household was registered poor.
    func testRiskEliminatedAndFormerRegisteredPoor() {
        let listed = registry { $0.flags = ["edge_at_risk"] }
        let lifted = compare(F.record("r1", .monitoredHousehold, person: "A", department: .ruralRevitalization,
                                      attributes: ["status": "风险消除", "formerRegisteredPoor": "是"]), in: listed)
        XCTAssertEqual(lifted.profile(hh)?.flags, ["former_registered_poor"])
        XCTAssertEqual(lifted.signals.first?.attributes["status"], "risk_eliminated")
        XCTAssertEqual(lifted.signals.first?.attributes["formerRegisteredPoor"], "true")
        XCTAssertNil(lifted.signals.first?.attributes["flag"])
    }

    /// §2.1.5: a county's designation sets the flag with its reason; a later lifting clears it; an
    /// older record arriving late changes nothing.
    func testDesignationRecords() {
        var registry = registry()
        let on = compare(F.record("desig-hh-1-20240601090000000-on", .lowIncomeDesignation, person: "A", occurredOn: "2024-06-01",
                                  attributes: ["designated": "true", "reason": "caring for a bedridden parent", "operator": "op-1"]),
                         in: registry)
        XCTAssertEqual(on.profile(hh)?.flags, ["other_low_income"])
        XCTAssertEqual(on.profile(hh)?.designation?.reason, "caring for a bedridden parent")
        XCTAssertEqual(on.profile(hh)?.designation?.by, "op-1")
        XCTAssertEqual(on.signals.first?.attributes["designated"], "true")
        registry.commit(on)
        let off = DepartmentComparison.apply(record: F.record("desig-hh-1-20240701090000000-off", .lowIncomeDesignation, person: "A",
                                                              occurredOn: "2024-07-01", attributes: ["designated": "false", "reason": "r"]),
                                             personKey: F.key("A"), reader: registry)
        XCTAssertEqual(off.profile(hh)?.flags, [])
        XCTAssertEqual(off.profile(hh)?.designation?.designated, false)
        registry.commit(off)
        let late = DepartmentComparison.apply(record: F.record("desig-hh-1-20240501090000000-on", .lowIncomeDesignation, person: "A",
                                                               occurredOn: "2024-05-01", attributes: ["designated": "true", "reason": "old"]),
                                              personKey: F.key("A"), reader: registry)
        // The older decision takes its place in the history; the household as it stands now keeps the newer one.
        XCTAssertEqual(late.profiles.last(where: { $0.householdId == hh })?.designation?.designated ?? false, false,
                       "an older decision does not undo a newer one")
        XCTAssertEqual(late.profiles.last(where: { $0.householdId == hh })?.flags ?? [], [])
    }

    func testSeriousIllnessSetsHealthInANewVersion() {
        let change = compare(F.record("r1", .seriousIllnessDiagnosis, person: "A"))
        XCTAssertEqual(change.profile(hh)?.version, 2)
        XCTAssertEqual(memberA(change)?.health, .seriousIllness)
        XCTAssertEqual(change.profile(hh)?.fieldGroupSources?["members"], FieldGroupSource(collectedAt: "2024-06-01", source: "r1"))
    }

    func testDisabilityCertificateUpdatesGradeAndHealth() {
        let change = compare(F.record("r1", .disabilityCertificate, person: "A", attributes: ["grade": "二级", "kind": "physical"]))
        XCTAssertEqual(memberA(change)?.disabilityGrade, 2)
        XCTAssertEqual(memberA(change)?.disabilityKind, "physical")
        XCTAssertEqual(memberA(change)?.health, .disabled)
        XCTAssertEqual(change.signals.first?.attributes["grade"], "2")
        XCTAssertEqual(change.profile(hh)?.version, 2)

        let ill = registry { $0.members[0].health = .seriousIllness }
        let kept = compare(F.record("r2", .disabilityCertificate, person: "A", attributes: ["grade": "3"]), in: ill)
        XCTAssertEqual(memberA(kept)?.health, .seriousIllness, "the more urgent code stays")
        XCTAssertEqual(memberA(kept)?.disabilityGrade, 3)
    }

    func testOccupationRecordsUpdateTheMember() {
        let expected: [(DeptRecordKind, Occupation)] = [(.unemploymentRegistration, .unemployed),
                                                        (.employmentRegistration, .employed), (.studentEnrollment, .student)]
        for (kind, occupation) in expected {
            XCTAssertEqual(memberA(compare(F.record("r1", kind, person: "A")))?.occupation, occupation, "\(kind)")
        }
        let stage = compare(F.record("r2", .studentEnrollment, person: "A", attributes: ["stage": "primary"]))
        XCTAssertEqual(stage.signals.first?.attributes["stage"], "primary")
    }

    func testOccupationRecordOlderThanTheLastCollectionOnlySignals() {
        let change = compare(F.record("r1", .unemploymentRegistration, person: "A", occurredOn: "2024-02-01"))
        XCTAssertEqual(change.signals.map(\.kind), [.unemployment])
        XCTAssertEqual(memberA(change)?.occupation, .farming, "the later collection's occupation stands")
        XCTAssertEqual(change.profile(hh)?.departmentFacts?.map(\.kind), [.unemployment])
    }

    func testSafeHousingRaisesNothing() {
        let change = compare(F.record("r1", .housingStatus, person: "A", attributes: ["status": "safe"]))
        XCTAssertTrue(change.profiles.isEmpty && change.signals.isEmpty)
        XCTAssertEqual(change.notes.map(\.code), [.noSignal])
        XCTAssertEqual(compare(F.record("r2", .housingStatus, person: "A", attributes: ["status": "none"])).signals.map(\.kind),
                       [.housingHardship])
    }

    func testSignalOnlyKindsChangeOnlyTheDepartmentFacts() {
        for kind in [DeptRecordKind.disasterVictim, .unionHardship, .housingStatus] {
            let change = compare(F.record("r1", kind, person: "A", attributes: ["status": "unsafe"]))
            XCTAssertEqual(change.profile(hh)?.departmentFacts?.map(\.recordKind), [kind], "\(kind)")
            XCTAssertEqual(change.profile(hh)?.members, registry().profile(householdId: hh)?.members, "\(kind) changes no member")
        }
    }

    func testDeathRemovesTheMember() {
        let change = compare(F.record("r1", .death, person: "A", department: .publicSecurity))
        XCTAssertEqual(change.profile(hh)?.version, 2)
        XCTAssertEqual(change.profile(hh)?.members.compactMap(\.personKey), [F.key("B")])
        XCTAssertEqual(change.memberships, [.remove(personKey: F.key("A"))])
        XCTAssertEqual(change.signals.map(\.kind), [.death])

        var registry = registry()
        registry.commit(change)
        let last = DepartmentComparison.apply(record: F.record("r2", .death, person: "B"), personKey: F.key("B"),
                                              reader: registry)
        XCTAssertEqual(last.profile(hh)?.version, 3)
        XCTAssertEqual(last.profile(hh)?.members, [], "the last death leaves a household without members")
    }

    func testRegistrationsAddAssetsOnce() {
        var registry = registry()
        let vehicle = F.record("r1", .vehicleRegistration, person: "A", amountFen: 8_000_000, attributes: ["kind": "car", "plate": "P1"])
        let first = DepartmentComparison.apply(record: vehicle, personKey: F.key("A"), reader: registry)
        XCTAssertEqual(first.profile(hh)?.assets.vehicles, [Vehicle(kind: "car", plate: "P1", purchasedOn: "2024-06-01", priceFen: 8_000_000)])
        registry.commit(first)
        let again = DepartmentComparison.apply(record: vehicle, personKey: F.key("A"), reader: registry)
        XCTAssertTrue(again.profiles.isEmpty && again.signals.isEmpty && again.records.isEmpty, "a replayed record changes nothing")

        let house = compare(F.record("r2", .propertyRegistration, person: "A", attributes: ["areaM2": "90.5", "address": "x"]))
        XCTAssertEqual(house.profile(hh)?.assets.houses.map(\.areaM2), [90.5])
        let business = compare(F.record("r3", .businessRegistration, person: "A", amountFen: 100, attributes: ["businessName": "shop"]))
        XCTAssertEqual(business.profile(hh)?.assets.business, [Business(name: "shop", registeredCapitalFen: 100)])
    }

    func testRuralRevitalizationStatusSetsOneFlag() {
        let registry = registry { $0.flags = ["unstable_after_poverty", "operator_flag"] }
        let edge = compare(F.record("r1", .monitoredHousehold, person: "A", department: .ruralRevitalization,
                                    attributes: ["status": "edge_at_risk"]), in: registry)
        XCTAssertEqual(edge.profile(hh)?.flags, ["operator_flag", "edge_at_risk"])
        XCTAssertEqual(edge.signals.first?.attributes["flag"], "edge_at_risk")
        let lifted = compare(F.record("r2", .monitoredHousehold, person: "A", attributes: ["status": "risk_eliminated"]), in: registry)
        XCTAssertEqual(lifted.profile(hh)?.flags, ["operator_flag"])
    }

    func testNameMismatchIsNoMatch() {
        let change = compare(F.record("r1", .seriousIllnessDiagnosis, person: "A", name: "Someone Else"))
        XCTAssertTrue(change.profiles.isEmpty && change.signals.isEmpty, "not applied")
        XCTAssertEqual(change.notes, [MatchNote(code: .nameMismatch, reference: "r1", householdId: hh, personKey: F.key("A"))])
        XCTAssertEqual(compare(F.record("r2", .seriousIllnessDiagnosis, person: "A", name: " Name-A\u{3000}")).signals.count, 1,
                       "padding is not a mismatch")
    }

    func testUnregisteredPeopleOnHardshipListsBecomeCandidates() {
        let lists = [F.record("c1", .monitoredHousehold, person: "Z", department: .ruralRevitalization, attributes: ["status": "unstable_after_poverty"]),
                     F.record("c2", .disabilityCertificate, person: "Z", department: .disabledPersonsFederation, attributes: ["grade": "1"]),
                     F.record("c3", .disabilityCertificate, person: "Z", department: .disabledPersonsFederation, attributes: ["grade": "2"]),
                     F.record("c4", .unionHardship, person: "Z", department: .tradeUnion),
                     F.record("c5", .medicalExpense, person: "Z", department: .medicalInsurance, amountFen: 2_000_000)]
        for record in lists {
            let change = compare(record, person: "Z")
            XCTAssertEqual(change.signals.count, 1, record.recordId)
            let signal = change.signals.first
            XCTAssertEqual(signal?.kind, .unregisteredCandidate)
            XCTAssertEqual(signal?.signalId, "sig-" + record.recordId + "-candidate")
            XCTAssertNil(signal?.householdId)
            XCTAssertEqual(signal?.personKey, F.key("Z"))
            XCTAssertEqual(signal?.attributes["reason"], record.kind.rawValue)
            XCTAssertTrue(change.profiles.isEmpty && change.memberships.isEmpty)
        }
    }

    func testARecordThatArrivesBeforeThePersonIsRegisteredAppliesAtItsDate() {
        var registry = InMemoryRegistry()
        let record = F.record("r-early", .seriousIllnessDiagnosis, person: "A", occurredOn: "2024-04-01")
        registry.commit(DepartmentComparison.apply(record: record, personKey: F.key("A"), reader: registry))
        let change = F.replay([F.submission("s1", applicant: "A", members: ["A"], collectedAt: "2024-03-01T09:00:00+08:00")],
                              into: &registry)[0]
        XCTAssertEqual(change.profiles.map(\.asOf), ["2024-03-01T09:00:00+08:00", "2024-04-01T00:00:00+08:00"],
                       "the history as it happened: the collection, then the diagnosis")
        XCTAssertEqual(change.profiles.map { $0.members[0].health }, [.healthy, .seriousIllness])
        XCTAssertEqual(change.signals.map(\.signalId), ["sig-r-early"])
    }

    func testUnregisteredPeopleOnOtherListsRaiseNothing() {
        let others = [F.record("n1", .disabilityCertificate, person: "Z", attributes: ["grade": "3"]),
                      F.record("n2", .medicalExpense, person: "Z", amountFen: 999_999),
                      F.record("n3", .monitoredHousehold, person: "Z", attributes: ["status": "risk_eliminated"]),
                      F.record("n4", .death, person: "Z"), F.record("n5", .employmentRegistration, person: "Z"),
                      F.record("n6", .vehicleRegistration, person: "Z"), F.record("n7", .seriousIllnessDiagnosis, person: "Z"),
                      F.record("n8", .studentEnrollment, person: "Z"), F.record("n9", .housingStatus, person: "Z")]
        for record in others {
            let change = compare(record, person: "Z")
            XCTAssertTrue(change.profiles.isEmpty && change.signals.isEmpty && change.memberships.isEmpty, record.recordId)
            XCTAssertEqual(change.records.count, 1, "kept, in case the person is registered later")
            XCTAssertEqual(change.notes.map(\.code), [.notRegistered])
        }
    }
}
