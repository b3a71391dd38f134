import XCTest
import DoudiDomain

/// Department facts are dated: the rules read them as of the evaluation date, whatever order the
/// signals came in. Expenditure hardship (§2.1.4), at-risk status lifted (§2.1.3), gradual exit
/// (§4.1.4), disaster phases (§4.2.5), emergencies (§4.3), designations (§2.1.5), special hardship (§3.4).
final class ClassifierDatedFactsTests: XCTestCase {
    var n = 0
    func signal(_ kind: SignalKind, on: String, person: String = "pk-成员1", amount: Int64? = nil, id: String? = nil,
                _ attributes: [String: String] = [:]) -> Signal {
        n += 1
        let record = id ?? "r\(n)"
        return Signal(signalId: "sig-\(record)", kind: kind, householdId: "H1", personKey: person, regionCode: "110105001",
                      department: .civilAffairs, recordKind: .medicalExpense, recordId: record, occurredOn: on, amountFen: amount,
                      attributes: attributes)
    }

    func eval(_ p: HouseholdProfile, _ signals: [Signal], asOf: CivilDate = Fx.asOf, standards: LocalStandards = .defaults) -> Classifier.Decision {
        let forward = Fx.eval(p, ClassificationContext(signals: signals), standards: standards, asOf: asOf)
        let backward = Fx.eval(p, ClassificationContext(signals: signals.reversed()), standards: standards, asOf: asOf)
        XCTAssertEqual(forward, backward, "the order of the signals changes nothing")
        return forward
    }

    // MARK: §2.1.4 expenditure hardship

    /// Medical records accumulate per person over the 12 months before the evaluation date,
    /// whatever their size; older ones do not count.
    func testMedicalRecordsAccumulatePerPersonOverTwelveMonths() {
        let income: Int64 = 1_500_000, edgeAnnual = Fx.ruralStd * 3 / 2 * 12   // 1,080,000
        let p = Fx.household(income: Income(wagesFen: income))
        let need = income - edgeAnnual + 1                                     // 420,001 makes the hardship
        let small = (0..<3).map { signal(.medicalExpense, on: "2026-0\($0 + 4)-15", amount: 140_000) }   // 420,000 in all
        XCTAssertFalse(eval(p, small).categories.contains(.expenditureHardship))
        let one = signal(.medicalExpense, on: "2025-10-02", amount: 1)           // 364 days before asOf: inside
        XCTAssertTrue(eval(p, small + [one]).categories.contains(.expenditureHardship))
        XCTAssertTrue(eval(p, small + [one]).fired(.rigidSpending))
        let old = signal(.medicalExpense, on: "2025-10-01", amount: need)       // 12 months before: outside
        XCTAssertFalse(eval(p, small + [old]).categories.contains(.expenditureHardship))
        // A year later the same records no longer count.
        XCTAssertFalse(eval(p, small + [one], asOf: Fx.date("2027-10-01")).categories.contains(.expenditureHardship))
        // Per person, as the medical need's facts show.
        let d = eval(Fx.household(members: [Fx.member(key: "pk-a", health: .chronicIllness), Fx.member("乙", key: "pk-b")],
                                  perCapitaMonthly: 10_000),
                     [signal(.medicalExpense, on: "2026-09-01", person: "pk-a", amount: 3_000),
                      signal(.largeMedicalExpense, on: "2026-09-02", person: "pk-a", amount: 2_000_000)])
        XCTAssertEqual(d.needs(in: .medical).first?.facts["medicalFen"], "2003000")
    }

    /// Declared annual spending counts while the form is at most 12 months old.
    func testDeclaredSpendingOfAnOldFormDoesNotCount() {
        var p = Fx.household(income: Income(wagesFen: 1_500_000), expenses: Expenses(medicalFen: 600_000))
        XCTAssertTrue(Fx.eval(p).categories.contains(.expenditureHardship))
        p.collectedAt = "2025-09-30T10:00:00+08:00"
        XCTAssertFalse(Fx.eval(p).categories.contains(.expenditureHardship))
    }

    /// "导致基本生活出现严重困难": a household whose assets exceed the limits is in no serious hardship.
    func testAssetsMustBeWithinTheLimits() {
        let edgeLimit = Fx.ruralStd * 24 * 3 / 2
        func d(_ deposits: Int64) -> Classifier.Decision {
            Fx.eval(Fx.household(income: Income(wagesFen: 1_500_000), expenses: Expenses(medicalFen: 600_000),
                                 assets: Assets(depositsFen: deposits, houses: [House(areaM2: 80, safety: "safe")])))
        }
        XCTAssertEqual(d(edgeLimit).category, .expenditureHardship)
        XCTAssertEqual(d(edgeLimit + 1).category, .notLowIncome)
        XCTAssertTrue(d(edgeLimit + 1).fired(.hardshipAssetsOverLimit))
        // Disaster losses and accident costs of the last 12 months are rigid spending too.
        let p = Fx.household(income: Income(wagesFen: 1_500_000))
        XCTAssertTrue(eval(p, [signal(.disaster, on: "2026-08-01", amount: 500_000, ["phase": "emergency"])])
            .categories.contains(.expenditureHardship))
        XCTAssertTrue(eval(p, [signal(.suddenEvent, on: "2026-03-01", amount: 500_000, ["incidentKind": "accident"])])
            .categories.contains(.expenditureHardship))
    }

    // MARK: §2.1.3 at risk, lifted

    func testRiskEliminatedEndsAtRisk() {
        let p = Fx.household(perCapitaMonthly: 500_000)
        let listed = signal(.monitoredByRuralRevitalization, on: "2026-03-01", ["status": "edge_at_risk"])
        let lifted = signal(.monitoredByRuralRevitalization, on: "2026-06-01", ["status": "risk_eliminated"])
        XCTAssertEqual(eval(p, [listed]).category, .atRisk)
        let d = eval(p, [listed, lifted])
        XCTAssertEqual(d.category, .notLowIncome)
        XCTAssertTrue(d.fired(.riskEliminated))
        // As of a date between the two, the household was still at risk.
        XCTAssertEqual(eval(p, [listed, lifted], asOf: Fx.date("2026-05-31")).category, .atRisk)
        // Listed again later: at risk again.
        XCTAssertEqual(eval(p, [listed, lifted, signal(.monitoredByRuralRevitalization, on: "2026-09-01", ["status": "unstable_after_poverty"])])
            .category, .atRisk)
        // The dated status wins over a profile flag the registry still shows.
        var flagged = p
        flagged.flags = ["edge_at_risk"]
        XCTAssertEqual(eval(flagged, [lifted]).category, .notLowIncome)
    }

    // MARK: §4.1.4 gradual exit

    /// A former registered poor single-person dibao case whose household leaves at_risk because its
    /// risk was eliminated keeps its assistance for the gradual-exit period, counted from that date.
    /// While it is still low-income (at risk), the ordinary dibao and edge rules apply (§4.1.4:
    /// "属于低收入人口的，按照低保政策及低保边缘家庭政策执行"): above the edge line it leaves at once.
    func testGradualExitAfterRiskEliminated() {
        let spd = Fx.member("单人保", key: "pk-spd", health: .disabled, grade: 2, kind: "physical")
        let p = Fx.household(members: [Fx.member("户主", key: "pk-成员1"), spd], perCapitaMonthly: 500_000,
                             programs: [Fx.program(.basicLiving, "single_person_dibao", person: "pk-spd")])
        let listed = signal(.monitoredByRuralRevitalization, on: "2026-01-10", ["status": "edge_at_risk", "formerRegisteredPoor": "true"])
        let lifted = signal(.monitoredByRuralRevitalization, on: "2026-05-01", ["status": "risk_eliminated"])
        let atRisk = eval(p, [listed], asOf: Fx.date("2026-04-01"))
        XCTAssertEqual(atRisk.category, .atRisk)
        XCTAssertNotNil(atRisk.warning(.basicLiving, .noLongerEligible), "low-income: the ordinary rules")
        XCTAssertFalse(atRisk.fired(.gradualExit))
        // Still in an edge household, single-person dibao stays.
        let edge = Fx.household(members: [Fx.member("户主", key: "pk-成员1"), spd], perCapitaMonthly: Fx.ruralStd + 1,
                                programs: p.programs)
        XCTAssertNil(eval(edge, [listed, lifted]).warning(.basicLiving, .noLongerEligible))
        let waiting = eval(p, [listed, lifted], asOf: Fx.date("2026-10-31"))
        XCTAssertEqual(waiting.category, .notLowIncome)
        XCTAssertTrue(waiting.fired(.gradualExit))
        XCTAssertTrue(waiting.record.reasons.contains { $0.detail.contains("risk eliminated on 2026-05-01") })
        XCTAssertNil(waiting.warning(.basicLiving, .noLongerEligible), "within six months of the elimination")
        let ended = eval(p, [listed, lifted], asOf: Fx.date("2026-11-01"))
        XCTAssertEqual(ended.warning(.basicLiving, .noLongerEligible)?.needs.map(\.name), ["单人保"])
        XCTAssertEqual(ended.tasks(.verifyExit).count, 1)
        // Not former registered poor: leaves at once.
        let plain = signal(.monitoredByRuralRevitalization, on: "2026-01-10", ["status": "edge_at_risk"])
        XCTAssertNotNil(eval(p, [plain, lifted], asOf: Fx.date("2026-06-01")).warning(.basicLiving, .noLongerEligible))
        // The flag from the form (intake's formerRegisteredPoor) counts as well.
        var declared = p
        declared.flags = ["former_registered_poor"]
        XCTAssertNil(eval(declared, [plain, lifted], asOf: Fx.date("2026-06-01")).warning(.basicLiving, .noLongerEligible))
    }

    // MARK: §4.2.5 disaster

    func testDisasterPhaseFromTheRecord() throws {
        let p = Fx.household(members: Fx.adults(3), perCapitaMonthly: 10_000)
        let d = eval(p, [signal(.disaster, on: "2026-09-20", amount: 80_000, ["phase": "transitional", "disasterKind": "flood"])])
        let need = try XCTUnwrap(d.warning(.disaster, .notCovered)?.needs.first)
        XCTAssertEqual(need.facts["phase"], "transitional")
        XCTAssertEqual(need.facts["disasterKind"], "flood")
        XCTAssertEqual(need.facts["affectedPersons"], "3")
        XCTAssertEqual(need.facts["lossFen"], "80000")
        // The latest phase is the one to assist; the programme of another phase does not cover it,
        // and disaster aid held is never reviewed for exit (it ends by itself).
        let later = [signal(.disaster, on: "2026-02-01", ["phase": "emergency"]), signal(.disaster, on: "2026-09-01", ["phase": "winter_spring"])]
        var covered = p
        covered.programs = [Fx.program(.disaster, "emergency_relief")]
        XCTAssertEqual(eval(covered, later).warning(.disaster, .policyNotImplemented)?.needs.first?.facts["phase"], "winter_spring")
        covered.programs = [Fx.program(.disaster, "winter_spring_relief")]
        XCTAssertEqual(eval(covered, later).warnings.filter { $0.domain == .disaster }, [])
        XCTAssertEqual(eval(covered, []).warnings.filter { $0.domain == .disaster }, [], "no exit review for disaster aid")
        // A record without a phase is in the emergency phase; one over 12 months old is over.
        XCTAssertEqual(eval(p, [signal(.disaster, on: "2026-09-01")]).needs(in: .disaster).first?.facts["phase"], "emergency")
        XCTAssertEqual(eval(p, [signal(.disaster, on: "2025-09-01")]).needs(in: .disaster), [])
    }

    // MARK: §4.3 emergencies

    func testEmergencyFromTheFormAndFromDepartments() throws {
        var p = Fx.household(members: Fx.adults(2), perCapitaMonthly: 10_000)
        p.hardshipReasons = ["illness", "fire"]
        p.collectedAt = "2026-09-15T10:00:00+08:00"
        let d = Fx.eval(p)
        let need = try XCTUnwrap(d.warning(.emergency, .notCovered)?.needs.first)
        XCTAssertEqual(need.facts["incidentKind"], "fire")
        XCTAssertEqual(need.facts["occurredOn"], "2026-09-15")
        XCTAssertEqual(need.facts["urgent"], "true")
        XCTAssertEqual(need.facts["householdSize"], "2")
        XCTAssertEqual(d.warning(.emergency, .notCovered)?.level, .red)
        // Lasting reasons alone are no emergency; a form older than the window (90 days) neither.
        p.hardshipReasons = ["illness", "low_income"]
        XCTAssertEqual(Fx.eval(p).needs(in: .emergency), [])
        p.hardshipReasons = ["accident"]
        p.collectedAt = "2026-07-02T10:00:00+08:00"
        XCTAssertEqual(Fx.eval(p).needs(in: .emergency), [], "91 days before")
        p.collectedAt = "2026-07-03T10:00:00+08:00"
        XCTAssertEqual(Fx.eval(p).needs(in: .emergency).count, 1, "90 days before")
        // A department's sudden event names the person it happened to.
        let q = Fx.household(members: [Fx.member("甲", key: "pk-a"), Fx.member("乙", key: "pk-b")], perCapitaMonthly: 10_000)
        let e = eval(q, [signal(.suddenEvent, on: "2026-09-28", person: "pk-b", amount: 50_000, ["incidentKind": "sudden_serious_illness"])])
        let sudden = try XCTUnwrap(e.needs(in: .emergency).first)
        XCTAssertEqual(sudden.name, "乙")
        XCTAssertEqual(sudden.facts["incidentKind"], "sudden_serious_illness")
        XCTAssertTrue(e.fired(.emergencyHardship))
    }

    // MARK: §3.2, §3.4 disposals

    func testDisposalsFollowTheAssistanceHeld() {
        let ill = [Fx.member("病", health: .seriousIllness)]
        // A dibao family with a seriously ill member and no medical assistance: the policy has not landed.
        let dibao = Fx.eval(Fx.household(members: ill, perCapitaMonthly: 10_000, programs: [Fx.program(.basicLiving, "dibao")]))
        XCTAssertNotNil(dibao.warning(.medical, .policyNotImplemented))
        XCTAssertNil(dibao.warning(.medical, .notCovered))
        XCTAssertTrue(dibao.fired(.policyNotImplemented))
        // In no programme: not covered, refer by hardship type.
        let none = Fx.eval(Fx.household(members: ill, perCapitaMonthly: 10_000))
        XCTAssertEqual(Set(none.warningKinds), ["basic-living/not_covered", "medical/not_covered", "charity/not_covered"])
        // Any special assistance counts, and so does a household rural revitalization lists as at risk.
        let medical = Fx.eval(Fx.household(members: ill, perCapitaMonthly: 500_000, flags: ["edge_at_risk"]))
        XCTAssertEqual(medical.category, .atRisk)
        XCTAssertNotNil(medical.warning(.medical, .policyNotImplemented))
        let education = Fx.eval(Fx.household(members: ill + [Fx.member("学", age: 10, occupation: .student)], perCapitaMonthly: 10_000,
                                              programs: [Fx.program(.education, "grant", person: "pk-学")]))
        XCTAssertEqual(education.warning(.basicLiving, .policyNotImplemented)?.needs.first?.facts["program"], "dibao")
    }

    /// Special hardship from a real input: civil affairs staff record a hardship no policy covers; a
    /// later record lifts it.
    func testSpecialHardshipFromAStaffFinding() {
        let p = Fx.household(perCapitaMonthly: 10_000, programs: [Fx.program(.basicLiving, "dibao")])
        let found = signal(.uncoveredHardship, on: "2026-09-01", ["hardship": "caring for a relative stranded after a flood"])
        let d = eval(p, [found])
        XCTAssertEqual(d.warningKinds, ["coordination/special_hardship"])
        XCTAssertEqual(d.warnings.first?.needs.first?.facts["hardship"], "caring for a relative stranded after a flood")
        XCTAssertEqual(d.tasks(.caseConference).count, 1)
        XCTAssertEqual(eval(p, [found, signal(.uncoveredHardship, on: "2026-09-20", ["status": "resolved"])]).warnings, [])
    }

    // MARK: §2.1.5 designation

    func testDesignationLatestDecisionStands() {
        let p = Fx.household(perCapitaMonthly: 500_000)
        let on = signal(.lowIncomeDesignation, on: "2026-05-01", id: "desig-H1-20260501090000000-on",
                        ["designated": "true", "reason": "caring for a bedridden parent"])
        let off = signal(.lowIncomeDesignation, on: "2026-08-01", id: "desig-H1-20260801090000000-off",
                         ["designated": "false", "reason": "parent recovered"])
        let d = eval(p, [on])
        XCTAssertEqual(d.category, .otherLowIncome)
        XCTAssertTrue(d.record.reasons.contains { $0.rule == "category.other_low_income" && $0.detail.contains("bedridden parent") })
        XCTAssertEqual(eval(p, [on, off]).category, .notLowIncome)
        XCTAssertEqual(eval(p, [on, off], asOf: Fx.date("2026-07-31")).category, .otherLowIncome)
        // The same day: the later decision (record ids sort by time).
        let morning = signal(.lowIncomeDesignation, on: "2026-09-01", id: "desig-H1-20260901080000000-off", ["designated": "false", "reason": "r"])
        let noon = signal(.lowIncomeDesignation, on: "2026-09-01", id: "desig-H1-20260901120000000-on", ["designated": "true", "reason": "r"])
        XCTAssertEqual(eval(p, [noon, morning]).category, .otherLowIncome)
        // The registry's copy of the decision when no signal was seen.
        var registered = p
        registered.designation = LowIncomeDesignation(designated: true, reason: "r", on: "2026-05-01", recordId: "x")
        XCTAssertEqual(Fx.eval(registered).category, .otherLowIncome)
    }

    // MARK: income and assets (item 9), regional switches (item 12)

    func testMembersIncomesBusinessAndOtherAssets() {
        // The members' own incomes count when they add up to more than the income block.
        let earning = Fx.member("甲", monthlyIncomeFen: Fx.ruralStd)
        XCTAssertEqual(Fx.eval(Fx.household(members: [earning], income: Income())).category, .dibaoEdge)
        XCTAssertEqual(Fx.eval(Fx.household(members: [Fx.member("甲", monthlyIncomeFen: Fx.ruralStd - 1)], income: Income())).category, .dibao)
        // Business capital and other assets count against the limits.
        let limit = Fx.ruralStd * 24
        func d(_ assets: Assets) -> Category { Fx.eval(Fx.household(perCapitaMonthly: 0, assets: assets)).category }
        XCTAssertEqual(d(Assets(business: [Business(name: "shop", registeredCapitalFen: limit)], houses: [House(areaM2: 60, safety: "safe")])), .dibao)
        XCTAssertEqual(d(Assets(business: [Business(name: "shop", registeredCapitalFen: limit + 1)], houses: [House(areaM2: 60, safety: "safe")])),
                       .dibaoEdge)
        XCTAssertEqual(d(Assets(houses: [House(areaM2: 60, safety: "safe")], otherFen: limit + 1)), .dibaoEdge)
        // The edge household's own asset limit per region.
        let own = try! LocalStandards(json: #"{"version":"v","regions":{"11":{"edgeAssetMonths":30}}}"#)
        func edge(_ deposits: Int64) -> Category {
            Fx.eval(Fx.household(perCapitaMonthly: Fx.ruralStd, assets: Assets(depositsFen: deposits, houses: [House(areaM2: 60, safety: "safe")])),
                    standards: own).category
        }
        XCTAssertEqual(edge(Fx.ruralStd * 30), .dibaoEdge)
        XCTAssertEqual(edge(Fx.ruralStd * 30 + 1), .notLowIncome)
        // Registrations of property count only for a household that authorised verification (§4).
        let car = Fx.context { $0.registeredVehicleKinds = ["car"] }
        XCTAssertEqual(Fx.eval(Fx.household(perCapitaMonthly: 0), car).category, .notLowIncome)
        XCTAssertEqual(Fx.eval(Fx.household(perCapitaMonthly: 0, authorized: false), car).category, .dibao)
    }

    /// §4.2.6: the disability living subsidy for dibao and tekun households; others where the region extends it.
    func testDisabilitySubsidySwitch() {
        let disabled = [Fx.member("户主"), Fx.member("残", health: .disabled, grade: 3, kind: "physical")]
        func subsidy(_ perCapita: Int64, _ standards: LocalStandards = .defaults) -> Bool {
            Fx.eval(Fx.household(members: disabled, perCapitaMonthly: perCapita), standards: standards).needs(in: .other)
                .contains { $0.facts["subsidyKind"] == "disability_living" }
        }
        XCTAssertTrue(subsidy(10_000), "dibao household")
        XCTAssertFalse(subsidy(Fx.ruralStd + 1), "edge household, not extended")
        let extended = try! LocalStandards(json: #"{"version":"v","regions":{"":{"disabilitySubsidy":true}}}"#)
        XCTAssertTrue(subsidy(Fx.ruralStd + 1, extended))
        XCTAssertFalse(subsidy(500_000, extended), "not low-income")
    }
}
