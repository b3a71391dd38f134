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

/// A case's payments: which stages are paid, and whether the county has approved.
public struct ReliefCase: Codable, Sendable, Equatable {
    public var applicationId: String
    public var plan: StagePlan
    public private(set) var countyApproved = false
    public private(set) var paidStages: Set<Int> = []

    /// What one payment run did.
    public struct Run: Sendable, Equatable {
        public var disbursements: [Disbursement] = []
        /// Due stages waiting for the county's approval.
        public var awaitingCounty: [Int] = []
        /// Due stages the reserve fund could not cover: the case goes to the county (§4.3).
        public var unfunded: [Int] = []
    }

    public init(applicationId: String, plan: StagePlan) { self.applicationId = applicationId; self.plan = plan }

    public var caseId: String { plan.caseId }
    public var paidFen: Int64 { plan.stages.filter { paidStages.contains($0.stage) }.reduce(0) { $0 + $1.amountFen } }
    public var isComplete: Bool { paidStages.count == plan.stages.count }

    public mutating func approveAtCounty() { countyApproved = true }

    /// Pays, in order, every unpaid stage due on or before `today` that is approved, from the
    /// township `fund`. Stops at the first stage the fund cannot cover, so stages stay in order.
    public mutating func pay(on today: CivilDate, from fund: inout ReserveFund) -> Run {
        var run = Run()
        for stage in plan.stages where stage.dueOn <= today && !paidStages.contains(stage.stage) {
            if stage.requiresCountyApproval && !countyApproved { run.awaitingCounty.append(stage.stage); continue }
            if !run.unfunded.isEmpty { run.unfunded.append(stage.stage); continue }
            let id = StagePlan.disbursementId(caseId: caseId, stage: stage.stage)
            switch fund.disburse(stage.amountFen, disbursementId: id) {
            case .applied, .duplicate:
                // A duplicate means the fund paid it before a restart lost our record: it is not
                // paid again, and the event is re-emitted with the same id (consumers dedupe).
                paidStages.insert(stage.stage)
                run.disbursements.append(Disbursement(disbursementId: id, applicationId: applicationId, caseId: caseId,
                                                      stage: stage.stage, amountFen: stage.amountFen,
                                                      approvedAt: stage.approvedAt,
                                                      fundedFrom: "township_reserve:\(fund.township)",
                                                      paidAt: today.description))
            case .insufficient, .invalidAmount:
                run.unfunded.append(stage.stage)
            }
        }
        return run
    }
}
