// The applicant, the members living together (共同生活家庭成员) and the supporters (赡抚扶养人).

/// What was read of the applicant block.
struct ApplicantEntry {
    let path: String
    let name: String?
    let identity: IdentityNumber?
    let gender: Gender?
    let phone: String?

    func applicant(personKey: (String) -> String) -> Applicant? {
        guard let name, let identity else { return nil }
        return Applicant(name: name, gender: identity.gender, idNumber: identity.value, phone: phone,
                         personKey: personKey(identity.value))
    }
}

/// What was read of one member; `draft` is complete when every required field was valid.
struct MemberEntry {
    let path: String
    let relation: Relation?
    let name: String?
    let identity: IdentityNumber?
    let draft: Member?

    func member(personKey: (String) -> String) -> Member? {
        guard var member = draft, let identity else { return nil }
        member.personKey = personKey(identity.value)
        return member
    }
}

struct SupporterEntry {
    let path: String
    let identity: IdentityNumber?
    let draft: Supporter?

    func supporter(personKey: (String) -> String) -> Supporter? {
        guard var supporter = draft, let identity else { return nil }
        supporter.personKey = personKey(identity.value)
        return supporter
    }
}

extension SubmissionReader {
    func readApplicant(_ r: ObjectReader, phoneRequired: Bool) -> ApplicantEntry {
        let name = r.personName("name", required: true)
        let gender = r.code("gender", as: Gender.self, required: false)
        let identity = r.identity("idNumber", asOf: asOf)
        let phone = r.phone("phone", required: phoneRequired)
        checkGender(gender, against: identity, r)
        return ApplicantEntry(path: r.path, name: name, identity: identity, gender: gender, phone: phone)
    }

    func readMember(_ r: ObjectReader, collectedOn: CivilDate) -> MemberEntry {
        let relation = r.code("relation", as: Relation.self, required: true)
        let name = r.personName("name", required: true)
        let identity = r.identity("idNumber", asOf: asOf)
        let gender = r.code("gender", as: Gender.self, required: false)
        let maritalStatus = r.code("maritalStatus", as: MaritalStatus.self, required: false)
        let health = r.code("health", as: Health.self, required: true)
        // The grade is what the disability certificate says; a disabled member must have one.
        let disabilityGrade = r.integer("disabilityGrade", in: IntakeLimits.disabilityGrade, required: health == .disabled)
        let disabilityKind = r.text("disabilityKind", required: false, maxLength: IntakeLimits.shortTextLengthMax)
        let occupation = r.code("occupation", as: Occupation.self, required: true)
        let laborAbility = r.code("laborAbility", as: LaborAbility.self, required: true)
        let monthlyIncome = r.amount("monthlyIncomeFen", maxFen: IntakeLimits.monthlyFenMax)
        let exemptIncome = readExemptIncome(r, monthlyIncome: monthlyIncome)
        let statedAge = r.integer("statedAge", in: IntakeLimits.statedAge)
        checkGender(gender, against: identity, r)

        var age: Int?
        if let identity {
            if identity.birthDate > collectedOn {
                r.report(.bornAfterCollection, at: "idNumber")
            } else {
                age = identity.birthDate.age(on: collectedOn)
            }
        }
        if let statedAge, let age, abs(statedAge - age) > IntakeLimits.statedAgeTolerance {
            r.report(.ageMismatch, at: "statedAge")
        }

        var draft: Member?
        if let relation, let name, let identity, let health, let occupation, let laborAbility, let age {
            draft = Member(relation: relation, name: name, idNumber: identity.value, maritalStatus: maritalStatus,
                           health: health, disabilityGrade: disabilityGrade, disabilityKind: disabilityKind,
                           occupation: occupation, laborAbility: laborAbility, monthlyIncomeFen: monthlyIncome,
                           exemptIncome: exemptIncome, statedAge: statedAge, birthDate: identity.birthDate.description, age: age, gender: identity.gender)
        }
        return MemberEntry(path: r.path, relation: relation, name: name, identity: identity, draft: draft)
    }

    /// `exemptIncome`: `[{kind, monthlyFen}]`, the parts of the member's monthly income the tekun
    /// measures leave out; each kind once, and together no more than `monthlyIncomeFen` when given.
    func readExemptIncome(_ r: ObjectReader, monthlyIncome: Int64?) -> [ExemptIncome]? {
        guard let entries = r.objects("exemptIncome", required: false, count: 0...ExemptIncomeKind.allCases.count) else { return nil }
        var out: [ExemptIncome] = []
        for e in entries {
            let kind = e.code("kind", as: ExemptIncomeKind.self, required: true)
            let fen = e.amount("monthlyFen", maxFen: IntakeLimits.monthlyFenMax, required: true)
            guard let kind, let fen else { continue }
            if out.contains(where: { $0.kind == kind }) { e.report(.duplicateExemptIncome, at: "kind"); continue }
            out.append(ExemptIncome(kind: kind, monthlyFen: fen))
        }
        if let monthlyIncome, out.reduce(0, { $0 + $1.monthlyFen }) > monthlyIncome {
            r.report(.exemptIncomeExceedsIncome, at: "exemptIncome")
        }
        return out.isEmpty ? nil : out
    }

    func readSupporter(_ r: ObjectReader) -> SupporterEntry {
        let relation = r.text("relation", required: true, maxLength: IntakeLimits.shortTextLengthMax)
        let name = r.personName("name", required: true)
        let identity = r.identity("idNumber", asOf: asOf)
        let health = r.code("health", as: Health.self, required: false)
        let occupation = r.code("occupation", as: Occupation.self, required: false)
        let support = r.amount("annualSupportFen", maxFen: IntakeLimits.annualFenMax)
        var draft: Supporter?
        if let relation, let name, let identity {
            draft = Supporter(relation: relation, name: name, idNumber: identity.value, health: health,
                              occupation: occupation, annualSupportFen: support ?? 0)
        }
        return SupporterEntry(path: r.path, identity: identity, draft: draft)
    }

    /// A gender given on the form must agree with the identity number, which wins.
    private func checkGender(_ stated: Gender?, against identity: IdentityNumber?, _ r: ObjectReader) {
        if let stated, let identity, stated != identity.gender { r.report(.genderMismatch, at: "gender") }
    }
}
