// The operators' HTTP API (docs/casework.md): the worklist by region, kind, state and due date
// with paging; assignment; completion with a structured result per kind, validated with errors
// naming the field. Writes go through the runtime's writer: the task, its public change and
// whatever the result feeds back commit in one transaction with the outbox.
import DoudiDomain
import Envelope
import Foundation
import GRDB
import Hummingbird
import ServiceKit
import Store

/// Who is calling: a staff id and the regions they act for.
struct Caller: Sendable {
    var subject: String
    var regions: [String]
    var mayAssignEscalated: Bool
    func covers(_ region: String) -> Bool { regions.contains { $0 == "*" || region.hasPrefix($0) } }
}

struct TaskPage: Codable {
    var tasks: [CaseworkTask]
    /// Pass as `after` for the next page; absent on the last page.
    var next: String?
}

struct AssignmentBody: Decodable { var assignee: Assignee }

struct APIProblem: Error {
    var status: HTTPResponse.Status
    var message: String
    var errors: [ResultIssue] = []
}

struct CaseworkAPI: Sendable {
    let writer: StoreWriter
    let validator = SubmissionValidator()
    let keyer: PersonKeyer
    var pool: DatabasePool { writer.store.pool }

    static let maxLimit = 1000

    // MARK: list

    struct Query {
        var region: String?, kind: TaskKind?, state: CaseworkState?, dueFrom: CivilDate?, dueTo: CivilDate?, household: String?
        var limit = 100
        var after: (due: String, id: String)?
    }

    static func query(_ params: [String: String]) throws(APIProblem) -> Query {
        var q = Query()
        var issues: [ResultIssue] = []
        for key in params.keys.sorted() where !["region", "kind", "state", "dueFrom", "dueTo", "household", "limit", "after"].contains(key) {
            issues.append(ResultIssue(field: key, code: "unknown_parameter",
                                      message: "not a parameter (region, kind, state, dueFrom, dueTo, household, limit, after)"))
        }
        if let r = params["region"] {
            if r.isEmpty || r.utf8.count > 12 || !r.utf8.allSatisfy({ (48...57).contains($0) }) {
                issues.append(ResultIssue(field: "region", code: "invalid", message: "a division code or its prefix (digits, at most 12)"))
            } else { q.region = r }
        }
        if let k = params["kind"] {
            if let kind = TaskKind(rawValue: k) { q.kind = kind }
            else { issues.append(ResultIssue(field: "kind", code: "unknown_value", message: "one of \(TaskKind.allCases.map(\.rawValue).joined(separator: ", "))")) }
        }
        if let s = params["state"] {
            if let state = CaseworkState(rawValue: s) { q.state = state }
            else { issues.append(ResultIssue(field: "state", code: "unknown_value", message: "one of \(CaseworkState.allCases.map(\.rawValue).joined(separator: ", "))")) }
        }
        for (name, path) in [("dueFrom", \Query.dueFrom), ("dueTo", \Query.dueTo)] {
            guard let text = params[name] else { continue }
            if let d = CivilDate(iso: text), text.count == 10 { q[keyPath: path] = d }
            else { issues.append(ResultIssue(field: name, code: "invalid", message: "a date YYYY-MM-DD")) }
        }
        q.household = params["household"]
        if let l = params["limit"] {
            if let n = Int(l), (1...maxLimit).contains(n) { q.limit = n }
            else { issues.append(ResultIssue(field: "limit", code: "invalid", message: "a whole number from 1 to \(maxLimit)")) }
        }
        if let a = params["after"] {
            let parts = a.split(separator: "|", maxSplits: 1).map(String.init)
            if parts.count == 2 { q.after = (parts[0], parts[1]) }
            else { issues.append(ResultIssue(field: "after", code: "invalid", message: "the `next` value of the previous page")) }
        }
        guard issues.isEmpty else { throw APIProblem(status: .badRequest, message: "invalid query", errors: issues) }
        return q
    }

    func list(_ q: Query, caller: Caller) async throws -> TaskPage {
        var sql = "SELECT due_by, task_id, region_code, task_json FROM casework_tasks WHERE 1 = 1"
        var args: [DatabaseValueConvertible] = []
        if let r = q.region { sql += " AND region_code LIKE ? ESCAPE '\\'"; args.append(r + "%") }
        if let k = q.kind { sql += " AND kind = ?"; args.append(k.rawValue) }
        if let s = q.state { sql += " AND state = ?"; args.append(s.rawValue) }
        if let d = q.dueFrom { sql += " AND due_by >= ?"; args.append(d.description) }
        if let d = q.dueTo { sql += " AND due_by <= ?"; args.append(d.description) }
        if let h = q.household { sql += " AND household_id = ?"; args.append(h) }
        if let a = q.after { sql += " AND (due_by, task_id) > (?, ?)"; args.append(a.due); args.append(a.id) }
        sql += " ORDER BY due_by, task_id"
        let limit = q.limit, statement = sql, arguments = StatementArguments(args) ?? StatementArguments()
        // Scope is applied row by row (an operator's regions are prefixes); read on until the page is full.
        return try await pool.read { db in
            var tasks: [CaseworkTask] = []
            var last: (String, String)?
            let cursor = try Row.fetchCursor(db, sql: statement, arguments: arguments)
            while let row = try cursor.next() {
                guard caller.covers(row[2] as String) else { continue }
                if tasks.count == limit { return TaskPage(tasks: tasks, next: last.map { "\($0.0)|\($0.1)" }) }
                tasks.append(try JSONDecoder().decode(CaseworkTask.self, from: Data((row[3] as String).utf8)))
                last = (row[0], row[1])
            }
            return TaskPage(tasks: tasks, next: nil)
        }
    }

    func task(_ id: String, caller: Caller) async throws -> CaseworkTask? {
        guard let t = try await pool.read({ try CaseworkStore.load($0, taskId: id) }), caller.covers(t.regionCode) else { return nil }
        return t
    }

    // MARK: assign

    func assign(_ id: String, body: [UInt8], caller: Caller) async throws -> CaseworkTask {
        guard let value = try? JSONParser.parse(body), let fields = value.objectValue else {
            throw APIProblem(status: .badRequest, message: "body must be {\"assignee\": {\"kind\": \"office\" | \"person\", \"id\": …}}")
        }
        guard let a = fields["assignee"]?.objectValue else {
            throw APIProblem(status: .unprocessableContent, message: "invalid assignment",
                             errors: [ResultIssue(field: "assignee", code: "required", message: "an object {kind, id}")])
        }
        var issues: [ResultIssue] = []
        let kind = a["kind"]?.stringValue.flatMap(Assignee.Kind.init(rawValue:))
        if kind == nil { issues.append(ResultIssue(field: "assignee.kind", code: "unknown_value", message: "office or person")) }
        let assigneeId = a["id"]?.stringValue
        if assigneeId == nil { issues.append(ResultIssue(field: "assignee.id", code: "required", message: "a division code or a staff id")) }
        guard issues.isEmpty, let kind, let assigneeId else { throw APIProblem(status: .unprocessableContent, message: "invalid assignment", errors: issues) }
        let assignee = Assignee(kind: kind, id: assigneeId)
        let now = Timestamp.rfc3339()
        return try await writer.write { db -> (CaseworkTask, [OutgoingEvent]) in
            guard let t = try CaseworkStore.load(db, taskId: id), caller.covers(t.regionCode) else {
                throw APIProblem(status: .notFound, message: "no such task")
            }
            if t.level >= .county && !caller.mayAssignEscalated {
                throw APIProblem(status: .forbidden, message: "the task is with the county (\(t.office)): a county operator assigns it")
            }
            let change: WorklistChange
            do { change = try Worklist.assign(t, to: assignee) }
            catch let e as WorklistError {
                switch e {
                case .notPending: throw APIProblem(status: .conflict, message: e.description)
                case .invalidAssignee(let field, let message):
                    throw APIProblem(status: .unprocessableContent, message: "invalid assignment",
                                     errors: [ResultIssue(field: field, code: "invalid", message: message)])
                }
            }
            try CaseworkStore.save(db, change.task)
            return (change.task, try CaseworkEvents.changes(change, now: now, cause: nil))
        }
    }

    // MARK: complete

    func complete(_ id: String, body: [UInt8], caller: Caller) async throws -> CaseworkTask {
        guard let value = try? JSONParser.parse(body), let fields = value.objectValue else {
            throw APIProblem(status: .badRequest, message: "body must be {\"result\": {…}, \"completedOn\"?: \"YYYY-MM-DD\"}")
        }
        let today = CivilDate(iso: Self.chinaToday()) ?? CivilDate(year: 2026, month: 1, day: 1)!
        var chosen = today
        if let text = fields["completedOn"] {
            guard let s = text.stringValue, s.count == 10, let d = CivilDate(iso: s), d <= today else {
                throw APIProblem(status: .unprocessableContent, message: "invalid completion",
                                 errors: [ResultIssue(field: "completedOn", code: "invalid", message: "a date YYYY-MM-DD, not in the future")])
            }
            chosen = d
        }
        for key in fields.keys.sorted() where key != "result" && key != "completedOn" {
            throw APIProblem(status: .unprocessableContent, message: "invalid completion",
                             errors: [ResultIssue(field: key, code: "unknown_field", message: "not a field (result, completedOn)")])
        }
        // The completion's events are dated the day the work was done (a fact's own time).
        let now = "\(chosen)T12:00:00+08:00"
        let validator = validator, keyer = keyer, day = chosen
        return try await writer.write { db -> (CaseworkTask, [OutgoingEvent]) in
            guard let t = try CaseworkStore.load(db, taskId: id), caller.covers(t.regionCode) else {
                throw APIProblem(status: .notFound, message: "no such task")
            }
            guard t.state.isPending else { throw APIProblem(status: .conflict, message: WorklistError.notPending(t.state).description) }
            if let issued = CivilDate(iso: t.issuedAt), day < issued {
                throw APIProblem(status: .unprocessableContent, message: "invalid completion",
                                 errors: [ResultIssue(field: "completedOn", code: "before_issue", message: "the task was issued on \(issued)")])
            }
            switch TaskResults.read(fields["result"], for: t, completedOn: day, completedBy: caller.subject, validator: validator,
                                    personKey: { keyer.key(for: $0) }) {
            case .rejected(let issues):
                throw APIProblem(status: .unprocessableContent, message: "invalid \(t.kind.rawValue) result", errors: issues)
            case .accepted(let result, let feedback):
                let change: WorklistChange
                do { change = try Worklist.complete(t, result: result, feedback: CaseworkEvents.feedbackIds(feedback), on: day, by: caller.subject) }
                catch let e as WorklistError { throw APIProblem(status: .conflict, message: e.description) }
                try CaseworkStore.save(db, change.task)
                let events = try CaseworkEvents.feedback(feedback, task: change.task, now: now)
                    + CaseworkEvents.changes(change, now: now, cause: nil)
                return (change.task, events)
            }
        }
    }

    /// Today in China Standard Time (the day a visit is dated by default).
    static func chinaToday() -> String {
        String(Timestamp.rfc3339(milliseconds: Int64(Date().timeIntervalSince1970 * 1000) + 8 * 3_600_000).prefix(10))
    }

    // MARK: stats

    struct Stats: Codable {
        /// kind → state → count.
        var tasks: [String: [String: Int]]
        var open: Int, assigned: Int, overdue: Int, done: Int, cancelled: Int
        var clock: String?
    }

    func stats() async throws -> Stats {
        try await pool.read { db in
            var s = Stats(tasks: [:], open: 0, assigned: 0, overdue: 0, done: 0, cancelled: 0, clock: nil)
            for row in try Row.fetchAll(db, sql: "SELECT kind, state, count(*) FROM casework_tasks GROUP BY kind, state") {
                let state: String = row[1], n: Int = row[2]
                s.tasks[row[0], default: [:]][state] = n
                switch CaseworkState(rawValue: state) {
                case .open?: s.open += n
                case .assigned?: s.assigned += n
                case .overdue?: s.overdue += n
                case .done?: s.done += n
                case .cancelled?: s.cancelled += n
                case nil: break
                }
            }
            s.clock = try CaseworkStore.clock(db)?.checkedDay.description
            return s
        }
    }
}

func jsonResponse<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
    Response(status: status, headers: [.contentType: "application/json"],
             body: .init(byteBuffer: ByteBuffer(bytes: try JSONCoding.encoder.encode(value))))
}

func problemResponse(_ p: APIProblem) -> Response {
    struct Body: Encodable { var error: String; var errors: [ResultIssue]? }
    let data = (try? JSONCoding.encoder.encode(Body(error: p.message, errors: p.errors.isEmpty ? nil : p.errors))) ?? Data()
    return Response(status: p.status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
}
