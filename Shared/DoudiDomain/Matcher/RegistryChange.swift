// What one matcher input changes: the writes for the store and the events for the outbox,
// committed together in one transaction by the service.

/// A person's membership of a household, keyed by person key.
public enum MembershipChange: Sendable, Equatable, Hashable {
    case set(personKey: String, householdId: String)
    case remove(personKey: String)

    public var personKey: String {
        switch self { case let .set(key, _), let .remove(key): key }
    }
}

/// Something the service logs or counts. It never carries names or identity numbers.
public struct MatchNote: Sendable, Equatable, Hashable {
    public enum Code: String, Sendable, CaseIterable {
        /// The person key is registered but the record's name differs: not matched.
        case nameMismatch = "name_mismatch"
        /// A record about an unregistered person on a list that does not mark hardship.
        case notRegistered = "not_registered"
        /// A medical expense below the large-expense threshold: no signal.
        case belowThreshold = "below_threshold"
        /// A record that raises no signal (e.g. a safe housing status).
        case noSignal = "no_signal"
        /// An outcome for a household the registry does not hold.
        case unknownHousehold = "unknown_household"
        /// The submission was applied before (replay): nothing changes.
        case alreadyApplied = "already_applied"
        /// A registration of property for a household that has not authorised the verification of
        /// its finances (§4): neither applied nor signalled.
        case notAuthorized = "not_authorized"
    }
    public var code: Code
    public var reference: String
    public var householdId: String?
    public var personKey: String?
    public init(code: Code, reference: String, householdId: String? = nil, personKey: String? = nil) {
        self.code = code; self.reference = reference; self.householdId = householdId; self.personKey = personKey
    }
}

public struct RegistryChange: Sendable, Equatable {
    /// New profile versions: upsert each, and emit each as `registry.household.v1`.
    public var profiles: [HouseholdProfile]
    /// Person key → household memberships to write.
    public var memberships: [MembershipChange]
    /// Signals to emit as `monitoring.signal.v1`.
    public var signals: [Signal]
    /// For logs and metrics only.
    public var notes: [MatchNote]

    public init(profiles: [HouseholdProfile] = [], memberships: [MembershipChange] = [],
                signals: [Signal] = [], notes: [MatchNote] = []) {
        self.profiles = profiles; self.memberships = memberships; self.signals = signals; self.notes = notes
    }

    /// Nothing to write and nothing to emit.
    public var isEmpty: Bool { profiles.isEmpty && memberships.isEmpty && signals.isEmpty }

    public func profile(_ householdId: String) -> HouseholdProfile? {
        profiles.first { $0.householdId == householdId }
    }
}
