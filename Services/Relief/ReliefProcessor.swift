// doudi-relief's inputs: applications, county approvals and fund replenishments on
// relief.applications, and emergency referrals. Decisions use the input's event time.
import DoudiDomain
import Envelope
import GRDB
import ServiceKit

struct ReliefProcessor: EventProcessor {
    let name = "relief"
    let inputTopics = [Topics.reliefApplications, Topics.referrals(Domain.emergency.rawValue)]
    let settings: ReliefSettings
    let intake: ApplicationIntake

    init(settings: ReliefSettings, personKeySecret: String) {
        self.settings = settings
        self.intake = ApplicationIntake(keyer: PersonKeyer(secret: personKeySecret), settings: settings)
    }

    func registerMigrations(_ migrator: inout DatabaseMigrator) { ReliefSchema.register(&migrator) }

    func process(_ event: CloudEvent, in context: ProcessingContext) throws -> [OutgoingEvent] {
        guard let atMs = Timestamp.milliseconds(context.eventTime) else { throw PoisonMessage("unreadable ce_time") }
        let db = context.db, date = Clock.date(ms: atMs)
        try ReliefSchema.advanceClock(db, to: atMs)
        switch event.type {
        case EventTypes.application:
            let incoming = try intake.application(try event.decode(ReliefApplication.self), eventDate: date)
            return try CaseOpening.open(db, incoming, atMs: atMs, settings: settings)
        case EventTypes.referral:
            return try intake.applications(from: try event.decode(Referral.self), eventDate: date).flatMap {
                try CaseOpening.open(db, $0, atMs: atMs, settings: settings)
            }
        case EventTypes.approval:
            let input = try event.decode(ReliefApproval.self)
            switch try CountyApprovals.approve(db, caseId: input.caseId, approvedFen: input.approvedFen,
                                               approver: input.approver, atMs: atMs, settings: settings) {
            case .approved(_, let events): return events
            case .unknownCase: throw PoisonMessage("approval for an unknown case")
            case .notRequired: throw PoisonMessage("approval for a case within the township limit")
            case .refused(let problem): throw PoisonMessage("approval refused: \(problem)")
            }
        case EventTypes.replenished:
            let r = try event.decode(FundReplenishment.self)
            guard r.township.utf8.count == 9, r.township.utf8.allSatisfy({ (48...57).contains($0) }) else {
                throw PoisonMessage("township is not a 9-digit township code")
            }
            guard r.amountFen > 0 else { throw PoisonMessage("amountFen must be positive") }
            if try FundLedger.replenish(db, id: r.replenishmentId, township: r.township, amountFen: r.amountFen,
                                        atMs: atMs, settings: settings) {
                // Escalated cases are paid again by the scheduler, oldest due first.
                try db.execute(sql: "UPDATE relief_cases SET status = 'active' WHERE township = ? AND status = 'awaiting_funds'",
                               arguments: [r.township])
            }
            return []
        default:
            throw PoisonMessage("unexpected ce_type on a relief input topic")
        }
    }
}
