// The field groups of a household profile that channels may disagree on. Conflicts are
// resolved per group ("latest collectedAt wins"), so each group remembers where it came from.

/// Wire codes used in `Conflict.fieldGroup` and as keys of `HouseholdProfile.fieldGroupSources`.
public enum ProfileFieldGroup: String, Codable, CaseIterable, Sendable {
    /// `regionCode` and `area`.
    case address
    case members, supporters, income, expenses, assets
}

/// The collection (or department record) that last set a field group.
public struct FieldGroupSource: Codable, Sendable, Equatable {
    /// RFC 3339 time of the collection, or the ISO date of a department record.
    public var collectedAt: String
    /// A `submissionId` or a department `recordId`.
    public var source: String
    public init(collectedAt: String, source: String) { self.collectedAt = collectedAt; self.source = source }
}
