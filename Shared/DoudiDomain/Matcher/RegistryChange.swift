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
    /// New profile versions, in the order to publish them (per household: by version): upsert the
    /// latest, record each as a published point, and emit each as `registry.household.v1`.
    public var profiles: [HouseholdProfile]
    /// Person key → household memberships to write.
    public var memberships: [MembershipChange]
    /// Signals to emit as `monitoring.signal.v1`.
    public var signals: [Signal]
    /// For logs and metrics only.
    public var notes: [MatchNote]
    /// Facts to keep: collections merged into households, claims about where people live, and
    /// department records about people (registered or not).
    public var submissions: [(householdId: String, submission: Submission)]
    public var claims: [MembershipClaim]
    public var records: [PersonRecord]
    /// Programmes held, per household whose holdings changed.
    public var holdings: [(householdId: String, holdings: ProgramHoldings)] = []
    /// `HouseholdTimeline.factsFingerprint` of profiles whose facts the draft compared already, by
    /// index in `profiles`: the writer needs it too (the timeline row, the event id), and computing
    /// it again was 4.5 % of the matcher's CPU. Derived, so not part of equality.
    public var factsFingerprints: [Int: UInt64] = [:]

    public init(profiles: [HouseholdProfile] = [], memberships: [MembershipChange] = [], signals: [Signal] = [],
                notes: [MatchNote] = [], submissions: [(householdId: String, submission: Submission)] = [],
                claims: [MembershipClaim] = [], records: [PersonRecord] = []) {
        self.profiles = profiles; self.memberships = memberships; self.signals = signals; self.notes = notes
        self.submissions = submissions; self.claims = claims; self.records = records
    }

    /// Nothing to write and nothing to emit.
    public var isEmpty: Bool {
        profiles.isEmpty && memberships.isEmpty && signals.isEmpty && submissions.isEmpty && claims.isEmpty && records.isEmpty
    }

    /// The latest new version of a household.
    public func profile(_ householdId: String) -> HouseholdProfile? {
        profiles.last { $0.householdId == householdId }
    }

    public static func == (a: RegistryChange, b: RegistryChange) -> Bool {
        a.profiles == b.profiles && a.memberships == b.memberships && a.signals == b.signals && a.notes == b.notes
            && a.submissions.map(\.householdId) == b.submissions.map(\.householdId)
            && a.submissions.map(\.submission) == b.submissions.map(\.submission) && a.claims == b.claims && a.records == b.records
            && a.holdings.map(\.householdId) == b.holdings.map(\.householdId) && a.holdings.map(\.holdings) == b.holdings.map(\.holdings)
    }
}
