// Profile versions made by outcomes and published at the end of the batch (one per household
// however many outcomes of the batch changed it). The version number is taken when the first
// outcome changes the household and kept by the later ones, so published versions still count
// up by one. The table is empty outside a batch's transaction.
import DoudiDomain
import Foundation
import GRDB

enum PendingVersions {
    struct Version {
        var householdId: String
        var version: Int
        var bytes: Data
        var causeID: String
        var eventTime: String
    }

    /// The version number the change of `profile` is stored under: the pending one if the batch
    /// already changed the household, else the new one, which becomes pending.
    static func hold(_ profile: HouseholdProfile, cause: String, time: String, _ db: Database) throws -> Int {
        if let pending = try Int.fetchOne(db.cachedStatement(sql: "SELECT version FROM pending_versions WHERE household_id = ?"),
                                          arguments: [profile.householdId]) {
            try db.cachedStatement(sql: "UPDATE pending_versions SET event_time = ? WHERE household_id = ?")
                .execute(arguments: [time, profile.householdId])
            return pending
        }
        try db.cachedStatement(sql: "INSERT INTO pending_versions(household_id, version, cause_id, event_time) VALUES (?, ?, ?, ?)")
            .execute(arguments: [profile.householdId, profile.version, cause, time])
        return profile.version
    }

    /// The household's pending version as stored now, removed from the pending list; nil if none.
    static func take(_ householdId: String, _ db: Database) throws -> Version? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT p.household_id, p.version, h.profile, p.cause_id, p.event_time
            FROM pending_versions p JOIN households h ON h.id = p.household_id WHERE p.household_id = ?
            """), arguments: [householdId]) else { return nil }
        try db.cachedStatement(sql: "DELETE FROM pending_versions WHERE household_id = ?").execute(arguments: [householdId])
        return version(row)
    }

    static func takeAll(_ db: Database) throws -> [Version] {
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT p.household_id, p.version, h.profile, p.cause_id, p.event_time
            FROM pending_versions p JOIN households h ON h.id = p.household_id ORDER BY p.household_id
            """))
        try db.execute(sql: "DELETE FROM pending_versions")
        return rows.map(version)
    }

    private static func version(_ row: Row) -> Version {
        Version(householdId: row[0], version: row[1], bytes: row[2], causeID: row[3], eventTime: row[4])
    }
}
