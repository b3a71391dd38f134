// The events of a `RegistryChange`: each new profile version as `registry.household.v1` and
// each signal as `monitoring.signal.v1`, with ids derived from the cause so replays repeat them.
import DoudiDomain
import Envelope
import Foundation
import ServiceKit

enum ChangeEvents {
    static let householdType = "registry.household.v1"
    static let signalType = "monitoring.signal.v1"

    /// Writes the change to the store (same transaction) and returns the events for the outbox.
    static func outgoing(for change: RegistryChange, cause: CloudEvent, context: ProcessingContext) throws -> [OutgoingEvent] {
        var out: [OutgoingEvent] = []
        for (profile, bytes) in try RegistryWriter.write(change, to: context.db) {
            // The stored bytes are the payload: encoded once.
            let event = CloudEvent(id: EventID.derived(cause.id, householdType, "\(profile.householdId)#\(profile.version)"),
                                   source: context.source, type: householdType, time: context.eventTime,
                                   subject: profile.householdId, causationID: cause.id, key: profile.householdId,
                                   data: Array(bytes))
            out.append(OutgoingEvent(topic: Topics.registryHouseholds, event: event))
        }
        for signal in change.signals {
            // Unregistered candidates have no household yet: their person key orders them.
            let event = try context.derive(from: cause, type: signalType, discriminator: signal.signalId,
                                           subject: signal.householdId, key: signal.householdId ?? signal.personKey,
                                           payload: signal)
            out.append(OutgoingEvent(topic: Topics.monitoringSignals, event: event))
        }
        return out
    }
}
