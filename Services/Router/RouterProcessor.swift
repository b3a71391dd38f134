import DoudiDomain
import Envelope
import Foundation
import GRDB
import ServiceKit
import Store

/// The referral router (§3.4 预警处置): open warnings become minimised referrals, one per
/// department; revised warnings amend them; resolved warnings withdraw what is still open;
/// retracted warnings supersede everything they caused; department outcomes move the ledger;
/// referrals nobody decided by their deadline are escalated once (and the escalation taken back
/// if a decision dated in time arrives later). People are named from the router's own copy of
/// the registry (warnings carry person keys only).
///
/// Withdrawals and escalations rest on the absence of a department's decision, so they wait until
/// the outcomes topic is read to its end (`ReadProgress`): a resolved warning read while outcomes
/// lag behind (a replay, a restart after an outage) is held and its withdrawals decided at the end
/// of a batch that reached the end of the outcomes; the event clock escalates only then too.
struct RouterProcessor: EventProcessor {
    let name = "router"
    var inputTopics: [String] { [Topics.monitoringWarnings, Topics.assistanceOutcomes, Topics.registryHouseholds, Topics.name(.clockTicks)] }
    /// Each warning reads back its referrals, their ledger and the household's people.
    var storeCacheBytes: Int { ServiceStore.largeWriterCacheBytes }
    /// All three are keyed by household id, and a referral's state is its household's: the state
    /// splits by partition (DOUDI_TASKS, docs/scaling.md).
    var partitionedState: Bool { true }
    let planner = ReferralPlanner()
    var finishesWhenIdle: Bool { true }
    /// Its own escalations, read back on `assistance.outcomes`: they change no referral, and the
    /// clock must not follow them either. Read ahead of the warnings that moved the clock past a
    /// deadline (a rebuild, topics not ordered against each other), one would move it early; dated
    /// (`dueBy` + 1) no later than the clock that made them, they never move it otherwise. The
    /// clock follows the facts (warnings, outcomes, the registry) and the bureau's ticks alone.
    var ignoredTypes: Set<String> { [EventType.referralEscalated.rawValue] }

    /// Where an event the router publishes comes from: the input it answers and its event time.
    /// `causeID` nil: no event caused it (a release once the registry is read to its end).
    struct Origin { let causeID: String?; let time: String; let source: String }

    func registerMigrations(_ migrator: inout DatabaseMigrator) { ReferralStore.register(&migrator) }

    func process(_ event: CloudEvent, in context: ProcessingContext) throws -> [OutgoingEvent] {
        // A type outside the contract (a later version's) is left alone and does not move the clock.
        guard EventType(rawValue: event.type) != nil else { return [] }
        if event.type == EventType.clockTick.rawValue { _ = try ClockTicks.checked(event, in: context) }
        var out: [OutgoingEvent] = []
        switch event.type {
        case EventType.monitoringWarning.rawValue: out = try route(try event.decode(Warning.self), cause: event, context)
        case EventType.assistanceOutcome.rawValue: out = try record(try event.decode(Outcome.self), cause: event, context)
        case EventType.registryHousehold.rawValue: out = try people(try event.decode(HouseholdPeople.self), cause: event, context)
        // A day begun on this partition (`clock.tick.v1`): only the clock moves.
        default: break
        }
        // After the event is applied, so that a decision arriving on the day the clock moves counts;
        // escalations only once the outcomes are read to their end (else `finishBatch` does them).
        return out + (try EventClock.advance(context.db, to: context.eventTime, cause: event, source: context.source,
                                             escalate: context.readToEnd(Topics.assistanceOutcomes)))
    }

    /// At the end of a batch that read the outcomes to their end: the resolutions held until then,
    /// in the order they were read, then the escalations the clock held back.
    func finishBatch(in context: BatchContext) throws -> [OutgoingEvent] {
        let db = context.db
        var out: [OutgoingEvent] = []
        if context.readToEnd(Topics.registryHouseholds) {
            // Read to its end, the registry brings no one else: a referral whose last state names
            // only people the router knows (a state `route` kept behind one waiting for a person) is
            // released now, the states naming someone never brought left out — what a router that
            // had read the registry first would have sent.
            for household in try ReferralStore.waitingHouseholds(db) {
                for (referralId, states) in try ReferralStore.waiting(db, householdId: household) {
                    guard let time = states.last?.1 else { continue }
                    out += try release(referralId, states, origin: Origin(causeID: nil, time: time, source: context.source), db)
                }
            }
        }
        guard context.readToEnd(Topics.assistanceOutcomes) else { return out }
        for held in try ReferralStore.takeHeld(db) {
            // Still waiting for a referral's people, and the registry has more to read: held on
            // (`people` sends the referral first). Read to its end, the people are not coming.
            if !context.readToEnd(Topics.registryHouseholds), try !waitingReferrals(of: held.warning, db).isEmpty {
                try ReferralStore.hold(db, held.warning, time: held.time, causeID: held.causeID)
                continue
            }
            for r in planner.referrals(for: { var w = held.warning; w.status = .open; return w }()) {
                try ReferralStore.stopWaiting(db, referralId: r.referralId)
            }
            var (ledger, stored) = ReferralStore.restore(try ReferralStore.entries(db, warningId: held.warning.warningId))
            // Its amendments were sent when it was read; only what rests on the outcomes waited.
            let plan = planner.plan(held.warning, ledger: ledger) { try? ReferralStore.person(db, $0) }
            var touched: [String] = []
            let origin = Origin(causeID: held.causeID, time: held.time, source: context.source)
            out += try resolve(held.warning, withdraw: plan.withdraw, ledger: &ledger, origin: origin, touched: &touched)
            out += try lateEscalations(&ledger, touched: &touched, origin: origin, db)
            try ReferralStore.save(db, ledger, ids: touched, at: held.time, held: &stored)
        }
        return out + (try EventClock.catchUp(db, source: context.source))
    }

    private func route(_ warning: Warning, cause: CloudEvent, _ context: ProcessingContext) throws -> [OutgoingEvent] {
        let db = context.db
        let origin = Origin(causeID: cause.id, time: context.eventTime, source: context.source)
        var (ledger, stored) = ReferralStore.restore(try ReferralStore.entries(db, warningId: warning.warningId))
        let plan = planner.plan(warning, ledger: ledger) { try? ReferralStore.person(db, $0) }
        var out: [OutgoingEvent] = []
        for r in plan.waiting { try ReferralStore.wait(db, r, time: context.eventTime) }
        // A state the router could send, of a referral whose earlier states still wait for their
        // people, waits behind them (while the registry has more to read): released, they are all
        // published in the order read, each at its own time, as if the people had been known — not
        // this later state alone under its time (Convergence; RouterOrderTests).
        var send: [Referral] = []
        for r in plan.send {
            if !context.readToEnd(Topics.registryHouseholds), try ReferralStore.isWaiting(db, referralId: r.referralId) {
                try ReferralStore.wait(db, r, time: context.eventTime)
            } else {
                send.append(r)
            }
        }
        let day = CivilDate(iso: context.eventTime)
        ledger.apply(RoutingPlan(send: send, supersede: plan.supersede))
        var touched: [String] = []
        var revised: [(String, String)] = []
        for r in send {
            try ReferralStore.stopWaiting(db, referralId: r.referralId)
            // An amendment is dated no earlier than the revision it amends: the warning's final state
            // can carry an earlier time than an intermediate one read before it, and a department
            // (and the classifier after it) must read a later revision's decisions after the earlier
            // one's, whatever order the warning's states arrived in (Convergence).
            let time = Self.later(context.eventTime, try ReferralStore.revisedAt(db, referralId: r.referralId))
            out.append(try publish(r, origin, time: time))
            revised.append((r.referralId, time))
            touched.append(r.referralId)
            out += try ledger.deadlineMoved(r.referralId).map { try EventClock.event($0, causeID: cause.id, source: context.source) }
            out += try applyEarly(&ledger, referralId: r.referralId, origin: origin, db)
        }
        // A later state of the warning replaces a resolution held for an earlier one.
        try ReferralStore.release(db, warningId: warning.warningId)
        // A resolution reaches referrals still waiting for their people once they are sent: held
        // until then, as if the people had been known when the warning opened (Convergence) — while
        // the registry is not read to its end (a person it does not name when read to its end is
        // not coming: the referral is dropped, as before).
        let waiting = warning.status == .resolved && !context.readToEnd(Topics.registryHouseholds)
            ? try waitingReferrals(of: warning, db) : []
        if warning.status == .resolved {
            if context.readToEnd(Topics.assistanceOutcomes) && waiting.isEmpty {
                out += try resolve(warning, withdraw: plan.withdraw, ledger: &ledger, origin: origin, touched: &touched)
            } else {
                try ReferralStore.hold(db, warning, time: context.eventTime, causeID: cause.id)
            }
        }
        for r in plan.supersede {
            out.append(try publish(r, origin))
            touched.append(r.referralId)
            if let day, let e = ledger.settle(r.referralId, on: day) { out.append(try EventClock.event(e, causeID: cause.id, source: context.source)) }
        }
        out += try lateEscalations(&ledger, touched: &touched, origin: origin, db)
        if warning.status != .open {
            // Referrals still waiting for a person, of a warning taken back: it no longer needs them.
            for r in planner.referrals(for: { var w = warning; w.status = .open; return w }()) where !waiting.contains(r.referralId) {
                try ReferralStore.stopWaiting(db, referralId: r.referralId)
            }
        }
        try ReferralStore.save(db, ledger, ids: touched, at: context.eventTime, held: &stored)
        for (id, time) in revised { try ReferralStore.setRevisedAt(db, referralId: id, time) }
        return out
    }

    /// A resolution's withdrawals (its referrals nobody decided by the day it was resolved), dated by
    /// the resolution, a fact of the warning, not by when it was read; and the take-back of a
    /// withdrawal of the referral whose own decision resolved it.
    private func resolve(_ warning: Warning, withdraw: [Referral], ledger: inout ReferralLedger, origin: Origin,
                         touched: inout [String]) throws -> [OutgoingEvent] {
        var out: [OutgoingEvent] = []
        if let on = warning.resolvedAt.flatMap({ CivilDate(iso: $0) }) ?? CivilDate(iso: origin.time) {
            for r in withdraw where ledger.withdraw(r.referralId, on: on, as: r) {
                out.append(try publish(r, origin))
                if !touched.contains(r.referralId) { touched.append(r.referralId) }
                if let e = ledger.settle(r.referralId, on: on) { out.append(try EventClock.event(e, causeID: origin.causeID, source: origin.source)) }
            }
        }
        if let own = warning.resolvedBy {
            out += try reinstate(&ledger, own, resolvedBy: own, origin: origin, touched: &touched)
        }
        return out
    }

    /// The referrals of `warning` with states waiting for the people they name.
    private func waitingReferrals(of warning: Warning, _ db: Database) throws -> [String] {
        try planner.referrals(for: { var w = warning; w.status = .open; return w }()).map(\.referralId)
            .filter { try ReferralStore.isWaiting(db, referralId: $0) }
    }

    /// The later of an event time and a stored one (RFC 3339, compared as instants).
    static func later(_ time: String, _ other: String?) -> String {
        guard let other, let a = FactTime(time), let b = FactTime(other), b > a else { return time }
        return other
    }

    /// A registry version: the router's copy of its people, and the referrals that waited for them.
    private func people(_ p: HouseholdPeople, cause: CloudEvent, _ context: ProcessingContext) throws -> [OutgoingEvent] {
        let db = context.db
        guard try ReferralStore.takePeople(db, p) else { return [] }
        let origin = Origin(causeID: cause.id, time: context.eventTime, source: context.source)
        var out: [OutgoingEvent] = []
        for (referralId, states) in try ReferralStore.waiting(db, householdId: p.householdId) {
            out += try release(referralId, states, origin: origin, db)
        }
        return out
    }

    /// Releases a referral's waiting states once the last one's people are all known: each state
    /// with the people it names (an earlier state naming someone the registry never brought is left
    /// out). Nothing while the last state still waits for someone.
    private func release(_ referralId: String, _ states: [(Referral, String)], origin: Origin, _ db: Database) throws -> [OutgoingEvent] {
        var filled: [(Referral, String)] = []
        for (i, (waiting, time)) in states.enumerated() {
            var r = waiting
            var known = true
            for n in r.needs.indices {
                guard let key = r.needs[n].personKey, r.needs[n].name == nil else { continue }
                guard let who = try ReferralStore.person(db, key) else { known = false; continue }
                r.needs[n].name = who.name
                r.needs[n].idNumber = who.idNumber
            }
            if known { filled.append((r, time)) } else if i == states.count - 1 { return [] }
        }
        var out: [OutgoingEvent] = []
        var (ledger, stored) = ReferralStore.restore(try ReferralStore.entry(db, referralId: referralId).map { [$0] } ?? [])
        try ReferralStore.stopWaiting(db, referralId: referralId)
        // Published as the router that knew the person published them: the first state at the
        // time it was read, each later one as an amendment at its own (never before the
        // revision it amends) — so the department decides each on its own facts and dates.
        var touched: [String] = []
        var lastTime: String?
        for (state, time) in filled {
            // Numbered against what was published before it, as the planner numbers amendments.
            var r = state
            if let e = ledger.entry(referralId) {
                let same = ReferralPlanner.sameContent(e.referral, r)
                guard !same || e.state == .withdrawn || e.state == .superseded else { continue }
                r.revision = same ? e.referral.revision : (e.referral.revision ?? 0) + 1
            }
            guard ledger.record(r) else { continue }
            let sentTime = Self.later(time, try ReferralStore.revisedAt(db, referralId: referralId))
            out.append(try publish(r, origin, time: sentTime))
            out += try ledger.deadlineMoved(referralId).map { try EventClock.event($0, causeID: origin.causeID, source: origin.source) }
            if touched.isEmpty {
                touched = [referralId]
                out += try applyEarly(&ledger, referralId: referralId, origin: origin, db)
            }
            try ReferralStore.save(db, ledger, ids: touched, at: time, held: &stored)
            try ReferralStore.setRevisedAt(db, referralId: referralId, sentTime)
            lastTime = time
        }
        guard let lastTime else { return out }
        out += try lateEscalations(&ledger, touched: &touched, origin: origin, db)
        try ReferralStore.save(db, ledger, ids: touched, at: lastTime, held: &stored)
        return out
    }

    /// A referral sent after the clock already passed its deadline (its warning was read late) is
    /// escalated now, as it would have been had it been read in time; a decision dated in time
    /// takes the escalation back when it comes.
    private func lateEscalations(_ ledger: inout ReferralLedger, touched: inout [String], origin: Origin,
                                 _ db: Database) throws -> [OutgoingEvent] {
        guard let clock = try EventClock.load(db)?.checkedDay else { return [] }
        return try ledger.escalate(now: clock).map { e in
            if !touched.contains(e.referral.referralId) { touched.append(e.referral.referralId) }
            return try EventClock.event(e, causeID: origin.causeID, source: origin.source)
        }
    }

    /// The event id derives from the referral's id, status, revision and content: the same
    /// referral published again (a replay) is the same event.
    private func publish(_ referral: Referral, _ origin: Origin, time: String? = nil) throws -> OutgoingEvent {
        let fingerprint = String(CanonicalEncoding.fingerprint(referral), radix: 16)
        let event = try CloudEvent.make(
            id: EventID.derived(EventType.referral.rawValue, referral.referralId, referral.status.rawValue,
                                String(referral.revision ?? 0), fingerprint),
            source: origin.source, type: EventType.referral.rawValue, time: time ?? origin.time,
            subject: referral.householdId, key: referral.householdId, causationID: origin.causeID, payload: referral)
        return OutgoingEvent(topic: Topics.referrals(referral.domain), event: event)
    }

    /// An outcome of a referral not recorded yet is kept until it is (its warning may come later
    /// on another topic); outcomes without a referral (relief's own cases) are ignored.
    private func record(_ outcome: Outcome, cause: CloudEvent, _ context: ProcessingContext) throws -> [OutgoingEvent] {
        let db = context.db
        guard let id = outcome.referralId else { return [] }
        guard let entry = try ReferralStore.entry(db, referralId: id) else {
            try ReferralStore.keepEarly(db, outcome, referralId: id)
            return []
        }
        var (ledger, stored) = ReferralStore.restore([entry])
        let out = try apply(outcome, to: &ledger, origin: Origin(causeID: cause.id, time: context.eventTime, source: context.source))
        try ReferralStore.save(db, ledger, ids: [id], at: context.eventTime, held: &stored)
        return out
    }

    /// Moves the ledger with a department's outcome; a decision or withdrawal settles the
    /// escalation question from its date.
    private func apply(_ outcome: Outcome, to ledger: inout ReferralLedger, origin: Origin) throws -> [OutgoingEvent] {
        guard let id = outcome.referralId else { return [] }
        let settledBefore = ledger.entry(id)?.settledOn
        let changed = ledger.apply(outcome) || ledger.entry(id)?.settledOn != settledBefore
        guard outcome.status != .accepted, let day = CivilDate(iso: outcome.decidedAt) else { return [] }
        var out: [OutgoingEvent] = []
        var touched: [String] = []
        // A decision dated on or before a withdrawal that was read first takes the withdrawal back.
        if [.granted, .denied, .closed].contains(outcome.status) {
            out += try reinstate(&ledger, id, resolvedBy: nil, origin: origin, touched: &touched)
        }
        guard changed || !out.isEmpty, let e = ledger.settle(id, on: day) else { return out }
        return out + [try EventClock.event(e, causeID: origin.causeID, source: origin.source)]
    }

    /// Takes back a withdrawal the facts no longer support (`ReferralLedger.reinstate`): the referral
    /// is published again as it stands, status `sent` — the same event as its last send, so the
    /// department changes nothing — and the escalation question is settled again without it.
    private func reinstate(_ ledger: inout ReferralLedger, _ id: String, resolvedBy: String?, origin: Origin,
                           touched: inout [String]) throws -> [OutgoingEvent] {
        guard let r = ledger.reinstate(id, resolvedBy: resolvedBy) else { return [] }
        if !touched.contains(id) { touched.append(id) }
        var out = [try publish(r, origin)]
        if let decided = ledger.entry(id)?.decidedOn, let e = ledger.settle(id, on: decided) {
            out.append(try EventClock.event(e, causeID: origin.causeID, source: origin.source))
        }
        return out
    }

    /// The outcomes read before `referralId` was recorded, applied now in date order (before the
    /// clock is asked whether it is overdue, so that an answer in time never escalates it).
    private func applyEarly(_ ledger: inout ReferralLedger, referralId: String, origin: Origin,
                            _ db: Database) throws -> [OutgoingEvent] {
        var out: [OutgoingEvent] = []
        for outcome in try ReferralStore.takeEarly(db, referralId: referralId) {
            out += try apply(outcome, to: &ledger, origin: origin)
        }
        return out
    }
}
