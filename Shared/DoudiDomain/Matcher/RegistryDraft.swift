// The working copy of the registry during one input. Every apply function edits profiles and
// memberships here, then `finish` turns the net difference into a `RegistryChange`: this is
// the one place that numbers versions, so each changed household gets exactly one new version.

struct RegistryDraft<Reader: RegistryReader> {
    private let reader: Reader
    /// Profiles as read from the registry (absent: the household is new in this draft).
    private var originals: [String: HouseholdProfile] = [:]
    private var working: [String: HouseholdProfile] = [:]
    private var probed: Set<String> = []
    private var editOrder: [String] = []
    /// Memberships as read, and as they are now (nil: no household).
    private var readMemberships: [String: String?] = [:]
    private var memberships: [String: String?] = [:]
    private var membershipOrder: [String] = []
    var signals: [Signal] = []
    var notes: [MatchNote] = []

    init(reader: Reader) { self.reader = reader }

    mutating func householdId(of personKey: String) throws(Reader.Failure) -> String? {
        if let known = memberships[personKey] { return known }
        let read = try reader.householdId(forPersonKey: personKey)
        readMemberships[personKey] = .some(read)
        memberships[personKey] = .some(read)
        return read
    }

    mutating func profile(_ householdId: String) throws(Reader.Failure) -> HouseholdProfile? {
        if let profile = working[householdId] { return profile }
        guard probed.insert(householdId).inserted else { return nil }
        guard let read = try reader.profile(householdId: householdId) else { return nil }
        originals[householdId] = read
        working[householdId] = read
        return read
    }

    /// Stores a new or edited profile; `finish` decides whether it is a new version.
    mutating func put(_ profile: HouseholdProfile) {
        if !editOrder.contains(profile.householdId) { editOrder.append(profile.householdId) }
        working[profile.householdId] = profile
    }

    mutating func setMembership(_ personKey: String, to householdId: String?) throws(Reader.Failure) {
        _ = try self.householdId(of: personKey)
        if !membershipOrder.contains(personKey) { membershipOrder.append(personKey) }
        memberships[personKey] = .some(householdId)
    }

    mutating func note(_ code: MatchNote.Code, _ reference: String, householdId: String? = nil, personKey: String? = nil) {
        notes.append(MatchNote(code: code, reference: reference, householdId: householdId, personKey: personKey))
    }

    /// The net change. `now` stamps `updatedAt` of the new versions.
    func finish(now: String) -> RegistryChange {
        var change = RegistryChange(signals: signals, notes: notes)
        for id in editOrder {
            guard var next = working[id] else { continue }
            let previous = originals[id]
            if let previous, Self.sameContent(previous, next) { continue }
            next.version = (previous?.version ?? 0) + 1
            // The income before its latest change: a version that leaves the income as it was (a
            // programme granted, an address) keeps the earlier figure, so a sharp drop (§2.1.4)
            // seen in one version is still seen in the next.
            let before = previous.flatMap(RegistryFigures.perCapitaMonthlyFen)
            next.previousPerCapitaMonthlyFen = before == RegistryFigures.perCapitaMonthlyFen(next)
                ? previous?.previousPerCapitaMonthlyFen : before
            next.updatedAt = now
            change.profiles.append(next)
        }
        for key in membershipOrder {
            guard let current = memberships[key], let before = readMemberships[key], current != before else { continue }
            change.memberships.append(current.map { .set(personKey: key, householdId: $0) } ?? .remove(personKey: key))
        }
        return change
    }

    /// Equal but for bookkeeping: version, update time, the derived previous income, and the
    /// order in which submissions and channels were recorded.
    static func sameContent(_ a: HouseholdProfile, _ b: HouseholdProfile) -> Bool {
        func normalised(_ p: HouseholdProfile) -> HouseholdProfile {
            var p = p
            p.version = 0
            p.updatedAt = ""
            p.previousPerCapitaMonthlyFen = nil
            p.sourceSubmissions = Array(Set(p.sourceSubmissions)).sorted()
            p.channels = Array(Set(p.channels)).sorted { $0.rawValue < $1.rawValue }
            return p
        }
        return normalised(a) == normalised(b)
    }
}

/// Figures derived from a profile, as RULES.md defines them.
public enum RegistryFigures {
    /// (annual income + supporters' annual support) / 12 / members; nil for a household without members.
    public static func perCapitaMonthlyFen(_ profile: HouseholdProfile) -> Int64? {
        guard !profile.members.isEmpty else { return nil }
        let annual = profile.income.totalFen + profile.supporters.reduce(0) { $0 + $1.annualSupportFen }
        return annual / (12 * Int64(profile.members.count))
    }
}
