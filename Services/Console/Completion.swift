// A task's result from the console's form, in the shape doudi-casework reads (docs/casework.md
// "Results"): a visit is the information-collection form re-collected from the household's facts
// with what the operator found (health, incomes, medical expenses), collected by the operator as a
// home visit (a verified channel, §3.3); other kinds carry their decision, measures or note.
import DoudiDomain
import Envelope
import Foundation

enum Completion {
    struct Problem: Error { var text: String }

    /// Yuan as typed ("1234.5") in fen; nil when it is not an amount.
    static func fen(_ text: String) -> Int64? {
        let t = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: "")
        guard !t.isEmpty, let d = Decimal(string: t), d >= 0, d < 1_000_000_000 else { return nil }
        var v = d * 100, r = Decimal()
        NSDecimalRound(&r, &v, 0, .plain)
        return NSDecimalNumber(decimal: r).int64Value
    }

    static func visitForm(_ p: HouseholdProfile, fields f: [String: String], by: String, authorized: Bool? = nil) throws -> [String: Any] {
        var members = p.members
        for i in members.indices {
            if let h = f["health-\(i)"] {
                guard let health = Health(rawValue: h) else { throw Problem(text: "members[\(i)].health: one of \(Health.allCases.map(\.rawValue).joined(separator: ", "))") }
                members[i].health = health
            }
            if let l = f["labor-\(i)"] {
                guard let labor = LaborAbility(rawValue: l) else { throw Problem(text: "members[\(i)].laborAbility: full, partial or none") }
                members[i].laborAbility = labor
            }
            if let o = f["occupation-\(i)"] {
                guard let occupation = Occupation(rawValue: o) else { throw Problem(text: "members[\(i)].occupation: not an occupation code") }
                members[i].occupation = occupation
            }
            if let text = f["income-\(i)"], !text.isEmpty {
                guard let v = fen(text) else { throw Problem(text: "members[\(i)].monthlyIncome: an amount in yuan") }
                members[i].monthlyIncomeFen = v
            }
        }
        var income = p.income, expenses = p.expenses
        if let text = f["wages"], !text.isEmpty {
            guard let v = fen(text) else { throw Problem(text: "wages: an amount in yuan") }
            income.wagesFen = v
        }
        if let text = f["medical"], !text.isEmpty {
            guard let v = fen(text) else { throw Problem(text: "medical: an amount in yuan") }
            expenses.medicalFen = v
        }
        guard let head = members.first(where: { $0.relation == .self }) ?? members.first else { throw Problem(text: "the household has no members on record") }
        let form = Submission(submissionId: "console-visit", channel: .homeVisit, regionCode: p.regionCode, area: p.area,
                              applicant: Applicant(name: head.name, idNumber: head.idNumber), hardshipReasons: p.hardshipReasons,
                              requestsAssistance: p.requestsAssistance, relativeOfStaff: p.relativeOfStaff, members: members,
                              supporters: p.supporters, income: income, expenses: expenses, assets: p.assets, declarationSigned: true,
                              verificationAuthorized: authorized ?? p.verificationAuthorized, collectedAt: Timestamp.rfc3339(), collectedBy: by)
        guard let object = try JSONSerialization.jsonObject(with: try JSONCoding.encoder.encode(form)) as? [String: Any] else {
            throw Problem(text: "form: could not be written")
        }
        return object
    }

    static func result(_ t: CaseworkTask, fields f: [String: String], profile: HouseholdProfile?, by: String) throws -> [String: Any] {
        var r: [String: Any] = [:]
        let note = (f["note"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if !note.isEmpty { r["note"] = note }
        func needProfile() throws -> HouseholdProfile {
            guard let profile else { throw Problem(text: "form: the household's profile is not in the console yet") }
            return profile
        }
        switch t.kind {
        case .homeVisit, .randomCheck, .annualSurvey:
            r["form"] = try visitForm(try needProfile(), fields: f, by: by)
        case .requestAuthorization:
            let obtained = f["obtained"] != "false"
            r["obtained"] = obtained
            if obtained { r["form"] = try visitForm(try needProfile(), fields: f, by: by, authorized: true) }
        case .verifyExit:
            let decision = f["decision"] ?? ""
            r["decision"] = decision
            if decision == "confirm" {
                let parts = (f["programme"] ?? "").split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 3 else { throw Problem(text: "programme: choose the programme the exit ends") }
                r["domain"] = parts[0]; r["program"] = parts[1]
                if !parts[2].isEmpty { r["personKey"] = parts[2] }
            } else {
                r["form"] = try visitForm(try needProfile(), fields: f, by: by)
            }
        case .staffRelativeReview:
            r["decision"] = f["decision"] ?? ""
        case .caseConference:
            var measures: [[String: Any]] = []
            for (i, n) in (t.coordination?.needs ?? []).enumerated() {
                let text = (f["measure-\(i)"] ?? "").trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty else { throw Problem(text: "measures[\(i)].measure: say what was agreed") }
                var m: [String: Any] = ["domain": n.domain.rawValue, "measure": text]
                if let p = n.personKey { m["personKey"] = p }
                if let a = f["amount-\(i)"], !a.isEmpty {
                    guard let v = fen(a) else { throw Problem(text: "measures[\(i)].amount: an amount in yuan") }
                    m["amountFen"] = v
                }
                measures.append(m)
            }
            r["measures"] = measures
        case .reliefPaperwork, .referralFollowUp:
            break
        }
        return r
    }
}
