// Every payload of the event contract with a fully populated sample (every optional field set),
// from which docs/schemas is generated and against which the AsyncAPI document is checked.

public struct PayloadEntry: @unchecked Sendable {
    public let type: EventType
    public let sample: Any
    public var ceType: String { type.rawValue }
    /// Topic names without namespace (every referral topic for `referral.v1`).
    public var topics: [String] { type.topics.map(\.name) }
}

public enum PayloadCatalogue {
    static let member = Member(relation: .self, name: "张三", idNumber: "11010519491231002X", maritalStatus: .married,
                               health: .disabled, disabilityGrade: 2, disabilityKind: "physical", occupation: .unemployed,
                               laborAbility: .partial, monthlyIncomeFen: 15_000,
                               exemptIncome: [ExemptIncome(kind: .residentsBasicPension, monthlyFen: 15_000)], statedAge: 76, personKey: "pk", birthDate: "1949-12-31",
                               age: 76, gender: .female)
    static let supporter = Supporter(relation: "child", name: "张四", idNumber: "110105197501010011", health: .healthy,
                                     occupation: .employed, annualSupportFen: 120_000, personKey: "pk2")
    static let assets = Assets(depositsFen: 1, securitiesFen: 1, fundsFen: 1, commercialInsuranceFen: 1, claimsFen: 1,
                               business: [Business(name: "shop", registeredCapitalFen: 1, annualRevenueFen: 1)],
                               houses: [House(address: "a", areaM2: 50.5, nature: "commercial", source: "purchase", acquiredOn: "2001-01-01", safety: "safe")],
                               vehicles: [Vehicle(owner: "self", kind: "car", plate: "京A00000", purchasedOn: "2020-01-01", priceFen: 1)],
                               otherFen: 1)
    static let submission = { () -> Submission in
        var s = submissionWithoutWarnings
        s.warnings = [FieldError(field: "regionCode", code: "retired_region", message: "区划代码中的县级区划已撤销", messageEn: "retired")]
        return s
    }()
    static let submissionWithoutWarnings = Submission(
        submissionId: "s-1", channel: .homeVisit, regionCode: "110105001", area: .urban, registeredAddress: "a", residenceAddress: "b",
        applicant: Applicant(name: "张三", gender: .female, idNumber: "11010519491231002X", phone: "13900000000", personKey: "pk"),
        hardshipReasons: ["illness"], requestsAssistance: true, relativeOfStaff: false, members: [member], supporters: [supporter],
        income: Income(wagesFen: 1, businessFen: 1, propertyFen: 1, transferFen: 1, otherFen: 1),
        expenses: Expenses(livingFen: 1, socialInsuranceFen: 1, employmentCostFen: 1, medicalFen: 1, disabilityFen: 1, otherFen: 1),
        assets: assets, declarationSigned: true, verificationAuthorized: true, formerRegisteredPoor: true,
        collectedAt: "2026-11-01T09:00:00+08:00",
        collectedBy: "worker-1", authorizationRequired: false, acceptedAt: "2026-11-01T09:00:01Z")
    static let signal = Signal(signalId: "sig-r-1", kind: .largeMedicalExpense, householdId: "hh-1", personKey: "pk", regionCode: "110105001",
                               department: .medicalInsurance, recordKind: .medicalExpense, recordId: "r-1", occurredOn: "2026-11-02",
                               amountFen: 1, attributes: ["k": "v"], retracted: false)
    static let need = Need(domain: .education, personKey: "pk", reason: "student", clause: "§4.2.2", name: "张三",
                           idNumber: "11010519491231002X", facts: ["schoolStage": "senior_secondary"])

    public static let entries: [PayloadEntry] = [
        PayloadEntry(type: .intakeSubmission, sample: submission),
        PayloadEntry(type: .intakeAccepted, sample: submission),
        PayloadEntry(type: .intakeRejected,
                     sample: Rejection(submissionId: "s-1", channel: "home_visit", regionCode: "110105001",
                                       errors: [FieldError(field: "members[0].idNumber", code: "id_check_digit", message: "校验码错误", messageEn: "wrong check digit")],
                                       rejectedAt: "2026-11-01T09:00:01Z")),
        PayloadEntry(type: .deptRecord,
                     sample: DeptRecord(recordId: "r-1", department: .medicalInsurance, kind: .medicalExpense, idNumber: "11010519491231002X",
                                        name: "张三", regionCode: "110105001", occurredOn: "2026-11-02", amountFen: 1, attributes: ["k": "v"])),
        PayloadEntry(type: .registryHousehold,
                     sample: HouseholdProfile(householdId: "hh-1", version: 1, regionCode: "110105001", area: .urban, members: [member],
                                              supporters: [supporter], income: submission.income, expenses: submission.expenses, assets: assets,
                                              channels: [.homeVisit], sourceSubmissions: ["s-1"],
                                              programs: [Program(domain: .basicLiving, program: "dibao", personKey: "pk", amountFen: 1, since: "2026-01-01")],
                                              flags: ["edge_at_risk"], verificationAuthorized: true, relativeOfStaff: false, requestsAssistance: true,
                                              hardshipReasons: ["illness"], conflicts: [Conflict(fieldGroup: "income", kept: "s-2", discarded: "s-1", rule: "latest_collected_at_wins")],
                                              previousPerCapitaMonthlyFen: 1, collectedAt: "2026-11-01T09:00:00+08:00", updatedAt: "2026-11-01T09:00:01Z",
                                              designation: LowIncomeDesignation(designated: true, reason: "r", on: "2026-11-01",
                                                                                by: "county-operator-1", recordId: "desig-hh-1"),
                                              fieldGroupSources: ["income": FieldGroupSource(collectedAt: "2026-11-01T09:00:00+08:00", source: "s-1")],
                                              asOf: "2026-11-01T09:00:00+08:00", departmentFacts: [signal],
                                              unverifiedClaims: [UnverifiedClaim(source: "s-2", channel: .selfDeclared, collectedAt: "2026-11-02T09:00:00+08:00",
                                                                                 fieldGroups: ["income"])])),
        PayloadEntry(type: .monitoringSignal, sample: signal),
        PayloadEntry(type: .monitoringWarning,
                     sample: Warning(warningId: "w-1", householdId: "hh-1", regionCode: "110105001", area: .urban, disposal: .notCovered, level: .orange,
                                     category: .dibao, needs: [need], reasons: [Reason(rule: "dibao.income", clause: "§4.1.1", detail: "d")], status: .open,
                                     openedAt: "2026-11-02", resolvedAt: "2026-11-03", dueBy: "2026-11-09", standardsVersion: "default",
                                     revision: 1, resolvedBy: "ref-1")),
        PayloadEntry(type: .workTask,
                     sample: WorkTask(taskId: "t-1", householdId: "hh-1", personKey: "pk", regionCode: "110105001", kind: .homeVisit, reason: "r",
                                      dueBy: "2026-11-09", status: .open)),
        PayloadEntry(type: .referral,
                     sample: Referral(referralId: "ref-1", warningId: "w-1", householdId: "hh-1", domain: .education, regionCode: "110105001", area: .urban,
                                      disposal: .notCovered, level: .orange, category: .dibao, needs: [need], status: .sent, dueBy: "2026-11-09", sentAt: "2026-11-02",
                                      revision: 1, basis: "9f2c")),
        PayloadEntry(type: .assistanceOutcome,
                     sample: Outcome(outcomeId: "out-1", referralId: "ref-1", warningId: "w-1", householdId: "hh-1", domain: .education, program: "grant",
                                     status: .granted, amountFen: 1, personKey: "pk", decidedAt: "2026-11-03", reason: "r", basis: "9f2c")),
        PayloadEntry(type: .reliefApplication,
                     sample: ReliefApplication(applicationId: "a-1", householdId: "hh-1", applicant: ReliefApplicant(name: "张三", idNumber: "11010519491231002X", phone: "13900000000"),
                                               incidentRegionCode: "110105001", incidentKind: "fire", description: "d", requestedFen: 1, urgent: true,
                                               occurredOn: "2026-11-02", householdSize: 1)),
        PayloadEntry(type: .reliefDisbursement,
                     sample: Disbursement(disbursementId: "disb-1", applicationId: "a-1", caseId: "case-a-1", stage: 1, amountFen: 1,
                                          approvedAt: .township, fundedFrom: "110105001", paidAt: "2026-11-02T10:00:00Z")),
        PayloadEntry(type: .reliefApproval,
                     sample: ReliefApproval(caseId: "case-a-1", approvedFen: 1, approver: "county-officer-1")),
        PayloadEntry(type: .reliefFundReplenished,
                     sample: FundReplenishment(replenishmentId: "top-up-1", township: "110105001", amountFen: 1)),
        PayloadEntry(type: .referralEscalated,
                     sample: escalated),
        PayloadEntry(type: .auditAccess,
                     sample: AccessRecord(accessId: "acc-1", service: "matcher", actor: "township-110105001-li", role: "township",
                                          resource: "household", resourceId: "hh-1", regionCode: "110105001",
                                          purpose: "home visit 2026-11", decision: "granted", accessedAt: "2026-11-02T10:00:00Z")),
        PayloadEntry(type: .caseworkTask, sample: caseworkTask),
        PayloadEntry(type: .basicLivingPayroll,
                     sample: PayrollEntry(payrollId: "pay-ref-1-dibao-2026-11", month: PayrollMonth(year: 2026, month: 11)!, lineId: "ref-1-dibao",
                                          caseId: "ref-1", householdId: "hh-1", personKey: "pk", regionCode: "110105001", countyCode: "110105",
                                          program: "dibao", amountFen: 1, status: .payable, revision: 0, rule: "basic_living.dibao.amount",
                                          clause: "§4.1.1", rulesVersion: "2021-default", standardsVersion: "default", reason: "r")),
        PayloadEntry(type: .clockTick, sample: ClockTick(day: "2026-11-02", partition: 0)),
    ]

    static let caseworkTask: CaseworkTaskEvent = {
        var t = CaseworkTask(taskId: "t-w-hh-1-medical-special_hardship-0-case_conference", householdId: "hh-1", personKey: "pk",
                             regionCode: "110105001", kind: .caseConference, reason: "special hardship", dueBy: "2026-11-09",
                             issuedAt: "2026-11-02T00:00:00+08:00")
        t.assignee = Assignee(kind: .office, id: "110105001")
        t.escalatedOn = "2026-11-10"
        t.escalatedFrom = .township
        t.completedOn = "2026-11-12"
        t.completedBy = "county-7"
        var r = TaskResult()
        r.submissionId = "cw-t-1"; r.obtained = true; r.decision = "confirm"; r.domain = .medical; r.program = "medical_assistance"
        r.personKey = "pk"; r.reviewer = "county-7"; r.note = "agreed"
        r.measures = [AgreedMeasure(domain: .medical, personKey: "pk", measure: "charity fund covers the remaining cost",
                                    program: "case_conference_measure", amountFen: 1)]
        t.result = r
        t.feedback = ["out-t-1-1"]
        t.state = .done
        t.sequence = 3
        return CaseworkTaskEvent(t, change: .completed)
    }()

    static let escalated: ReferralEscalated = {
        let referral = Referral(referralId: "ref-1", warningId: "w-1", householdId: "hh-1", domain: .education, regionCode: "110105001",
                                area: .urban, disposal: .notCovered, level: .orange, category: .dibao, needs: [need], status: .sent,
                                dueBy: "2026-11-09", sentAt: "2026-11-02")
        return ReferralEscalated(Escalation(escalationId: "esc-ref-1", referral: referral, daysOverdue: 1, retracted: true),
                                 escalatedAt: "2026-11-10T00:00:00Z")
    }()
}
