// A county operator designates a household as other low-income, or lifts the designation
// (§2.1.5 其他低收入人口: "当地人民政府确定的其他特殊困难家庭或者人员"). The decision becomes a
// `dept.record.v1` of civil affairs (kind `low_income_designation`), so that it is a dated fact
// in the registry like any department record, and replays with it.

public enum DesignationProblem: Error, Equatable, Sendable, CustomStringConvertible {
    case reasonMissing
    case reasonTooLong(max: Int)
    /// The reason holds something that looks like an identity number or a phone number: reasons
    /// travel with the household's decisions, personal data must not.
    case reasonHasPersonalData
    case reasonHasControlCharacters
    /// A household without members has nobody the record can name.
    case noMembers

    public var field: String { self == .noMembers ? "householdId" : "reason" }

    public var description: String {
        switch self {
        case .reasonMissing: "reason: required (why the county designates or lifts the designation)"
        case .reasonTooLong(let max): "reason: longer than \(max) characters"
        case .reasonHasPersonalData: "reason: must not contain identity or phone numbers"
        case .reasonHasControlCharacters: "reason: contains control characters"
        case .noMembers: "householdId: the household has no members"
        }
    }
}

public enum DesignationRequest {
    public static let reasonLengthMax = 500

    /// The record for the decision. `at` is the RFC 3339 time of the decision (it orders two
    /// decisions of one day); `on` its date. The record id sorts by time, so the latest decision
    /// is the one with the greatest id among those of its day.
    public static func record(householdId: String, profile: HouseholdProfile, designated: Bool, reason rawReason: String,
                              operator op: String, at: String, on: CivilDate) -> Result<DeptRecord, DesignationProblem> {
        let reason = TextNormalization.freeText(rawReason)
        guard !reason.isEmpty else { return .failure(.reasonMissing) }
        guard reason.count <= reasonLengthMax else { return .failure(.reasonTooLong(max: reasonLengthMax)) }
        guard !TextNormalization.containsControlCharacters(reason) else { return .failure(.reasonHasControlCharacters) }
        guard !IdentityNumberScan.contains(reason), !containsPhoneNumber(reason) else { return .failure(.reasonHasPersonalData) }
        guard let person = profile.members.first(where: { $0.relation == .self }) ?? profile.members.first else {
            return .failure(.noMembers)
        }
        let stamp = String(at.filter(\.isNumber).prefix(17))
        return .success(DeptRecord(recordId: "desig-\(householdId)-\(stamp)-\(designated ? "on" : "off")", department: .civilAffairs,
                                   kind: .lowIncomeDesignation, idNumber: person.idNumber, name: person.name,
                                   regionCode: profile.regionCode, occurredOn: on.description,
                                   attributes: ["designated": String(designated), "reason": reason, "operator": op, "at": at]))
    }

    /// Eleven digits in a row starting with 1 (a mobile number).
    static func containsPhoneNumber(_ text: String) -> Bool {
        var run: [UInt8] = []
        for u in text.utf8 {
            if (48...57).contains(u) { run.append(u); if run.count >= 11 && run[run.count - 11] == 49 { return true } } else { run = [] }
        }
        return false
    }
}
