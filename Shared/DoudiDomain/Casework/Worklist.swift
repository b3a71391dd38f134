// The worklist's state machine (issue 15; §3.3 the township verifies within its deadline, §3.4
// what is overdue goes up one level): tasks issued by the classifier and relief, case conferences
// for the coordination referrals of special hardship (一事一议), follow-ups of the referrals the
// router escalated; assignment, completion, and escalation by event time. Pure: every function
// returns the task after the change and the public changes to publish.

public enum WorklistError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The task is done or cancelled: nothing more can happen to it.
    case notPending(CaseworkState)
    /// The assignee is not an office under the task's county or a staff id (field, message).
    case invalidAssignee(String, String)

    public var description: String {
        switch self {
        case .notPending(let s): "the task is \(s.rawValue): it can no longer be assigned or completed"
        case .invalidAssignee(let field, let message): "\(field): \(message)"
        }
    }
}

/// A change of a task and what to publish about it.
public struct WorklistChange: Sendable, Equatable {
    public var task: CaseworkTask
    /// Public changes, each a `casework.task.v1` (the task as it stands after all of them).
    public var changes: [CaseworkTaskEvent.Change]
    public init(task: CaseworkTask, changes: [CaseworkTaskEvent.Change] = []) { self.task = task; self.changes = changes }
}

public enum Worklist {
    /// Days a county has to follow up a referral the router escalated (RULES.md: red deadline).
    public static let followUpDays = 3

    /// `work.task.v1` from the classifier or relief: a new task, its content updated, or cancelled
    /// (the facts it was asked for never held). A done task stays done; a cancelled one issued
    /// again opens again where it was.
    public static func issue(_ w: WorkTask, existing: CaseworkTask?, at eventTime: String, clock: CivilDate?) -> WorklistChange {
        var t = existing ?? CaseworkTask(taskId: w.taskId, householdId: w.householdId, personKey: w.personKey, regionCode: w.regionCode,
                                         kind: w.kind, reason: w.reason, dueBy: w.dueBy, issuedAt: eventTime)
        t.householdId = w.householdId ?? t.householdId
        t.personKey = w.personKey ?? t.personKey
        t.reason = w.reason
        t.dueBy = w.dueBy
        if t.regionCode != w.regionCode, t.escalatedOn == nil {
            t.regionCode = w.regionCode
            t.level = OfficeLevel.startingLevel(for: t.kind, regionCode: w.regionCode)
            t.office = t.level.office(over: w.regionCode) ?? w.regionCode
        }
        if (w.status ?? .open) == .cancelled { return cancel(t) }
        var change = WorklistChange(task: t)
        if t.state == .cancelled { change.task.state = reopenedState(t) }
        if let clock { change = escalateIfOverdue(change, now: clock) }
        return change
    }

    /// A referral on `referrals.coordination` (special hardship, §3.4): the case conference of its
    /// warning (`t-<warningId>-case_conference`, the id the classifier gives it) learns the needs
    /// to answer; withdrawn or superseded, the conference is no longer needed.
    public static func coordination(_ r: Referral, existing: CaseworkTask?, at eventTime: String, clock: CivilDate?) -> WorklistChange {
        let id = caseConferenceId(warningId: r.warningId)
        var t = existing ?? CaseworkTask(taskId: id, householdId: r.householdId, personKey: nil, regionCode: r.regionCode,
                                         kind: .caseConference,
                                         reason: "special hardship (§3.4): the county coordination mechanism studies the case (一事一议)",
                                         dueBy: r.dueBy, issuedAt: eventTime)
        let previous = t.coordination
        // Amendments arrive in revision order per key, but a replay may bring an older one again.
        if let p = previous, (p.revision ?? 0) > (r.revision ?? 0), r.status == .sent { return WorklistChange(task: t) }
        t.coordination = CoordinationCase(referralId: r.referralId, warningId: r.warningId, basis: r.basis, revision: r.revision,
                                          needs: r.needs.map { NeedRef(domain: $0.domain, personKey: $0.personKey) },
                                          dueBy: r.dueBy, status: r.status)
        switch r.status {
        case .withdrawn, .superseded: return cancel(t)
        case .sent, .escalated:
            var change = WorklistChange(task: t)
            if t.state == .cancelled && r.status == .sent { change.task.state = reopenedState(t) }
            if let clock { change = escalateIfOverdue(change, now: clock) }
            return change
        }
    }

    /// `referral.escalated.v1` from the router: a department did not decide by its deadline; the
    /// county follows it up (a coordination referral's own case conference escalates by its date).
    /// A retracted escalation cancels the follow-up.
    public static func followUp(_ e: ReferralEscalated, regionCode: String, existing: CaseworkTask?, at eventTime: String,
                                clock: CivilDate?) -> WorklistChange? {
        guard e.domain != .coordination else { return nil }
        let escalatedOn = CivilDate(iso: e.escalatedAt) ?? CivilDate(iso: e.dueBy)?.adding(days: 1)
        guard let day = escalatedOn else { return nil }
        var t = existing ?? CaseworkTask(taskId: followUpId(escalationId: e.escalationId), householdId: e.householdId, personKey: nil,
                                         regionCode: regionCode, kind: .referralFollowUp,
                                         reason: "referral \(e.referralId) to \(e.domain.rawValue) not decided by \(e.dueBy) (§3.4): "
                                             + "follow it up with the department",
                                         dueBy: day.adding(days: followUpDays).description, issuedAt: eventTime)
        t.escalationId = e.escalationId
        if e.retracted == true { return cancel(t) }
        var change = WorklistChange(task: t)
        if t.state == .cancelled { change.task.state = reopenedState(t) }
        if let clock { change = escalateIfOverdue(change, now: clock) }
        return change
    }

    public static func caseConferenceId(warningId: String) -> String { "t-\(warningId)-case_conference" }
    public static func followUpId(escalationId: String) -> String { "t-\(escalationId)-referral_follow_up" }

    static func reopenedState(_ t: CaseworkTask) -> CaseworkState {
        t.escalatedOn != nil ? .overdue : (t.assignee != nil ? .assigned : .open)
    }

    static func cancel(_ t: CaseworkTask) -> WorklistChange {
        guard t.state != .done, t.state != .cancelled else { return WorklistChange(task: t) }
        var task = t
        task.state = .cancelled
        // Announced only when something about the task was published before.
        guard t.sequence > 0 else { return WorklistChange(task: task) }
        task.sequence += 1
        return WorklistChange(task: task, changes: [.cancelled])
    }

    /// The task is overdue when `now` is past its due date and it is not done: it escalates one
    /// level (township → county), dated the first day overdue whatever moved the clock.
    public static func escalateIfOverdue(_ change: WorklistChange, now: CivilDate) -> WorklistChange {
        var c = change
        guard c.task.state == .open || c.task.state == .assigned, c.task.escalatedOn == nil,
              let due = c.task.due, now > due else { return c }
        escalate(&c.task, on: due.adding(days: 1))
        c.changes.append(.escalated)
        return c
    }

    static func escalate(_ t: inout CaseworkTask, on day: CivilDate) {
        t.state = .overdue
        t.escalatedOn = day.description
        if let up = t.level.escalated, let office = up.office(over: t.regionCode) {
            t.escalatedFrom = t.level
            t.level = up
            t.office = office
        }
        t.sequence += 1
    }

    /// Assigns a pending task to an office under its county or to a person (a staff id).
    public static func assign(_ t: CaseworkTask, to assignee: Assignee) throws(WorklistError) -> WorklistChange {
        guard t.state.isPending else { throw .notPending(t.state) }
        try validate(assignee, for: t)
        var task = t
        task.assignee = assignee
        task.assignments += 1
        if task.state == .open { task.state = .assigned }
        task.sequence += 1
        return WorklistChange(task: task, changes: [.assigned])
    }

    /// Offices: a village (12 digits) or township (9 digits) under the task's county, or the
    /// county itself; people: a staff id of letters, digits and `.-_:@`, at most 64.
    public static func validate(_ a: Assignee, for t: CaseworkTask) throws(WorklistError) {
        switch a.kind {
        case .office:
            guard let level = OfficeLevel(code: a.id), level != .province else {
                throw .invalidAssignee("assignee.id", "an office is a village (12 digits), township (9) or county (6) division code")
            }
            let county = String(t.regionCode.prefix(6))
            guard a.id.hasPrefix(county) || (level == .county && t.regionCode.hasPrefix(a.id)) else {
                throw .invalidAssignee("assignee.id", "the office must be under the task's county \(county)")
            }
        case .person:
            let ok = !a.id.isEmpty && a.id.utf8.count <= 64 && a.id.utf8.allSatisfy { b in
                (48...57).contains(b) || (65...90).contains(b) || (97...122).contains(b) || ".-_:@".utf8.contains(b)
            }
            guard ok else { throw .invalidAssignee("assignee.id", "a person is a staff id: 1–64 letters, digits or .-_:@ (never a name)") }
        }
    }

    /// Completes a pending task with a result read by `TaskResults`, dated `on` (the day the work
    /// was done). Done after its deadline and never escalated: escalated first (the same escalation
    /// the clock would have made). Done by its deadline after an escalation: the escalation is taken back.
    public static func complete(_ t: CaseworkTask, result: TaskResult, feedback: [String], on day: CivilDate,
                                by staff: String) throws(WorklistError) -> WorklistChange {
        guard t.state.isPending else { throw .notPending(t.state) }
        var task = t
        var changes: [CaseworkTaskEvent.Change] = []
        if let due = task.due {
            if task.escalatedOn == nil && day > due {
                escalate(&task, on: due.adding(days: 1))
                changes.append(.escalated)
            } else if task.escalatedOn != nil && day <= due {
                task.escalatedOn = nil
                if let from = task.escalatedFrom {
                    task.level = from
                    task.office = from.office(over: task.regionCode) ?? task.office
                    task.escalatedFrom = nil
                }
                changes.append(.escalationRetracted)
            }
        }
        task.state = .done
        task.completedOn = day.description
        task.completedBy = staff
        task.result = result
        task.feedback = feedback
        task.sequence += 1
        changes.append(.completed)
        return WorklistChange(task: task, changes: changes)
    }
}
