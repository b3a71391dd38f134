import DoudiDomain
import Envelope
import GRDB
import ServiceKit

/// The referral router (§3.4 预警处置): open warnings become minimised referrals, one per
/// department; resolved warnings withdraw what is still open; department outcomes move the
/// ledger; referrals nobody decided by their deadline are escalated once.
struct RouterProcessor: EventProcessor {
    let name = "router"
    var inputTopics: [String] { [Topics.monitoringWarnings, Topics.assistanceOutcomes] }
    let planner = ReferralPlanner()

    func registerMigrations(_ migrator: inout DatabaseMigrator) { ReferralStore.register(&migrator) }

    func process(_ event: CloudEvent, in context: ProcessingContext) throws -> [OutgoingEvent] {
        var out: [OutgoingEvent] = []
        switch event.type {
        case EventType.monitoringWarning.rawValue: out = try route(try event.decode(Warning.self), cause: event, context)
        case EventType.assistanceOutcome.rawValue: try record(try event.decode(Outcome.self), at: context.eventTime, context.db)
        default: break // our own escalations coming back, or types of later versions
        }
        // After the event is applied, so that a decision arriving on the day the clock moves counts.
        return out + (try EventClock.advance(context.db, to: context.eventTime, cause: event, source: context.source))
    }

    private func route(_ warning: Warning, cause: CloudEvent, _ context: ProcessingContext) throws -> [OutgoingEvent] {
        guard let today = CivilDate(iso: context.eventTime) else { throw PoisonMessage("event time is not an RFC 3339 time") }
        let ledger = ReferralLedger(restoring: try ReferralStore.entries(context.db, warningId: warning.warningId))
        let plan = planner.plan(warning, sentAt: today, ledger: ledger)
        var out: [OutgoingEvent] = []
        for referral in plan.send {
            try ReferralStore.insert(context.db, referral, at: context.eventTime)
            out.append(try publish(referral, discriminator: "sent", cause: cause, context))
        }
        for referral in plan.withdraw {
            try ReferralStore.setState(context.db, referralId: referral.referralId, .withdrawn, at: context.eventTime)
            out.append(try publish(referral, discriminator: "withdrawn", cause: cause, context))
        }
        return out
    }

    private func publish(_ referral: Referral, discriminator: String, cause: CloudEvent,
                         _ context: ProcessingContext) throws -> OutgoingEvent {
        let event = try context.derive(from: cause, type: EventType.referral.rawValue,
                                       discriminator: "\(discriminator):\(referral.referralId)",
                                       subject: referral.householdId, key: referral.householdId, payload: referral)
        return OutgoingEvent(topic: Topics.referrals(referral.domain.rawValue), event: event)
    }

    /// Outcomes of referrals this router did not send (relief's own cases) are ignored.
    private func record(_ outcome: Outcome, at time: String, _ db: Database) throws {
        guard let id = outcome.referralId, let entry = try ReferralStore.entry(db, referralId: id) else { return }
        var ledger = ReferralLedger(restoring: [entry])
        if ledger.apply(outcome), let state = ledger.state(of: id) {
            try ReferralStore.setState(db, referralId: id, state, at: time)
        }
    }
}
