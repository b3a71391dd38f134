// "Latest collectedAt wins, per field group": how one incoming collection is merged into a
// household, group by group, and when a disagreement is recorded as a Conflict.

extension ProfileFieldGroup {
    /// Same facts, ignoring the order in which a channel listed people.
    func sameContent(_ a: HouseholdProfile, _ b: HouseholdProfile) -> Bool {
        switch self {
        case .address: a.regionCode == b.regionCode && a.area == b.area
        case .members: FieldGroupMerge.sorted(a.members) == FieldGroupMerge.sorted(b.members)
        case .supporters: FieldGroupMerge.sorted(a.supporters) == FieldGroupMerge.sorted(b.supporters)
        case .income: a.income == b.income
        case .expenses: a.expenses == b.expenses
        case .assets: a.assets == b.assets
        }
    }

    func copy(from source: HouseholdProfile, into target: inout HouseholdProfile) {
        switch self {
        case .address: target.regionCode = source.regionCode; target.area = source.area
        case .members: target.members = source.members
        case .supporters: target.supporters = source.supporters
        case .income: target.income = source.income
        case .expenses: target.expenses = source.expenses
        case .assets: target.assets = source.assets
        }
    }
}

enum FieldGroupMerge {
    static let rule = "latest_collected_at_wins"

    /// Where a group of `profile` came from; groups never set separately date from the profile's collection.
    static func source(of group: ProfileFieldGroup, in profile: HouseholdProfile) -> FieldGroupSource {
        profile.fieldGroupSources?[group.rawValue]
            ?? FieldGroupSource(collectedAt: profile.collectedAt, source: profile.sourceSubmissions.last ?? profile.householdId)
    }

    static func record(_ source: FieldGroupSource, for group: ProfileFieldGroup, in profile: inout HouseholdProfile) {
        profile.fieldGroupSources = (profile.fieldGroupSources ?? [:]).merging([group.rawValue: source]) { $1 }
    }

    /// Appends a conflict once: a replayed disagreement does not make a new version.
    static func addConflict(_ conflict: Conflict, to profile: inout HouseholdProfile) {
        if !profile.conflicts.contains(conflict) { profile.conflicts.append(conflict) }
    }

    /// Merges `incoming` (collected at `source`) into `profile`. A group that differs is taken
    /// unless the incoming collection is older than the group's own source; then the older
    /// group is discarded and a Conflict recorded. Returns the groups whose content changed.
    @discardableResult
    static func merge(_ incoming: HouseholdProfile, from source: FieldGroupSource,
                      into profile: inout HouseholdProfile) -> Set<ProfileFieldGroup> {
        var changed: Set<ProfileFieldGroup> = []
        for group in ProfileFieldGroup.allCases {
            let held = self.source(of: group, in: profile)
            let older = CollectionTime.isEarlier(source.collectedAt, than: held.collectedAt)
            if group.sameContent(profile, incoming) {
                if !older { record(source, for: group, in: &profile) }
            } else if older {
                addConflict(Conflict(fieldGroup: group.rawValue, kept: held.source, discarded: source.source, rule: rule),
                             to: &profile)
            } else {
                group.copy(from: incoming, into: &profile)
                record(source, for: group, in: &profile)
                changed.insert(group)
            }
        }
        return changed
    }

    static func sorted(_ members: [Member]) -> [Member] {
        members.sorted { ($0.personKey ?? $0.idNumber) < ($1.personKey ?? $1.idNumber) }
    }

    static func sorted(_ supporters: [Supporter]) -> [Supporter] {
        supporters.sorted { ($0.personKey ?? $0.idNumber) < ($1.personKey ?? $1.idNumber) }
    }
}
