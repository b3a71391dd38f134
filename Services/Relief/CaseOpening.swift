// A new application: idempotent by application id, merged into an existing case when it is the
// same incident of the same person within the window, else assessed (the hardship against §4.3),
// planned and — for an urgent case — paid its aid-first stage at once (先行救助), with a paperwork
// task to follow; a case that is not urgent waits for the township's review before any payment.
import DoudiDomain
import Envelope
import Foundation
import GRDB
import ServiceKit

enum CaseOpening {
    static func open(_ db: Database, _ incoming: IncomingApplication, atMs: Int64, settings: ReliefSettings) throws -> [OutgoingEvent] {
        let app = incoming.application
        let received = Timestamp.rfc3339(milliseconds: atMs)
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM relief_applications WHERE application_id = ?",
                             arguments: [app.applicationId]) == true {
            return []   // the same application again (a re-sent event with a new id)
        }
        let standards = settings.standards.rules(for: app.incidentRegionCode)
        var index = try loadIndex(db, personKey: incoming.personKey) ?? ReliefCaseIndex(windowDays: standards.duplicateWindowDays)
        index.windowDays = standards.duplicateWindowDays
        let assignment = index.register(app, personKey: incoming.personKey)
        try db.execute(sql: "INSERT OR REPLACE INTO relief_person_index(person_key, index_json) VALUES (?, ?)",
                       arguments: [incoming.personKey, String(decoding: try JSONCoding.encoder.encode(index), as: UTF8.self)])
        try db.execute(sql: "INSERT INTO relief_applications(application_id, case_id, merged, received_at) VALUES (?, ?, ?, ?)",
                       arguments: [app.applicationId, assignment.caseId, assignment.merged, received])
        if assignment.merged { return [] }   // one incident, one case: nothing new to assess or pay

        let startOn = Clock.date(ms: atMs)
        let assessment = ReliefPolicy.assess(app, standards: standards, caseId: assignment.caseId, receivedOn: startOn)
        let relief = ReliefCase(applicationId: app.applicationId,
                                plan: StagePlan(assessment, startOn: startOn, monthlyStages: standards.monthlyStages),
                                reviewRequired: assessment.reviewRequired)
        var record = CaseRecord(caseId: assignment.caseId, applicationId: app.applicationId, referralId: incoming.referralId,
                                warningId: incoming.warningId, householdId: app.householdId, personKey: incoming.personKey,
                                regionCode: app.incidentRegionCode, incidentKind: app.incidentKind, assessment: assessment,
                                startMs: atMs, relief: relief, createdAt: received)
        if record.status == .denied {
            try record.save(db, settings: settings, nowMs: atMs)
            return [try ReliefEvents.denied(case: record, reason: assessment.denial ?? "nothing approved", atMs: atMs)]
        }
        var out: [OutgoingEvent] = []
        if assessment.aidFirstFen > 0 {
            out.append(try ReliefEvents.task(record, kind: .reliefPaperwork, discriminator: "paperwork",
                                             reason: "relief_paperwork: \(assessment.aidFirstFen) fen paid first under §4.3; "
                                                     + "complete the application file of \(record.caseId)",
                                             dueBy: startOn.adding(days: settings.paperworkDueDays), atMs: atMs))
        }
        // The stage rows first, so that the aid-first stage is paid in this same transaction (先行救助: at once).
        try record.save(db, settings: settings, nowMs: atMs)
        return out + (try Settlement.settle(db, &record, nowMs: atMs, settings: settings))
    }

    private static func loadIndex(_ db: Database, personKey: String) throws -> ReliefCaseIndex? {
        try String.fetchOne(db, sql: "SELECT index_json FROM relief_person_index WHERE person_key = ?", arguments: [personKey])
            .map { try JSONDecoder().decode(ReliefCaseIndex.self, from: Data($0.utf8)) }
    }
}
