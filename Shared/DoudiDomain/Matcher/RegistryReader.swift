// What the matcher's pure logic may ask of the low-income population database: the facts kept
// per household and per person, and what was published. Only key lookups, so the cost of one
// input does not grow with the registry (60 million people).

/// What was published of a household's history: each point's facts fingerprint, the last version.
public struct PublishedTimeline: Sendable, Equatable {
    /// `asOf` (as written) → `HouseholdTimeline.factsFingerprint` of the version published for it.
    public var points: [String: UInt64]
    public var lastVersion: Int
    public init(points: [String: UInt64] = [:], lastVersion: Int = 0) { self.points = points; self.lastVersion = lastVersion }
}

/// Read access to the registry. The service implements it over its SQLite store inside the
/// transaction that then writes the returned `RegistryChange`; tests use `InMemoryRegistry`.
/// Readers that cannot fail keep the default `Failure == Never`, and callers need no `try`.
public protocol RegistryReader {
    associatedtype Failure: Error = Never
    /// The household a person lives in now (the highest-ranked claim), if any.
    func householdId(forPersonKey personKey: String) throws(Failure) -> String?
    /// The latest version published of a household's profile.
    func profile(householdId: String) throws(Failure) -> HouseholdProfile?
    /// A profile taken over as it was (synthetic or migrated data), if the household began with one.
    func base(householdId: String) throws(Failure) -> HouseholdProfile?
    /// The collections merged into a household.
    func submissions(householdId: String) throws(Failure) -> [Submission]
    /// Every claim about where a person lives.
    func claims(personKey: String) throws(Failure) -> [MembershipClaim]
    /// Every department record about a person.
    func records(personKey: String) throws(Failure) -> [PersonRecord]
    func published(householdId: String) throws(Failure) -> PublishedTimeline
    /// The programmes the household holds (from outcomes; those of its base profile otherwise).
    func holdings(householdId: String) throws(Failure) -> ProgramHoldings
}

/// A registry held in memory: for tests, and as the reference for what a store must do with a change.
public struct InMemoryRegistry: RegistryReader, Sendable, Equatable {
    public private(set) var profiles: [String: HouseholdProfile] = [:]
    public private(set) var memberships: [String: String] = [:]
    public private(set) var bases: [String: HouseholdProfile] = [:]
    public private(set) var submissionsByHousehold: [String: [Submission]] = [:]
    public private(set) var claimsByPerson: [String: [MembershipClaim]] = [:]
    public private(set) var recordsByPerson: [String: [PersonRecord]] = [:]
    public private(set) var timelines: [String: PublishedTimeline] = [:]
    public private(set) var programHoldings: [String: ProgramHoldings] = [:]

    /// Seeds the registry with profiles taken over as they are (each a verified base at its
    /// `collectedAt`, published as its version); memberships follow the members' person keys.
    public init(profiles: [HouseholdProfile] = []) {
        for profile in profiles {
            self.profiles[profile.householdId] = profile
            bases[profile.householdId] = profile
            let asOf = FactTime(profile.collectedAt)?.text ?? profile.collectedAt
            timelines[profile.householdId] = PublishedTimeline(
                points: [asOf: HouseholdTimeline.factsFingerprint(Self.asBase(profile))], lastVersion: profile.version)
            for claim in RegistryClaims.forBase(profile) { claimsByPerson[claim.personKey, default: []].append(claim) }
            for key in profile.members.compactMap(\.personKey) { memberships[key] = profile.householdId }
        }
    }

    /// The base profile as the timeline folds it, so seeding publishes no version of its own.
    static func asBase(_ p: HouseholdProfile) -> HouseholdProfile {
        let f = RegistryFacts(householdId: p.householdId, base: p, claims: RegistryClaims.forBase(p), programs: p.programs)
        return HouseholdTimeline.timeline(f).last ?? p
    }

    public func householdId(forPersonKey personKey: String) -> String? { memberships[personKey] }
    public func profile(householdId: String) -> HouseholdProfile? { profiles[householdId] }
    public func base(householdId: String) -> HouseholdProfile? { bases[householdId] }
    public func submissions(householdId: String) -> [Submission] { submissionsByHousehold[householdId] ?? [] }
    public func claims(personKey: String) -> [MembershipClaim] { claimsByPerson[personKey] ?? [] }
    public func records(personKey: String) -> [PersonRecord] { recordsByPerson[personKey] ?? [] }
    public func published(householdId: String) -> PublishedTimeline { timelines[householdId] ?? PublishedTimeline() }
    public func holdings(householdId: String) -> ProgramHoldings {
        programHoldings[householdId] ?? ProgramHoldings(programs: profiles[householdId]?.programs ?? [])
    }

    /// Writes a change as the service's store would.
    public mutating func commit(_ change: RegistryChange) {
        for (hh, s) in change.submissions { submissionsByHousehold[hh, default: []].append(s) }
        for c in change.claims where !(claimsByPerson[c.personKey] ?? []).contains(c) { claimsByPerson[c.personKey, default: []].append(c) }
        for r in change.records where !(recordsByPerson[r.personKey] ?? []).contains(where: { $0.record.recordId == r.record.recordId }) {
            recordsByPerson[r.personKey, default: []].append(r)
        }
        for (householdId, held) in change.holdings { programHoldings[householdId] = held }
        for profile in change.profiles {
            profiles[profile.householdId] = profile
            var t = timelines[profile.householdId] ?? PublishedTimeline()
            if let asOf = profile.asOf { t.points[asOf] = HouseholdTimeline.factsFingerprint(profile) }
            t.lastVersion = max(t.lastVersion, profile.version)
            timelines[profile.householdId] = t
        }
        for membership in change.memberships {
            switch membership {
            case let .set(personKey, householdId): memberships[personKey] = householdId
            case let .remove(personKey): memberships[personKey] = nil
            }
        }
    }
}

/// Claims implied by a base profile: each member lives there, as of its collection.
enum RegistryClaims {
    static func forBase(_ p: HouseholdProfile) -> [MembershipClaim] {
        guard let time = FactTime(p.collectedAt) else { return [] }
        let source = p.sourceSubmissions.last ?? "base:\(p.householdId)"
        return p.members.compactMap(\.personKey).map {
            MembershipClaim(personKey: $0, householdId: p.householdId, time: time, source: source, verified: true)
        }
    }
}
