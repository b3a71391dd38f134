// A reproducible synthetic population for the demo run and the benchmarks (`doudi seed`):
// households with region codes, ages, incomes, illnesses, disabilities, students, vehicles and
// houses in plausible proportions, plus department records and relief applications about them.
// The same seed always yields the same data, and so the same ids: a repeated seed is a no-op.

public struct SyntheticHousehold: Sendable {
    public var submission: Submission
    public var records: [DeptRecord]
    public var reliefApplication: ReliefApplication?
}

public struct PopulationGenerator: Sendable {
    public let seed: UInt64
    public let collectedOn: CivilDate

    public init(seed: UInt64 = 2026, collectedOn: CivilDate = CivilDate(year: 2026, month: 11, day: 1)!) {
        self.seed = seed; self.collectedOn = collectedOn
    }

    public func household(_ index: Int) -> SyntheticHousehold {
        var rng = SplitMix64(seed: seed &* 0x9E37_79B9 ^ UInt64(index))
        func chance(_ p: Double) -> Bool { Double(rng.next() % 10_000) < p * 10_000 }
        func between(_ a: Int, _ b: Int) -> Int { a + Int(rng.next() % UInt64(b - a + 1)) }

        let county = SyntheticIdentities.counties[index % SyntheticIdentities.counties.count]
        let area: Area = chance(0.85) ? county.area : (county.area == .urban ? .rural : .urban)
        let region = SyntheticIdentities.residence(county: county.code, index: index / SyntheticIdentities.counties.count)
        var seq = (index * 7) % 900 + 1
        func person(age: Int, relation: Relation) -> Member {
            let birth = collectedOn.adding(days: -(age * 365 + age / 4 + between(20, 340)))
            seq += 2
            let id = SyntheticIdentities.idNumber(county: county.code, birth: birth, sequence: seq + (chance(0.5) ? 1 : 0))
            var m = Member(relation: relation, name: SyntheticIdentities.name(&rng), idNumber: id)
            m.maritalStatus = age >= 22 && relation != .child ? .married : .unmarried
            m.occupation = age < 6 ? .preschool : age < 19 ? .student : age >= 60 ? .retired
                : area == .rural ? (chance(0.7) ? .farming : .unemployed) : (chance(0.75) ? .employed : .unemployed)
            m.laborAbility = age < 16 || age >= 70 ? .none : age >= 60 ? .partial : .full
            if chance(0.08) { m.health = .chronicIllness }
            if chance(0.04) { m.health = .seriousIllness; m.laborAbility = .partial }
            if chance(0.06) {
                m.health = .disabled
                m.disabilityGrade = between(1, 4)
                m.disabilityKind = ["physical", "visual", "intellectual", "mental", "hearing"][between(0, 4)]
                if m.disabilityGrade! <= 2 { m.laborAbility = .none }
            }
            if age >= 18 && age <= 22 && chance(0.4) { m.occupation = .student }
            return m
        }

        let applicantAge = between(24, 82)
        var members = [person(age: applicantAge, relation: .self)]
        if applicantAge < 75 && chance(0.7) { members.append(person(age: max(20, applicantAge + between(-5, 5)), relation: .spouse)) }
        if applicantAge < 60 { for _ in 0..<between(0, 2) { members.append(person(age: between(0, max(0, applicantAge - 22)), relation: .child)) } }
        if applicantAge < 50 && chance(0.25) { members.append(person(age: min(95, applicantAge + between(24, 32)), relation: .parent)) }

        // Per-capita monthly income spread around the dibao line (600–800 yuan) and above it.
        let perCapitaYuan = [between(0, 500), between(400, 900), between(700, 1500), between(1200, 4000)][between(0, 3)]
        let annualFen = Int64(perCapitaYuan * 100 * 12 * members.count)
        var income = Income()
        if area == .rural { income.businessFen = annualFen * 6 / 10; income.wagesFen = annualFen * 3 / 10 }
        else { income.wagesFen = annualFen * 9 / 10 }
        income.transferFen = annualFen - income.wagesFen - income.businessFen
        let sick = members.contains { $0.health == .seriousIllness || $0.health == .chronicIllness }
        let expenses = Expenses(livingFen: annualFen / 2, medicalFen: sick ? Int64(between(2_000, 80_000)) * 100 : Int64(between(0, 1_000)) * 100,
                                disabilityFen: members.contains { $0.health == .disabled } ? Int64(between(500, 6_000)) * 100 : 0)
        var assets = Assets(depositsFen: Int64([between(0, 5_000), between(5_000, 30_000), between(30_000, 300_000)][between(0, 2)]) * 100)
        assets.houses = [House(areaM2: Double(between(area == .urban ? 8 : 40, area == .urban ? 90 : 160)),
                               nature: area == .urban ? "commercial" : "homestead", source: "self_built",
                               safety: area == .rural && chance(0.08) ? "unsafe" : "safe")]
        if area == .urban && chance(0.05) { assets.houses = [] }
        if chance(0.05) { assets.vehicles = [Vehicle(owner: "self", kind: chance(0.5) ? "car" : "motorcycle", priceFen: Int64(between(3_000, 150_000)) * 100)] }

        let channel: Channel = [.homeVisit, .homeVisit, .selfDeclared, .grassrootsReport, .hotlinePetition][between(0, 4)]
        let applicant = members[0]
        var submission = Submission(
            submissionId: "seed-\(seed)-\(index)", channel: channel, regionCode: region, area: area,
            registeredAddress: "示例地址\(index)号", residenceAddress: "示例地址\(index)号",
            applicant: Applicant(name: applicant.name, idNumber: applicant.idNumber, phone: "139\(String(10_000_000 + index % 89_999_999))"),
            hardshipReasons: sick ? ["illness"] : members.contains { $0.health == .disabled } ? ["disability"] : ["low_income"],
            requestsAssistance: chance(0.6), relativeOfStaff: chance(0.02), members: members,
            supporters: chance(0.15) ? [Supporter(relation: "child", name: SyntheticIdentities.name(&rng),
                                                  idNumber: SyntheticIdentities.idNumber(county: county.code, birth: CivilDate(year: collectedOn.year - 35, month: 3, day: 3)!, sequence: seq + 11),
                                                  health: .healthy, occupation: .employed, annualSupportFen: Int64(between(0, 6_000)) * 100)] : [],
            income: income, expenses: expenses, assets: assets, declarationSigned: true,
            verificationAuthorized: chance(0.85),
            collectedAt: "\(collectedOn.adding(days: index % 20))T09:00:00+08:00", collectedBy: "worker-\(index % 40)")
        if channel == .selfDeclared { submission.collectedBy = nil }

        return SyntheticHousehold(submission: submission, records: records(for: submission, index: index, rng: &rng),
                                  reliefApplication: chance(0.03) ? relief(for: submission, index: index, rng: &rng) : nil)
    }

    private func records(for s: Submission, index: Int, rng: inout SplitMix64) -> [DeptRecord] {
        var out: [DeptRecord] = []
        let on = collectedOn.adding(days: 25).description
        func add(_ dept: Department, _ kind: DeptRecordKind, _ m: Member, amount: Int64? = nil, _ attrs: [String: String] = [:]) {
            out.append(DeptRecord(recordId: "seed-\(seed)-\(index)-\(out.count)", department: dept, kind: kind, idNumber: m.idNumber,
                                  name: m.name, regionCode: s.regionCode, occurredOn: on, amountFen: amount, attributes: attrs))
        }
        for m in s.members {
            let r = rng.next() % 1000
            switch r {
            case 0..<25: add(.medicalInsurance, .medicalExpense, m, amount: Int64(20_000 + rng.next() % 200_000) * 100)
            case 25..<35: add(.health, .seriousIllnessDiagnosis, m, ["illness": "cancer"])
            case 35..<45: add(.disabledPersonsFederation, .disabilityCertificate, m, ["grade": String(1 + rng.next() % 4), "kind": "physical"])
            case 45..<60 where m.occupation == .student || (m.age ?? 0) < 19: add(.education, .studentEnrollment, m, ["stage": "senior_secondary"])
            case 60..<80: add(.humanResources, .unemploymentRegistration, m)
            case 80..<83: add(.emergencyManagement, .disasterVictim, m, amount: Int64(5_000 + rng.next() % 50_000) * 100, ["disasterKind": "flood", "phase": "emergency"])
            case 83..<84: add(.publicSecurity, .death, m)
            default: break
            }
        }
        // Someone outside the registry on a hardship list: a candidate for a home visit (§2.2.4).
        if rng.next() % 20 == 0 {
            let birth = CivilDate(year: collectedOn.year - 50, month: 6, day: 15)!
            let id = SyntheticIdentities.idNumber(county: String(s.regionCode.prefix(6)), birth: birth, sequence: 500 + index % 400)
            out.append(DeptRecord(recordId: "seed-\(seed)-\(index)-cand", department: .ruralRevitalization, kind: .monitoredHousehold,
                                  idNumber: id, name: SyntheticIdentities.name(&rng), regionCode: s.regionCode, occurredOn: on,
                                  attributes: ["status": "edge_at_risk"]))
        }
        return out
    }

    private func relief(for s: Submission, index: Int, rng: inout SplitMix64) -> ReliefApplication {
        ReliefApplication(applicationId: "seed-\(seed)-\(index)-relief", applicant: ReliefApplicant(name: s.applicant.name, idNumber: s.applicant.idNumber),
                          incidentRegionCode: s.regionCode, incidentKind: ["fire", "accident", "sudden_serious_illness", "natural_disaster"][Int(rng.next() % 4)],
                          description: "突发困难", requestedFen: Int64(500 + rng.next() % 6_000) * 100, urgent: rng.next() % 3 == 0,
                          occurredOn: collectedOn.adding(days: 27).description, householdSize: s.members.count)
    }
}
