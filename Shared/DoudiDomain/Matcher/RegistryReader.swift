// What the matcher's pure logic may ask of the low-income population database. Only key
// lookups, so the cost of one input does not grow with the registry (60 million people).

/// Read access to the registry. The service implements it over its SQLite store inside the
/// transaction that then writes the returned `RegistryChange`; tests use `InMemoryRegistry`.
/// Readers that cannot fail keep the default `Failure == Never`, and callers need no `try`.
public protocol RegistryReader {
    associatedtype Failure: Error = Never
    /// The household a person is a member of now, if any.
    func householdId(forPersonKey personKey: String) throws(Failure) -> String?
    /// The latest version of a household's profile.
    func profile(householdId: String) throws(Failure) -> HouseholdProfile?
}

/// A registry held in memory: for tests, and as the reference for what a store must do with a change.
public struct InMemoryRegistry: RegistryReader, Sendable, Equatable {
    public private(set) var profiles: [String: HouseholdProfile] = [:]
    public private(set) var memberships: [String: String] = [:]

    /// Seeds the registry; memberships follow the members' person keys.
    public init(profiles: [HouseholdProfile] = []) {
        for profile in profiles {
            self.profiles[profile.householdId] = profile
            for key in profile.members.compactMap(\.personKey) { memberships[key] = profile.householdId }
        }
    }

    public func householdId(forPersonKey personKey: String) -> String? { memberships[personKey] }
    public func profile(householdId: String) -> HouseholdProfile? { profiles[householdId] }

    /// Writes a change as the service's store would (profiles upserted, memberships set or removed).
    public mutating func commit(_ change: RegistryChange) {
        for profile in change.profiles { profiles[profile.householdId] = profile }
        for membership in change.memberships {
            switch membership {
            case let .set(personKey, householdId): memberships[personKey] = householdId
            case let .remove(personKey): memberships[personKey] = nil
            }
        }
    }
}
