import XCTest
import DoudiDomain

/// Disposals (§3.4), levels, the authorisation gate (§4), the staff-relative review and the
/// gradual exit (§4.1.4).
final class ClassifierDisposalTests: XCTestCase {
    let dibaoProgram = Fx.program(.basicLiving, "dibao")

    func testNotCoveredWhenEligibleAndNotReceiving() throws {
        let d = Fx.eval(Fx.household(perCapitaMonthly: Fx.ruralStd - 1))
        let w = try XCTUnwrap(d.warning(.basicLiving, .notCovered))
        XCTAssertEqual(w.level, .orange)
        XCTAssertEqual(w.deadlineDays, 7)
        XCTAssertEqual(w.needs.first?.facts["program"], "dibao")
        XCTAssertEqual(w.needs.first?.facts["perCapitaMonthlyFen"], String(Fx.ruralStd - 1))
        XCTAssertEqual(w.reasons.map(\.rule), ["category.dibao", "disposal.not_covered"])
        XCTAssertTrue(d.fired(.notCovered))
    }

    func testCoveredHouseholdRaisesNothing() {
        let d = Fx.eval(Fx.household(perCapitaMonthly: Fx.ruralStd - 1, programs: [dibaoProgram]))
        XCTAssertEqual(d.warnings, [])
        XCTAssertEqual(d.needs(in: .basicLiving), [])
    }

    func testNoLongerEligibleAndVerifyExit() throws {
        let d = Fx.eval(Fx.household(perCapitaMonthly: Fx.ruralStd, programs: [dibaoProgram]))
        let w = try XCTUnwrap(d.warning(.basicLiving, .noLongerEligible))
        XCTAssertEqual(w.level, .yellow)
        XCTAssertEqual(w.needs.first?.reason, "no_longer_dibao")
        XCTAssertEqual(d.tasks(.verifyExit).first?.dueBy, "2026-10-16")
        XCTAssertEqual(d.tasks(.verifyExit).first?.taskId, "t-H1-verify_exit-v1")
        XCTAssertTrue(d.fired(.noLongerEligible))
    }

    func testTekunTransfersAndExits() {
        let elderly = [Fx.member(age: 80, occupation: .retired)]
        // In dibao and entitled to tekun: the related policy has not landed (§3.2).
        let inDibao = Fx.eval(Fx.household(members: elderly, programs: [dibaoProgram]))
        XCTAssertEqual(inDibao.warningKinds, ["basic-living/policy_not_implemented"])
        XCTAssertEqual(inDibao.warnings.first?.level, .red)   // tekun not covered
        XCTAssertEqual(inDibao.warnings.first?.needs.first?.facts["program"], "tekun")
        XCTAssertEqual(inDibao.warnings.first?.needs.first?.personKey, elderly[0].personKey, "tekun is judged per person")
        // An income above the dibao standard is a means of living: tekun ends, dibao does not apply either.
        let former = Fx.eval(Fx.household(members: elderly, income: Income(transferFen: Fx.ruralStd * 12),
                                          programs: [Fx.program(.basicLiving, "tekun")]))
        XCTAssertEqual(former.warningKinds, ["basic-living/no_longer_eligible"])
    }

    func testSpecialisedProgrammeWithoutNeedIsReviewed() {
        let d = Fx.eval(Fx.household(perCapitaMonthly: 10_000, programs: [dibaoProgram, Fx.program(.education, "grant", person: "pk-成员1")]))
        let parent = Fx.member("母", key: "pk-母")
        XCTAssertEqual(d.warningKinds, ["education/no_longer_eligible"])
        XCTAssertEqual(d.tasks(.verifyExit).count, 1)
        let student = Fx.eval(Fx.household(members: [parent, Fx.member("学", key: "pk-成员1", age: 12, occupation: .student)],
                                           perCapitaMonthly: 10_000,
                                           programs: [dibaoProgram, Fx.program(.education, "grant", person: "pk-成员1")]))
        XCTAssertEqual(student.warnings, [])   // covered
    }

    func testSpecialHardshipWhenReferralsWereDenied() {
        let c = Fx.context { $0.deniedReferralDomains = [.medical] }
        let d = Fx.eval(Fx.household(members: [Fx.member(health: .chronicIllness), Fx.member("学", age: 9, occupation: .student)],
                                     perCapitaMonthly: 10_000, programs: [dibaoProgram]), c)
        XCTAssertEqual(d.warningKinds, ["medical/special_hardship", "education/policy_not_implemented"])
        XCTAssertEqual(d.warning(.medical, .specialHardship)?.needs.first?.facts["deniedDomains"], "medical")
        XCTAssertEqual(d.tasks(.caseConference).count, 1)
        XCTAssertTrue(d.fired(.specialHardship))
        let uncovered = Fx.eval(Fx.household(perCapitaMonthly: 10_000, programs: [dibaoProgram]),
                                Fx.context { $0.uncoveredHardship = "caring for a stranded relative" })
        XCTAssertEqual(uncovered.warningKinds, ["coordination/special_hardship"])
        XCTAssertEqual(uncovered.tasks(.caseConference).first?.dueBy, "2026-10-08")
    }

    func testDeadlinesComeFromTheRegion() {
        let st = try! LocalStandards(json: #"{"version":"v","regions":{"11":{"warningDeadlineDays":{"orange":5}}}}"#)
        let d = Fx.eval(Fx.household(perCapitaMonthly: 0), standards: st)
        XCTAssertEqual(d.warning(.basicLiving, .notCovered)?.deadlineDays, 5)
    }

    // §4 preamble: authorisation before any referral that needs verification of finances.
    func testAuthorisationGate() {
        let c = Fx.context { $0.emergency = true }
        let p = Fx.household(members: [Fx.member(health: .seriousIllness)], perCapitaMonthly: Fx.ruralStd - 1, authorized: false)
        let d = Fx.eval(p, c)
        XCTAssertNil(d.warning(.basicLiving, .notCovered))
        XCTAssertNil(d.warning(.medical, .notCovered))
        XCTAssertEqual(d.warningKinds, ["emergency/not_covered"])          // aid first (§4.3)
        XCTAssertFalse(d.needs(in: .basicLiving).isEmpty)                   // the need is still recorded
        let task = d.tasks(.requestAuthorization)
        XCTAssertEqual(task.count, 1)
        XCTAssertEqual(task.first?.dueBy, "2026-10-08")
        XCTAssertTrue(task.first?.reason.contains("basic-living") ?? false)
        XCTAssertTrue(d.fired(.authorizationGate))
        var authorised = p
        authorised.verificationAuthorized = true
        XCTAssertEqual(Fx.eval(authorised, c).tasks(.requestAuthorization), [])
        XCTAssertNotNil(Fx.eval(authorised, c).warning(.basicLiving, .notCovered))
        // Exits are not held back: the household already receives assistance.
        let exit = Fx.eval(Fx.household(perCapitaMonthly: Fx.ruralStd, programs: [dibaoProgram], authorized: false))
        XCTAssertEqual(exit.warningKinds, ["basic-living/no_longer_eligible"])
        XCTAssertEqual(exit.tasks(.requestAuthorization), [])
    }

    func testStaffRelativeReview() {
        let d = Fx.eval(Fx.household(perCapitaMonthly: 0, relativeOfStaff: true, version: 4))
        XCTAssertEqual(d.tasks(.staffRelativeReview).map(\.taskId), ["t-H1-staff_relative_review-v4"])
        XCTAssertEqual(d.tasks(.staffRelativeReview).first?.dueBy, "2026-10-16")
        XCTAssertNotNil(d.warning(.basicLiving, .notCovered))                 // still raised
        XCTAssertEqual(Fx.eval(Fx.household(perCapitaMonthly: 0)).tasks(.staffRelativeReview), [])
    }

    // §4.1.4: former registered poor single-person dibao: exit only after the gradual-exit period.
    func testGradualExit() {
        let person = Fx.member("单人保", key: "pk-spd", grade: 2)
        func decide(months: Int, flags: [String] = ["former_registered_poor"], perCapita: Int64 = 500_000,
                    grade: Int? = nil) -> Classifier.Decision {
            var m = person
            m.disabilityGrade = grade
            let p = Fx.household(members: [Fx.member("户主"), m], perCapitaMonthly: perCapita,
                                 programs: [Fx.program(.basicLiving, "single_person_dibao", person: "pk-spd")], flags: flags)
            return Fx.eval(p, Fx.context { $0.notLowIncomeSince = Fx.asOf.adding(months: -months) })
        }
        let five = decide(months: 5)
        XCTAssertEqual(five.warnings, [])
        XCTAssertTrue(five.fired(.gradualExit))
        XCTAssertEqual(five.tasks(.verifyExit), [])
        let six = decide(months: 6)
        XCTAssertEqual(six.warningKinds, ["basic-living/no_longer_eligible"])
        XCTAssertEqual(six.warnings.first?.needs.first?.name, "单人保")
        XCTAssertEqual(six.tasks(.verifyExit).count, 1)
        // Not former registered poor: leaves at once.
        XCTAssertEqual(decide(months: 0, flags: []).warningKinds, ["basic-living/no_longer_eligible"])
        // Still low-income (edge) but no longer qualifying: ordinary rules, no gradual exit.
        let edge = decide(months: 0, perCapita: Fx.ruralStd + 1)
        XCTAssertEqual(edge.warningKinds, ["basic-living/no_longer_eligible"])
        XCTAssertFalse(edge.fired(.gradualExit))
        // Still qualifying in an edge household: stays in single-person dibao (other needs may remain).
        XCTAssertEqual(decide(months: 0, perCapita: Fx.ruralStd + 1, grade: 2).warnings.filter { $0.domain == .basicLiving }, [])
    }

    func testSinglePersonDibaoNotCovered() {
        let d = Fx.eval(Fx.household(members: [Fx.member("户主"), Fx.member("重病", key: "pk-b", health: .seriousIllness)],
                                     perCapitaMonthly: Fx.ruralStd))
        let w = d.warning(.basicLiving, .notCovered)
        XCTAssertEqual(w?.needs.map(\.personKey), ["pk-b"])
        XCTAssertEqual(w?.needs.first?.facts["category"], "single_person_dibao")
        XCTAssertEqual(w?.needs.first?.clause, "§4.1.2")
        XCTAssertEqual(w?.level, .orange)
    }

    func testServicesForTekunChildIsRed() {
        let d = Fx.eval(Fx.household(members: [Fx.member("孤儿", age: 10, occupation: .student)]))
        XCTAssertEqual(d.category, .tekun)
        XCTAssertEqual(d.warning(.services, .notCovered)?.level, .red)
        XCTAssertEqual(d.needs(in: .services).first?.facts["careNeed"], "no_carer")
    }
}
