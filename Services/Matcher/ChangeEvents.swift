// The events of a `RegistryChange`: each new profile version as `registry.household.v1` and
// each signal as `monitoring.signal.v1`, with ids derived from the cause so replays repeat them.
import DoudiDomain
import Envelope
import Foundation
import ServiceKit

enum ChangeEvents {
    static let householdType = EventType.registryHousehold.rawValue
    static let signalType = EventType.monitoringSignal.rawValue

    /// Writes the change to the store (same transaction) and returns the events for the outbox.
    /// A household with a version pending from outcomes gets that version published first, so
    /// that versions reach consumers in order and without gaps.
    static func outgoing(for change: RegistryChange, cause: CloudEvent, context: ProcessingContext) throws -> [OutgoingEvent] {
        var out: [OutgoingEvent] = []
        for profile in change.profiles {
            if let pending = try PendingVersions.take(profile.householdId, context.db) { out.append(try event(pending, source: context.source)) }
        }
        for (profile, bytes) in try RegistryWriter.write(change, to: context.db) {
            // The stored bytes are the payload: encoded once.
            out.append(event(householdId: profile.householdId, version: profile.version, bytes: bytes, causeID: cause.id,
                             time: context.eventTime, source: context.source))
        }
        return out + (try signals(change, cause: cause, context: context))
    }

    /// Outcomes: the new profile is stored now and published once at the end of the batch, so that
    /// a referral's grants for several people and programmes make one version, not one each.
    static func deferred(_ change: RegistryChange, cause: CloudEvent, context: ProcessingContext) throws -> [OutgoingEvent] {
        var change = change
        for i in change.profiles.indices {
            change.profiles[i].version = try PendingVersions.hold(change.profiles[i], cause: cause.id, time: context.eventTime, context.db)
        }
        _ = try RegistryWriter.write(change, to: context.db)
        return try signals(change, cause: cause, context: context)
    }

    /// Every version still pending at the end of a batch.
    static func pending(_ context: BatchContext) throws -> [OutgoingEvent] {
        try PendingVersions.takeAll(context.db).map { try event($0, source: context.source) }
    }

    private static func event(_ p: PendingVersions.Version, source: String) throws -> OutgoingEvent {
        event(householdId: p.householdId, version: p.version, bytes: p.bytes, causeID: p.causeID, time: p.eventTime, source: source)
    }

    private static func event(householdId: String, version: Int, bytes: Data, causeID: String, time: String, source: String) -> OutgoingEvent {
        let event = CloudEvent(id: EventID.derived(causeID, householdType, "\(householdId)#\(version)"),
                               source: source, type: householdType, time: time,
                               subject: householdId, causationID: causeID, key: householdId, data: Array(bytes))
        return OutgoingEvent(topic: Topics.registryHouseholds, event: event)
    }

    private static func signals(_ change: RegistryChange, cause: CloudEvent, context: ProcessingContext) throws -> [OutgoingEvent] {
        try change.signals.map { signal in
            // Unregistered candidates have no household yet: their person key orders them.
            let event = try context.derive(from: cause, type: signalType, discriminator: signal.signalId,
                                           subject: signal.householdId, key: signal.householdId ?? signal.personKey,
                                           payload: signal)
            return OutgoingEvent(topic: Topics.monitoringSignals, event: event)
        }
    }
}
