// The events of a `RegistryChange`: each new profile version as `registry.household.v1` and each
// signal as `monitoring.signal.v1`. A version's event id is a function of the household, the point
// of its history, what it says (facts and programmes) and its number, and its time is the point's fact time:
// the same history re-derived (a replay, a rebuild) is the same events.
import DoudiDomain
import Envelope
import Foundation
import GRDB
import ServiceKit

enum ChangeEvents {
    static let householdType = EventType.registryHousehold.rawValue
    static let signalType = EventType.monitoringSignal.rawValue

    /// Writes the change to the store (same transaction) and returns the events for the outbox.
    /// `facts`: facts fingerprints known already, by household (`RegistryWriter.write`).
    static func outgoing(for change: RegistryChange, cause: CloudEvent?, context: ProcessingContext?, source: String,
                         db: Database, rows: DecodedRows = .none, facts: [String: UInt64] = [:], encoded: [String: Data] = [:]) throws -> [OutgoingEvent] {
        var out: [OutgoingEvent] = []
        let written = try RegistryWriter.write(change, to: db, rows: rows, facts: facts, encoded: encoded)
        for (profile, bytes, facts) in written.profiles {
            out.append(event(profile, bytes: bytes, facts: facts, causeID: cause?.id, source: source))
        }
        for signal in change.signals + written.retracted {
            // Unregistered candidates have no household yet: their person key orders them (and
            // their take-back after them). A take-back is dated as the signal it takes back.
            let key = signal.householdId ?? signal.personKey
            let id = signal.retracted == true ? EventID.derived(signalType, signal.signalId, "retracted") : EventID.derived(signalType, signal.signalId)
            let e = try CloudEvent.make(id: id, source: source, type: signalType,
                                        time: FactTime(signal.occurredOn)?.text ?? context?.eventTime ?? signal.occurredOn,
                                        subject: signal.householdId, key: key, causationID: cause?.id, payload: signal)
            out.append(OutgoingEvent(topic: Topics.monitoringSignals, event: e))
        }
        return out
    }

    /// `facts`: `HouseholdTimeline.factsFingerprint(profile)`.
    static func event(_ profile: HouseholdProfile, bytes: Data, facts: UInt64, causeID: String?, source: String) -> OutgoingEvent {
        let programs = CanonicalEncoding.fingerprint(profile.programs)
        // The version number is part of the id: a point of the history derived again after a late fact
        // may carry another number, and an id must never stand for two contents (consumers dead-letter
        // that as a collision, issue 13).
        let id = EventID.derived(householdType, profile.householdId, profile.asOf ?? "",
                                 String(facts, radix: 16), String(programs, radix: 16),
                                 String(profile.version))
        let e = CloudEvent(id: id, source: source, type: householdType, time: profile.asOf ?? profile.updatedAt,
                           subject: profile.householdId, causationID: causeID, key: profile.householdId, data: Array(bytes))
        return OutgoingEvent(topic: Topics.registryHouseholds, event: e)
    }

    /// Programmes changed by the batch's outcomes and not yet carried by a new version: one
    /// version per household, the latest point of its history with the programmes it holds now.
    static func pendingPrograms(_ db: Database, source: String, rows: DecodedRows = .none) throws -> [OutgoingEvent] {
        let reader = SQLiteRegistry(db: db, rows: rows)
        var out: [OutgoingEvent] = []
        for id in try String.fetchAll(db, sql: "SELECT household_id FROM household_programs WHERE dirty = 1 ORDER BY household_id") {
            guard let programs = try reader.programs(householdId: id),
                  let (stored, storedBytes) = try reader.storedVersion(householdId: id) else { continue }
            var profile = stored.profile
            guard profile.programs != programs else {
                try db.execute(sql: "UPDATE household_programs SET dirty = 0 WHERE household_id = ?", arguments: [id])
                continue
            }
            // Only the programmes and the number change: the facts are the stored version's, whose
            // fingerprint the timeline row of its point holds (computing it again was most of the
            // cost of a programme-only version).
            let point = profile.asOf ?? profile.updatedAt
            let known = try Row.fetchOne(db.cachedStatement(sql: "SELECT version, fingerprint FROM timeline WHERE household_id = ? AND as_of = ?"),
                                         arguments: [id, point])
            let facts = known.flatMap { row in (row[0] as Int) == profile.version ? UInt64(row[1] as String, radix: 16) : nil }
            profile.programs = programs
            profile.version += 1
            // Its bytes are the stored version's with the two members replaced (JSONMembers): the
            // same bytes encoding the whole profile gives, at a fraction of the cost, when the
            // stored bytes are the encoder's own (written by this process, or checked here once).
            var canonical = stored.canonical
            if !canonical, try JSONCoding.encoder.encode(stored.profile) == storedBytes {
                canonical = true
                rows.profiles.remember(id, bytes: storedBytes, value: StoredProfile(profile: stored.profile, canonical: true))
            }
            let bytes = canonical ? JSONMembers.replacing(["programs": Array(try JSONCoding.encoder.encode(programs)),
                                                           "version": Array(String(profile.version).utf8)], in: storedBytes) : nil
            out += try outgoing(for: RegistryChange(profiles: [profile]), cause: nil, context: nil, source: source, db: db, rows: rows,
                                facts: facts.map { [id: $0] } ?? [:], encoded: bytes.map { [id: $0] } ?? [:])
        }
        return out
    }
}
