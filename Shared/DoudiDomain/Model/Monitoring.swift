// `monitoring.warning.v1`, `work.task.v1`, `referral.v1` and `assistance.outcome.v1`.

/// A need of one member (or the household when `personKey` is nil) in one domain.
/// `name` and `idNumber` travel only to the router, which passes them to that domain alone.
public struct Need: Codable, Sendable, Equatable, Hashable {
    public var domain: Domain
    public var personKey: String?
    public var reason: String
    public var clause: String
    public var name: String?
    public var idNumber: String?
    /// The facts behind the need, for the department (e.g. `schoolStage`, `medicalFen`).
    public var facts: [String: String]
    public init(domain: Domain, personKey: String? = nil, reason: String, clause: String,
                name: String? = nil, idNumber: String? = nil, facts: [String: String] = [:]) {
        self.domain = domain; self.personKey = personKey; self.reason = reason; self.clause = clause
        self.name = name; self.idNumber = idNumber; self.facts = facts
    }
}

/// Why a decision was made: the rule, the clause it implements, and the values it used.
public struct Reason: Codable, Sendable, Equatable, Hashable {
    public var rule: String
    public var clause: String
    public var detail: String
    public init(rule: String, clause: String, detail: String) { self.rule = rule; self.clause = clause; self.detail = detail }
}

/// `retracted`: a correction (a fact that arrived late) showed the warning never held; whatever
/// followed from it is taken back (referrals superseded), unlike `resolved`, which ends a warning
/// that did hold.
public enum WarningStatus: String, Codable, Sendable, CaseIterable { case open, resolved, retracted }

public struct Warning: Codable, Sendable, Equatable {
    public var warningId: String
    public var householdId: String
    public var regionCode: String
    public var area: Area?
    public var disposal: Disposal
    public var level: WarningLevel
    public var category: Category
    public var needs: [Need]
    public var reasons: [Reason]
    public var status: WarningStatus
    public var openedAt: String
    public var resolvedAt: String?
    public var dueBy: String?
    public var standardsVersion: String?
    /// How many times the warning's needs or level changed with the facts while it was open
    /// (absent: never). A referral follows the latest revision.
    public var revision: Int?
    /// The referral (or outcome) whose decision resolved it, when a decision did; absent when the
    /// facts did. Its referral stands decided: it is not withdrawn.
    public var resolvedBy: String?
    public init(warningId: String, householdId: String, regionCode: String, area: Area? = nil, disposal: Disposal,
                level: WarningLevel, category: Category, needs: [Need], reasons: [Reason], status: WarningStatus,
                openedAt: String, resolvedAt: String? = nil, dueBy: String? = nil, standardsVersion: String? = nil,
                revision: Int? = nil, resolvedBy: String? = nil) {
        self.warningId = warningId; self.householdId = householdId; self.regionCode = regionCode; self.area = area
        self.disposal = disposal; self.level = level; self.category = category; self.needs = needs
        self.reasons = reasons; self.status = status; self.openedAt = openedAt; self.resolvedAt = resolvedAt
        self.dueBy = dueBy; self.standardsVersion = standardsVersion; self.revision = revision; self.resolvedBy = resolvedBy
    }
}

/// `cancelled`: a correction showed the task was asked for on facts that never held.
public enum TaskStatus: String, Codable, Sendable, CaseIterable { case open, cancelled }

public struct WorkTask: Codable, Sendable, Equatable {
    public var taskId: String
    public var householdId: String?
    public var personKey: String?
    public var regionCode: String
    public var kind: TaskKind
    public var reason: String
    public var dueBy: String
    /// Absent: open.
    public var status: TaskStatus?
    public init(taskId: String, householdId: String? = nil, personKey: String? = nil, regionCode: String,
                kind: TaskKind, reason: String, dueBy: String, status: TaskStatus? = nil) {
        self.taskId = taskId; self.householdId = householdId; self.personKey = personKey
        self.regionCode = regionCode; self.kind = kind; self.reason = reason; self.dueBy = dueBy; self.status = status
    }
}

/// `sent` (also an amended referral: a higher `revision`), `withdrawn` (the warning was resolved;
/// a decision already made stands), `superseded` (the warning was retracted: it never held, and
/// whatever was decided on it is taken back), `escalated` (only inside `referral.escalated.v1`).
public enum ReferralStatus: String, Codable, Sendable, CaseIterable { case sent, withdrawn, escalated, superseded }

/// `referral.v1`: only the members concerned and the facts that department needs.
public struct Referral: Codable, Sendable, Equatable {
    public var referralId: String
    public var warningId: String
    public var householdId: String
    public var domain: Domain
    public var regionCode: String
    public var area: Area?
    public var disposal: Disposal
    public var level: WarningLevel
    public var category: Category?
    public var needs: [Need]
    public var status: ReferralStatus
    public var dueBy: String
    public var sentAt: String
    /// How many times the referral was amended (absent: never); a department re-decides an
    /// amended referral and its earlier decision is superseded.
    public var revision: Int?
    /// The warning state the referral was made from (`Warning.bases`). A department echoes it in
    /// its outcomes, so that a decision on a state that a correction showed never held is known.
    public var basis: String?
    public init(referralId: String, warningId: String, householdId: String, domain: Domain, regionCode: String,
                area: Area?, disposal: Disposal, level: WarningLevel, category: Category?, needs: [Need],
                status: ReferralStatus = .sent, dueBy: String, sentAt: String, revision: Int? = nil, basis: String? = nil) {
        self.referralId = referralId; self.warningId = warningId; self.householdId = householdId; self.domain = domain
        self.regionCode = regionCode; self.area = area; self.disposal = disposal; self.level = level
        self.category = category; self.needs = needs; self.status = status; self.dueBy = dueBy; self.sentAt = sentAt
        self.revision = revision; self.basis = basis
    }
}

public struct Outcome: Codable, Sendable, Equatable {
    public var outcomeId: String
    public var referralId: String?
    public var warningId: String?
    public var householdId: String
    public var domain: Domain
    public var program: String
    public var status: OutcomeStatus
    public var amountFen: Int64?
    public var personKey: String?
    public var decidedAt: String
    public var reason: String
    /// The referral's `basis`, echoed: which state of the warning the decision answers.
    public var basis: String?
    public init(outcomeId: String, referralId: String? = nil, warningId: String? = nil, householdId: String, domain: Domain,
                program: String, status: OutcomeStatus, amountFen: Int64? = nil, personKey: String? = nil,
                decidedAt: String, reason: String, basis: String? = nil) {
        self.outcomeId = outcomeId; self.referralId = referralId; self.warningId = warningId; self.householdId = householdId
        self.domain = domain; self.program = program; self.status = status; self.amountFen = amountFen
        self.personKey = personKey; self.decidedAt = decidedAt; self.reason = reason; self.basis = basis
    }
}
