// The matcher's input handling: accepted submissions build households, department records are
// kept as facts about people and compared with the registry, outcomes update the programmes a
// household receives. Each input is one call of the pure logic (Shared/DoudiDomain/Matcher)
// inside the runtime's transaction; household profiles are folded from the facts
// (HouseholdTimeline), so arrival order changes nothing but the number of versions published.
import DoudiDomain
import Envelope
import Foundation
import GRDB
import Logging
import ServiceKit
import Store

struct MatcherProcessor: EventProcessor {
    let name = "matcher"
    var inputTopics: [String] { [Topics.intakeAccepted, Topics.deptRecords, Topics.assistanceOutcomes] }
    /// The registry is read back for every record and version (its people, their households).
    var storeCacheBytes: Int { ServiceStore.largeWriterCacheBytes }
    /// The router's escalations share `assistance.outcomes` with the outcomes; they are the
    /// classifier's and the router's concern (1.8 per household the runtime applied for nothing).
    var ignoredTypes: Set<String> { [EventType.referralEscalated.rawValue] }
    let keyer: PersonKeyer
    let householdIds: HouseholdIds
    let validator = DeptRecordValidator()
    let settings: ComparisonSettings
    let counters: MatchCounters
    /// Holdings and profiles decoded lately, used while their rows hold the same bytes (DecodedRows).
    let rows: DecodedRows
    let logger = Logger(label: "doudi.matcher")

    init(personKeySecret: String, counters: MatchCounters, settings: ComparisonSettings = .standard, rows: DecodedRows = DecodedRows()) {
        self.rows = rows
        self.keyer = PersonKeyer(secret: personKeySecret)
        self.householdIds = HouseholdIds(secret: personKeySecret)
        self.counters = counters
        self.settings = settings
    }

    func registerMigrations(_ migrator: inout DatabaseMigrator) { RegistrySchema.register(&migrator) }

    func process(_ event: CloudEvent, in context: ProcessingContext) throws -> [OutgoingEvent] {
        let reader = SQLiteRegistry(db: context.db, rows: rows)
        let change: RegistryChange
        switch event.type {
        case EventType.intakeAccepted.rawValue:
            let ids = householdIds
            change = try HouseholdMerger.apply(accepted: event.decode(Submission.self), reader: reader,
                                               householdId: { ids.id(for: $0) }, settings: settings)
        case EventType.deptRecord.rawValue:
            let record = try acceptedRecord(event, eventTime: context.eventTime)
            change = try DepartmentComparison.apply(record: record.record, personKey: record.personKey, reader: reader,
                                                    settings: settings)
        case EventType.assistanceOutcome.rawValue:
            // Programmes are published once per household at the end of the batch (finishBatch).
            let outcome = try event.decode(Outcome.self)
            guard let holdings = try ProgramsLedger.holdings(after: outcome, reader: reader) else {
                if outcome.status != .accepted, outcome.status != .denied, try reader.profile(householdId: outcome.householdId) == nil {
                    record([MatchNote(code: .unknownHousehold, reference: outcome.outcomeId, householdId: outcome.householdId)])
                }
                return []
            }
            try RegistryWriter.setHoldings(holdings, of: outcome.householdId, rows: rows, context.db)
            return []
        default:
            return []  // other types on these topics (a later version's) are not the matcher's concern
        }
        record(change.notes)
        return try ChangeEvents.outgoing(for: change, cause: event, context: context, source: context.source, db: context.db, rows: rows)
    }

    /// The versions outcomes made during the batch, one per household.
    func finishBatch(in context: BatchContext) throws -> [OutgoingEvent] {
        try ChangeEvents.pendingPrograms(context.db, source: context.source, rows: rows)
    }

    /// Validates the record as of the event's date; an invalid one is dead-lettered with the
    /// validator's reason, which names fields and codes only.
    private func acceptedRecord(_ event: CloudEvent, eventTime: String) throws -> AcceptedDeptRecord {
        guard let asOf = CivilDate(iso: eventTime) else { throw PoisonMessage("dept.record.v1 without a usable ce_time") }
        let validation = validator.validate(event.data, asOf: asOf) { keyer.key(for: $0) }
        guard case .accepted(let accepted) = validation else {
            throw PoisonMessage(validation.deadLetterReason ?? "invalid dept.record.v1")
        }
        return accepted
    }

    /// Notes are counted; a name mismatch is also logged, by record and household, never by name.
    private func record(_ notes: [MatchNote]) {
        for note in notes {
            counters.increment(note.code)
            if note.code == .nameMismatch {
                logger.notice("department record not matched: name differs from the registered member",
                              metadata: ["recordId": "\(note.reference)", "householdId": "\(note.householdId ?? "-")"])
            }
        }
    }
}

