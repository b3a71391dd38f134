// A household's profile as a function of its facts (§2.2, §3.1.2, RULES.md "Trust in sources"
// and "Convergence"): the collections merged into it, the department records about its people,
// and where each person is claimed to live. The profile as of a time folds the facts up to that
// time in fact-time order, so the same facts give the same history whatever order they arrived
// in; a fact that arrives late rewrites the points after it, and nothing else.
//
// Per field group the winning collection is the highest-ranked one: a verified source (staff
// home visit, data comparison, historical data) before an unverified one (self-declaration,
// hotline, grassroots report), then the latest collection, then the source id. An unverified
// claim therefore never overwrites a verified group — never moves the household's region,
// never changes who its members are, never lowers assistance — and is kept as a claim to verify.

/// What one collection of a household says of a person its collections list: that the person
/// lives there (`listed`), or — a later form that leaves the person out — no longer does. A
/// person lives where the highest-ranked claim about them says.
public struct MembershipClaim: Hashable, Sendable {
    public var personKey: String
    public var householdId: String
    public var time: FactTime
    public var source: String
    public var verified: Bool
    public var listed: Bool

    public init(personKey: String, householdId: String, time: FactTime, source: String, verified: Bool, listed: Bool = true) {
        self.personKey = personKey; self.householdId = householdId; self.time = time; self.source = source
        self.verified = verified; self.listed = listed
    }

    /// Where the claims put a person: each household holds the person if its own highest-ranked
    /// claim lists them (a later form of the same household that leaves them out means they left
    /// it — and says nothing of any other household); of the households that hold them, the one
    /// with the highest-ranked claim.
    public static func household(of claims: some Sequence<MembershipClaim>) -> String? {
        best(of: claims)?.householdId
    }

    /// The claim that decides where the person lives (nil: no household holds them).
    public static func best(of claims: some Sequence<MembershipClaim>) -> MembershipClaim? {
        var latest: [String: MembershipClaim] = [:]
        for c in claims {
            if let held = latest[c.householdId], !outranks(c, held) { continue }
            latest[c.householdId] = c
        }
        return latest.values.filter(\.listed).reduce(nil as MembershipClaim?) { best, c in best.map { outranks(c, $0) ? c : $0 } ?? c }
    }

    /// Verified first, then the latest, then the source id.
    public static func outranks(_ a: MembershipClaim, _ b: MembershipClaim) -> Bool {
        if a.verified != b.verified { return a.verified }
        if a.time != b.time { return b.time < a.time }
        return a.source > b.source
    }
}

/// A department record about a person (registered or not), with its fact time.
public struct PersonRecord: Sendable, Equatable {
    public var personKey: String
    public var record: DeptRecord
    public var time: FactTime

    public init?(personKey: String, record: DeptRecord) {
        guard let time = FactTime(record.occurredOn) else { return nil }
        self.personKey = personKey; self.record = record; self.time = time
    }
}

/// An unverified collection whose facts differ from the verified ones it could not overwrite.
public struct UnverifiedClaim: Codable, Sendable, Equatable, Hashable {
    public var source: String
    public var channel: Channel
    public var collectedAt: String
    /// The field groups (`ProfileFieldGroup` codes) whose content it would change.
    public var fieldGroups: [String]
    public init(source: String, channel: Channel, collectedAt: String, fieldGroups: [String]) {
        self.source = source; self.channel = channel; self.collectedAt = collectedAt; self.fieldGroups = fieldGroups
    }
}

/// Everything the registry knows that bears on one household.
public struct RegistryFacts: Sendable, Equatable {
    public var householdId: String
    /// A profile taken over as it was (migrated or synthetic data): a verified source at its `collectedAt`.
    public var base: HouseholdProfile?
    /// The collections merged into the household.
    public var submissions: [Submission]
    /// Every claim about every person the household's collections list (in any household).
    public var claims: [MembershipClaim]
    /// Department records about the people its collections list.
    public var records: [PersonRecord]
    /// The programmes it receives now (from `assistance.outcomes`; not part of the dated history).
    public var programs: [Program]
    /// Flags taken over with the base profile.
    public init(householdId: String, base: HouseholdProfile? = nil, submissions: [Submission] = [], claims: [MembershipClaim] = [],
                records: [PersonRecord] = [], programs: [Program] = []) {
        self.householdId = householdId; self.base = base; self.submissions = submissions; self.claims = claims
        self.records = records; self.programs = programs
    }
}

public enum HouseholdTimeline {
    static let rule = "latest_collected_at_wins"
    static let trustRule = "verified_source_wins"

    /// A collection as a ranked source of field groups.
    struct Source {
        var id: String
        var time: FactTime
        var verified: Bool
        var channel: Channel
        var profile: HouseholdProfile
        var submission: Submission?

        static func outranks(_ a: Source, _ b: Source) -> Bool {
            if a.verified != b.verified { return a.verified }
            if a.time != b.time { return b.time < a.time }
            return a.id > b.id
        }
    }

    static func sources(_ f: RegistryFacts) -> [Source] {
        var out: [Source] = []
        if let base = f.base, let time = FactTime(base.collectedAt) {
            out.append(Source(id: base.sourceSubmissions.last ?? "base:\(f.householdId)", time: time, verified: true,
                              channel: base.channels.first ?? .historical, profile: base, submission: nil))
        }
        for s in f.submissions {
            guard let time = FactTime(s.collectedAt) else { continue }
            out.append(Source(id: s.submissionId, time: time, verified: SourceTrust.isVerified(s.channel), channel: s.channel,
                              profile: SubmissionFacts.profile(of: s, householdId: f.householdId), submission: s))
        }
        return out.sorted { ($0.time, $0.id) < ($1.time, $1.id) }
    }

    /// The times at which the household's facts change: its collections, the records about the
    /// people it lists, and the claims that move them (in or out), from its first collection on.
    public static func points(_ f: RegistryFacts) -> [FactTime] {
        let sources = sources(f)
        guard let first = sources.first?.time else { return [] }
        let times = Set(sources.map(\.time)).union(f.records.map(\.time).filter { $0 >= first })
            .union(f.claims.map(\.time).filter { $0 >= first })
        return times.sorted()
    }

    /// The profile as of `t` (nil before its first collection). Version, update time and the
    /// previous income are the caller's (`timeline`).
    public static func profile(_ f: RegistryFacts, at t: FactTime, settings: ComparisonSettings = .standard) -> HouseholdProfile? {
        let all = sources(f).filter { $0.time <= t }
        guard let latest = all.last else { return nil }
        var p = latest.profile
        p.householdId = f.householdId
        p.version = 0
        p.conflicts = []
        var groupSources: [String: FieldGroupSource] = [:]
        var claims: [String: Set<String>] = [:]
        for group in ProfileFieldGroup.allCases {
            let winner = all.reduce(all[0]) { Source.outranks($1, $0) ? $1 : $0 }
            group.copy(from: winner.profile, into: &p)
            groupSources[group.rawValue] = FieldGroupSource(collectedAt: winner.time.text, source: winner.id)
            // An older collection that differs is history, not a conflict; one at least as new that
            // lost (to a verified source, or to a tie) disagrees with what the profile says.
            for other in all where other.id != winner.id && !(other.time < winner.time)
                && !group.sameContent(other.profile, winner.profile) {
                let overruled = !other.verified && winner.verified && winner.time < other.time
                p.conflicts.append(Conflict(fieldGroup: group.rawValue, kept: winner.id, discarded: other.id,
                                            rule: overruled ? trustRule : rule))
                if overruled { claims[other.id, default: []].insert(group.rawValue) }
            }
        }
        p.fieldGroupSources = groupSources

        // Declarations: an authorisation or a staff-relative declaration stays once made; the
        // request and the hardship reasons follow the latest collection.
        p.verificationAuthorized = all.contains { $0.profile.verificationAuthorized }
        p.relativeOfStaff = all.contains { $0.profile.relativeOfStaff }
        p.requestsAssistance = latest.profile.requestsAssistance
        p.hardshipReasons = latest.profile.hardshipReasons
        p.collectedAt = latest.time.text
        p.sourceSubmissions = all.map(\.id).sorted()
        p.channels = Array(Set(all.map(\.channel))).sorted { $0.rawValue < $1.rawValue }
        p.flags = f.base?.flags ?? []
        // Having been registered poor is a fact of history (§4.1.4): once a collection states it, it stays.
        let former = HouseholdFlag.formerRegisteredPoor.rawValue
        if !p.flags.contains(former), all.contains(where: { $0.profile.flags.contains(former) }) { p.flags.append(former) }
        p.unverifiedClaims = claims.isEmpty ? nil : all.compactMap { s in
            claims[s.id].map { UnverifiedClaim(source: s.id, channel: s.channel, collectedAt: s.time.text, fieldGroups: $0.sorted()) }
        }

        // Members live where their highest-ranked claim up to `t` says; those claimed elsewhere stay there.
        let membersSource = groupSources[ProfileFieldGroup.members.rawValue]?.source ?? latest.id
        p.members = p.members.filter { m in
            guard let key = m.personKey else { return true }
            let mine = f.claims.filter { $0.personKey == key && $0.time <= t }
            guard let best = MembershipClaim.best(of: mine), best.householdId != f.householdId else {
                return MembershipClaim.best(of: mine) != nil || mine.isEmpty
            }
            let ownVerified = all.first { $0.id == membersSource }?.verified ?? false
            p.conflicts.append(Conflict(fieldGroup: ProfileFieldGroup.members.rawValue, kept: best.source, discarded: membersSource,
                                        rule: best.verified && !ownVerified ? trustRule : rule))
            return false
        }

        // Department records about its people, in fact-time order (DeptProfileUpdate's rules).
        var facts: [Signal] = []
        for r in f.records.filter({ $0.time <= t }).sorted(by: { ($0.time, $0.record.recordId) < ($1.time, $1.record.recordId) }) {
            guard let index = p.members.firstIndex(where: { $0.personKey == r.personKey }),
                  DepartmentComparison.sameName(r.record.name, p.members[index].name) else { continue }
            let reading = DeptRecordReading(record: r.record, settings: settings)
            // §4: property registrations reach a household only with its authorisation to verify.
            if reading.needsVerificationAuthorization && !p.verificationAuthorized { continue }
            if let kind = reading.signalKind {
                facts += DepartmentComparison.signals([kind], reading, personKey: r.personKey, householdId: f.householdId,
                                                      regionCode: p.regionCode, attributes: reading.signalAttributes)
            }
            _ = DeptProfileUpdate.apply(reading, memberAt: index, to: &p)
        }
        p.departmentFacts = facts.isEmpty ? nil : facts
        p.conflicts = Array(Set(p.conflicts.map { ConflictKey($0) })).sorted().map(\.conflict)
        p.programs = f.programs.sorted { ProgramKey($0) < ProgramKey($1) }
        p.asOf = t.text
        p.updatedAt = t.text
        return p
    }

    /// The household's history: one profile per point at which its facts change (points that
    /// change nothing are left out), each with the per-capita income before its latest change.
    public static func timeline(_ f: RegistryFacts, settings: ComparisonSettings = .standard) -> [HouseholdProfile] {
        var out: [HouseholdProfile] = []
        var last: HouseholdProfile?
        var before: Int64? = f.base?.previousPerCapitaMonthlyFen
        for t in points(f) {
            guard var p = profile(f, at: t, settings: settings) else { continue }
            if let previous = last {
                let was = RegistryFigures.perCapitaMonthlyFen(previous), now = RegistryFigures.perCapitaMonthlyFen(p)
                if was != now { before = was }
            }
            p.previousPerCapitaMonthlyFen = before
            if let previous = last, sameFacts(previous, p) { continue }
            out.append(p)
            last = p
        }
        return out
    }

    /// Equal facts: everything but the bookkeeping of the point (its time, version, programmes).
    public static func sameFacts(_ a: HouseholdProfile, _ b: HouseholdProfile) -> Bool { factsFingerprint(a) == factsFingerprint(b) }

    /// A fingerprint of what a profile says about the household, leaving out the version, the
    /// point's time and the programmes (which come from outcomes, not from dated facts).
    public static func factsFingerprint(_ p: HouseholdProfile) -> UInt64 {
        var q = p
        q.version = 0
        q.updatedAt = ""
        q.asOf = nil
        q.programs = []
        return CanonicalEncoding.fingerprint(q)
    }
}

/// Conflicts compared and ordered by their fields.
struct ConflictKey: Hashable, Comparable {
    let conflict: Conflict
    init(_ c: Conflict) { conflict = c }
    var tuple: (String, String, String, String) { (conflict.fieldGroup, conflict.discarded, conflict.kept, conflict.rule) }
    static func < (a: ConflictKey, b: ConflictKey) -> Bool { a.tuple < b.tuple }
    static func == (a: ConflictKey, b: ConflictKey) -> Bool { a.conflict == b.conflict }
    func hash(into h: inout Hasher) { h.combine(conflict.fieldGroup); h.combine(conflict.kept); h.combine(conflict.discarded); h.combine(conflict.rule) }
}
