// Accepted submissions into the registry (§2.2, §3.1.2): submissions from any channel about the
// same people build one household; people who appear in another household move there when the
// claim is the stronger one (HouseholdTimeline: verified first, then the latest collection).

public enum HouseholdMerger {
    /// Merges an `intake.accepted` submission (members' person keys filled in).
    ///
    /// - A submission sharing a person key with a registered household merges into it: the
    ///   applicant's household first, else the lowest id. The other households that held its
    ///   people are folded again (a person the stronger claim moved leaves them).
    /// - Otherwise it founds a household whose id derives from the applicant's person key
    ///   (`householdId`, a keyed hash the service supplies; longer forms if that one is taken).
    /// - The household's profile is its facts folded in fact-time order (HouseholdTimeline), so
    ///   the same submissions give the same households whatever order they arrive in.
    /// - A submission already merged (a replay) changes nothing.
    public static func apply<R: RegistryReader>(accepted submission: Submission, reader: R,
                                                householdId: (String) -> String = { "hh-" + $0.prefix(16) },
                                                settings: ComparisonSettings = .standard) throws(R.Failure) -> RegistryChange {
        var draft = RegistryDraft(reader: reader, settings: settings)
        let applicantKey = SubmissionFacts.applicantKey(of: submission)
        let memberKeys = SubmissionFacts.memberKeys(of: submission)

        // Where the submission's people live now (only households that exist).
        var holders: [String: String] = [:]
        for key in memberKeys + (applicantKey.map { [$0] } ?? []) {
            if let id = try draft.householdId(of: key), try draft.exists(id) { holders[key] = id }
        }
        let matched = Set(holders.values).sorted()
        for id in matched where try draft.submissions(id).contains(where: { $0.submissionId == submission.submissionId }) {
            draft.note(.alreadyApplied, submission.submissionId, householdId: id)
            return try draft.finish()
        }
        let target: String
        if let existing = applicantKey.flatMap({ holders[$0] }) ?? matched.first {
            target = existing
        } else {
            let candidates = SubmissionFacts.householdIdCandidates(for: submission, derive: householdId)
            var chosen = candidates[candidates.count - 1]
            for candidate in candidates where !(try draft.exists(candidate)) { chosen = candidate; break }
            target = chosen
        }
        try draft.add(submission, to: target)
        for id in matched where id != target { draft.touch(id) }
        return try draft.finish()
    }
}
