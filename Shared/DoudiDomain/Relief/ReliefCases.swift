// Emergency relief cases (§4.3): duplicate applications merge into one case, and a case pays
// each stage of its plan exactly once, whatever is replayed or restarted.

/// Which case an application belongs to. Applications of the same person (person key) for the
/// same incident kind whose dates are at most the window apart are one case: the case of the
/// first application ("case-<applicationId>"). Only a case's first application anchors the
/// window, so a chain of applications cannot stretch a case indefinitely.
public struct ReliefCaseIndex: Codable, Sendable, Equatable {
    public struct Anchor: Codable, Sendable, Equatable {
        public var personKey: String
        public var incidentKind: String
        public var occurredOn: CivilDate
        public var caseId: String
    }
    public struct Assignment: Sendable, Equatable {
        public var caseId: String
        /// True when the application joined an existing case (nothing new to assess or pay).
        public var merged: Bool
    }

    public var windowDays: Int
    public private(set) var anchors: [Anchor] = []
    public private(set) var caseOfApplication: [String: String] = [:]

    public init(windowDays: Int = ReliefStandards().duplicateWindowDays) { self.windowDays = windowDays }

    /// The existing case within the window, the nearest by date (then the earliest created).
    public func existingCase(personKey: String, incidentKind: String, occurredOn: CivilDate) -> String? {
        anchors.enumerated()
            .filter { $0.element.personKey == personKey && $0.element.incidentKind == incidentKind
                      && abs($0.element.occurredOn.dayNumber - occurredOn.dayNumber) <= windowDays }
            .min { (abs($0.element.occurredOn.dayNumber - occurredOn.dayNumber), $0.offset)
                 < (abs($1.element.occurredOn.dayNumber - occurredOn.dayNumber), $1.offset) }?
            .element.caseId
    }

    /// Assigns the application to a case, idempotently: the same application always gets the
    /// same answer. An application whose date cannot be read never merges.
    public mutating func register(_ application: ReliefApplication, personKey: String) -> Assignment {
        if let known = caseOfApplication[application.applicationId] {
            return Assignment(caseId: known, merged: known != ReliefPolicy.caseId(applicationId: application.applicationId))
        }
        let date = CivilDate(iso: application.occurredOn)
        if let date, let existing = existingCase(personKey: personKey, incidentKind: application.incidentKind, occurredOn: date) {
            caseOfApplication[application.applicationId] = existing
            return Assignment(caseId: existing, merged: true)
        }
        let caseId = ReliefPolicy.caseId(applicationId: application.applicationId)
        if let date {
            anchors.append(Anchor(personKey: personKey, incidentKind: application.incidentKind, occurredOn: date, caseId: caseId))
        }
        caseOfApplication[application.applicationId] = caseId
        return Assignment(caseId: caseId, merged: false)
    }
}

/// The township's review of a case that is not urgent (审核, §4.3): nothing is paid before it
/// approves; a denial ends the case.
public struct TownshipReview: Codable, Sendable, Equatable {
    public enum Decision: String, Codable, Sendable { case approved, denied }
    public var decision: Decision?
    /// The reviewer's id (never a name).
    public var reviewer: String?
    public var on: CivilDate?
    public var reason: String?
    public init(decision: Decision? = nil, reviewer: String? = nil, on: CivilDate? = nil, reason: String? = nil) {
        self.decision = decision; self.reviewer = reviewer; self.on = on; self.reason = reason
    }
}

public enum ReviewProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// Urgent cases are paid first and reviewed through their paperwork; denied ones have nothing to review.
    case notRequired
    /// The township already decided otherwise.
    case alreadyDecided(TownshipReview.Decision)

    public var description: String {
        switch self {
        case .notRequired: "the case needs no township review (urgent cases are paid first; denied ones pay nothing)"
        case .alreadyDecided(let d): "the township already \(d == .approved ? "approved" : "denied") this case"
        }
    }
}

/// A case's payments: which stages are paid, whether the township reviewed it and whether the
/// county has approved. Stages the county approved are paid from the county's fund, the others
/// (the aid-first stage, totals within the township limit) from the township reserve fund.
public struct ReliefCase: Codable, Sendable, Equatable {
    public var applicationId: String
    public var plan: StagePlan
    public private(set) var countyApproved = false
    public private(set) var paidStages: Set<Int> = []
    /// Present when the township must review the case before anything is paid.
    public private(set) var review: TownshipReview?

    /// What one payment run did.
    public struct Run: Sendable, Equatable {
        public var disbursements: [Disbursement] = []
        /// Due stages waiting for the township's review.
        public var awaitingReview: [Int] = []
        /// Due stages waiting for the county's approval.
        public var awaitingCounty: [Int] = []
        /// Due stages the reserve fund could not cover: the case goes to the county (§4.3).
        public var unfunded: [Int] = []
    }

    public init(applicationId: String, plan: StagePlan, reviewRequired: Bool = false) {
        self.applicationId = applicationId; self.plan = plan
        if reviewRequired { review = TownshipReview() }
    }

    public var caseId: String { plan.caseId }
    public var paidFen: Int64 { plan.stages.filter { paidStages.contains($0.stage) }.reduce(0) { $0 + $1.amountFen } }
    public var isComplete: Bool { paidStages.count == plan.stages.count }
    /// The township has not approved a case it must review.
    public var awaitingReview: Bool { review != nil && review?.decision != .approved }
    public var reviewDenied: Bool { review?.decision == .denied }

    public mutating func approveAtCounty() { countyApproved = true }

    /// The township's review. Approval re-dates the (unpaid) stages from the review date, a month
    /// apart, so one approval still means one staged plan; the same decision again changes nothing.
    public mutating func reviewAtTownship(approve: Bool, reviewer: String, reason: String?,
                                          on date: CivilDate) throws(ReviewProblem) {
        guard let current = review else { throw .notRequired }
        let decision: TownshipReview.Decision = approve ? .approved : .denied
        if let made = current.decision {
            guard made == decision else { throw .alreadyDecided(made) }
            return
        }
        review = TownshipReview(decision: decision, reviewer: reviewer, on: date, reason: reason)
        guard approve else { return }
        var month = 0
        plan.stages = plan.stages.map { stage in
            guard !paidStages.contains(stage.stage) else { return stage }
            var s = stage
            s.dueOn = date.adding(months: month)
            month += 1
            return s
        }
    }

    /// Pays, in order, every unpaid stage due on or before `today` that is reviewed and approved:
    /// township stages from the township `fund`, county-approved ones from the county's fund
    /// (`county_fund:<county code>`). Stops at the first township stage the fund cannot cover, so
    /// stages stay in order.
    public mutating func pay(on today: CivilDate, from fund: inout ReserveFund) -> Run {
        var run = Run()
        for stage in plan.stages where stage.dueOn <= today && !paidStages.contains(stage.stage) {
            if awaitingReview { run.awaitingReview.append(stage.stage); continue }
            if stage.requiresCountyApproval && !countyApproved { run.awaitingCounty.append(stage.stage); continue }
            if !run.unfunded.isEmpty { run.unfunded.append(stage.stage); continue }
            let id = StagePlan.disbursementId(caseId: caseId, stage: stage.stage)
            let paid = Disbursement(disbursementId: id, applicationId: applicationId, caseId: caseId, stage: stage.stage,
                                    amountFen: stage.amountFen, approvedAt: stage.approvedAt,
                                    fundedFrom: "township_reserve:\(fund.township)", paidAt: today.description)
            if stage.requiresCountyApproval {
                // 分级审批: what the county approved, the county's temporary-relief fund pays.
                var d = paid
                d.fundedFrom = Self.countyFund(of: fund.township)
                paidStages.insert(stage.stage)
                run.disbursements.append(d)
                continue
            }
            switch fund.disburse(stage.amountFen, disbursementId: id) {
            case .applied, .duplicate:
                // A duplicate means the fund paid it before a restart lost our record: it is not
                // paid again, and the event is re-emitted with the same id (consumers dedupe).
                paidStages.insert(stage.stage)
                run.disbursements.append(paid)
            case .insufficient, .invalidAmount:
                run.unfunded.append(stage.stage)
            }
        }
        return run
    }

    /// The county of a township code (its first six digits).
    public static func countyFund(of township: String) -> String { "county_fund:\(township.prefix(6))" }

    private enum CodingKeys: String, CodingKey { case applicationId, plan, countyApproved, paidStages, review }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        applicationId = try c.decode(String.self, forKey: .applicationId)
        plan = try c.decode(StagePlan.self, forKey: .plan)
        countyApproved = try c.decodeIfPresent(Bool.self, forKey: .countyApproved) ?? false
        paidStages = try c.decodeIfPresent(Set<Int>.self, forKey: .paidStages) ?? []
        review = try c.decodeIfPresent(TownshipReview.self, forKey: .review)
    }
}
