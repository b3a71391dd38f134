// Reads a submission's fields in document order, then checks the rules that span fields.

struct SubmissionReader {
    let asOf: CivilDate

    func read(_ root: ObjectReader) -> SubmissionForm {
        var form = SubmissionForm()
        form.submissionId = root.externalId("submissionId", required: false)
        form.channel = root.code("channel", as: Channel.self, required: true)
        form.region = root.region("regionCode", required: true)
        form.area = root.code("area", as: Area.self, required: true)
        form.registeredAddress = root.text("registeredAddress", required: false, maxLength: IntakeLimits.addressLengthMax)
        form.residenceAddress = root.text("residenceAddress", required: false, maxLength: IntakeLimits.addressLengthMax)
        // Ages are taken on the day of collection; the as-of date stands in when it is unusable.
        let collected = root.timestamp("collectedAt", required: true, asOf: asOf)
        form.collectedAt = collected?.text
        let collectedOn = collected?.date ?? asOf

        let policy = ChannelPolicy.of(form.channel)
        form.applicant = root.object("applicant", required: true).map {
            readApplicant($0, phoneRequired: policy.requiresApplicantPhone)
        }
        form.hardshipReasons = root.codes("hardshipReasons", as: HardshipReason.self, maxCount: IntakeLimits.hardshipReasonsMax) ?? []
        form.requestsAssistance = root.bool("requestsAssistance", required: false) ?? false
        form.relativeOfStaff = root.bool("relativeOfStaff", required: false) ?? false

        form.members = root.objects("members", required: true, count: IntakeLimits.memberCount)?.map {
            readMember($0, collectedOn: collectedOn)
        }
        form.supporters = root.objects("supporters", required: false, count: 0...IntakeLimits.supportersMax)?.map {
            readSupporter($0)
        } ?? []
        // The income block is required (an empty block declares no income, as on the paper form).
        form.income = root.object("income", required: true).map(readIncome)
        form.expenses = readExpenses(root.object("expenses", required: false))
        form.assets = readAssets(root.object("assets", required: false))

        let declaration = root.bool("declarationSigned", required: false)
        form.declarationSigned = declaration ?? false
        form.verificationAuthorized = root.bool("verificationAuthorized", required: false) ?? false
        form.formerRegisteredPoor = root.bool("formerRegisteredPoor", required: false)
        form.collectedBy = root.text("collectedBy", required: policy.requiresCollector, maxLength: IntakeLimits.shortTextLengthMax)
        // Absent, null or false; a value of the wrong type was reported as such already.
        if policy.requiresDeclaration, declaration == false || root.value("declarationSigned", required: false) == nil {
            root.report(.declarationRequired, at: "declarationSigned")
        }

        HouseholdConsistency(log: root.log).check(applicant: form.applicant, members: form.members ?? [], supporters: form.supporters)
        return form
    }
}
