// The classifier's pure engine on one core: households per second over a varied synthetic
// population (sizes 1–5, both areas, three regions with their own standards, illnesses,
// disabilities, students, programmes held, unauthorised households, signals for some).
import DoudiDomain

func classifierEngineBench(households: Int) -> Double {
    let population = (0..<2_000).map(syntheticHousehold)
    let contexts = (0..<2_000).map(syntheticContext)
    let standards = try! LocalStandards(json: """
        {"version": "bench", "regions": {"11": {"dibaoUrbanFen": 120000, "dibaoRuralFen": 90000},
         "14": {"edgeMultiplier": 2}, "1401": {"heatingSubsidy": true}, "33": {"warningDeadlineDays": {"red": 2}}}}
        """)
    let asOf = CivilDate(year: 2026, month: 10, day: 1)!
    var checksum = 0
    let start = ContinuousClock.now
    for k in 0..<max(1, households) {
        let i = k % population.count
        let d = Classifier.evaluate(profile: population[i], context: contexts[i], standards: standards, asOf: asOf)
        checksum &+= d.warnings.count &+ d.needs.count &+ d.tasks.count
    }
    let elapsed = ContinuousClock.now - start
    precondition(checksum > 0, "the engine found nothing in the synthetic population")
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return Double(max(1, households)) / max(seconds, 1e-9)
}

func syntheticHousehold(_ i: Int) -> HouseholdProfile {
    let size = 1 + i % 5
    let health: [Health] = [.healthy, .healthy, .chronicIllness, .seriousIllness, .disabled]
    let occupation: [Occupation] = [.employed, .farming, .unemployed, .student, .retired]
    let members = (0..<size).map { j in
        let age = [9, 34, 47, 68, 15][(i + j) % 5]
        return Member(relation: j == 0 ? .self : .child, name: "成员\(j)", idNumber: "11010519\(80 + j)0101001X",
                      health: health[(i / 3 + j) % 5], disabilityGrade: health[(i / 3 + j) % 5] == .disabled ? 1 + (i + j) % 4 : nil,
                      occupation: occupation[(i + j) % 5], laborAbility: age >= 68 ? .none : .full,
                      personKey: "pk-\(i)-\(j)", birthDate: "\(2026 - age)-03-01")
    }
    let area: Area = i % 2 == 0 ? .urban : .rural
    let house = area == .urban ? House(areaM2: Double(10 + i % 4 * 15) * Double(size)) : House(areaM2: 90, safety: i % 11 == 0 ? "unsafe" : "safe")
    let programs = i % 3 == 0 ? [Program(domain: .basicLiving, program: "dibao", since: "2025-01-01")]
        : i % 7 == 0 ? [Program(domain: .medical, program: "medical_assistance", since: "2025-01-01")] : []
    return HouseholdProfile(householdId: "B\(i)", version: 1, regionCode: ["110105001", "140105002", "330106003"][i % 3],
                            area: area, members: members, income: Income(wagesFen: Int64(i * 1_733 % 1_600_000) * Int64(size)),
                            expenses: Expenses(medicalFen: Int64(i % 5) * 40_000), assets: Assets(houses: [house]),
                            programs: programs, flags: i % 13 == 0 ? ["unstable_after_poverty"] : [],
                            verificationAuthorized: i % 6 != 0, relativeOfStaff: i % 17 == 0,
                            collectedAt: "2026-09-01T00:00:00Z", updatedAt: "2026-09-01T00:00:00Z")
}

private func syntheticContext(_ i: Int) -> ClassificationContext {
    guard i % 4 == 0 else { return .empty }
    var c = ClassificationContext()
    if i % 8 == 0 { c.disasterHit = true; c.disasterLossFen = 500_000 }
    if i % 12 == 0 { c.unemployed.insert("pk-\(i)-0") }
    if i % 20 == 0 { c.medicalExpenseFen["pk-\(i)-0"] = 2_000_000 }
    return c
}
