// Needs in the specialised domains (§4.2 – §4.5, RULES.md "Needs and where they go"). The
// guideline offers these measures to low-income households ("对低收入家庭…"), so a household
// of category not_low_income gets none. Levels (documented in `Classifier.evaluate`) are set here.

struct FoundNeed {
    var need: Need
    var level: WarningLevel
}

enum NeedRules {
    static let workingAge = 16...59

    static func evaluate(_ f: HouseholdFacts, _ cat: CategoryOutcome) -> [FoundNeed] {
        guard cat.isLowIncome else { return [] }
        var out: [FoundNeed] = []
        medical(f, cat, &out)
        for m in f.members {
            if let stage = m.schoolStage {
                out.append(.init(need: person(.education, m, "in_school", "§4.2.2", ["schoolStage": stage]), level: .yellow))
            }
        }
        housing(f, &out)
        employment(f, &out)
        let size = String(f.n)
        if let d = f.disaster {
            // §4.2.5: aid by phase (应急, 过渡期, 旱灾, 冬春, 恢复重建); the phase decides the measure.
            var facts = ["disasterKind": d.kind ?? "unspecified", "phase": d.phase, "lossFen": String(f.disasterLossFen),
                         "affectedPersons": size]
            if let on = d.on { facts["occurredOn"] = on.description }
            out.append(.init(need: Need(domain: .disaster, reason: "natural_disaster", clause: "§4.2.5", facts: facts), level: .red))
        }
        if let e = f.emergency {
            // §4.3: temporary relief; urgent, so relief pays first (先行救助).
            var facts = ["incidentKind": e.kind, "householdSize": size, "urgent": "true"]
            if let on = e.on { facts["occurredOn"] = on.description }
            if let key = e.personKey, let m = f.members.first(where: { $0.member.personKey == key }) {
                out.append(.init(need: person(.emergency, m, "sudden_hardship", "§4.3", facts), level: .red))
            } else {
                out.append(.init(need: Need(domain: .emergency, reason: "sudden_hardship", clause: "§4.3", facts: facts), level: .red))
            }
        }
        services(f, cat, &out)
        for m in f.members where m.seriouslyIll {
            var facts = ["illness": Health.seriousIllness.rawValue]
            if let fen = personalMedicalFen(f, m) { facts["medicalFen"] = String(fen) }
            out.append(.init(need: person(.charity, m, "serious_illness", "§4.5", facts), level: heavyCosts(f) ? .red : .yellow))
        }
        other(f, cat, &out)
        if let hardship = f.uncoveredHardship {
            out.append(.init(need: Need(domain: .coordination, reason: "no_policy_covers", clause: "§3.4",
                                        facts: ["hardship": hardship]), level: .orange))
        }
        return out
    }

    static func person(_ domain: Domain, _ m: MemberFacts, _ reason: String, _ clause: String,
                       _ facts: [String: String]) -> Need {
        Need(domain: domain, personKey: m.member.personKey, reason: reason, clause: clause,
             name: m.member.name, idNumber: m.member.idNumber, facts: facts)
    }

    /// Serious illness whose costs the household cannot bear: the red case of RULES.md.
    static func heavyCosts(_ f: HouseholdFacts) -> Bool { f.medicalBurden }

    private static func personalMedicalFen(_ f: HouseholdFacts, _ m: MemberFacts) -> Int64? { f.personalMedicalFen(m) }

    /// §4.2.1: serious or chronic illness, or out-of-pocket costs above the burden share of income.
    private static func medical(_ f: HouseholdFacts, _ cat: CategoryOutcome, _ out: inout [FoundNeed]) {
        let category = cat.primary.rawValue
        for (i, m) in f.members.enumerated() where m.seriouslyIll || m.member.health == .chronicIllness {
            let illness = m.seriouslyIll ? Health.seriousIllness : .chronicIllness
            var facts = ["illness": illness.rawValue,
                         "category": cat.singlePerson.contains(i) ? "single_person_dibao" : category]
            if let fen = personalMedicalFen(f, m) { facts["medicalFen"] = String(fen) }
            let level: WarningLevel = m.seriouslyIll && heavyCosts(f) ? .red : .orange
            out.append(.init(need: person(.medical, m, illness.rawValue, "§4.2.1", facts), level: level))
        }
        if f.medicalBurden {
            out.append(.init(need: Need(domain: .medical, reason: "medical_burden", clause: "§4.2.1",
                                        facts: ["medicalFen": String(f.medicalFen), "category": category]),
                             level: .orange))
        }
    }

    /// §4.2.3: urban — no home or less living area than the standard; rural — an unsafe house.
    private static func housing(_ f: HouseholdFacts, _ out: inout [FoundNeed]) {
        let p = f.profile, size = String(f.n)
        switch p.area {
        case .urban:
            let area = p.assets.houses.reduce(0.0) { $0 + $1.areaM2 }
            if f.context.noHome || f.houseCount == 0 {
                out.append(.init(need: Need(domain: .housing, reason: "no_home", clause: "§4.2.3",
                                            facts: ["housingStatus": "no_home", "householdSize": size]), level: .orange))
            } else if area < Double(f.standards.housingAreaPerPersonM2 * f.n) {
                out.append(.init(need: Need(domain: .housing, reason: "insufficient_area", clause: "§4.2.3",
                                            facts: ["housingStatus": "insufficient_area", "areaM2": hundredths(area),
                                                    "householdSize": size]), level: .yellow))
            }
        case .rural:
            if f.context.unsafeHouse || p.assets.houses.contains(where: { $0.safety == "unsafe" }) {
                var facts = ["housingStatus": "unsafe", "householdSize": size]
                if let grade = f.context.houseGrade { facts["houseGrade"] = grade }
                out.append(.init(need: Need(domain: .housing, reason: "unsafe_house", clause: "§4.2.3", facts: facts),
                                 level: .orange))
            } else if f.context.noHome {
                out.append(.init(need: Need(domain: .housing, reason: "no_home", clause: "§4.2.3",
                                            facts: ["housingStatus": "no_home", "householdSize": size]), level: .orange))
            }
        }
    }

    /// §4.2.4: urban — members able to work and unemployed; rural — members able to work who are
    /// not in employment (farming included: 产业扶持、劳务输出 help them into work).
    private static func employment(_ f: HouseholdFacts, _ out: inout [FoundNeed]) {
        for m in f.members {
            guard let age = m.age, workingAge.contains(age), m.member.laborAbility != .none, m.schoolStage == nil else { continue }
            let key = m.member.personKey
            if let k = key, f.context.employed.contains(k) { continue }
            let registered = key.map { f.context.unemployed.contains($0) } ?? false
            let occupation = m.member.occupation
            let seeking = f.profile.area == .urban
                ? occupation == .unemployed || registered
                : [.unemployed, .farming, .other].contains(occupation) || registered
            guard seeking else { continue }
            out.append(.init(need: person(.employment, m, "\(f.profile.area.rawValue)_employment", "§4.2.4",
                                          ["laborAbility": m.member.laborAbility.rawValue, "age": String(age),
                                           "occupation": occupation.rawValue]), level: .yellow))
        }
    }

    /// §4.4: old, young or disabled members who cannot look after themselves; a child in a household
    /// where nobody has labour ability has no carer. In a tekun household this is tekun without care: red.
    private static func services(_ f: HouseholdFacts, _ cat: CategoryOutcome, _ out: inout [FoundNeed]) {
        let noCarer = f.members.allSatisfy(\.hasNoLaborAbility)
        for m in f.members {
            let age = m.age ?? 30
            let stated = m.member.personKey.map { f.context.unableToSelfCare.contains($0) } ?? false
            let severe = (m.disabilityGrade ?? 9) <= 2
            let frail = age >= 60 && m.seriouslyIll && m.member.laborAbility == .none
            let alone = noCarer && age < 16
            guard stated || severe || frail || alone else { continue }
            var facts = ["careNeed": alone && !(stated || severe || frail) ? "no_carer" : "self_care",
                         "health": m.member.health.rawValue]
            if let a = m.age { facts["age"] = String(a) }
            if let g = m.disabilityGrade { facts["disabilityGrade"] = String(g) }
            out.append(.init(need: person(.services, m, "cannot_self_care", "§4.4", facts),
                             level: cat.tekunEligible ? .red : .orange))
        }
    }

    /// §4.2.6: funeral costs, heating subsidy, disability living subsidy and rehabilitation. The
    /// disability subsidy is for dibao and tekun households (困难残疾人生活补贴); other low-income
    /// households get it where the region extends it (`disabilitySubsidy`, "有条件的地方可…延伸").
    private static func other(_ f: HouseholdFacts, _ cat: CategoryOutcome, _ out: inout [FoundNeed]) {
        if f.deceasedCount > 0 {
            out.append(.init(need: Need(domain: .other, reason: "funeral", clause: "§4.2.6",
                                        facts: ["subsidyKind": "funeral"]), level: .yellow))
        }
        if f.standards.heatingSubsidy {
            out.append(.init(need: Need(domain: .other, reason: "heating", clause: "§4.2.6",
                                        facts: ["subsidyKind": "heating"]), level: .yellow))
        }
        let basicLiving = cat.tekunEligible || cat.categories.contains(.dibao)
            || f.profile.programs.contains { $0.domain == .basicLiving }
        for (i, m) in f.members.enumerated() where m.disabled {
            guard basicLiving || cat.singlePerson.contains(i) || f.standards.disabilitySubsidy else { continue }
            var facts = ["subsidyKind": "disability_living"]
            if let g = m.disabilityGrade { facts["disabilityGrade"] = String(g) }
            if let k = m.member.disabilityKind { facts["disabilityKind"] = k }
            out.append(.init(need: person(.other, m, "disability_subsidy_and_rehabilitation", "§4.2.6", facts), level: .yellow))
        }
    }

    /// 12.5 m² → "12.50" (the housing programme reads hundredths).
    static func hundredths(_ area: Double) -> String {
        let h = Int64((area * 100).rounded())
        let f = h % 100
        return "\(h / 100).\(f < 10 ? "0" : "")\(f)"
    }
}
