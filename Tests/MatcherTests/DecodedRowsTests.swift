// The matcher's decoded rows (DecodedRows) are used only while their row holds the bytes they came
// from: a matcher that remembers them publishes and stores exactly what one that decodes every
// read does, across batches of outcomes, a batch rolled back after it rewrote a household's
// holdings, and a retry. In-process (InProcessPipeline), no broker.
@testable import MatcherService
import DoudiDomain
import Envelope
import Foundation
import GRDB
import ServiceKit
import Store
import XCTest

final class DecodedRowsTests: XCTestCase {
    typealias H = MatcherHarness

    static func event<T: Encodable>(_ type: EventType, id: String, _ payload: T) throws -> CloudEvent {
        try CloudEvent.make(id: id, source: "/tests", type: type.rawValue, time: "2024-06-30T10:00:00+08:00",
                            subject: nil, key: "order", causationID: nil, payload: payload)
    }

    static func outcome(_ id: String, _ householdId: String, _ program: String, _ status: OutcomeStatus, day: Int) throws
        -> (topic: String, event: CloudEvent) {
        let o = Outcome(outcomeId: id, householdId: householdId, domain: .basicLiving, program: program, status: status,
                        amountFen: status == .granted ? Int64(10_000 * day) : nil, decidedAt: "2024-06-\(10 + day)", reason: "decided")
        return (Topics.assistanceOutcomes, try event(.assistanceOutcome, id: "out-\(id)", o))
    }

    /// What a store holds that the rows decide: every household's latest profile (its bytes: JSON
    /// with sorted keys) and holdings (their value: the binary form writes a dictionary in the
    /// order it iterates, which depends on how the dictionary was built).
    static func state(_ p: InProcessPipeline) throws -> [String] {
        try p.read { db in
            try Row.fetchAll(db, sql: "SELECT id, version, profile FROM households ORDER BY id").map { "\($0[0]) \($0[1]) \(($0[2] as Data).base64EncodedString())" }
                + Row.fetchAll(db, sql: "SELECT household_id, holdings, dirty FROM household_programs ORDER BY household_id").map {
                    // Grants in key order: a dictionary with struct keys is written in the order it
                    // iterates, which differs between two dictionaries of the same content.
                    let grants = try StateCoding.decode(ProgramHoldings.self, from: $0[1] as Data).grants
                        .map { "\(CanonicalEncoding.serialized($0.key))=\(CanonicalEncoding.serialized($0.value))" }.sorted()
                    return "\($0[0]) \(grants) \($0[2] as Int)"
                }
        }
    }

    func testRememberedRowsDecideAsTheStore() throws {
        let remembered = DecodedRows()
        let withMemory = try InProcessPipeline(MatcherProcessor(personKeySecret: H.secret, counters: MatchCounters(), rows: remembered))
        let decoding = try InProcessPipeline(MatcherProcessor(personKeySecret: H.secret, counters: MatchCounters(), rows: .none))
        func both(_ batch: [(topic: String, event: CloudEvent)]) throws {
            let a = try withMemory.deliver(batch), b = try decoding.deliver(batch)
            XCTAssertEqual(a.map { $0.event.id }, b.map { $0.event.id })
            XCTAssertEqual(a.map { $0.event.data }, b.map { $0.event.data })
        }
        let households = (0..<3).map { H.householdId(10 * $0 + 1) }
        try both((0..<3).map { i in
            (Topics.intakeAccepted, try Self.event(.intakeAccepted, id: "acc-\(i)",
                                                   H.submission("s-\(i)", applicant: 10 * i + 1, members: [10 * i + 1, 10 * i + 2],
                                                                collectedAt: "2024-06-01T09:00:00+08:00")))
        })
        // Several outcomes of one household in a batch, then later batches changing them again.
        try both([try Self.outcome("a1", households[0], "dibao", .granted, day: 1), try Self.outcome("a2", households[0], "temporary", .granted, day: 1),
                  try Self.outcome("b1", households[1], "dibao", .granted, day: 1)])
        try both([try Self.outcome("a3", households[0], "dibao", .granted, day: 2), try Self.outcome("c1", households[2], "dibao", .denied, day: 2)])

        XCTAssertGreaterThan(remembered.holdings.statistics.hits, 0, "the memory was used")
        XCTAssertGreaterThan(remembered.profiles.statistics.hits, 0, "the memory was used")

        // A batch that rewrites household 0's holdings (an outcome) and its profile (a later
        // collection) and then fails: rolled back, the memory keeps values of bytes no row holds.
        let later = (Topics.intakeAccepted, try Self.event(.intakeAccepted, id: "acc-later",
                                                           H.submission("s-later", applicant: 1, members: [1, 2], collectedAt: "2024-06-20T09:00:00+08:00",
                                                                        wagesFen: 900_000)))
        let poison = (Topics.assistanceOutcomes, try Self.event(.assistanceOutcome, id: "out-bad", ["outcomeId": 7]))
        let failing = [try Self.outcome("a4", households[0], "dibao", .granted, day: 3), later, poison]
        XCTAssertThrowsError(try withMemory.deliver(failing))
        XCTAssertThrowsError(try decoding.deliver(failing))
        let staleHoldings = try XCTUnwrap(remembered.holdings.held(households[0]))
        let staleProfile = try XCTUnwrap(remembered.profiles.held(households[0]))
        let (storedHoldings, storedProfile) = try withMemory.read { db in
            (try Data.fetchOne(db, sql: "SELECT holdings FROM household_programs WHERE household_id = ?", arguments: [households[0]]),
             try Data.fetchOne(db, sql: "SELECT profile FROM households WHERE id = ?", arguments: [households[0]]))
        }
        XCTAssertNotEqual(staleHoldings.bytes, storedHoldings, "the memory holds the rolled-back write of the holdings")
        XCTAssertNotEqual(staleHoldings.value, try StateCoding.decode(ProgramHoldings.self, from: XCTUnwrap(storedHoldings)))
        XCTAssertNotEqual(staleProfile.bytes, storedProfile, "the memory holds the rolled-back write of the profile")
        // Read through the registry: what the rows hold, not what the memory remembers.
        let (readHoldings, readProfile) = try withMemory.read { db in
            let registry = SQLiteRegistry(db: db, rows: remembered)
            return (try registry.storedHoldings(householdId: households[0]), try registry.storedProfile(householdId: households[0]))
        }
        XCTAssertEqual(readHoldings, try StateCoding.decode(ProgramHoldings.self, from: XCTUnwrap(storedHoldings)))
        XCTAssertEqual(readProfile, try JSONDecoder().decode(HouseholdProfile.self, from: XCTUnwrap(storedProfile)))
        let hits = (remembered.holdings.statistics.hits, remembered.profiles.statistics.hits)

        // The retry without the poison, and more.
        try both([try Self.outcome("a4", households[0], "dibao", .granted, day: 3), later])
        try both([try Self.outcome("a5", households[0], "temporary", .denied, day: 4), try Self.outcome("b2", households[1], "dibao", .denied, day: 4),
                  try Self.outcome("b3", households[1], "temporary", .granted, day: 4)])
        XCTAssertEqual(try Self.state(withMemory), try Self.state(decoding))
        XCTAssertEqual(withMemory.published.map { $0.event.id }, decoding.published.map { $0.event.id })
        XCTAssertGreaterThan(remembered.holdings.statistics.hits, hits.0, "the memory was used after the rollback")
        XCTAssertGreaterThan(remembered.profiles.statistics.hits, hits.1, "the memory was used after the rollback")

        // What the memory remembered when it wrote is what its bytes decode to.
        for hh in households {
            if let e = remembered.holdings.held(hh) {
                XCTAssertEqual(e.value, try StateCoding.decode(ProgramHoldings.self, from: e.bytes))
            }
            if let e = remembered.profiles.held(hh) {
                XCTAssertEqual(e.value.profile, try JSONDecoder().decode(HouseholdProfile.self, from: e.bytes))
                if e.value.canonical { XCTAssertEqual(e.bytes, try JSONCoding.encoder.encode(e.value.profile), "canonical: the encoder's own bytes") }
            }
        }

        // The round trips the memory relies on: a value remembered when written is the one its bytes decode to.
        try withMemory.read { db in
            for bytes in try Data.fetchAll(db, sql: "SELECT holdings FROM household_programs") {
                let h = try StateCoding.decode(ProgramHoldings.self, from: bytes)
                XCTAssertEqual(try StateCoding.decode(ProgramHoldings.self, from: StateCoding.encode(h)), h)
            }
            for bytes in try Data.fetchAll(db, sql: "SELECT profile FROM households") {
                let p = try JSONDecoder().decode(HouseholdProfile.self, from: bytes)
                XCTAssertEqual(try JSONDecoder().decode(HouseholdProfile.self, from: JSONCoding.encoder.encode(p)), p)
            }
        }
    }
}
