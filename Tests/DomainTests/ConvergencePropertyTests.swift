import XCTest
@testable import DoudiDomain

/// The convergence property on the pure reducers (RULES.md "Convergence"): random permutations of a
/// household's inputs end in the same state — the matcher's history (HouseholdTimeline), the
/// classifier's decisions (HouseholdReplay, also when applied input by input as the service does:
/// in place when in order, replayed when not), and the programmes held (ProgramHoldings).
final class ConvergencePropertyTests: XCTestCase {
    typealias F = MatcherFixtures

    /// The same collections and records in every order give the same registry and the same histories.
    func testMatcherHistoriesDoNotDependOnArrivalOrder() {
        let jan = "2024-01-10T09:00:00+08:00", mar = "2024-03-10T09:00:00+08:00", may = "2024-05-10T09:00:00+08:00"
        enum Input { case submission(Submission), record(DeptRecord, String) }
        let inputs: [Input] = [
            .submission(F.submission("s1", applicant: "A", members: ["A", "B"], collectedAt: jan, wagesFen: 100)),
            .submission(F.submission("s2", channel: .selfDeclared, applicant: "A", members: ["A", "B", "C"], collectedAt: may, wagesFen: 90_000)),
            .submission(F.submission("s3", applicant: "A", members: ["A", "B"], collectedAt: mar, wagesFen: 50)),
            .submission(F.submission("s4", applicant: "D", members: ["D", "E"], collectedAt: "2024-04-01T09:00:00+08:00")),
            .record(F.record("r1", .seriousIllnessDiagnosis, person: "B", occurredOn: "2024-02-01"), "B"),
            .record(F.record("r2", .disabilityCertificate, person: "A", occurredOn: "2024-06-01", attributes: ["grade": "2"]), "A"),
            .record(F.record("r3", .unemploymentRegistration, person: "A", occurredOn: "2024-04-15"), "A"),
            .record(F.record("r4", .medicalExpense, person: "C", occurredOn: "2024-05-20", amountFen: 2_000_000), "C"),
            .record(F.record("r5", .death, person: "D", occurredOn: "2024-07-01"), "D"),
        ]
        var rng = SplitMix64(seed: 12)
        var results: Set<String> = []
        var carried = 0
        for _ in 0..<25 {
            var order = Array(inputs.indices)
            order.shuffle(using: &rng)
            var registry = InMemoryRegistry()
            for i in order {
                let change: RegistryChange
                switch inputs[i] {
                case .submission(let s): change = HouseholdMerger.apply(accepted: s, reader: registry)
                case .record(let r, let tag): change = DepartmentComparison.apply(record: r, personKey: F.key(tag), reader: registry)
                }
                // The fingerprints the draft hands the writer are those of the profiles it names.
                for (index, facts) in change.factsFingerprints {
                    XCTAssertEqual(facts, HouseholdTimeline.factsFingerprint(change.profiles[index]))
                    carried += 1
                }
                registry.commit(change)
            }
            var state = ""
            for id in registry.profiles.keys.sorted() {
                var p = registry.profiles[id]!
                p.version = 0
                let people = Set(registry.submissions(householdId: id).flatMap { $0.members.compactMap(\.personKey) })
                let facts = RegistryFacts(householdId: id, submissions: registry.submissions(householdId: id),
                                          claims: people.flatMap { registry.claims(personKey: $0) },
                                          records: people.flatMap { registry.records(personKey: $0) })
                state += CanonicalEncoding.serialized(p) + CanonicalEncoding.serialized(HouseholdTimeline.timeline(facts))
            }
            state += CanonicalEncoding.serialized(registry.memberships.sorted { $0.key < $1.key }.map { [$0.key, $0.value] })
            results.insert(state)
        }
        XCTAssertEqual(results.count, 1, "25 orders, one registry")
        XCTAssertGreaterThan(carried, 25, "the draft's fingerprints reach the writer")
    }

    /// A registry version of household `hh` (the classifier's input): a profile as of `asOf`.
    static func profile(_ hh: String, _ asOf: String, wages: Int64, members: [Member], version: Int) -> ClassifierInput {
        var p = Fx.household(id: hh, members: members, perCapitaMonthly: 0)
        p.income = Income(wagesFen: wages)
        p.asOf = asOf
        p.version = version
        p.verificationAuthorized = true
        return ClassifierInput(.profile(p), time: FactTime(asOf)!)
    }

    static let points = ("2026-10-01T09:00:00+08:00", "2026-10-20T09:00:00+08:00", "2026-11-02T09:00:00+08:00")

    /// Three registry versions of `hh` at `points`: a student, then the student seriously ill,
    /// then the household's income far above the line.
    static func threePoints(_ hh: String) -> [ClassifierInput] {
        let adult = Fx.member("甲", key: "pk-1", age: 40)
        let student = Fx.member("乙", key: "pk-2", age: 17, occupation: .student)
        let ill = Fx.member("乙", key: "pk-2", age: 17, health: .seriousIllness, occupation: .student)
        return [profile(hh, points.0, wages: 0, members: [adult, student], version: 1),
                profile(hh, points.1, wages: 0, members: [adult, ill], version: 2),
                profile(hh, points.2, wages: 12_000_000, members: [adult, ill], version: 3)]
    }

    /// A department's answer to household `hh`'s warning, at `time`.
    static func outcome(_ hh: String, _ id: String, _ warningId: String, _ domain: Domain, _ status: OutcomeStatus,
                        person: String? = nil, at time: String) -> ClassifierInput {
        let o = Outcome(outcomeId: id, referralId: "ref-\(warningId)-\(domain.rawValue)", warningId: warningId, householdId: hh,
                        domain: domain, program: "p-\(domain.rawValue)", status: status, amountFen: 100, personKey: person,
                        decidedAt: String(time.prefix(10)), reason: "r")
        return ClassifierInput(.outcome(o), time: FactTime(time)!)
    }

    /// A household's classifier inputs in random orders, applied one at a time as the service
    /// does, give the same history as a replay of the inputs sorted in fact time.
    func testClassifierDecisionsDoNotDependOnArrivalOrder() {
        let hh = "H1"
        let (t1, t2, _) = Self.points
        let inputs = Self.threePoints(hh) + [
            Self.outcome(hh, "o1", "w-H1-education-not_covered-0", .education, .granted, person: "pk-2", at: t1),
            Self.outcome(hh, "o2", "w-H1-charity-not_covered-0", .charity, .denied, person: "pk-2", at: t2),
            Self.outcome(hh, "o3", "w-H1-medical-not_covered-0", .medical, .granted, person: "pk-2", at: t2),
        ]
        let clock = CivilDate(iso: "2026-11-30")!
        let reference = HouseholdReplay.replay(hh, inputs: inputs, standards: .defaults, clockDay: clock)
        XCTAssertFalse(reference.warnings.isEmpty, "the household has warnings to converge on")
        XCTAssertTrue(reference.warnings.values.contains { $0.disposal == .policyNotImplemented }, "a due check ran on its own day")
        var rng = SplitMix64(seed: 7)
        for _ in 0..<30 {
            var order = inputs
            order.shuffle(using: &rng)
            var h = HouseholdHistory(householdId: hh)
            var known: [ClassifierInput] = []
            for (i, input) in order.enumerated() {
                known.append(input)
                // The event clock moves with what was read so far, as the service's does.
                let clockNow = known.map(\.time).max()!.date!
                if HouseholdReplay.canAdvance(h, with: [input]) {
                    HouseholdReplay.advance(&h, with: [input], standards: .defaults, clockDay: clockNow)
                } else {
                    h = HouseholdReplay.replay(hh, inputs: known, standards: .defaults, clockDay: clockNow)
                }
                if i == order.count - 1 { HouseholdReplay.advance(&h, with: [], standards: .defaults, clockDay: clock) }
            }
            XCTAssertEqual(h.warnings, reference.warnings)
            XCTAssertEqual(h.tasks, reference.tasks)
            XCTAssertEqual(h.programs, reference.programs)
            XCTAssertEqual(h.category, reference.category)
        }
    }

    /// Inputs folded one at a time as the classifier folds them (`HouseholdReplay.fold`: in place,
    /// the last point again from the state before it, or a replay) give, at every step, exactly the
    /// history a replay of the inputs read so far gives.
    func testFoldingEqualsReplayingAtEveryStep() {
        let hh = "H1"
        let (t1, t2, t3) = Self.points
        // Departments answer at the time of the point that asked (as the handlers do): several
        // answers per point, some granting, some denying, one for a warning a later point opens.
        let inputs = Self.threePoints(hh) + [
            Self.outcome(hh, "o1", "w-H1-education-not_covered-0", .education, .granted, person: "pk-2", at: t1),
            Self.outcome(hh, "o1b", "w-H1-basic-living-not_covered-0", .basicLiving, .denied, at: t1),
            Self.outcome(hh, "o1c", "w-H1-employment-not_covered-0", .employment, .granted, person: "pk-1", at: t1),
            Self.outcome(hh, "o2", "w-H1-charity-not_covered-0", .charity, .denied, person: "pk-2", at: t2),
            Self.outcome(hh, "o3", "w-H1-medical-not_covered-0", .medical, .granted, person: "pk-2", at: t2),
            Self.outcome(hh, "o3b", "w-H1-medical-not_covered-0", .medical, .accepted, person: "pk-2", at: t2),
            Self.outcome(hh, "o4", "w-H1-medical-not_covered-0", .medical, .withdrawn, person: "pk-2", at: t3),
        ]
        // Answers written in another offset: "2026-10-16T20:00:00Z" is the 16th as written and
        // the 17th at 04:00 in China, after the midnight a due check of the 17th moves the
        // horizon to. Folded in place after that check, the grant comes after the escalation; a
        // replay applies it on the 16th, before it. The state before such a point must not be
        // one an advance in place made.
        let late = "2026-10-16T20:00:00Z"
        let withOffsets = inputs + [
            Self.outcome(hh, "o5", "w-H1-education-not_covered-0", .education, .granted, person: "pk-2", at: late),
            Self.outcome(hh, "o6", "w-H1-education-not_covered-0", .education, .accepted, person: "pk-2", at: late),
        ]
        var rng = SplitMix64(seed: 11)
        var paths: [HouseholdReplay.FoldPath: Int] = [:]
        for round in 0..<120 {
            var order = round % 2 == 0 ? inputs : withOffsets
            order.shuffle(using: &rng)
            var fold = HouseholdFold(history: HouseholdHistory(householdId: hh))
            var known: [ClassifierInput] = []
            for input in order {
                known.append(input)
                let clockNow = known.map(\.time).max()!.date!.adding(days: Int.random(in: 0...20, using: &rng))
                let (next, path) = HouseholdReplay.fold(fold, added: [input], stored: { known }, householdId: hh,
                                                        standards: .defaults, clockDay: clockNow)
                paths[path, default: 0] += 1
                let replayed = HouseholdReplay.replay(hh, inputs: known, standards: .defaults, clockDay: clockNow)
                XCTAssertEqual(next.history, replayed, "\(path) after \(known.map(\.id))")
                fold = next
            }
        }
        XCTAssertGreaterThan(paths[.lastPointAgain] ?? 0, 60, "answers of the last point are folded from the state before it")
        XCTAssertGreaterThan(paths[.advanced] ?? 0, 60)
        XCTAssertGreaterThan(paths[.replayed] ?? 0, 30)
    }

    /// H1: a student of 17 in a household with no income, replayed from its one registry version,
    /// and its education warning.
    static func studentHousehold() -> (history: HouseholdHistory, education: Warning) {
        var p = Fx.household(id: "H1", members: [Fx.member("乙", key: "pk-2", age: 17, occupation: .student)], perCapitaMonthly: 0)
        p.asOf = "2026-10-01T09:00:00+08:00"
        p.verificationAuthorized = true
        let h = HouseholdReplay.replay("H1", inputs: [ClassifierInput(.profile(p), time: FactTime(p.asOf!)!)], standards: .defaults, clockDay: nil)
        return (h, h.warnings.values.first { $0.domain == .education }!)
    }

    /// A decision on a state of a warning that its history never had (a revision a correction
    /// took back) changes nothing.
    func testADecisionOnAStateThatNeverHeldIsLeftOut() {
        let (h, education) = Self.studentHousehold()
        var o = Outcome(outcomeId: "o1", referralId: "ref-\(education.warningId)-education", warningId: education.warningId, householdId: "H1",
                        domain: .education, program: "grant", status: .granted, amountFen: 1, personKey: "pk-2", decidedAt: "2026-10-01",
                        reason: "r", basis: "not-a-state-it-had")
        var stale = h
        HouseholdReplay.advance(&stale, with: [ClassifierInput(.outcome(o), time: FactTime("2026-10-02T00:00:00+08:00")!)],
                                standards: .defaults, clockDay: nil)
        XCTAssertEqual(stale.warnings[education.warningId]?.status, .open)
        XCTAssertTrue(stale.programs.isEmpty)
        o.basis = education.bases[.education]
        var current = h
        HouseholdReplay.advance(&current, with: [ClassifierInput(.outcome(o), time: FactTime("2026-10-02T00:00:00+08:00")!)],
                                standards: .defaults, clockDay: nil)
        XCTAssertEqual(current.warnings[education.warningId]?.status, .resolved)
        XCTAssertEqual(current.warnings[education.warningId]?.resolvedBy, o.referralId)
    }

    /// A history keeps every state (`Warning.bases`) each warning had, also when `record` skips the
    /// fingerprints of a state whose disposal, level and needs it recorded already.
    func testRecordKeepsEveryBasisAWarningHad() {
        let w = Self.studentHousehold().education
        var resolved = w
        resolved.status = .resolved
        var raised = w
        raised.level = w.level == .red ? .yellow : .red
        var other = w
        other.needs[0].facts["extra"] = "1"
        var renamed = w
        renamed.needs[0].name = "另一个名字"       // names are not part of a basis
        let states = [w, resolved, raised, resolved, other, w, renamed]
        var h = HouseholdHistory(householdId: "H1")
        var expected: Set<String> = []
        for state in states {
            HouseholdReplay.record(LedgerChanges(revised: [state]), in: &h, at: nil)
            expected.formUnion(state.bases.values)
            XCTAssertEqual(h.bases[w.warningId], expected)
            XCTAssertEqual(h.warnings[w.warningId], state)
        }
        XCTAssertEqual(expected.count, 3, "the level and the needs each made a new basis; status and names did not")
    }

    /// Grants, withdrawals and closures from several decisions in any order hold the same programmes.
    func testProgrammesHeldDoNotDependOnArrivalOrder() {
        func o(_ id: String, _ ref: String, _ status: OutcomeStatus, amount: Int64 = 10, day: String = "2026-10-01") -> Outcome {
            Outcome(outcomeId: id, referralId: ref, householdId: "H1", domain: .employment, program: "training", status: status,
                    amountFen: amount, personKey: "pk-1", decidedAt: day, reason: "r")
        }
        // Within one decision the order is its publication order; decisions interleave freely.
        let decisions = [[o("a1", "ref-a", .granted), o("a2", "ref-a", .withdrawn)],
                         [o("b1", "ref-b", .granted, amount: 20, day: "2026-10-05")],
                         [o("c1", "ref-c", .granted, amount: 30, day: "2026-09-01"), o("c2", "ref-c", .granted, amount: 35, day: "2026-10-09")]]
        var rng = SplitMix64(seed: 3)
        var results = Set<[Program]>()
        for _ in 0..<40 {
            var cursors = [0, 0, 0], held = ProgramHoldings()
            while cursors.enumerated().contains(where: { $0.element < decisions[$0.offset].count }) {
                let open = cursors.indices.filter { cursors[$0] < decisions[$0].count }
                let pick = open[Int(rng.next() % UInt64(open.count))]
                held.apply(decisions[pick][cursors[pick]])
                cursors[pick] += 1
            }
            results.insert(held.programs)
        }
        XCTAssertEqual(results.count, 1)
        XCTAssertEqual(results.first?.map(\.amountFen), [20], "the latest standing grant")
    }
}
