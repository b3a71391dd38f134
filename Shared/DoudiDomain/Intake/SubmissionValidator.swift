// Validation and normalisation of `intake.submission.v1` (the annex's 信息采集表).

/// The three ways a submission leaves intake.
public enum SubmissionValidation: Sendable, Equatable {
    /// Normalised, with person keys, birth dates, ages, genders and `authorizationRequired`
    /// derived; `acceptedAt` is left for the caller.
    case accepted(Submission)
    /// A JSON object with field errors, all of them, in document order: `intake.rejected.v1`.
    case rejected(Rejection)
    /// Not a JSON object at all (or beyond the parser's limits): dead-letter it.
    case undecodable(reason: String)
}

public struct SubmissionValidator: Sendable {
    public var limits: JSONLimits
    /// Region codes are checked against it (docs/regions.md).
    public var regions: RegionDirectory

    public init(limits: JSONLimits = .standard, regions: RegionDirectory = .standard) {
        self.limits = limits; self.regions = regions
    }

    /// - Parameters:
    ///   - bytes: the raw event value.
    ///   - asOf: today, for birth dates and dates in the future.
    ///   - fallbackSubmissionId: used when the producer sent no (valid) `submissionId`.
    ///   - personKey: the HMAC of a normalised identity number; called only on acceptance.
    public func validate(_ bytes: [UInt8], asOf: CivilDate, fallbackSubmissionId: String,
                         personKey: (String) -> String) -> SubmissionValidation {
        do {
            let document = try JSONParser.parse(bytes, limits: limits)
            return validate(document: document, asOf: asOf, fallbackSubmissionId: fallbackSubmissionId, personKey: personKey)
        } catch {
            return .undecodable(reason: error.reason)
        }
    }

    /// The same on an already parsed document (bulk import builds one from a CSV row).
    public func validate(document: JSONValue, asOf: CivilDate, fallbackSubmissionId: String,
                         personKey: (String) -> String) -> SubmissionValidation {
        guard case .object(let fields) = document else {
            return .undecodable(reason: "not a JSON object but \(document.kindName == "array" ? "an" : "a") \(document.kindName)")
        }
        let log = IssueLog(regions: regions)
        let root = ObjectReader(fields: fields, path: "", log: log)
        let reader = SubmissionReader(asOf: asOf)
        let form = reader.read(root)
        if log.isEmpty, var submission = form.assemble(submissionId: form.submissionId ?? fallbackSubmissionId, personKey: personKey) {
            submission.warnings = log.warnings.isEmpty ? nil : log.warnings
            return .accepted(submission)
        }
        return .rejected(Rejection(submissionId: form.submissionId ?? fallbackSubmissionId, channel: form.channel?.rawValue,
                                   regionCode: form.region?.value, errors: log.errors))
    }
}

/// Everything read from one submission; a field is nil when it was absent or invalid.
struct SubmissionForm {
    var submissionId: String?
    var channel: Channel?
    var region: RegionCode?
    var area: Area?
    var registeredAddress: String?
    var residenceAddress: String?
    var applicant: ApplicantEntry?
    var hardshipReasons: [String] = []
    var requestsAssistance = false
    var relativeOfStaff = false
    var members: [MemberEntry]?
    var supporters: [SupporterEntry] = []
    var income: Income?
    var expenses: Expenses?
    var assets: Assets?
    var declarationSigned = false
    var verificationAuthorized = false
    var formerRegisteredPoor: Bool?
    var collectedAt: String?
    var collectedBy: String?

    /// The accepted submission; nil when a required part is missing (errors were then reported).
    func assemble(submissionId: String, personKey: (String) -> String) -> Submission? {
        guard let channel, let region, let area, let applicant = applicant?.applicant(personKey: personKey),
              let members = members?.map({ $0.member(personKey: personKey) }), let collectedAt,
              let income, let expenses, let assets else { return nil }
        let complete = members.compactMap { $0 }
        let supporters = self.supporters.compactMap { $0.supporter(personKey: personKey) }
        guard complete.count == members.count, supporters.count == self.supporters.count else { return nil }
        return Submission(
            submissionId: submissionId, channel: channel, regionCode: region.value, area: area,
            registeredAddress: registeredAddress, residenceAddress: residenceAddress, applicant: applicant,
            hardshipReasons: hardshipReasons, requestsAssistance: requestsAssistance, relativeOfStaff: relativeOfStaff,
            members: complete, supporters: supporters, income: income, expenses: expenses, assets: assets,
            declarationSigned: declarationSigned, verificationAuthorized: verificationAuthorized,
            formerRegisteredPoor: formerRegisteredPoor, collectedAt: collectedAt, collectedBy: collectedBy,
            authorizationRequired: requestsAssistance && !verificationAuthorized)
    }
}
