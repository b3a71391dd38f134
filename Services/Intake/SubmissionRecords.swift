import DoudiDomain
import Foundation
import GRDB
import Store

/// Where a submission stands. Decisions are taken in the transaction that stores the
/// submission, so `received` is only seen by readers of a store written by a future
/// asynchronous path; this version answers `accepted` or `rejected`.
enum SubmissionStatus: String, Codable, Sendable { case received, accepted, rejected }

/// One row of `submissions`: what was decided about a submission id, never the form itself
/// (the form travels on the topics; the store keeps what idempotency and `GET` need).
struct SubmissionRecord: Codable, Sendable, Equatable {
    var submissionId: String
    var channel: String?
    var regionCode: String?
    var status: SubmissionStatus
    var errors: [FieldError]
    /// Remarks on an accepted submission (a retired region code mapped to its successor).
    var warnings: [FieldError] = []
    /// Hash of the canonical JSON of the submitted body: the same id with another body is a conflict.
    var bodyHash: String
    var receivedAt: String
    var decidedAt: String?
    /// The operator whose token posted it (HTTP) or `topic` (the intake.submissions consumer).
    var submittedBy: String
    /// Whose submission ids these are: the operator (HTTP) or `topic:<ce_source>` (a channel
    /// system). Ids are unique within a scope only: one operator cannot squat or probe another's.
    var scope: String
}

enum SubmissionRecords {
    static func register(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("intake-v1") { db in
            try db.execute(sql: """
                CREATE TABLE submissions(
                  submission_id TEXT PRIMARY KEY NOT NULL, channel TEXT, region_code TEXT, status TEXT NOT NULL,
                  errors TEXT NOT NULL, body_hash TEXT NOT NULL, received_at TEXT NOT NULL, decided_at TEXT,
                  submitted_by TEXT NOT NULL) WITHOUT ROWID;
                CREATE INDEX submissions_status ON submissions(status);
                """)
        }
        migrator.registerMigration("intake-v2-warnings") { db in
            try db.execute(sql: "ALTER TABLE submissions ADD COLUMN warnings TEXT")
        }
        // Issue 13: submission ids are unique per scope (an operator, a channel system), not globally.
        migrator.registerMigration("intake-v3-scoped-ids") { db in
            try db.execute(sql: """
                CREATE TABLE submissions_v2(
                  scope TEXT NOT NULL, submission_id TEXT NOT NULL, channel TEXT, region_code TEXT, status TEXT NOT NULL,
                  errors TEXT NOT NULL, body_hash TEXT NOT NULL, received_at TEXT NOT NULL, decided_at TEXT,
                  submitted_by TEXT NOT NULL, warnings TEXT, PRIMARY KEY(scope, submission_id)) WITHOUT ROWID;
                INSERT INTO submissions_v2 SELECT submitted_by, submission_id, channel, region_code, status, errors, body_hash,
                  received_at, decided_at, submitted_by, warnings FROM submissions;
                DROP TABLE submissions;
                ALTER TABLE submissions_v2 RENAME TO submissions;
                CREATE INDEX submissions_status ON submissions(status);
                """)
        }
    }

    static func find(_ db: Database, scope: String, id: String) throws -> SubmissionRecord? {
        guard let row = try Row.fetchOne(cached: db, sql: """
            SELECT submission_id, channel, region_code, status, errors, body_hash, received_at, decided_at, submitted_by, warnings, scope
            FROM submissions WHERE scope = ? AND submission_id = ?
            """, arguments: [scope, id]) else { return nil }
        let errorsJSON: String = row[4]
        let warningsJSON: String? = row[9]
        func decode(_ json: String?) -> [FieldError] {
            json.flatMap { try? JSONDecoder().decode([FieldError].self, from: Data($0.utf8)) } ?? []
        }
        return SubmissionRecord(
            submissionId: row[0], channel: row[1], regionCode: row[2],
            status: SubmissionStatus(rawValue: row[3]) ?? .received,
            errors: decode(errorsJSON), warnings: decode(warningsJSON),
            bodyHash: row[5], receivedAt: row[6], decidedAt: row[7], submittedBy: row[8], scope: row[10])
    }

    /// Inserts or replaces (a rejected submission may be corrected and sent again under its id).
    static func save(_ db: Database, _ r: SubmissionRecord) throws {
        let errors = String(decoding: try JSONEncoder().encode(r.errors), as: UTF8.self)
        let warnings = r.warnings.isEmpty ? nil : String(decoding: try JSONEncoder().encode(r.warnings), as: UTF8.self)
        try db.executeCached(sql: """
            INSERT INTO submissions(submission_id, channel, region_code, status, errors, body_hash, received_at, decided_at, submitted_by, warnings, scope)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(scope, submission_id) DO UPDATE SET channel = excluded.channel, region_code = excluded.region_code,
              status = excluded.status, errors = excluded.errors, body_hash = excluded.body_hash,
              received_at = excluded.received_at, decided_at = excluded.decided_at, submitted_by = excluded.submitted_by,
              warnings = excluded.warnings
            """, arguments: [r.submissionId, r.channel, r.regionCode, r.status.rawValue, errors, r.bodyHash,
                             r.receivedAt, r.decidedAt, r.submittedBy, warnings, r.scope])
    }
}
