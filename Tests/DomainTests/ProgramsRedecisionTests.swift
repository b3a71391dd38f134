import XCTest
@testable import DoudiDomain

/// Amended referrals decided again (Convergence: decisions follow the facts). A referral amended by
/// an intermediate state of its warning and amended back ends where one never amended would: the
/// same measures, dated when they were first decided, resting on the last facts; a measure the
/// last revision no longer decides — granted or denied — is taken back.
final class ProgramsRedecisionTests: XCTestCase {
    let education = EducationProgramme()
    let later = CivilDate(year: 2024, month: 5, day: 20)!

    func referral(_ people: [String], revision: Int?, basis: String) -> Referral {
        var r = ProgramsFixture.referral(.education, people.map {
            ProgramsFixture.need(.education, person: $0, ["schoolStage": $0 == "pk-b" ? "doctoral" : "senior_secondary"])
        })
        r.revision = revision
        r.basis = basis
        return r
    }

    /// What the handler publishes (HandlerProcessor sets each outcome's basis to the referral's).
    func publish(_ outcomes: [Outcome], _ r: Referral) -> [Outcome] { outcomes.map { var o = $0; o.basis = r.basis; return o } }

    /// The decision that stands per programme and person, as the business ledger folds it.
    func standing(_ outcomes: [Outcome]) -> [String: Outcome] {
        var out: [String: Outcome] = [:]
        for o in outcomes where o.status != .accepted {
            let key = "\(o.program)|\(o.personKey ?? "")"
            if o.status == .withdrawn { out[key] = nil } else { out[key] = o }
        }
        return out
    }

    func testAmendedAndAmendedBackEndsAsNeverAmended() {
        let only = referral(["pk-a"], revision: nil, basis: "b-final")
        let direct = publish(education.decision(referral: only, history: [:], on: ProgramsFixture.day).outcomes, only)

        // The intermediate state names a second student (denied: no known stage), then goes away.
        let wide = referral(["pk-a", "pk-b"], revision: nil, basis: "b-wide")
        var published = publish(education.decision(referral: wide, history: [:], on: ProgramsFixture.day).outcomes, wide)
        XCTAssertTrue(published.contains { $0.personKey == "pk-b" && $0.status == .denied })
        let back = referral(["pk-a"], revision: 1, basis: "b-final")
        published += publish(education.redecision(referral: back, earlier: published, history: [:], on: later).outcomes, back)

        let a = standing(direct), b = standing(published)
        XCTAssertEqual(Set(a.keys), Set(b.keys), "the denial of the student no longer referred is taken back")
        for (key, o) in a {
            XCTAssertEqual(b[key]?.status, o.status, key)
            XCTAssertEqual(b[key]?.amountFen, o.amountFen, key)
            XCTAssertEqual(b[key]?.decidedAt, o.decidedAt, "\(key): dated when first decided, not when amended back")
            XCTAssertEqual(b[key]?.basis, "b-final", "\(key): rests on the last facts")
        }
    }

    /// A referral whose warning never held (superseded) leaves no decision at all: its denials are
    /// taken back like its grants, so a department that decided it before the correction arrived
    /// ends where one that read the correction first would (no outcome).
    func testSupersededTakesBackDenialsAsWellAsGrants() {
        let wide = referral(["pk-a", "pk-b"], revision: nil, basis: "b-wide")
        var published = publish(education.decision(referral: wide, history: [:], on: ProgramsFixture.day).outcomes, wide)
        XCTAssertTrue(published.contains { $0.personKey == "pk-b" && $0.status == .denied })
        XCTAssertTrue(published.contains { $0.personKey == "pk-a" && $0.status == .granted })
        published += education.superseded(referral: wide, earlier: published, on: later)
        XCTAssertEqual(standing(published), [:], "nothing stands of a referral that never held")
        XCTAssertEqual(Set(published.map(\.outcomeId)).count, published.count, "ids stay distinct")
    }

    /// Superseded, sent again (an intermediate state of its warning, read during a rebuild) and
    /// granted again, then superseded again: the second grant is taken back too. The second
    /// withdrawal had the first one's id, which the handler took for a re-delivery, so the grant
    /// stood (found by ConvergenceTests run D). A re-delivered supersede still publishes nothing.
    func testASecondSupersedeTakesBackTheSecondGrant() {
        let wide = referral(["pk-a", "pk-b"], revision: nil, basis: "b-wide")
        var published = publish(education.decision(referral: wide, history: [:], on: ProgramsFixture.day).outcomes, wide)
        published += education.superseded(referral: wide, earlier: published, on: later)
        XCTAssertEqual(standing(published), [:])
        var again = wide
        again.revision = 1; again.basis = "b-again"
        published += publish(education.redecision(referral: again, earlier: published, history: [:], on: later).outcomes, again)
        XCTAssertFalse(standing(published).isEmpty, "decided again: a grant stands")
        let second = education.superseded(referral: again, earlier: published, on: later)
        XCTAssertFalse(second.isEmpty)
        XCTAssertTrue(second.allSatisfy { o in !published.contains { $0.outcomeId == o.outcomeId } }, "new ids: the handler publishes them")
        published += second
        XCTAssertEqual(standing(published), [:], "nothing stands of a referral that never held")
        XCTAssertEqual(Set(published.map(\.outcomeId)).count, published.count, "ids stay distinct")
        XCTAssertTrue(education.superseded(referral: again, earlier: published, on: later).isEmpty, "read again, it publishes nothing")
    }

    func testTheSameRevisionDecidedAgainPublishesNothingNew() {
        let r = referral(["pk-a"], revision: nil, basis: "b1")
        let first = publish(education.decision(referral: r, history: [:], on: ProgramsFixture.day).outcomes, r)
        var same = r
        same.revision = 1
        XCTAssertTrue(education.redecision(referral: same, earlier: first, history: [:], on: later).outcomes.isEmpty,
                      "same facts, same decisions: nothing to say")
    }
}

extension ProgramsRedecisionTests {
    /// X, then Y (the measure withdrawn), then X again: the measure granted again on the facts of X
    /// is dated as it was first decided on them, whatever day the referral came back.
    func testAMeasureGrantedAgainOnTheSameFactsKeepsItsDate() {
        let x = referral(["pk-a"], revision: nil, basis: "b-x")
        var published = publish(education.decision(referral: x, history: [:], on: ProgramsFixture.day).outcomes, x)
        var y = ProgramsFixture.referral(.education, [ProgramsFixture.need(.education, person: "pk-a", ["schoolStage": "primary"])])
        y.revision = 1; y.basis = "b-y"
        published += publish(education.redecision(referral: y, earlier: published, history: [:], on: later).outcomes, y)
        var xAgain = x
        xAgain.revision = 2
        let back = publish(education.redecision(referral: xAgain, earlier: published, history: [:], on: later.adding(days: 3)).outcomes, xAgain)
        let regranted = back.filter { $0.status == .granted }
        XCTAssertFalse(regranted.isEmpty)
        XCTAssertTrue(regranted.allSatisfy { $0.decidedAt == ProgramsFixture.day.description }, "\(regranted.map(\.decidedAt))")
        XCTAssertTrue(back.filter { $0.status == .withdrawn }.allSatisfy { $0.decidedAt == later.adding(days: 3).description },
                      "what the return takes back is dated by the return")
    }
}

extension ProgramsRedecisionTests {
    /// A measure granted on an intermediate state of the warning and denied on its last state is
    /// taken back: a denial alone leaves a grant standing (`ProgramHoldings`), so the amendment
    /// withdraws the grant first. Found by the convergence run: a medical grant made on a revision
    /// a correction took back (a large expense) stood in one interleaving and not in another.
    func testAGrantDeniedOnTheLastFactsIsTakenBack() {
        let medical = MedicalProgramme()
        func referral(_ facts: [String: String], revision: Int?, basis: String) -> Referral {
            var r = ProgramsFixture.referral(.medical, [ProgramsFixture.need(.medical, facts)])
            r.revision = revision; r.basis = basis
            return r
        }
        let wide = referral(["outOfPocketFen": "12254700"], revision: nil, basis: "b-wide")
        var published = publish(medical.decision(referral: wide, history: [:], on: ProgramsFixture.day).outcomes, wide)
        var holdings = ProgramHoldings()
        published.forEach { holdings.apply($0) }
        XCTAssertEqual(holdings.programs.count, 1, "the intermediate state is granted")

        // The last state: the same person and programme, no cost given (denied).
        let back = referral([:], revision: 1, basis: "b-final")
        let redecided = publish(medical.redecision(referral: back, earlier: published, history: [:], on: later).outcomes, back)
        XCTAssertEqual(redecided.map(\.status), [.withdrawn, .denied], "the grant taken back, then the denial")
        XCTAssertEqual(redecided.map(\.outcomeId), ["out-ref-w1-medical-r1-w1", "out-ref-w1-medical-r1-1"],
                       "the take-back numbered apart: the denial has the id it had before take-backs existed")
        redecided.forEach { holdings.apply($0) }
        published += redecided
        XCTAssertEqual(holdings.programs, [], "the grant no longer stands")

        // Decided directly on the last state: the same holdings (none); decided again the same
        // way, nothing new is said.
        var direct = ProgramHoldings()
        medical.decision(referral: back, history: [:], on: ProgramsFixture.day).outcomes.forEach { direct.apply($0) }
        XCTAssertEqual(direct, holdings)
        var again = back
        again.revision = 2
        XCTAssertTrue(medical.redecision(referral: again, earlier: published, history: [:], on: later).outcomes.isEmpty)
        XCTAssertEqual(Set(published.map(\.outcomeId)).count, published.count, "ids stay distinct")
    }
}
