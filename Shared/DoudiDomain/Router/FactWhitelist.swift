// Data minimisation (EVENTS.md `referral.v1`): a department receives only the facts behind the
// needs it handles. Any fact key not listed for the domain is dropped, so a classifier that adds
// a new fact leaks nothing until someone decides which department may see it.

public struct FactWhitelist: Sendable, Equatable {
    public var keys: [Domain: Set<String>]

    public init(_ keys: [Domain: Set<String>]) { self.keys = keys }

    /// The facts each department needs to decide:
    /// - basic-living: `category`, `perCapitaMonthlyFen`, `householdSize`, `health`, `disabilityGrade`
    ///   (eligibility for dibao, tekun or single-person dibao; per-capita income, never the itemised finances)
    /// - medical: `medicalFen`, `outOfPocketFen`, `insuranceReimbursedFen`, `illness`, `category`
    ///   (the person's own category, e.g. single-person dibao inside an edge household)
    /// - education: `schoolStage`, `school`, `grade`
    /// - housing: `housingStatus`, `areaM2`, `householdSize`, `houseGrade`
    /// - employment: `laborAbility`, `age`, `occupation`
    /// - disaster: `disasterKind`, `phase`, `lossFen`, `affectedPersons`
    /// - emergency: `incidentKind`, `occurredOn`, `requestedFen`, `householdSize`, `urgent`
    /// - services: `careNeed`, `age`, `health`, `disabilityGrade`
    /// - charity: `illness`, `medicalFen`, `outOfPocketFen`
    /// - other: `subsidyKind`, `disabilityGrade`, `disabilityKind`
    /// - coordination: `hardship`, `deniedDomains`, plus the facts of the need's own domain
    public static let standard = FactWhitelist([
        .basicLiving: ["category", "perCapitaMonthlyFen", "householdSize", "health", "disabilityGrade"],
        .medical: ["medicalFen", "outOfPocketFen", "insuranceReimbursedFen", "illness", "category"],
        .education: ["schoolStage", "school", "grade"],
        .housing: ["housingStatus", "areaM2", "householdSize", "houseGrade"],
        .employment: ["laborAbility", "age", "occupation"],
        .disaster: ["disasterKind", "phase", "lossFen", "affectedPersons"],
        .emergency: ["incidentKind", "occurredOn", "requestedFen", "householdSize", "urgent"],
        .services: ["careNeed", "age", "health", "disabilityGrade"],
        .charity: ["illness", "medicalFen", "outOfPocketFen"],
        .other: ["subsidyKind", "disabilityGrade", "disabilityKind"],
        .coordination: ["hardship", "deniedDomains"],
    ])

    /// Keys a need of `needDomain` may carry when sent to `target` (the coordination mechanism
    /// studies the case, so it also sees the facts of the need's own domain).
    public func allowed(need needDomain: Domain, sentTo target: Domain) -> Set<String> {
        let own = keys[target] ?? []
        return target == .coordination && needDomain != .coordination ? own.union(keys[needDomain] ?? []) : own
    }

    /// The need as `target` may see it: its own person's identity, its reason, and the
    /// whitelisted facts. Values that contain an identity-card number are dropped as well, so
    /// a number smuggled into an allowed fact (say `school`) cannot reach the department.
    public func minimise(_ need: Need, sentTo target: Domain) -> Need {
        let allowed = allowed(need: need.domain, sentTo: target)
        let facts = need.facts.filter { allowed.contains($0.key) && !IdentityNumberScan.contains($0.value) }
        return Need(domain: need.domain, personKey: need.personKey, reason: need.reason, clause: need.clause,
                    name: need.name, idNumber: need.idNumber, facts: facts)
    }
}

/// Finds 18-character resident identity numbers (17 digits and a digit or X) inside text.
enum IdentityNumberScan {
    static func contains(_ text: String) -> Bool {
        var run = 0
        for u in text.utf8 {
            let digit = (48...57).contains(u)
            if digit || ((u == UInt8(ascii: "X") || u == UInt8(ascii: "x")) && run == 17) {
                run += 1
                if run >= 18 { return true }
            } else {
                run = 0
            }
        }
        return false
    }
}
