// Reading and writing cases and their stages. The case's `ReliefCase` (plan, paid stages, county
// approval) is the source of truth; `relief_stages` mirrors it for due-date queries and checks.
import DoudiDomain
import Envelope
import Foundation
import GRDB

enum CaseStatus: String, Codable, Sendable {
    /// Not urgent: waiting for the township's review before anything is paid.
    case awaitingReview = "awaiting_review"
    /// Waiting for the county's approval (only the aid-first stage may be paid meanwhile).
    case pending
    /// Approved; stages are paid as they fall due.
    case active
    /// The township fund could not pay a due stage; escalated to the county until replenished.
    case awaitingFunds = "awaiting_funds"
    case completed
    /// Nothing approved: nothing requested, a hardship §4.3 does not cover, or the township's review denied it.
    case denied
}

struct CaseRecord: Sendable {
    var caseId: String
    var applicationId: String
    var referralId: String?
    var warningId: String?
    var householdId: String?
    var personKey: String
    var regionCode: String
    var township: String
    var incidentKind: String
    var status: CaseStatus
    var level: ApprovalLevel
    var countyRequired: Bool
    var requestedFen: Int64
    var approver: String?
    /// When the current plan started (application, or county approval): interval-mode due times.
    var startMs: Int64
    var relief: ReliefCase
    var reasons: [Reason]
    var createdAt: String

    var startOn: CivilDate { Clock.date(ms: startMs) }
    /// The event key: household id when there is one, else the person key.
    var eventKey: String { householdId ?? personKey }

    static func load(_ db: Database, caseId: String) throws -> CaseRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM relief_cases WHERE case_id = ?", arguments: [caseId]).map(CaseRecord.init(row:))
    }

    init(caseId: String, applicationId: String, referralId: String?, warningId: String?, householdId: String?,
         personKey: String, regionCode: String, incidentKind: String, assessment: Assessment, startMs: Int64,
         relief: ReliefCase, createdAt: String) {
        self.caseId = caseId; self.applicationId = applicationId; self.referralId = referralId; self.warningId = warningId
        self.householdId = householdId; self.personKey = personKey; self.regionCode = regionCode
        self.township = String(regionCode.prefix(9)); self.incidentKind = incidentKind
        self.status = assessment.approvedTotalFen > 0 ? (assessment.reviewRequired ? .awaitingReview : .active) : .denied
        self.level = assessment.approvalLevel; self.countyRequired = assessment.pendingCountyApproval
        self.requestedFen = assessment.requestedFen; self.startMs = startMs; self.relief = relief
        self.reasons = assessment.reasons; self.createdAt = createdAt
    }

    init(row: Row) throws {
        caseId = row["case_id"]; applicationId = row["application_id"]; referralId = row["referral_id"]
        warningId = row["warning_id"]; householdId = row["household_id"]; personKey = row["person_key"]
        regionCode = row["region_code"]; township = row["township"]; incidentKind = row["incident_kind"]
        status = CaseStatus(rawValue: row["status"]) ?? .active
        level = ApprovalLevel(rawValue: row["level"]) ?? .county
        countyRequired = row["county_required"]; requestedFen = row["requested_fen"]; approver = row["approver"]
        startMs = row["start_ms"]; createdAt = row["created_at"]
        relief = try JSONDecoder().decode(ReliefCase.self, from: Data((row["case_json"] as String).utf8))
        reasons = try JSONDecoder().decode([Reason].self, from: Data((row["reasons_json"] as String).utf8))
    }

    /// Writes the case and its stages; paid stage rows are never rewritten.
    func save(_ db: Database, settings: ReliefSettings, nowMs: Int64) throws {
        let caseJSON = String(decoding: try JSONCoding.encoder.encode(relief), as: UTF8.self)
        let reasonsJSON = String(decoding: try JSONCoding.encoder.encode(reasons), as: UTF8.self)
        try db.execute(sql: """
            INSERT INTO relief_cases(case_id, application_id, referral_id, warning_id, household_id, person_key, region_code,
              township, incident_kind, status, level, county_required, requested_fen, approved_total_fen, approver, start_ms,
              case_json, reasons_json, created_at, updated_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            ON CONFLICT(case_id) DO UPDATE SET status = excluded.status, approved_total_fen = excluded.approved_total_fen,
              approver = excluded.approver, start_ms = excluded.start_ms, case_json = excluded.case_json,
              updated_ms = excluded.updated_ms
            """, arguments: [caseId, applicationId, referralId, warningId, householdId, personKey, regionCode, township,
                             incidentKind, status.rawValue, level.rawValue, countyRequired, requestedFen, relief.plan.totalFen,
                             approver, startMs, caseJSON, reasonsJSON, createdAt, nowMs])
        try db.execute(sql: "DELETE FROM relief_stages WHERE case_id = ? AND paid = 0", arguments: [caseId])
        for stage in relief.plan.stages where !relief.paidStages.contains(stage.stage) {
            try db.execute(sql: """
                INSERT INTO relief_stages(case_id, stage, amount_fen, due_on, due_ms, approved_at, aid_first, paid, disbursement_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)
                """, arguments: [caseId, stage.stage, stage.amountFen, stage.dueOn.description,
                                 settings.dueMs(of: stage.dueOn, startOn: startOn, startMs: startMs),
                                 stage.approvedAt.rawValue, stage.aidFirst,
                                 StagePlan.disbursementId(caseId: caseId, stage: stage.stage)])
        }
    }

    /// Unpaid stages whose due time has come, as (dueOn) dates: `pay(on:)` takes the latest.
    func dueDates(_ db: Database, nowMs: Int64) throws -> [CivilDate] {
        try String.fetchAll(db, sql: "SELECT due_on FROM relief_stages WHERE case_id = ? AND paid = 0 AND due_ms <= ?",
                            arguments: [caseId, nowMs]).compactMap { CivilDate(iso: $0) }
    }

    /// Marks the stage row paid; it must be the unpaid row of exactly this amount (the plan and
    /// its rows never disagree, or nothing is paid).
    static func markPaid(_ db: Database, _ d: Disbursement, nowMs: Int64) throws {
        try db.execute(sql: "UPDATE relief_stages SET paid = 1, paid_ms = ? WHERE case_id = ? AND stage = ? AND paid = 0 AND amount_fen = ?",
                       arguments: [nowMs, d.caseId, d.stage, d.amountFen])
        guard db.changesCount == 1 else { throw StageRowMismatch(disbursementId: d.disbursementId) }
    }
}

struct StageRowMismatch: Error, CustomStringConvertible {
    var disbursementId: String
    var description: String { "stage row of \(disbursementId) does not match the case plan" }
}
