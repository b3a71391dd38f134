// A basic-living case (§4 preamble: 乡镇(街道)及县级民政部门及时启动审核确认程序): one per referral on
// `referrals.basic-living`. An admission (`not_covered`) or an exit (`no_longer_eligible`) goes
// through the township's preliminary review (初审) and the county's confirmation (审核确认; the
// township's review confirms where the region delegated it), by operators or, where the region's
// rules allow and the facts establish it, at the referral's own time. A confirmed admission
// opens a payment line per programme; a confirmed exit ends the lines it names.

public enum CaseKind: String, Codable, Sendable { case admission, exit }

public enum CaseStage: String, Codable, Sendable, CaseIterable {
    case awaitingPreliminaryReview = "awaiting_preliminary_review"
    case awaitingConfirmation = "awaiting_confirmation"
    case confirmed, denied
    /// The referral was withdrawn before a decision (its warning resolved).
    case withdrawn
    /// The referral was superseded (its warning never held): grants taken back.
    case superseded

    public var isOpen: Bool { self == .awaitingPreliminaryReview || self == .awaitingConfirmation }
}

public enum ReviewStep: String, Codable, Sendable { case preliminary, confirmation }

/// One review: who (an operator id, or `rules <version>` on the automatic path), when, the verdict.
public struct ReviewRecord: Codable, Sendable, Equatable {
    public var step: ReviewStep
    public var passed: Bool
    public var by: String
    public var on: String
    public var note: String?
    public var automatic: Bool
}

/// A monthly amount from a month on; 0 is a suspension.
public struct AmountStep: Codable, Sendable, Equatable {
    public var from: PayrollMonth
    public var amountFen: Int64
    /// The fact time it rests on (a later fact for the same month replaces it).
    public var asOf: String
    public var reason: String
}

/// What one confirmed programme pays each month, from `startMonth` to `endMonth` (inclusive).
public struct PaymentLine: Codable, Sendable, Equatable {
    public var lineId: String
    public var caseId: String
    public var program: String
    public var personKey: String?
    public var householdId: String
    public var regionCode: String
    public var startMonth: PayrollMonth
    public var endMonth: PayrollMonth?
    public var steps: [AmountStep]
    public var rule: String
    public var clause: String
    public var rulesVersion: String
    public var standardsVersion: String

    /// The amount for `month` (0 outside the line or while suspended).
    public func amount(in month: PayrollMonth) -> Int64 {
        guard month >= startMonth, endMonth.map({ month <= $0 }) ?? true else { return 0 }
        return steps.last { $0.from <= month }?.amountFen ?? 0
    }

    public var isOpen: Bool { endMonth == nil }

    /// Sets the amount from `month` on; per month the latest fact wins whatever order the facts
    /// arrive in. Returns whether the amount changed.
    mutating func set(_ fen: Int64, from month: PayrollMonth, asOf: String, reason: String) -> Bool {
        let from = max(month, startMonth)
        guard endMonth.map({ from <= $0 }) ?? true else { return false }
        if let i = steps.firstIndex(where: { $0.from == from }) {
            guard !AmountStep.earlier(asOf, than: steps[i].asOf) else { return false }
            let changed = steps[i].amountFen != fen
            steps[i] = AmountStep(from: from, amountFen: fen, asOf: asOf, reason: changed ? reason : steps[i].reason)
            return changed
        }
        steps.append(AmountStep(from: from, amountFen: fen, asOf: asOf, reason: reason))
        steps.sort { $0.from < $1.from }
        return true
    }
}

extension AmountStep {
    /// Fact-time order (RFC 3339 instants), the text for what is not a time.
    static func earlier(_ a: String, than b: String) -> Bool {
        if let x = FactTime(a), let y = FactTime(b) { return x < y }
        return a < b
    }
}

public struct LivingCase: Codable, Sendable, Equatable {
    public var caseId: String
    public var referral: Referral
    public var kind: CaseKind
    public var stage: CaseStage
    public var revision: Int
    public var reviews: [ReviewRecord]
    /// The proposal for the current revision (one per need).
    public var decisions: [LivingDecision]
    public var lines: [PaymentLine]
    /// Every outcome published for the case, in order.
    public var outcomes: [Outcome]
    public var receivedAt: String
    public var updatedAt: String

    public var householdId: String { referral.householdId }
    public var regionCode: String { referral.regionCode }

    /// The confirmation's verdict and the step the case waits for.
    public var waitingFor: ReviewStep? {
        switch stage {
        case .awaitingPreliminaryReview: .preliminary
        case .awaitingConfirmation: .confirmation
        default: nil
        }
    }
}
