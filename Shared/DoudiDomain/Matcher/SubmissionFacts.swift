// How an accepted submission reads as household facts, before it is merged into the registry.

enum SubmissionFacts {
    /// The applicant's person key, or the key of the member recorded as the applicant (relation `self`).
    static func applicantKey(of submission: Submission) -> String? {
        submission.applicant.personKey ?? submission.members.first { $0.relation == .self }?.personKey
    }

    /// The members' person keys in form order, once each.
    static func memberKeys(of submission: Submission) -> [String] {
        var seen: Set<String> = []
        return submission.members.compactMap(\.personKey).filter { seen.insert($0).inserted }
    }

    static func source(of submission: Submission) -> FieldGroupSource {
        FieldGroupSource(collectedAt: submission.collectedAt, source: submission.submissionId)
    }

    /// The submission as a first version of household `householdId` (version and time are set by the draft).
    static func profile(of submission: Submission, householdId: String) -> HouseholdProfile {
        let source = source(of: submission)
        return HouseholdProfile(
            householdId: householdId, version: 0, regionCode: submission.regionCode, area: submission.area,
            members: submission.members, supporters: submission.supporters, income: submission.income,
            expenses: submission.expenses, assets: submission.assets, channels: [submission.channel],
            sourceSubmissions: [submission.submissionId],
            flags: submission.formerRegisteredPoor == true ? [HouseholdFlag.formerRegisteredPoor.rawValue] : [],
            verificationAuthorized: submission.verificationAuthorized, relativeOfStaff: submission.relativeOfStaff,
            requestsAssistance: submission.requestsAssistance, hardshipReasons: submission.hardshipReasons,
            collectedAt: submission.collectedAt, updatedAt: "",
            fieldGroupSources: Dictionary(uniqueKeysWithValues: ProfileFieldGroup.allCases.map { ($0.rawValue, source) }))
    }

    /// The declarations outside the field groups. An authorisation, a staff-relative declaration or
    /// a former registration as poor stays once any channel made it (the form has no way to withdraw one); the request and the
    /// hardship reasons follow the newest collection. Then the submission is recorded as a source.
    static func mergeDeclarations(of submission: Submission, into profile: inout HouseholdProfile) {
        profile.verificationAuthorized = profile.verificationAuthorized || submission.verificationAuthorized
        profile.relativeOfStaff = profile.relativeOfStaff || submission.relativeOfStaff
        // Having been registered poor is a fact of history (§4.1.4): once stated, it stays.
        if submission.formerRegisteredPoor == true, !profile.flags.contains(HouseholdFlag.formerRegisteredPoor.rawValue) {
            profile.flags.append(HouseholdFlag.formerRegisteredPoor.rawValue)
        }
        if !CollectionTime.isEarlier(submission.collectedAt, than: profile.collectedAt) {
            profile.requestsAssistance = submission.requestsAssistance
            profile.hardshipReasons = submission.hardshipReasons
            profile.collectedAt = submission.collectedAt
        }
        if !profile.sourceSubmissions.contains(submission.submissionId) {
            profile.sourceSubmissions.append(submission.submissionId)
        }
        if !profile.channels.contains(submission.channel) { profile.channels.append(submission.channel) }
    }

    /// A new household's id: derived from the applicant's key so that replaying the same
    /// submissions rebuilds the same ids; longer forms only if a shorter one is already taken.
    /// `derive` turns a person key into the id's stem (a keyed hash in the service, so that a
    /// household id reveals nothing of the person key).
    static func householdIdCandidates(for submission: Submission, derive: (String) -> String) -> [String] {
        guard let seed = applicantKey(of: submission) ?? memberKeys(of: submission).first else {
            return ["hh-sub-" + submission.submissionId]
        }
        let stem = derive(seed)
        return [stem, stem + "-2", stem + "-3", stem + "-" + submission.submissionId]
    }
}
