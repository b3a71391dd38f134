import DoudiDomain
import Envelope
import GRDB
@testable import RouterService
import ServiceKit
import XCTest

/// The router's decisions depend on the dates of the facts, never on the order it reads its
/// topics (docs/architecture.md "Convergence"): the same warnings and outcomes delivered in many
/// orders and batchings, in-process on an in-memory store, leave the same ledger, the same
/// escalations standing, and never a withdrawal of a referral its department had decided.
final class RouterOrderTests: XCTestCase {
    typealias Delivery = (topic: String, event: CloudEvent)

    static func need(_ domain: Domain = .medical) -> Need {
        Need(domain: domain, personKey: nil, reason: "need in \(domain.rawValue)", clause: "§4.2")
    }

    static func warning(_ id: String, household: String, opened: String, due: String, status: WarningStatus = .open,
                        resolvedAt: String? = nil, resolvedBy: String? = nil) -> Warning {
        var w = Warning(warningId: id, householdId: household, regionCode: "140105001", area: .urban, disposal: .notCovered,
                        level: .orange, category: .dibao, needs: [need()], reasons: [], status: status, openedAt: opened)
        w.dueBy = due
        w.resolvedAt = resolvedAt
        w.resolvedBy = resolvedBy
        return w
    }

    static func event<T: Encodable>(_ type: EventType, _ id: String, _ day: String, key: String, _ payload: T) -> CloudEvent {
        try! CloudEvent.make(id: id, source: "/test", type: type.rawValue, time: "\(day)T10:00:00+08:00", subject: key, key: key,
                             causationID: nil, payload: payload)
    }

    static func warningEvent(_ w: Warning, day: String) -> Delivery {
        (Topics.monitoringWarnings, event(.monitoringWarning, "ev-\(w.warningId)-\(w.status.rawValue)", day, key: w.householdId, w))
    }

    static func outcome(_ referral: String, household: String, _ status: OutcomeStatus, day: String) -> Delivery {
        let o = Outcome(outcomeId: "out-\(referral)-\(status.rawValue)", referralId: referral, householdId: household, domain: .medical,
                        program: "medical_assistance", status: status, amountFen: status == .granted ? 10_000 : nil,
                        decidedAt: day, reason: status.rawValue)
        return (Topics.assistanceOutcomes, event(.assistanceOutcome, "ev-\(o.outcomeId)", day, key: household, o))
    }

    /// Four households, each a case where the order used to matter.
    static let facts: [Delivery] = [
        // 1. Granted in time, the warning resolved by that grant: decided, never escalated.
        warningEvent(warning("w1", household: "hh-1", opened: "2024-03-01", due: "2024-03-08"), day: "2024-03-01"),
        outcome("ref-w1-medical", household: "hh-1", .accepted, day: "2024-03-02"),
        outcome("ref-w1-medical", household: "hh-1", .granted, day: "2024-03-05"),
        warningEvent(warning("w1", household: "hh-1", opened: "2024-03-01", due: "2024-03-08", status: .resolved,
                             resolvedAt: "2024-03-05", resolvedBy: "ref-w1-medical"), day: "2024-03-05"),
        // 2. A warning much later than the others moves the clock well past their deadlines.
        warningEvent(warning("w2", household: "hh-2", opened: "2024-03-20", due: "2024-03-27"), day: "2024-03-20"),
        // 3. Denied after its deadline: the escalation stands whatever the clock was when the denial came.
        warningEvent(warning("w3", household: "hh-3", opened: "2024-03-01", due: "2024-03-08"), day: "2024-03-01"),
        outcome("ref-w3-medical", household: "hh-3", .denied, day: "2024-03-12"),
        // 4. Denied in time; the warning then resolves because of the denial (special hardship took
        //    over): the decided referral is never withdrawn.
        warningEvent(warning("w4", household: "hh-4", opened: "2024-03-01", due: "2024-03-08"), day: "2024-03-01"),
        outcome("ref-w4-medical", household: "hh-4", .denied, day: "2024-03-03"),
        warningEvent(warning("w4", household: "hh-4", opened: "2024-03-01", due: "2024-03-08", status: .resolved,
                             resolvedAt: "2024-03-03", resolvedBy: "ref-w4-medical"), day: "2024-03-03"),
        // 5. Never answered: escalated once the clock passes its deadline.
        warningEvent(warning("w5", household: "hh-5", opened: "2024-03-01", due: "2024-03-08"), day: "2024-03-01"),
    ]

    struct Result: Equatable, CustomStringConvertible {
        var ledger: [String]
        /// Escalations standing (the last event per escalation id is not a retraction), with days overdue.
        var escalations: [String: Int]
        var withdrawn: Set<String>
        var description: String { "ledger \(ledger)\nescalations \(escalations)\nwithdrawn \(withdrawn)" }
    }

    func run(_ deliveries: [Delivery], batches sizes: [Int]) throws -> Result {
        let pipeline = try InProcessPipeline(RouterProcessor())
        var rest = deliveries[...], i = 0
        while !rest.isEmpty {
            let n = max(1, sizes.isEmpty ? 1 : sizes[i % sizes.count]); i += 1
            try pipeline.deliver(Array(rest.prefix(n)))
            rest = rest.dropFirst(n)
        }
        let ledger = try pipeline.read { db in
            try Row.fetchAll(db, sql: "SELECT referral_id, state, escalated FROM router_referrals ORDER BY referral_id")
                .map { "\($0[0] as String) \($0[1] as String) \(($0[2] as Bool) ? "escalated" : "")" }
        }
        var escalations: [String: ReferralEscalated] = [:]
        var withdrawn = Set<String>()
        for out in pipeline.published {
            if out.event.type == EventType.referralEscalated.rawValue {
                let e = try out.event.decode(ReferralEscalated.self)
                escalations[e.escalationId] = e
            } else if out.event.type == EventType.referral.rawValue, try out.event.decode(Referral.self).status == .withdrawn {
                withdrawn.insert(try out.event.decode(Referral.self).referralId)
            }
        }
        return Result(ledger: ledger, escalations: escalations.filter { $0.value.retracted != true }.mapValues { $0.daysOverdue ?? -1 },
                      withdrawn: withdrawn)
    }

    func testSameLedgerWhateverTheOrderAndBatching() throws {
        let expected = Result(ledger: ["ref-w1-medical decided ", "ref-w2-medical sent ", "ref-w3-medical decided escalated",
                                       "ref-w4-medical decided ", "ref-w5-medical overdue escalated"],
                              escalations: ["esc-ref-w3-medical": 1, "esc-ref-w5-medical": 1], withdrawn: [])
        XCTAssertEqual(try run(Self.facts, batches: [1]), expected, "in the order the facts happened")
        XCTAssertEqual(try run(Self.facts.reversed(), batches: [1]), expected, "in reverse")
        // Outcomes first (a router that was down while the departments answered), then the warnings.
        let outcomesFirst = Self.facts.filter { $0.topic == Topics.assistanceOutcomes } + Self.facts.filter { $0.topic != Topics.assistanceOutcomes }
        XCTAssertEqual(try run(outcomesFirst, batches: [3]), expected, "outcomes first")
        var rng = SystemRandomNumberGenerator()
        for round in 0..<200 {
            let seed = UInt64.random(in: 0...UInt64.max, using: &rng)
            var g = SeededGenerator(seed: seed)
            // Each topic keeps its own order (a partition is ordered); the topics interleave at random.
            var warnings = Self.facts.filter { $0.topic == Topics.monitoringWarnings }[...]
            var outcomes = Self.facts.filter { $0.topic == Topics.assistanceOutcomes }[...]
            var order: [Delivery] = []
            while !warnings.isEmpty || !outcomes.isEmpty {
                if outcomes.isEmpty || (!warnings.isEmpty && Bool.random(using: &g)) { order.append(warnings.removeFirst()) }
                else { order.append(outcomes.removeFirst()) }
            }
            let sizes = (0..<4).map { _ in Int.random(in: 1...4, using: &g) }
            XCTAssertEqual(try run(order, batches: sizes), expected, "round \(round), seed \(seed)")
        }
    }

    /// A rebuild reads topics that already hold everything, and one topic can run far ahead of
    /// another. A resolution read before the outcomes must not withdraw a referral whose department
    /// decided before the resolution, and a clock moved by warnings read ahead must not escalate a
    /// referral decided in time: either would publish events the first pass never had (a
    /// withdrawal, an escalation) and take them back later. The router waits for the outcomes topic
    /// to be read to its end (`ReadProgress`): the replay publishes only ids the live run published.
    func testAReplayWithWarningsAheadPublishesNoEventTheLiveRunDidNot() throws {
        // 6. Two departments: education denies on 03-03, medical's grant resolves the warning on 03-04.
        var w6 = Self.warning("w6", household: "hh-6", opened: "2024-03-01", due: "2024-03-08")
        w6.needs = [Self.need(.medical), Self.need(.education)]
        var r6 = w6
        r6.status = .resolved; r6.resolvedAt = "2024-03-04"; r6.resolvedBy = "ref-w6-medical"
        var denial = Self.outcome("ref-w6-education", household: "hh-6", .denied, day: "2024-03-03")
        var o = try denial.event.decode(Outcome.self)
        o.domain = .education; o.program = "tuition_waiver"
        denial.event = Self.event(.assistanceOutcome, "ev-\(o.outcomeId)", "2024-03-03", key: "hh-6", o)
        let facts = [Self.warningEvent(w6, day: "2024-03-01"), denial,
                     Self.outcome("ref-w6-medical", household: "hh-6", .granted, day: "2024-03-04"),
                     Self.warningEvent(r6, day: "2024-03-04")] + Self.facts

        let live = try InProcessPipeline(RouterProcessor())
        for f in facts { try live.deliver([f]) }
        let liveIDs = Set(live.published.map(\.event.id))
        XCTAssertFalse(live.published.contains { $0.event.type == EventType.referral.rawValue && (try? $0.event.decode(Referral.self).status) == .withdrawn },
                       "the live run withdraws nothing: every referral was decided by its resolution")

        // The replay: warnings (and their clock) first, then the outcomes, in batches. The latest
        // warning (another household, another partition) comes first: the clock's first reading is
        // then past every deadline, which must not count as a day checked for escalations.
        let latest = facts.first { $0.event.id == "ev-w2-open" }!
        let warningsFirst = [latest] + facts.filter { $0.topic != Topics.assistanceOutcomes && $0.event.id != latest.event.id }
            + facts.filter { $0.topic == Topics.assistanceOutcomes }
        func replay(waitingForOutcomes: Bool) throws -> InProcessPipeline {
            let p = try InProcessPipeline(RouterProcessor())
            if waitingForOutcomes { p.topicEnds[Topics.assistanceOutcomes] = Int64(facts.filter { $0.topic == Topics.assistanceOutcomes }.count) }
            var rest = warningsFirst[...]
            while !rest.isEmpty { try p.deliver(Array(rest.prefix(3))); rest = rest.dropFirst(3) }
            return p
        }
        let ledger = { (p: InProcessPipeline) in
            try p.read { db in try Row.fetchAll(db, sql: "SELECT referral_id, state, escalated FROM router_referrals ORDER BY referral_id")
                .map { "\($0[0] as String) \($0[1] as String) \($0[2] as Bool)" } }
        }
        let replayed = try replay(waitingForOutcomes: true)
        XCTAssertEqual(try ledger(replayed), try ledger(live), "the same ledger")
        let new = Set(replayed.published.map(\.event.id)).subtracting(liveIDs)
        XCTAssertEqual(new, [], "no event the live run did not publish: \(replayed.published.filter { new.contains($0.event.id) }.map { "\($0.event.type) \($0.event.subject ?? "")" })")
        XCTAssertEqual(try replayed.read { try ReferralStore.heldCount($0) }, 0, "nothing left held once the outcomes are read")

        // The same replay deciding as if the outcomes were read (the router before this rule):
        // the scenario does make transient withdrawals and escalations, so the test can fail.
        let hasty = try replay(waitingForOutcomes: false)
        XCTAssertEqual(try ledger(hasty), try ledger(live), "the ledger converges either way")
        let transient = hasty.published.filter { !liveIDs.contains($0.event.id) }
        XCTAssertTrue(transient.contains { $0.event.type == EventType.referral.rawValue }, "a transient withdrawal")
        XCTAssertTrue(transient.contains { $0.event.type == EventType.referralEscalated.rawValue }, "a transient escalation")
    }

    /// A referral naming a person the router does not know yet waits for the registry version that
    /// names them (the registry and the warnings are read at their own pace: a restart, a replica
    /// taking a partition over). If the warning is revised meanwhile, the referral released is
    /// published as the router that knew the person published it: the first state at the time it
    /// first waited from, then the amendment at the revision's time — never a later revision's
    /// facts under the first time (the department would decide a fact before it happened; found by
    /// the two-replica convergence run: a large medical expense of 26 November decided as of the 6th).
    func testAReferralThatWaitedForItsPeopleIsPublishedAsIfTheyHadBeenKnown() throws {
        let person = String(repeating: "7", count: 64)
        var w = Self.warning("w7", household: "hh-7", opened: "2024-03-01", due: "2024-03-08")
        w.needs = [Need(domain: .medical, personKey: person, reason: "serious illness", clause: "§4.2")]
        var revised = w
        revised.revision = 1
        revised.needs[0].reason = "serious illness, larger expense"
        let registry = Self.registry("hh-7", person: person, name: "Name-7", health: .seriousIllness, occupation: .farming)
        let waited = try sentAsIfKnown(w, revised, registry: registry)
        XCTAssertEqual(waited.first?.referral.needs.first?.reason, "serious illness", "the first state's facts, not a later revision's")
        XCTAssertEqual(waited.last?.referral.needs.first?.reason, "serious illness, larger expense")
        XCTAssertEqual(waited.first?.referral.needs.first?.name, "Name-7", "with the person's identity")
    }

    /// A referral waiting for the person its first state names, whose revision names nobody (a
    /// household-level need only): the revision waits behind the first state, so the department gets
    /// the first state at its own time and then the amendment, as if the person had been known —
    /// not the revision alone, under its later time (found by the two-replica convergence run: a
    /// medical referral of 5 November, taken over before the registry was read, was first sent on
    /// 26 November, and its warning escalated in the meantime).
    func testARevisionNamingNobodyWaitsBehindAStateWaitingForItsPerson() throws {
        let person = String(repeating: "6", count: 64)
        var w = Self.warning("w6", household: "hh-6", opened: "2024-03-01", due: "2024-03-08")
        w.needs = [Need(domain: .medical, personKey: person, reason: "chronic_illness", clause: "§4.2.1"),
                   Need(domain: .medical, reason: "medical_burden", clause: "§4.2.1")]
        var revised = w
        revised.revision = 1
        revised.needs = [Need(domain: .medical, reason: "medical_burden", clause: "§4.2.1")]
        let registry = Self.registry("hh-6", person: person, name: "Name-6", health: .chronicIllness, occupation: .farming)
        let waited = try sentAsIfKnown(w, revised, registry: registry)
        XCTAssertEqual(waited.first?.referral.needs.first?.name, "Name-6", "with the person's identity")
    }

    /// The same deferral when the person is never coming: the registry, read to its end, does not
    /// name the first state's person. The revision kept behind it is released then (the first state
    /// left out), as a router that had read the whole registry first sends it at once.
    func testAStateKeptBehindAPersonTheRegistryNeverBringsIsReleasedWhenTheRegistryIsReadToItsEnd() throws {
        var w = Self.warning("w5", household: "hh-5", opened: "2024-03-01", due: "2024-03-08")
        w.needs = [Need(domain: .medical, personKey: String(repeating: "5", count: 64), reason: "chronic_illness", clause: "§4.2.1"),
                   Need(domain: .medical, reason: "medical_burden", clause: "§4.2.1")]
        var revised = w
        revised.revision = 1
        revised.needs = [Need(domain: .medical, reason: "medical_burden", clause: "§4.2.1")]
        // The household's registry version names someone else; another household's is read last.
        let own = Self.registry("hh-5", person: String(repeating: "4", count: 64), name: "Name-4", health: .healthy, occupation: .farming)
        let other = Self.registry("hh-5b", person: String(repeating: "3", count: 64), name: "Name-3", health: .healthy, occupation: .farming)
        let (first, second) = Self.openedThenRevised(w, revised)

        let registryFirst = try referrals([own, other, first, second], registryRecords: 2)
        XCTAssertEqual(registryFirst.map(\.time), ["2024-03-10T10:00:00+08:00"], "the revision, sent when read")
        let kept = try referrals([own, first, second, other], registryRecords: 2)
        XCTAssertEqual(kept.map(\.time), registryFirst.map(\.time), "released once the registry is read to its end")
        XCTAssertEqual(kept.map(\.referral), registryFirst.map(\.referral))
    }

    /// A warning resolved while its referral still waits for the person it names (the registry
    /// version naming them not read yet): the referral is not dropped; when the person arrives it
    /// is sent at its own time and withdrawn as of the resolution, as if the person had been known
    /// (RULES.md, Convergence). Found by the two-replica convergence run: a takeover read the
    /// registry late, and a department never received a referral the one-replica run sent.
    func testAWarningResolvedWhileItsReferralWaitsIsSentThenWithdrawnAsIfThePersonHadBeenKnown() throws {
        let person = String(repeating: "8", count: 64)
        var w = Self.warning("w8", household: "hh-8", opened: "2024-03-01", due: "2024-03-08")
        w.needs = [Need(domain: .employment, personKey: person, reason: "unemployed", clause: "§4.2.4")]
        var resolved = w
        resolved.status = .resolved
        resolved.resolvedAt = "2024-03-05"
        let registry = Self.registry("hh-8", person: person, name: "Name-8", health: .healthy, occupation: .unemployed)
        let open = Self.warningEvent(w, day: "2024-03-01")
        var closing = Self.warningEvent(resolved, day: "2024-03-05")
        closing.event = Self.event(.monitoringWarning, "ev-w8-resolved", "2024-03-05", key: "hh-8", resolved)

        let known = try referrals([registry, open, closing])
        XCTAssertEqual(known.map(\.referral.status), [.sent, .withdrawn], "sent, then withdrawn undecided at the resolution")
        let waited = try referrals([open, closing, registry])
        XCTAssertEqual(waited.map(\.time), known.map(\.time))
        XCTAssertEqual(waited.map(\.referral), known.map(\.referral), "the same referral and the same withdrawal, whatever came first")
        XCTAssertEqual(waited.first?.referral.needs.first?.name, "Name-8", "with the person's identity")
    }

    /// The referrals a router publishes when the deliveries arrive in `order`, with their times. The
    /// registry holds `registryRecords` versions from the start (a replay, or a takeover reading it late).
    func referrals(_ order: [Delivery], registryRecords: Int64 = 1) throws -> [(time: String, referral: Referral)] {
        let p = try InProcessPipeline(RouterProcessor())
        p.topicEnds[Topics.registryHouseholds] = registryRecords
        for d in order { try p.deliver([d]) }
        return try p.published.filter { $0.event.type == EventType.referral.rawValue }.map { ($0.event.time, try $0.event.decode(Referral.self)) }
    }

    /// `w` opened on 1 March and `revised` on 10 March, read after the registry version naming the
    /// person (sent, then amended) and before it (waiting): the waited run must publish the same
    /// referral and amendment at the same times. Returns the waited run's referrals.
    func sentAsIfKnown(_ w: Warning, _ revised: Warning, registry: Delivery,
                       file: StaticString = #filePath, line: UInt = #line) throws -> [(time: String, referral: Referral)] {
        let (first, second) = Self.openedThenRevised(w, revised)
        let known = try referrals([registry, first, second])
        XCTAssertEqual(known.map(\.time), ["2024-03-01T10:00:00+08:00", "2024-03-10T10:00:00+08:00"], "sent, then amended", file: file, line: line)
        let waited = try referrals([first, second, registry])
        XCTAssertEqual(waited.map(\.time), known.map(\.time), "each state at its own time, not the later revision's content at the first time",
                       file: file, line: line)
        XCTAssertEqual(waited.map(\.referral), known.map(\.referral), "the same referral, then the same amendment", file: file, line: line)
        return waited
    }

    /// A warning opened on 1 March and its revision of 10 March, as deliveries.
    static func openedThenRevised(_ w: Warning, _ revised: Warning) -> (first: Delivery, second: Delivery) {
        var second = warningEvent(revised, day: "2024-03-10")
        second.event = event(.monitoringWarning, "ev-\(w.warningId)-r1", "2024-03-10", key: w.householdId, revised)
        return (warningEvent(w, day: "2024-03-01"), second)
    }

    /// A household of one member, `person`, as the registry publishes it.
    static func registry(_ household: String, person: String, name: String, health: Health, occupation: Occupation) -> Delivery {
        let member = Member(relation: .self, name: name, idNumber: "ID-\(household)", health: health, occupation: occupation, personKey: person)
        let profile = HouseholdProfile(householdId: household, version: 1, regionCode: "140105001", area: .urban, members: [member],
                                       channels: [.historical], sourceSubmissions: ["s-\(household)"], programs: [], flags: [],
                                       collectedAt: "2024-03-01T10:00:00+08:00", updatedAt: "2024-03-01T10:00:00+08:00")
        return (Topics.registryHouseholds, Self.event(.registryHousehold, "ev-\(household)-v1", "2024-03-01", key: household, profile))
    }

    /// A person the registry, read to its end, does not name is not coming: the resolution is not
    /// held for them, and their waiting referral is dropped (nothing is sent for a warning that no
    /// longer stands).
    func testAResolutionIsNotHeldForAPersonTheRegistryReadToItsEndDoesNotName() throws {
        var w = Self.warning("w9", household: "hh-9", opened: "2024-03-01", due: "2024-03-08")
        w.needs = [Need(domain: .employment, personKey: String(repeating: "9", count: 64), reason: "unemployed", clause: "§4.2.4")]
        var resolved = w
        resolved.status = .resolved
        resolved.resolvedAt = "2024-03-05"
        var closing = Self.warningEvent(resolved, day: "2024-03-05")
        closing.event = Self.event(.monitoringWarning, "ev-w9-resolved", "2024-03-05", key: "hh-9", resolved)
        let p = try InProcessPipeline(RouterProcessor())
        try p.deliver([Self.warningEvent(w, day: "2024-03-01")])
        try p.deliver([closing])
        XCTAssertTrue(p.published.filter { $0.event.type == EventType.referral.rawValue }.isEmpty)
        try p.db.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM router_held_resolutions"), 0, "nothing held for ever")
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM router_waiting_states"), 0)
        }
    }

    /// A re-delivered batch (the consumer restarted before committing) changes nothing.
    func testRedeliveryPublishesNothingNew() throws {
        let pipeline = try InProcessPipeline(RouterProcessor())
        try pipeline.deliver(Self.facts)
        let before = pipeline.published.count
        try pipeline.deliver(Self.facts)
        XCTAssertEqual(pipeline.published.count, before)
    }
}

/// SplitMix64, for reproducible shuffles from a printed seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
