// Accepted submissions into the registry (§2.2, §3.1.2): submissions from any channel about the
// same people build one household; people who appear in another household move there.

public enum HouseholdMerger {
    /// Merges an `intake.accepted` submission (members' person keys filled in).
    ///
    /// - A submission sharing a person key with a registered household merges into it. When its
    ///   people are spread over several households, the applicant's household is the target, else
    ///   the lowest id; the other households' matching members move to the target, and those
    ///   households get a new version (possibly with no members).
    /// - Otherwise it founds a household whose id derives from the applicant's person key.
    /// - Field groups follow "latest collectedAt wins"; an older collection that disagrees is
    ///   discarded and recorded as a Conflict. A person whose other household was collected more
    ///   recently than this submission stays there (a members Conflict on the target).
    /// - A submission already recorded in the household (a replay) changes nothing.
    public static func apply<R: RegistryReader>(accepted submission: Submission, reader: R,
                                                now: String) throws(R.Failure) -> RegistryChange {
        var draft = RegistryDraft(reader: reader)
        let applicantKey = SubmissionFacts.applicantKey(of: submission)
        let memberKeys = SubmissionFacts.memberKeys(of: submission)

        // Where the submission's people are registered now (only households that exist).
        var holders: [String: String] = [:]
        for key in memberKeys + (applicantKey.map { [$0] } ?? []) {
            if let id = try draft.householdId(of: key), try draft.profile(id) != nil { holders[key] = id }
        }
        let matched = Set(holders.values).sorted()
        for id in matched where try draft.profile(id)?.sourceSubmissions.contains(submission.submissionId) == true {
            draft.note(.alreadyApplied, submission.submissionId, householdId: id)
            return draft.finish(now: now)
        }

        guard let targetId = applicantKey.flatMap({ holders[$0] }) ?? matched.first else {
            try found(submission, memberKeys: memberKeys, in: &draft)
            return draft.finish(now: now)
        }
        try merge(submission, into: targetId, holders: holders, in: &draft)
        return draft.finish(now: now)
    }

    private static func found<R>(_ submission: Submission, memberKeys: [String],
                                 in draft: inout RegistryDraft<R>) throws(R.Failure) {
        let candidates = SubmissionFacts.householdIdCandidates(for: submission)
        var householdId = candidates[candidates.count - 1]
        for candidate in candidates where try draft.profile(candidate) == nil {
            householdId = candidate
            break
        }
        draft.put(SubmissionFacts.profile(of: submission, householdId: householdId))
        for key in memberKeys { try draft.setMembership(key, to: householdId) }
    }

    private static func merge<R>(_ submission: Submission, into targetId: String, holders: [String: String],
                                 in draft: inout RegistryDraft<R>) throws(R.Failure) {
        guard var target = try draft.profile(targetId) else { return }
        let source = SubmissionFacts.source(of: submission)
        var incoming = SubmissionFacts.profile(of: submission, householdId: targetId)

        // People registered elsewhere move, unless their household was collected more recently.
        var movers: [(key: String, from: String)] = []
        var staying: Set<String> = []
        for key in SubmissionFacts.memberKeys(of: submission) {
            guard let from = holders[key], from != targetId, let other = try draft.profile(from) else { continue }
            let held = FieldGroupMerge.source(of: .members, in: other)
            if CollectionTime.isEarlier(source.collectedAt, than: held.collectedAt) {
                staying.insert(key)
                FieldGroupMerge.addConflict(Conflict(fieldGroup: ProfileFieldGroup.members.rawValue, kept: held.source,
                                                     discarded: source.source, rule: FieldGroupMerge.rule), to: &target)
            } else {
                movers.append((key, from))
            }
        }
        incoming.members.removeAll { $0.personKey.map(staying.contains) ?? false }

        let previousKeys = target.members.compactMap(\.personKey)
        let changed = FieldGroupMerge.merge(incoming, from: source, into: &target)
        SubmissionFacts.mergeDeclarations(of: submission, into: &target)
        draft.put(target)
        guard changed.contains(.members) else { return }

        let currentKeys = target.members.compactMap(\.personKey)
        for key in previousKeys where !currentKeys.contains(key) { try draft.setMembership(key, to: nil) }
        for key in currentKeys { try draft.setMembership(key, to: targetId) }
        for (key, from) in movers {
            guard var other = try draft.profile(from) else { continue }
            other.members.removeAll { $0.personKey == key }
            FieldGroupMerge.record(source, for: .members, in: &other)
            draft.put(other)
        }
    }
}
