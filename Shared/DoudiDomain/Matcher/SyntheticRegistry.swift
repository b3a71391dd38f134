// A deterministic synthetic population for benchmarks: person i has a valid GB 11643 identity
// number and a name derived from i, households hold consecutive persons, and department
// records follow a fixed mix. The matcher's seeding and the benchmark's producer both use it,
// so they agree on who is registered without sharing any file.

public enum SyntheticRegistry {
    public static let householdSize = 3
    public static let collectedAt = "2024-01-01T09:00:00+08:00"

    /// A unique valid number for i < 20,160,000: birth date from i mod 20,160, sequence from the rest.
    public static func idNumber(_ i: Int) -> String {
        let d = i % 20_160
        let seq = i / 20_160
        let body = "140105" + pad(1950 + d / 336, 4) + pad(1 + (d / 28) % 12, 2) + pad(1 + d % 28, 2) + pad(seq, 3)
        let check = IdentityNumber.checkCharacter(for: body.compactMap(\.wholeNumberValue)) ?? "0"
        return body + String(check)
    }

    public static func name(_ i: Int) -> String { "居民" + String(i) }

    public static func householdId(_ h: Int) -> String { "hh-syn-" + String(h) }

    public static func householdCount(persons: Int) -> Int { (persons + householdSize - 1) / householdSize }

    /// Household h with persons h*3 ..< h*3+3 (fewer in the last one); `personKey` maps identity numbers to keys.
    public static func profile(household h: Int, persons: Int, personKey: (String) -> String) -> HouseholdProfile {
        let indices = (h * householdSize)..<min((h + 1) * householdSize, persons)
        let members = indices.enumerated().map { offset, i in
            let id = idNumber(i)
            return Member(relation: offset == 0 ? .self : .child, name: name(i), idNumber: id,
                          occupation: offset == 0 ? .farming : .student, personKey: personKey(id))
        }
        return HouseholdProfile(householdId: householdId(h), version: 1, regionCode: "140105" + pad(1 + h % 9, 3),
                                area: .rural, members: members, income: Income(wagesFen: 1_200_000),
                                channels: [.historical], sourceSubmissions: ["seed-" + String(h)],
                                collectedAt: collectedAt, updatedAt: collectedAt)
    }

    /// Record j of the benchmark's department file over a registry of `persons`:
    /// 50% small medical expenses of registered persons (no signal), 30% of unregistered ones
    /// (noted only), 10% unemployment registrations (signal and a new version), 10% trade-union
    /// hardship of unregistered persons (a candidate).
    public static func benchRecord(_ j: Int, persons: Int) -> DeptRecord {
        let registered = (j &* 7919) % max(persons, 1)
        let unregistered = persons + j
        func record(_ kind: DeptRecordKind, _ department: Department, _ person: Int, amountFen: Int64? = nil) -> DeptRecord {
            DeptRecord(recordId: "bench-" + String(j), department: department, kind: kind, idNumber: idNumber(person),
                       name: name(person), regionCode: "140105001", occurredOn: "2024-05-01", amountFen: amountFen)
        }
        switch j % 10 {
        case 0...4: return record(.medicalExpense, .medicalInsurance, registered, amountFen: 50_000)
        case 5...7: return record(.medicalExpense, .medicalInsurance, unregistered, amountFen: 30_000)
        case 8: return record(.unemploymentRegistration, .humanResources, registered)
        default: return record(.unionHardship, .tradeUnion, unregistered)
        }
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
