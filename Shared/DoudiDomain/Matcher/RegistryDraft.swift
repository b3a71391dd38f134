// The working copy of the registry during one input: the new facts it adds, and the households
// they touch. `finish` folds each touched household's facts into its history (HouseholdTimeline)
// and compares it with what was published: a point whose facts differ — a new one, or an old one
// that a late fact rewrote — is published again as a new version. This is the one place that
// numbers versions, so versions count up by one per published change.

struct RegistryDraft<Reader: RegistryReader> {
    private let reader: Reader
    let settings: ComparisonSettings
    private var newSubmissions: [(householdId: String, submission: Submission)] = []
    private var newClaims: [MembershipClaim] = []
    private var newRecords: [PersonRecord] = []
    private var holdings: [String: ProgramHoldings] = [:]
    /// Households to fold again, in the order they were touched.
    private var touched: [String] = []
    /// People whose claims changed (their household may change).
    private var claimed: [String] = []
    var signals: [Signal] = []
    var notes: [MatchNote] = []

    init(reader: Reader, settings: ComparisonSettings = .standard) { self.reader = reader; self.settings = settings }

    func householdId(of personKey: String) throws(Reader.Failure) -> String? { try reader.householdId(forPersonKey: personKey) }
    func profile(_ householdId: String) throws(Reader.Failure) -> HouseholdProfile? { try reader.profile(householdId: householdId) }

    /// True when the household exists (it has a published version or facts of its own).
    func exists(_ householdId: String) throws(Reader.Failure) -> Bool {
        if try reader.published(householdId: householdId).lastVersion > 0 { return true }
        return !(try submissions(householdId)).isEmpty
    }

    func submissions(_ householdId: String) throws(Reader.Failure) -> [Submission] {
        try reader.submissions(householdId: householdId) + newSubmissions.filter { $0.householdId == householdId }.map(\.submission)
    }

    func claims(_ personKey: String) throws(Reader.Failure) -> [MembershipClaim] {
        try reader.claims(personKey: personKey) + newClaims.filter { $0.personKey == personKey }
    }

    /// The people a household's collections (and base) list.
    func listed(_ householdId: String) throws(Reader.Failure) -> [String] {
        var seen = Set<String>(), out: [String] = []
        let lists = try (reader.base(householdId: householdId).map { [$0.members] } ?? [])
            + submissions(householdId).map(\.members)
        for members in lists { for key in members.compactMap(\.personKey) where seen.insert(key).inserted { out.append(key) } }
        return out
    }

    mutating func touch(_ householdId: String) { if !touched.contains(householdId) { touched.append(householdId) } }

    /// Merges a collection into a household: keeps it, and records what it says of every person
    /// the household's collections list (a person it leaves out no longer lives there, as of it).
    mutating func add(_ submission: Submission, to householdId: String) throws(Reader.Failure) {
        guard let time = FactTime(submission.collectedAt) else { return }
        let verified = SourceTrust.isVerified(submission.channel)
        let before = try listed(householdId)
        let listedNow = Set(submission.members.compactMap(\.personKey))
        let earlier = try reader.base(householdId: householdId).map { [($0.sourceSubmissions.last ?? "base:\(householdId)", $0.collectedAt, true, Set($0.members.compactMap(\.personKey)))] } ?? []
        let sources = earlier + (try submissions(householdId)).map {
            ($0.submissionId, $0.collectedAt, SourceTrust.isVerified($0.channel), Set($0.members.compactMap(\.personKey)))
        }
        newSubmissions.append((householdId, submission))
        for key in before + submission.members.compactMap(\.personKey) {
            let claim = MembershipClaim(personKey: key, householdId: householdId, time: time, source: submission.submissionId,
                                        verified: verified, listed: listedNow.contains(key))
            if !newClaims.contains(claim) { newClaims.append(claim) }
            if !claimed.contains(key) { claimed.append(key) }
        }
        // A person listed here for the first time: the household's earlier collections did not list them.
        for key in submission.members.compactMap(\.personKey) where !before.contains(key) {
            for (id, collectedAt, wasVerified, members) in sources {
                guard let t = FactTime(collectedAt) else { continue }
                let claim = MembershipClaim(personKey: key, householdId: householdId, time: t, source: id, verified: wasVerified,
                                            listed: members.contains(key))
                if !newClaims.contains(claim) { newClaims.append(claim) }
            }
        }
        touch(householdId)
    }

    /// Keeps a department record about a person (registered or not) and touches every household
    /// that ever listed them.
    mutating func add(_ record: PersonRecord) throws(Reader.Failure) {
        guard !(try reader.records(personKey: record.personKey)).contains(where: { $0.record.recordId == record.record.recordId }),
              !newRecords.contains(where: { $0.record.recordId == record.record.recordId }) else { return }
        newRecords.append(record)
        for claim in try claims(record.personKey) { touch(claim.householdId) }
    }

    mutating func setHoldings(_ h: ProgramHoldings, of householdId: String) {
        holdings[householdId] = h
        touch(householdId)
    }

    func currentHoldings(_ householdId: String) throws(Reader.Failure) -> ProgramHoldings {
        if let changed = holdings[householdId] { return changed }
        return try reader.holdings(householdId: householdId)
    }

    func currentPrograms(_ householdId: String) throws(Reader.Failure) -> [Program] { try currentHoldings(householdId).programs }

    mutating func note(_ code: MatchNote.Code, _ reference: String, householdId: String? = nil, personKey: String? = nil) {
        notes.append(MatchNote(code: code, reference: reference, householdId: householdId, personKey: personKey))
    }

    /// Everything known about a household, this input's facts included.
    func facts(_ householdId: String) throws(Reader.Failure) -> RegistryFacts {
        let people = try listed(householdId)
        var claims: [MembershipClaim] = [], records: [PersonRecord] = []
        for key in people {
            claims += try self.claims(key)
            records += try reader.records(personKey: key) + newRecords.filter { $0.personKey == key }
        }
        return RegistryFacts(householdId: householdId, base: try reader.base(householdId: householdId),
                              submissions: try submissions(householdId), claims: claims, records: records,
                              programs: try currentPrograms(householdId))
    }

    /// The net change: the new facts, the versions of every point whose facts changed (and of the
    /// latest point when the programmes changed), the signals of records newly in a household's
    /// facts, and the memberships that moved.
    func finish() throws(Reader.Failure) -> RegistryChange {
        var change = RegistryChange(signals: signals, notes: notes, submissions: newSubmissions, claims: newClaims, records: newRecords)
        change.holdings = holdings.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        for householdId in touched {
            let published = try reader.published(householdId: householdId)
            let facts = try facts(householdId)
            let history = HouseholdTimeline.timeline(facts, settings: settings)
            guard !history.isEmpty else { continue }
            var version = published.lastVersion
            var emitted: [HouseholdProfile] = []
            // Every point of the history, and every point published before that the history no
            // longer has (its facts are now those of the point before it).
            var points = history.map { ($0.asOf ?? "", $0) }
            for asOf in published.points.keys where !history.contains(where: { $0.asOf == asOf }) {
                guard let t = FactTime(asOf), var p = history.last(where: { (FactTime($0.asOf ?? "") ?? t) <= t }) else { continue }
                p.asOf = t.text
                p.updatedAt = t.text
                points.append((t.text, p))
            }
            points.sort { (FactTime($0.0) ?? FactTime("1970-01-01")!) < (FactTime($1.0) ?? FactTime("1970-01-01")!) }
            // From the first point whose facts differ from what was published, every later point is
            // published again, so that the highest version is always the latest point.
            var firstFacts: UInt64 = 0
            if let first = points.firstIndex(where: {
                firstFacts = HouseholdTimeline.factsFingerprint($0.1)
                return published.points[$0.0] != firstFacts
            }) {
                // The first point's fingerprint is known: its version and times are not facts.
                change.factsFingerprints[change.profiles.count] = firstFacts
                for (_, p) in points[first...] {
                    var next = p
                    version += 1
                    next.version = version
                    emitted.append(next)
                }
            }
            let latest = try reader.profile(householdId: householdId)
            if emitted.isEmpty, var last = history.last, latest?.programs != last.programs, latest != nil {
                version += 1
                last.version = version
                emitted.append(last)
            }
            // Signals: department facts that are new in the household's latest published facts.
            if let newest = emitted.last {
                let known = Set((latest?.departmentFacts ?? []).map(\.signalId))
                change.signals += (newest.departmentFacts ?? []).filter { !known.contains($0.signalId) }
            }
            change.profiles += emitted
        }
        var seenSignals = Set<String>()
        change.signals = change.signals.filter { seenSignals.insert($0.signalId).inserted }
        // The persons index: where each person's highest-ranked claim puts them, unless that
        // household's latest version no longer lists them (a death).
        var people = claimed
        for householdId in touched { for key in try listed(householdId) where !people.contains(key) { people.append(key) } }
        for key in people {
            var now = MembershipClaim.household(of: try claims(key))
            if let id = now {
                var latest = change.profile(id)
                if latest == nil { latest = try reader.profile(householdId: id) }
                if let latest, !latest.members.contains(where: { $0.personKey == key }) { now = nil }
            }
            let before = try reader.householdId(forPersonKey: key)
            guard now != before else { continue }
            change.memberships.append(now.map { .set(personKey: key, householdId: $0) } ?? .remove(personKey: key))
        }
        return change
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
