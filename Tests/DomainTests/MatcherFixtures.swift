import DoudiDomain

/// Builders for the matcher tests (namespaced: other suites share this test module).
enum MatcherFixtures {
    static let now = "2024-06-30T12:00:00+08:00"

    /// A 64-hex-digit person key starting with `tag`, as HMAC-SHA256 keys look.
    static func key(_ tag: String) -> String {
        let hex = tag.unicodeScalars.map { String($0.value, radix: 16) }.joined()
        return String((hex + String(repeating: "0", count: 64)).prefix(64))
    }

    static func householdId(forApplicant tag: String) -> String { "hh-" + key(tag).prefix(16) }

    static func member(_ tag: String, _ relation: Relation = .self, health: Health = .healthy,
                       occupation: Occupation = .farming) -> Member {
        Member(relation: relation, name: "Name-\(tag)", idNumber: "ID-\(tag)", health: health,
               occupation: occupation, personKey: key(tag))
    }

    static func submission(_ id: String, channel: Channel = .homeVisit, applicant: String, members: [String],
                           collectedAt: String, wagesFen: Int64 = 0, supportFen: Int64 = 0,
                           regionCode: String = "140105001") -> Submission {
        Submission(submissionId: id, channel: channel, regionCode: regionCode, area: .rural,
                   applicant: Applicant(name: "Name-\(applicant)", idNumber: "ID-\(applicant)", personKey: key(applicant)),
                   members: members.map { member($0, $0 == applicant ? .self : .child) },
                   supporters: supportFen > 0 ? [Supporter(relation: "child", name: "S", idNumber: "ID-S",
                                                           annualSupportFen: supportFen, personKey: key("S"))] : [],
                   income: Income(wagesFen: wagesFen), collectedAt: collectedAt)
    }

    static func profile(_ id: String, members: [String], version: Int = 1, collectedAt: String = "2024-01-01T10:00:00+08:00",
                        source: String = "seed", programs: [Program] = [], flags: [String] = []) -> HouseholdProfile {
        HouseholdProfile(householdId: id, version: version, regionCode: "140105001", area: .rural,
                         members: members.map { member($0) }, channels: [.historical], sourceSubmissions: [source],
                         programs: programs, flags: flags, collectedAt: collectedAt, updatedAt: collectedAt)
    }

    static func record(_ id: String, _ kind: DeptRecordKind, person tag: String, department: Department = .civilAffairs,
                       name: String? = nil, occurredOn: String = "2024-06-01", amountFen: Int64? = nil,
                       attributes: [String: String] = [:]) -> DeptRecord {
        DeptRecord(recordId: id, department: department, kind: kind, idNumber: "ID-\(tag)", name: name ?? "Name-\(tag)",
                   regionCode: "140105001", occurredOn: occurredOn, amountFen: amountFen, attributes: attributes)
    }

    /// Applies submissions in order, committing each change, as the service does.
    static func replay(_ submissions: [Submission], into registry: inout InMemoryRegistry) -> [RegistryChange] {
        submissions.map { submission in
            let change = HouseholdMerger.apply(accepted: submission, reader: registry)
            registry.commit(change)
            return change
        }
    }
}
