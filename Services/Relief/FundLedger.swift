// The township reserve-fund ledger (乡镇临时救助备用金). `ReserveFund` decides; this file keeps its
// figures in `relief_funds` and every movement once in `relief_fund_movements`, in the caller's
// transaction. The table's CHECKs make a negative or unbalanced fund impossible to commit.
import DoudiDomain
import GRDB
import ServiceKit

enum FundLedger {
    /// The township's fund, created with its opening balance on first use. `knownMovementIds`
    /// are the movements of `caseId` already in the ledger (a repeat is then a duplicate).
    static func load(_ db: Database, township: String, caseId: String? = nil, settings: ReliefSettings) throws -> ReserveFund {
        try db.execute(sql: "INSERT OR IGNORE INTO relief_funds(township, opening_fen, balance_fen) VALUES (?, ?, ?)",
                       arguments: [township, settings.opening(for: township), settings.opening(for: township)])
        let row = try Row.fetchOne(db, sql: "SELECT opening_fen, replenished_fen, disbursed_fen FROM relief_funds WHERE township = ?",
                                   arguments: [township])!
        let known = try caseId.map {
            Set(try String.fetchAll(db, sql: "SELECT movement_id FROM relief_fund_movements WHERE case_id = ?", arguments: [$0]))
        } ?? []
        guard let fund = ReserveFund(township: township, openingFen: row[0], replenishedFen: row[1], disbursedFen: row[2],
                                     knownMovementIds: known) else {
            throw LedgerCorrupt(township: township)
        }
        return fund
    }

    static func save(_ db: Database, _ fund: ReserveFund) throws {
        try db.execute(sql: "UPDATE relief_funds SET replenished_fen = ?, disbursed_fen = ?, balance_fen = ? WHERE township = ?",
                       arguments: [fund.replenishedFen, fund.disbursedFen, fund.balanceFen, fund.township])
    }

    static func recordDisbursement(_ db: Database, _ d: Disbursement, township: String, atMs: Int64) throws {
        try db.execute(sql: """
            INSERT OR IGNORE INTO relief_fund_movements(movement_id, township, kind, amount_fen, case_id, stage, at_ms)
            VALUES (?, ?, 'disbursement', ?, ?, ?, ?)
            """, arguments: [d.disbursementId, township, d.amountFen, d.caseId, d.stage, atMs])
    }

    /// A stage the county approved, paid from the county's fund: one row per stage (the primary key
    /// and the unique (case, stage) refuse a second payment).
    static func recordCountyPayment(_ db: Database, _ d: Disbursement, atMs: Int64) throws {
        let county = String(d.fundedFrom.dropFirst("county_fund:".count))
        try db.execute(sql: """
            INSERT INTO relief_county_payments(disbursement_id, county, case_id, stage, amount_fen, at_ms) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [d.disbursementId, county, d.caseId, d.stage, d.amountFen, atMs])
    }

    /// Applies a replenishment once (by id). Returns false when it was applied before.
    static func replenish(_ db: Database, id: String, township: String, amountFen: Int64, atMs: Int64,
                          settings: ReliefSettings) throws -> Bool {
        let movementId = "repl-\(id)"
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM relief_fund_movements WHERE movement_id = ?", arguments: [movementId]) == true {
            return false
        }
        var fund = try load(db, township: township, settings: settings)
        switch fund.replenish(amountFen, eventId: movementId) {
        case .applied: break
        case .duplicate: return false
        case .insufficient, .invalidAmount: throw PoisonMessage("replenishment amount out of range")
        }
        try db.execute(sql: """
            INSERT INTO relief_fund_movements(movement_id, township, kind, amount_fen, at_ms) VALUES (?, ?, 'replenishment', ?, ?)
            """, arguments: [movementId, township, amountFen, atMs])
        try save(db, fund)
        return true
    }

    struct LedgerCorrupt: Error, CustomStringConvertible {
        var township: String
        var description: String { "reserve fund ledger of \(township) does not balance" }
    }
}
