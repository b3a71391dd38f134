// The bureau's worklist (issue 15; guideline §3.3 核查: the township verifies, §3.4 预警处置 and
// 一事一议 for special hardship, annex: staff-relative records): a task as the casework service
// keeps it — its state, the office responsible, its assignee, due date and result — and
// `casework.task.v1`, the public record of each change. No names or identity numbers.

/// open → assigned → done; open/assigned → overdue (escalated one level) → assigned/done;
/// any state but done → cancelled (the classifier cancelled it, or its referral ended).
public enum CaseworkState: String, Codable, Sendable, CaseIterable {
    case open, assigned, done, overdue, cancelled

    /// Still someone's work.
    public var isPending: Bool { self == .open || self == .assigned || self == .overdue }
}

/// The level of the office that answers for a task: village (村), township (乡镇), county (县), province.
public enum OfficeLevel: String, Codable, Sendable, CaseIterable, Comparable {
    case village, township, county, province

    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
    var rank: Int { switch self { case .village: 0; case .township: 1; case .county: 2; case .province: 3 } }

    /// The level of a division code: 12 digits village, 9 township, 6 county, 2 province.
    public init?(code: String) {
        guard code.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        switch code.utf8.count {
        case 12: self = .village
        case 9: self = .township
        case 6: self = .county
        case 2: self = .province
        default: return nil
        }
    }

    /// One level up: village and township tasks go to the county (§3.4: 乡镇 → 县级), the county to the province.
    public var escalated: OfficeLevel? {
        switch self { case .village, .township: .county; case .county: .province; case .province: nil }
    }

    /// The office of this level over `regionCode` (its prefix), or nil when the code is coarser.
    public func office(over regionCode: String) -> String? {
        let digits = switch self { case .village: 12; case .township: 9; case .county: 6; case .province: 2 }
        guard regionCode.utf8.count >= digits else { return nil }
        return String(regionCode.prefix(digits))
    }
}

/// Who does the work: an office (a village committee or township by its division code) or a person
/// (a staff id, never a name).
public struct Assignee: Codable, Sendable, Equatable, Hashable {
    public enum Kind: String, Codable, Sendable, CaseIterable { case office, person }
    public var kind: Kind
    public var id: String
    public init(kind: Kind, id: String) { self.kind = kind; self.id = id }
}

/// A need the coordination referral names: the domain and the person, without names.
public struct NeedRef: Codable, Sendable, Equatable, Hashable {
    public var domain: Domain
    public var personKey: String?
    public init(domain: Domain, personKey: String?) { self.domain = domain; self.personKey = personKey }
}

/// What `referrals.coordination` says of a special-hardship case, for its case conference.
public struct CoordinationCase: Codable, Sendable, Equatable {
    public var referralId: String
    public var warningId: String
    public var basis: String?
    public var revision: Int?
    public var needs: [NeedRef]
    public var dueBy: String
    public var status: ReferralStatus
    public init(referralId: String, warningId: String, basis: String?, revision: Int?, needs: [NeedRef], dueBy: String,
                status: ReferralStatus) {
        self.referralId = referralId; self.warningId = warningId; self.basis = basis; self.revision = revision
        self.needs = needs; self.dueBy = dueBy; self.status = status
    }
}

/// A task in the worklist.
public struct CaseworkTask: Codable, Sendable, Equatable {
    public var taskId: String
    public var householdId: String?
    public var personKey: String?
    public var regionCode: String
    public var kind: TaskKind
    public var reason: String
    public var dueBy: String
    public var state: CaseworkState
    /// The level that answers for it now, and that office's code.
    public var level: OfficeLevel
    public var office: String
    public var assignee: Assignee?
    /// Event time of the input that issued it.
    public var issuedAt: String
    /// Assignments made so far (ids of `casework.task.v1` events count them).
    public var assignments: Int
    /// The day it became overdue and the level it was escalated from; nil when it never was (or
    /// the escalation was taken back by a completion dated by the deadline).
    public var escalatedOn: String?
    public var escalatedFrom: OfficeLevel?
    public var completedOn: String?
    public var completedBy: String?
    /// The result as recorded (forms are replaced by the id of the submission they became).
    public var result: TaskResult?
    /// The ids of the events the result fed back (a submission, outcomes).
    public var feedback: [String]
    /// A case conference's coordination referral.
    public var coordination: CoordinationCase?
    /// The router's escalation a follow-up task answers.
    public var escalationId: String?
    /// How many public changes were published (orders `casework.task.v1` of one task).
    public var sequence: Int

    public init(taskId: String, householdId: String?, personKey: String?, regionCode: String, kind: TaskKind, reason: String,
                dueBy: String, issuedAt: String) {
        self.taskId = taskId; self.householdId = householdId; self.personKey = personKey; self.regionCode = regionCode
        self.kind = kind; self.reason = reason; self.dueBy = dueBy; self.state = .open; self.issuedAt = issuedAt
        let level = OfficeLevel.startingLevel(for: kind, regionCode: regionCode)
        self.level = level
        self.office = level.office(over: regionCode) ?? regionCode
        self.assignee = nil; self.assignments = 0; self.escalatedOn = nil; self.escalatedFrom = nil
        self.completedOn = nil; self.completedBy = nil; self.result = nil; self.feedback = []
        self.coordination = nil; self.escalationId = nil; self.sequence = 0
    }

    public var due: CivilDate? { CivilDate(iso: dueBy) }
}

extension OfficeLevel {
    /// Where a task starts: the township over its region (§3.3: 乡镇人民政府（街道办事处）核查); a case
    /// conference and a referral follow-up with the county (the coordination mechanism is the
    /// county's, §3.4); a region coarser than a township with its own level.
    public static func startingLevel(for kind: TaskKind, regionCode: String) -> OfficeLevel {
        if kind == .caseConference || kind == .referralFollowUp { return .county }
        let own = OfficeLevel(code: regionCode) ?? .county
        return own == .village ? .township : own
    }
}

/// `casework.task.v1` on `casework.tasks`: the task after a change, for operators, the summary
/// and the console. `change` names what happened; `sequence` orders the changes of one task.
public struct CaseworkTaskEvent: Codable, Sendable, Equatable {
    public enum Change: String, Codable, Sendable, CaseIterable {
        case assigned, escalated, completed, cancelled
        case escalationRetracted = "escalation_retracted"
    }
    public var taskId: String
    public var householdId: String?
    public var regionCode: String
    public var kind: TaskKind
    public var change: Change
    public var state: CaseworkState
    public var level: OfficeLevel
    public var office: String
    public var assignee: Assignee?
    public var dueBy: String
    public var escalatedOn: String?
    public var escalatedFrom: OfficeLevel?
    public var completedOn: String?
    public var completedBy: String?
    public var result: TaskResult?
    public var feedback: [String]?
    public var sequence: Int

    public init(_ t: CaseworkTask, change: Change) {
        taskId = t.taskId; householdId = t.householdId; regionCode = t.regionCode; kind = t.kind; self.change = change
        state = t.state; level = t.level; office = t.office; assignee = t.assignee; dueBy = t.dueBy
        escalatedOn = t.escalatedOn; escalatedFrom = t.escalatedFrom; completedOn = t.completedOn; completedBy = t.completedBy
        result = t.result; feedback = t.feedback.isEmpty ? nil : t.feedback; sequence = t.sequence
    }
}
