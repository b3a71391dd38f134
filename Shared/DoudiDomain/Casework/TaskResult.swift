// The structured result of a completed task, per kind, and what it feeds back (issue 15):
// a visit's form (§2.2.2: the township's home visit verifies what was declared) becomes a verified
// `home_visit` submission; an authorisation obtained (§4 preamble: 授权核查) travels on the signed
// form; an exit verification (§3.4) confirms the exit (outcome `closed`) or cancels it with the
// facts found (a submission); a staff-relative review (annex: 近亲属备案) records its decision; a case
// conference (一事一议, §3.4) records the agreed measures as outcomes that close the warning.

/// The result as kept and published (a form is replaced by the id of the submission it became).
public struct TaskResult: Codable, Sendable, Equatable {
    /// The verified submission a form became.
    public var submissionId: String?
    /// request_authorization: the household signed the authorisation.
    public var obtained: Bool?
    /// verify_exit: `confirm` | `cancel`; staff_relative_review: `approved` | `rejected`.
    public var decision: String?
    /// verify_exit (confirm): the programme that ends.
    public var domain: Domain?
    public var program: String?
    public var personKey: String?
    /// case_conference: the measures agreed.
    public var measures: [AgreedMeasure]?
    public var reviewer: String?
    public var note: String?
    public init() {}
}

/// One measure of a case conference (一事一议): for a person (or the household), in a domain.
public struct AgreedMeasure: Codable, Sendable, Equatable {
    public var domain: Domain
    public var personKey: String?
    public var measure: String
    public var program: String
    public var amountFen: Int64?
    public init(domain: Domain, personKey: String?, measure: String, program: String, amountFen: Int64?) {
        self.domain = domain; self.personKey = personKey; self.measure = measure; self.program = program; self.amountFen = amountFen
    }
}

/// An error in a result, naming the field (`result.form.members[0].idNumber`, `result.measures[1].domain`).
public struct ResultIssue: Codable, Sendable, Equatable, Hashable, CustomStringConvertible {
    public var field: String
    public var code: String
    public var message: String
    public init(field: String, code: String, message: String) { self.field = field; self.code = code; self.message = message }
    public var description: String { "\(field): \(message)" }
}

/// What a completion feeds back through the topics.
public enum Feedback: Sendable, Equatable {
    /// A verified `home_visit` submission for intake (the raw form, channel and ids filled in).
    case submission(submissionId: String, document: JSONValue, key: String?)
    /// Outcomes on `assistance.outcomes`.
    case outcome(Outcome)
}

public enum ResultReading: Sendable, Equatable {
    case accepted(TaskResult, [Feedback])
    case rejected([ResultIssue])
}

public enum TaskResults {
    public static let source = "/doudi/casework"
    /// The programme name of a case conference's measure when the operator names none.
    public static let conferenceProgram = "case_conference_measure"
    static let textMax = 2000

    /// Reads `result` for `task`, completed on `completedOn` by `completedBy` (a staff id).
    /// `today` bounds dates; `validator` checks a form as intake will.
    public static func read(_ result: JSONValue?, for task: CaseworkTask, completedOn: CivilDate, completedBy: String,
                            validator: SubmissionValidator = SubmissionValidator(),
                            personKey: (String) -> String = { _ in "" }) -> ResultReading {
        var issues: [ResultIssue] = []
        guard let fields = result?.objectValue else {
            return .rejected([ResultIssue(field: "result", code: "required",
                                          message: "a result object is required for a \(task.kind.rawValue) task (\(expected(task.kind)))")])
        }
        let known = allowedFields(task.kind)
        for key in fields.keys.sorted() where !known.contains(key) {
            issues.append(ResultIssue(field: "result.\(key)", code: "unknown_field",
                                      message: "not a field of a \(task.kind.rawValue) result (allowed: \(known.sorted().joined(separator: ", ")))"))
        }
        var out = TaskResult()
        var feedback: [Feedback] = []
        out.note = text(fields, "note", required: false, &issues)
        func form(required: Bool) {
            guard let value = fields["form"] else {
                if required { issues.append(ResultIssue(field: "result.form", code: "required",
                                                        message: "the information-collection form filled in at the visit is required")) }
                return
            }
            switch visitSubmission(value, task: task, completedOn: completedOn, completedBy: completedBy, validator: validator,
                                   personKey: personKey) {
            case .success(let (id, document, key)):
                out.submissionId = id
                feedback.append(.submission(submissionId: id, document: document, key: key))
            case .failure(let e): issues += e.issues
            }
        }
        switch task.kind {
        case .homeVisit, .randomCheck, .annualSurvey:
            form(required: true)
        case .requestAuthorization:
            guard let obtained = bool(fields, "obtained", &issues) else { break }
            out.obtained = obtained
            if obtained {
                form(required: true)
                if fields["form"]?.objectValue?["verificationAuthorized"] != .bool(true), fields["form"] != nil {
                    issues.append(ResultIssue(field: "result.form.verificationAuthorized", code: "must_be_true",
                                              message: "an authorisation obtained is the signed form with verificationAuthorized true"))
                }
            } else if fields["form"] != nil {
                issues.append(ResultIssue(field: "result.form", code: "not_allowed", message: "no form when the authorisation was refused"))
            }
        case .verifyExit:
            guard let decision = choice(fields, "decision", ["confirm", "cancel"], &issues) else { break }
            out.decision = decision
            if decision == "confirm" {
                let (domain, program, person) = exitProgramme(fields, task: task, &issues)
                out.domain = domain; out.program = program; out.personKey = person
                if let domain, let program, let hh = task.householdId {
                    let warningId = warningOf(task)
                    feedback.append(.outcome(Outcome(
                        outcomeId: "out-\(task.taskId)-closed", warningId: warningId, householdId: hh, domain: domain,
                        program: program, status: .closed, personKey: person, decidedAt: completedOn.description,
                        reason: "§3.4 exit verified by \(completedBy): assistance ends")))
                }
            } else {
                form(required: true)
            }
        case .staffRelativeReview:
            guard let decision = choice(fields, "decision", ["approved", "rejected"], &issues) else { break }
            out.decision = decision
            out.reviewer = text(fields, "reviewer", required: false, &issues) ?? completedBy
            if decision == "rejected" && (out.note ?? "").isEmpty {
                issues.append(ResultIssue(field: "result.note", code: "required", message: "a rejection needs its reason in note"))
            }
        case .caseConference:
            let measures = conferenceMeasures(fields, task: task, &issues)
            out.measures = measures
            if let measures, issues.isEmpty, let c = task.coordination, let hh = task.householdId {
                for (i, m) in measures.enumerated() {
                    feedback.append(.outcome(Outcome(
                        outcomeId: "out-\(task.taskId)-\(i + 1)", referralId: c.referralId, warningId: c.warningId, householdId: hh,
                        domain: m.domain, program: m.program, status: .granted, amountFen: m.amountFen, personKey: m.personKey,
                        decidedAt: completedOn.description, reason: "§3.4 一事一议 case conference: \(m.measure)", basis: c.basis)))
                }
            }
        case .reliefPaperwork, .referralFollowUp:
            if (out.note ?? "").isEmpty {
                issues.append(ResultIssue(field: "result.note", code: "required", message: "say what was done in note"))
            }
        }
        return issues.isEmpty ? .accepted(out, feedback) : .rejected(issues)
    }

    /// What a result of `kind` looks like, for messages.
    public static func expected(_ kind: TaskKind) -> String {
        switch kind {
        case .homeVisit, .randomCheck, .annualSurvey: "{\"form\": {the information-collection form}, \"note\"?}"
        case .requestAuthorization: "{\"obtained\": true, \"form\": {the signed form, verificationAuthorized true}} or {\"obtained\": false, \"note\"}"
        case .verifyExit: "{\"decision\": \"confirm\", \"program\", \"personKey\"?, \"domain\"?} or {\"decision\": \"cancel\", \"form\"}"
        case .staffRelativeReview: "{\"decision\": \"approved\" | \"rejected\", \"reviewer\"?, \"note\"}"
        case .caseConference: "{\"measures\": [{\"domain\", \"personKey\"?, \"measure\", \"program\"?, \"amountFen\"?}], \"note\"?}"
        case .reliefPaperwork, .referralFollowUp: "{\"note\": what was done}"
        }
    }

    static func allowedFields(_ kind: TaskKind) -> Set<String> {
        switch kind {
        case .homeVisit, .randomCheck, .annualSurvey: ["form", "note"]
        case .requestAuthorization: ["obtained", "form", "note"]
        case .verifyExit: ["decision", "domain", "program", "personKey", "form", "note"]
        case .staffRelativeReview: ["decision", "reviewer", "note"]
        case .caseConference: ["measures", "note"]
        case .reliefPaperwork, .referralFollowUp: ["note"]
        }
    }

    /// The warning a task serves, from its id (`t-<warningId>-verify_exit`, `t-<warningId>-case_conference`).
    public static func warningOf(_ task: CaseworkTask) -> String? {
        let suffix = "-" + task.kind.rawValue
        guard task.taskId.hasPrefix("t-w-"), task.taskId.hasSuffix(suffix) else { return nil }
        return String(task.taskId.dropFirst(2).dropLast(suffix.count))
    }

    /// The domain of a warning id `w-<household>-<domain>-<disposal>-<n>`.
    static func domainOf(warningId: String) -> Domain? {
        Domain.allCases.sorted { $0.rawValue.count > $1.rawValue.count }.first { d in
            Disposal.allCases.contains { warningId.contains("-\(d.rawValue)-\($0.rawValue)-") }
        }
    }

    struct Issues: Error { var issues: [ResultIssue] }

    /// The form as intake will read it: `channel` home_visit, a submission id from the task, the
    /// collector and date of the visit unless the form gives them.
    static func visitSubmission(_ value: JSONValue, task: CaseworkTask, completedOn: CivilDate, completedBy: String,
                                validator: SubmissionValidator,
                                personKey: (String) -> String) -> Result<(String, JSONValue, String?), Issues> {
        guard var form = value.objectValue else {
            return .failure(Issues(issues: [ResultIssue(field: "result.form", code: "wrong_type",
                                                        message: "must be an object (the information-collection form), not \(value.kindName)")]))
        }
        if let channel = form["channel"], channel != .string(Channel.homeVisit.rawValue) {
            return .failure(Issues(issues: [ResultIssue(field: "result.form.channel", code: "must_be_home_visit",
                                                        message: "a visit's form is a home_visit collection; leave channel out")]))
        }
        let id = submissionId(for: task)
        form["submissionId"] = .string(id)
        form["channel"] = .string(Channel.homeVisit.rawValue)
        if form["collectedBy"] == nil { form["collectedBy"] = .string(completedBy) }
        if form["collectedAt"] == nil { form["collectedAt"] = .string("\(completedOn)T12:00:00+08:00") }
        let document = JSONValue.object(form)
        switch validator.validate(document: document, asOf: completedOn, fallbackSubmissionId: id, personKey: personKey) {
        case .accepted(let s): return .success((id, document, s.applicant.personKey))
        case .rejected(let r):
            return .failure(Issues(issues: r.errors.map {
                ResultIssue(field: "result.form." + $0.field, code: $0.code, message: $0.messageEn)
            }))
        case .undecodable(let reason):
            return .failure(Issues(issues: [ResultIssue(field: "result.form", code: "undecodable", message: reason)]))
        }
    }

    /// `cw-<taskId>` (intake's id grammar), or a hash of it when the task id does not fit.
    public static func submissionId(for task: CaseworkTask) -> String {
        let candidate = "cw-" + task.taskId
        let fits = candidate.utf8.count <= IntakeLimits.idLengthMax && candidate.utf8.allSatisfy { b in
            (48...57).contains(b) || (65...90).contains(b) || (97...122).contains(b) || ".-_:".utf8.contains(b)
        }
        if fits { return candidate }
        let h = FNV1a.hash(task.taskId)
        return "cw-" + String(h, radix: 16) + "-" + String(FNV1a.hash(task.taskId, seed: h), radix: 16)
    }

    private static func exitProgramme(_ fields: [String: JSONValue], task: CaseworkTask,
                                      _ issues: inout [ResultIssue]) -> (Domain?, String?, String?) {
        var domain: Domain?
        if fields["domain"] != nil {
            domain = code(fields, "domain", Domain.self, &issues)
        } else {
            domain = warningOf(task).flatMap(domainOf(warningId:))
            if domain == nil {
                issues.append(ResultIssue(field: "result.domain", code: "required", message: "the programme's domain is required"))
            }
        }
        let program = text(fields, "program", required: true, &issues)
        let person = text(fields, "personKey", required: false, &issues)
        return (domain, program, person)
    }

    private static func conferenceMeasures(_ fields: [String: JSONValue], task: CaseworkTask,
                                           _ issues: inout [ResultIssue]) -> [AgreedMeasure]? {
        guard let list = fields["measures"] else {
            issues.append(ResultIssue(field: "result.measures", code: "required", message: "the measures agreed (一事一议) are required"))
            return nil
        }
        guard let items = list.arrayValue, !items.isEmpty else {
            issues.append(ResultIssue(field: "result.measures", code: "empty", message: "must be a non-empty array of measures"))
            return nil
        }
        var measures: [AgreedMeasure] = []
        for (i, item) in items.enumerated() {
            let path = "measures[\(i)]"
            guard let m = item.objectValue else {
                issues.append(ResultIssue(field: "result.\(path)", code: "wrong_type", message: "must be an object, not \(item.kindName)"))
                continue
            }
            for key in m.keys.sorted() where !["domain", "personKey", "measure", "program", "amountFen"].contains(key) {
                issues.append(ResultIssue(field: "result.\(path).\(key)", code: "unknown_field",
                                          message: "not a field of a measure (domain, personKey, measure, program, amountFen)"))
            }
            var local: [ResultIssue] = []
            let domain = code(m, "domain", Domain.self, &local, path: path)
            let person = text(m, "personKey", required: false, &local, path: path)
            let measure = text(m, "measure", required: true, &local, path: path)
            let program = text(m, "program", required: false, &local, path: path) ?? conferenceProgram
            var amount: Int64?
            if let a = m["amountFen"] {
                if case .number(let n) = a, case .integer(let v) = n.integerReading, v >= 0 { amount = v }
                else { local.append(ResultIssue(field: "result.\(path).amountFen", code: "invalid", message: "must be a whole number of fen, 0 or more")) }
            }
            if let c = task.coordination, let person, !c.needs.contains(where: { $0.personKey == person }) {
                local.append(ResultIssue(field: "result.\(path).personKey", code: "unknown_person",
                                         message: "names nobody the coordination referral names"))
            }
            issues += local
            if local.isEmpty, let domain, let measure { measures.append(AgreedMeasure(domain: domain, personKey: person, measure: measure,
                                                                                       program: program, amountFen: amount)) }
        }
        guard let c = task.coordination else {
            issues.append(ResultIssue(field: "result.measures", code: "referral_missing",
                                      message: "the coordination referral of this case has not arrived: its needs are unknown; try again later"))
            return measures
        }
        // Every need of the case is answered, or the special-hardship warning stays open.
        if issues.isEmpty {
            for need in c.needs where !measures.contains(where: { $0.domain == need.domain && ($0.personKey == nil || need.personKey == nil || $0.personKey == need.personKey) }) {
                issues.append(ResultIssue(field: "result.measures", code: "need_unanswered",
                                          message: "no measure for the \(need.domain.rawValue) need of person \(need.personKey ?? "(household)")"))
            }
        }
        return measures
    }

    // MARK: small readers

    static func text(_ o: [String: JSONValue], _ key: String, required: Bool, _ issues: inout [ResultIssue], path: String? = nil) -> String? {
        let field = "result." + (path.map { $0 + "." } ?? "") + key
        guard let v = o[key] else {
            if required { issues.append(ResultIssue(field: field, code: "required", message: "is required")) }
            return nil
        }
        guard let s = v.stringValue else {
            issues.append(ResultIssue(field: field, code: "wrong_type", message: "must be a string, not \(v.kindName)"))
            return nil
        }
        let t = s.caseworkTrimmed
        if t.isEmpty {
            if required { issues.append(ResultIssue(field: field, code: "required", message: "must not be empty")) }
            return nil
        }
        if t.unicodeScalars.count > textMax || TextNormalization.containsControlCharacters(t) {
            issues.append(ResultIssue(field: field, code: "invalid", message: "at most \(textMax) characters, no control characters"))
            return nil
        }
        return t
    }

    static func bool(_ o: [String: JSONValue], _ key: String, _ issues: inout [ResultIssue]) -> Bool? {
        guard let v = o[key] else {
            issues.append(ResultIssue(field: "result.\(key)", code: "required", message: "is required (true or false)"))
            return nil
        }
        guard case .bool(let b) = v else {
            issues.append(ResultIssue(field: "result.\(key)", code: "wrong_type", message: "must be true or false, not \(v.kindName)"))
            return nil
        }
        return b
    }

    static func choice(_ o: [String: JSONValue], _ key: String, _ allowed: [String], _ issues: inout [ResultIssue]) -> String? {
        guard let s = text(o, key, required: true, &issues) else { return nil }
        guard allowed.contains(s) else {
            issues.append(ResultIssue(field: "result.\(key)", code: "unknown_value", message: "must be one of \(allowed.joined(separator: ", "))"))
            return nil
        }
        return s
    }

    static func code<E: RawRepresentable & CaseIterable>(_ o: [String: JSONValue], _ key: String, _ type: E.Type,
                                                        _ issues: inout [ResultIssue], path: String? = nil) -> E? where E.RawValue == String {
        guard let s = text(o, key, required: true, &issues, path: path) else { return nil }
        guard let e = E(rawValue: s) else {
            let field = "result." + (path.map { $0 + "." } ?? "") + key
            issues.append(ResultIssue(field: field, code: "unknown_value",
                                      message: "must be one of \(E.allCases.map(\.rawValue).joined(separator: ", "))"))
            return nil
        }
        return e
    }
}

extension String {
    var caseworkTrimmed: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
