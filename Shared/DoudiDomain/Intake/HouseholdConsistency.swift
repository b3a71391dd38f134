// Rules across the people of one form: nobody listed twice, the applicant among the members
// as `self`, and relations that fit the birth dates.

struct HouseholdConsistency {
    let log: IssueLog

    func check(applicant: ApplicantEntry?, members: [MemberEntry], supporters: [SupporterEntry]) {
        checkDuplicateMembers(members)
        checkSingleSelf(members)
        if let applicant, let identity = applicant.identity {
            checkApplicantIsMember(applicant, identity, members)
            checkRelationAges(applicantBirth: identity.birthDate, members)
        }
        checkSupporters(supporters, members)
    }

    private func checkDuplicateMembers(_ members: [MemberEntry]) {
        var seen: Set<String> = []
        for member in members {
            guard let id = member.identity?.value else { continue }
            if !seen.insert(id).inserted { log.report(.duplicateMember, at: "\(member.path).idNumber") }
        }
    }

    private func checkSingleSelf(_ members: [MemberEntry]) {
        for member in members.filter({ $0.relation == .`self` }).dropFirst() {
            log.report(.multipleSelf, at: "\(member.path).relation")
        }
    }

    private func checkApplicantIsMember(_ applicant: ApplicantEntry, _ identity: IdentityNumber, _ members: [MemberEntry]) {
        guard let entry = members.first(where: { $0.identity == identity }) else {
            log.report(.applicantNotMember, at: "\(applicant.path).idNumber")
            return
        }
        if let relation = entry.relation, relation != .`self` {
            log.report(.applicantRelationNotSelf, at: "\(entry.path).relation")
        }
        if let stated = applicant.name, let listed = entry.name, stated != listed {
            log.report(.applicantNameMismatch, at: "\(applicant.path).name")
        }
    }

    /// Children and grandchildren are born after the applicant, parents and grandparents before.
    /// No minimum gap: step-children (继子女) count as children and may be close in age.
    /// In-laws, siblings and spouses are not checked.
    private func checkRelationAges(applicantBirth: CivilDate, _ members: [MemberEntry]) {
        for member in members {
            guard let relation = member.relation, let birth = member.identity?.birthDate else { continue }
            let fits = switch relation {
            case .child, .grandchild: birth > applicantBirth
            case .parent, .grandparent: birth < applicantBirth
            case .`self`, .spouse, .sibling, .childInLaw, .parentInLaw, .other: true
            }
            if !fits { log.report(.relationAgeInconsistent, at: "\(member.path).relation") }
        }
    }

    private func checkSupporters(_ supporters: [SupporterEntry], _ members: [MemberEntry]) {
        let memberIds = Set(members.compactMap { $0.identity?.value })
        var seen: Set<String> = []
        for supporter in supporters {
            guard let id = supporter.identity?.value else { continue }
            if memberIds.contains(id) {
                log.report(.supporterIsMember, at: "\(supporter.path).idNumber")
            } else if !seen.insert(id).inserted {
                log.report(.duplicateSupporter, at: "\(supporter.path).idNumber")
            }
        }
    }
}
