// What the classifier publishes: the difference between a household's replayed history and what
// was published of it before. A warning new or changed (opened, revised, resolved) is published;
// a warning published before that the history no longer holds is retracted; a task new to the
// history is issued, one it no longer derives is cancelled. Event ids come from the warning's or
// task's id and content, so the same history published again is the same events.
import DoudiDomain
import Envelope
import Foundation
import GRDB
import ServiceKit

enum Publication {
    /// `previous`: the history stored before `h` (published then, in the same transaction as its
    /// save): a warning it holds unchanged is published already, without computing its fingerprint.
    static func publish(_ h: HouseholdHistory, previous: HouseholdHistory?, db: Database, emitter: Emitter) throws -> [OutgoingEvent] {
        var out: [(FactTime?, String, OutgoingEvent)] = []
        let published = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT warning_id, status, fingerprint, open_fingerprint FROM warnings WHERE household_id = ?
            """), arguments: [h.householdId])
        var known: [String: (status: String, fingerprint: String, open: String?)] = [:]
        for row in published { known[row[0]] = (row[1], row[2], row[3]) }

        for (id, named) in h.warnings.sorted(by: { $0.key < $1.key }) {
            if known[id] != nil, let before = previous?.warnings[id], before == named { continue }
            let w = named.withoutIdentities
            let time = h.changedAt[id]
            let fingerprint = fingerprintOf(w)
            guard known[id]?.fingerprint != fingerprint else { continue }
            var openFingerprint = known[id]?.open
            if w.status == .resolved {
                // Its last open state is published before its resolution: the referral it caused is
                // made from it (and then withdrawn), and a rebuild publishes the same two events.
                var opened = w
                opened.status = .open
                opened.resolvedAt = nil
                opened.resolvedBy = nil
                let open = fingerprintOf(opened)
                if open != openFingerprint {
                    out.append((time, id + "/0", try emitter.warning(opened, time: time, fingerprint: open)))
                    openFingerprint = open
                }
            } else if w.status == .open {
                openFingerprint = fingerprint
            }
            let event = try emitter.warning(w, time: time, fingerprint: fingerprint)
            try save(w, fingerprint: fingerprint, openFingerprint: openFingerprint, json: event.event.data, db)
            out.append((time, id + "/1", event))
        }
        for (id, state) in known where h.warnings[id] == nil && state.status != WarningStatus.retracted.rawValue {
            guard let json = try Data.fetchOne(db, sql: "SELECT warning_json FROM warnings WHERE warning_id = ?", arguments: [id]) else { continue }
            var w = try JSONDecoder().decode(Warning.self, from: json)
            w.status = .retracted
            let fingerprint = fingerprintOf(w)
            let event = try emitter.warning(w, time: h.horizon, fingerprint: fingerprint)
            try save(w, fingerprint: fingerprint, openFingerprint: nil, json: event.event.data, db)
            out.append((h.horizon, id + "/2", event))
        }

        let issued = try Row.fetchAll(db.cachedStatement(sql: "SELECT task_id, status FROM tasks WHERE household_id = ? AND scope = 'history'"),
                                      arguments: [h.householdId])
        var tasks: [String: String] = [:]
        for row in issued { tasks[row[0]] = row[1] }
        for (id, t) in h.tasks.sorted(by: { $0.key < $1.key }) where tasks[id] != TaskStatus.open.rawValue {
            if let event = try TaskStore.issue(db, t, emitter: emitter, scope: "history", time: h.changedAt[id], replace: tasks[id] != nil) {
                out.append((h.changedAt[id], id, event))
            }
        }
        for (id, status) in tasks where h.tasks[id] == nil && status == TaskStatus.open.rawValue {
            if let event = try TaskStore.cancel(db, taskId: id, emitter: emitter, time: h.horizon) { out.append((h.horizon, id, event)) }
        }
        return out.sorted { ($0.0 ?? FactTime("1970-01-01")!, $0.1) < ($1.0 ?? FactTime("1970-01-01")!, $1.1) }.map(\.2)
    }

    static func fingerprintOf(_ w: Warning) -> String { String(CanonicalEncoding.fingerprint(w), radix: 16) }

    /// `json`: the warning as the contract's JSON, the payload of the event that published it
    /// (the same encoder: encoding it once more was a second JSON encode per warning).
    static func save(_ w: Warning, fingerprint: String, openFingerprint: String?, json: [UInt8], _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO warnings(warning_id, household_id, domain, disposal, level, status, due_by, fingerprint, open_fingerprint, warning_json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(warning_id) DO UPDATE SET level = excluded.level, status = excluded.status, due_by = excluded.due_by,
              fingerprint = excluded.fingerprint, open_fingerprint = excluded.open_fingerprint, warning_json = excluded.warning_json
            """).execute(arguments: [w.warningId, w.householdId, w.domain.rawValue, w.disposal.rawValue, w.level.rawValue,
                                     w.status.rawValue, w.dueBy, fingerprint, openFingerprint, Data(json)])
    }
}

enum TaskStore {
    /// Records a task and returns its event; nil when the same task is issued already.
    static func issue(_ db: Database, _ t: WorkTask, emitter: Emitter, scope: String, time: FactTime? = nil,
                      replace: Bool = false) throws -> OutgoingEvent? {
        try db.execute(sql: """
            INSERT INTO tasks(task_id, household_id, person_key, kind, reason, due_by, status, scope, issued_at)
            VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?)
            ON CONFLICT(task_id) DO UPDATE SET status = 'open' WHERE ?
            """, arguments: [t.taskId, t.householdId, t.personKey, t.kind.rawValue, t.reason, t.dueBy, scope,
                             time?.text ?? emitter.time, replace])
        guard db.changesCount > 0 else { return nil }
        return try emitter.task(t, time: time)
    }

    /// A task a replay no longer derives: published as cancelled.
    static func cancel(_ db: Database, taskId: String, emitter: Emitter, time: FactTime?, regionCode: String? = nil) throws -> OutgoingEvent? {
        guard let row = try Row.fetchOne(db, sql: "SELECT household_id, person_key, kind, reason, due_by FROM tasks WHERE task_id = ?",
                                         arguments: [taskId]), let kind = TaskKind(rawValue: row[2]) else { return nil }
        try db.execute(sql: "UPDATE tasks SET status = 'cancelled' WHERE task_id = ?", arguments: [taskId])
        let hh: String? = row[0]
        let region = try regionCode ?? String.fetchOne(db, sql: "SELECT region_code FROM households WHERE household_id = ?", arguments: [hh ?? ""]) ?? ""
        return try emitter.task(WorkTask(taskId: taskId, householdId: hh, personKey: row[1], regionCode: region, kind: kind,
                                         reason: row[3], dueBy: row[4], status: .cancelled), time: time)
    }
}
