// A township's temporary relief reserve fund (乡镇临时救助备用金). It never goes below zero:
// a payment it cannot cover is refused (the case then goes to the county) and the fund is
// topped up by a replenishment event. Every movement has an id and counts once, so replayed
// events leave the balance unchanged. Invariant: balance = opening + replenished − disbursed ≥ 0.

public struct ReserveFund: Codable, Sendable, Equatable {
    public enum Result: String, Codable, Sendable {
        case applied
        /// The id was seen before; nothing changed.
        case duplicate
        /// The balance does not cover the payment; nothing changed.
        case insufficient
        /// Amounts must be positive; nothing changed.
        case invalidAmount = "invalid_amount"
    }

    public let township: String
    public let openingFen: Int64
    public private(set) var replenishedFen: Int64 = 0
    public private(set) var disbursedFen: Int64 = 0
    public private(set) var movementIds: Set<String> = []

    /// nil for a negative opening balance.
    public init?(township: String, openingFen: Int64) {
        guard openingFen >= 0 else { return nil }
        self.township = township; self.openingFen = openingFen
    }

    /// A fund read back from a ledger (a store row): `knownMovementIds` are the movements the
    /// caller may meet again (e.g. one case's disbursement ids), so a repeat stays a duplicate.
    /// nil when the figures break the invariant (negative parts or a negative balance).
    public init?(township: String, openingFen: Int64, replenishedFen: Int64, disbursedFen: Int64,
                 knownMovementIds: Set<String>) {
        guard openingFen >= 0, replenishedFen >= 0, disbursedFen >= 0,
              openingFen + replenishedFen - disbursedFen >= 0 else { return nil }
        self.township = township; self.openingFen = openingFen
        self.replenishedFen = replenishedFen; self.disbursedFen = disbursedFen; self.movementIds = knownMovementIds
    }

    public var balanceFen: Int64 { openingFen + replenishedFen - disbursedFen }

    public func canPay(_ amountFen: Int64) -> Bool { amountFen > 0 && amountFen <= balanceFen }

    @discardableResult
    public mutating func replenish(_ amountFen: Int64, eventId: String) -> Result {
        guard amountFen > 0 else { return .invalidAmount }
        guard !movementIds.contains(eventId) else { return .duplicate }
        let (sum, overflow) = replenishedFen.addingReportingOverflow(amountFen)
        guard !overflow, !openingFen.addingReportingOverflow(sum).overflow else { return .invalidAmount }
        movementIds.insert(eventId)
        replenishedFen = sum
        return .applied
    }

    /// Pays `amountFen` under `disbursementId` if the balance covers it.
    @discardableResult
    public mutating func disburse(_ amountFen: Int64, disbursementId: String) -> Result {
        guard amountFen > 0 else { return .invalidAmount }
        guard !movementIds.contains(disbursementId) else { return .duplicate }
        guard canPay(amountFen) else { return .insufficient }
        movementIds.insert(disbursementId)
        disbursedFen += amountFen
        return .applied
    }
}
