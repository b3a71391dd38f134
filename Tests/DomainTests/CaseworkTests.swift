import Foundation
import XCTest
@testable import DoudiDomain

/// The worklist's state machine, escalation by event time and result validation (pure).
final class CaseworkTests: XCTestCase {
    func day(_ s: String) -> CivilDate { CivilDate(iso: s)! }

    func workTask(_ id: String = "t-hh1-staff_relative_review", kind: TaskKind = .staffRelativeReview, region: String = "110105001",
                  due: String = "2026-11-10", status: TaskStatus? = nil) -> WorkTask {
        WorkTask(taskId: id, householdId: "hh1", regionCode: region, kind: kind, reason: "r", dueBy: due, status: status)
    }

    func issued(_ w: WorkTask, clock: String? = nil) -> CaseworkTask {
        Worklist.issue(w, existing: nil, at: "2026-11-01T09:00:00+08:00", clock: clock.map(day)).task
    }

    // MARK: state machine

    func testATaskStartsWithTheTownshipAndEscalatesToTheCountyTheDayAfterItsDeadline() {
        let t = issued(workTask())
        XCTAssertEqual(t.state, .open)
        XCTAssertEqual(t.level, .township)
        XCTAssertEqual(t.office, "110105001")
        let onTheDay = Worklist.escalateIfOverdue(WorklistChange(task: t), now: day("2026-11-10"))
        XCTAssertTrue(onTheDay.changes.isEmpty, "due on the 10th: not overdue on the 10th")
        let later = Worklist.escalateIfOverdue(WorklistChange(task: t), now: day("2026-11-20"))
        XCTAssertEqual(later.changes, [.escalated])
        XCTAssertEqual(later.task.state, .overdue)
        XCTAssertEqual(later.task.level, .county)
        XCTAssertEqual(later.task.office, "110105")
        XCTAssertEqual(later.task.escalatedFrom, .township)
        XCTAssertEqual(later.task.escalatedOn, "2026-11-11", "dated the first day overdue, whatever moved the clock")
        let again = Worklist.escalateIfOverdue(later, now: day("2026-12-20"))
        XCTAssertEqual(again.changes, [.escalated], "escalated once: nothing is added")
        XCTAssertEqual(again.task, later.task)
    }

    func testAVillageTaskStartsWithItsTownshipAndACaseConferenceWithTheCounty() {
        XCTAssertEqual(issued(workTask(region: "110105001002")).office, "110105001")
        let cc = issued(workTask("t-w-hh1-medical-special_hardship-0-case_conference", kind: .caseConference))
        XCTAssertEqual(cc.level, .county)
        XCTAssertEqual(cc.office, "110105")
        let up = Worklist.escalateIfOverdue(WorklistChange(task: cc), now: day("2026-12-01")).task
        XCTAssertEqual(up.level, .province)
        XCTAssertEqual(up.office, "11")
    }

    func testATaskReadAfterTheClockPassedItsDeadlineIsEscalatedAtOnce() {
        let c = Worklist.issue(workTask(), existing: nil, at: "2026-11-30T09:00:00+08:00", clock: day("2026-11-30"))
        XCTAssertEqual(c.changes, [.escalated])
        XCTAssertEqual(c.task.escalatedOn, "2026-11-11")
    }

    func testCancelledByTheClassifierDoneStaysDoneAndIssuedAgainReopens() throws {
        let t = issued(workTask())
        let cancelled = Worklist.issue(workTask(status: .cancelled), existing: t, at: "2026-11-02T00:00:00+08:00", clock: nil)
        XCTAssertEqual(cancelled.task.state, .cancelled)
        XCTAssertTrue(cancelled.changes.isEmpty, "never published before: the classifier's cancellation says it")
        let reopened = Worklist.issue(workTask(), existing: cancelled.task, at: "2026-11-03T00:00:00+08:00", clock: nil)
        XCTAssertEqual(reopened.task.state, .open)

        var result = TaskResult(); result.decision = "approved"
        let done = try Worklist.complete(t, result: result, feedback: [], on: day("2026-11-05"), by: "w1").task
        let after = Worklist.issue(workTask(status: .cancelled), existing: done, at: "2026-11-06T00:00:00+08:00", clock: nil)
        XCTAssertEqual(after.task.state, .done, "a result fed back stands")
        XCTAssertThrowsError(try Worklist.complete(done, result: result, feedback: [], on: day("2026-11-05"), by: "w1"))
    }

    func testAnEscalatedTaskCancelledIsAnnounced() {
        let up = Worklist.escalateIfOverdue(WorklistChange(task: issued(workTask())), now: day("2026-11-20")).task
        let c = Worklist.issue(workTask(status: .cancelled), existing: up, at: "2026-11-21T00:00:00+08:00", clock: nil)
        XCTAssertEqual(c.changes, [.cancelled])
    }

    func testAssignmentToAnOfficeUnderTheCountyOrAStaffId() throws {
        let t = issued(workTask())
        let village = try Worklist.assign(t, to: Assignee(kind: .office, id: "110105001003"))
        XCTAssertEqual(village.task.state, .assigned)
        XCTAssertEqual(village.task.assignments, 1)
        XCTAssertEqual(village.changes, [.assigned])
        XCTAssertNoThrow(try Worklist.assign(t, to: Assignee(kind: .person, id: "worker-17")))
        XCTAssertThrowsError(try Worklist.assign(t, to: Assignee(kind: .office, id: "120105001"))) { e in
            XCTAssertEqual(e as? WorklistError, .invalidAssignee("assignee.id", "the office must be under the task's county 110105"))
        }
        XCTAssertThrowsError(try Worklist.assign(t, to: Assignee(kind: .office, id: "1101")))
        XCTAssertThrowsError(try Worklist.assign(t, to: Assignee(kind: .person, id: "张三")), "a person is a staff id, never a name")
        let overdue = Worklist.escalateIfOverdue(WorklistChange(task: t), now: day("2026-11-20")).task
        XCTAssertEqual(try Worklist.assign(overdue, to: Assignee(kind: .person, id: "county-1")).task.state, .overdue,
                       "an overdue task stays overdue when assigned")
    }

    func testCompletionAfterTheDeadlineEscalatesFirstAndCompletionByTheDeadlineTakesTheEscalationBack() throws {
        var r = TaskResult(); r.decision = "approved"
        let t = issued(workTask())
        let late = try Worklist.complete(t, result: r, feedback: [], on: day("2026-11-12"), by: "w1")
        XCTAssertEqual(late.changes, [.escalated, .completed])
        XCTAssertEqual(late.task.escalatedOn, "2026-11-11")
        XCTAssertEqual(late.task.state, .done)

        let up = Worklist.escalateIfOverdue(WorklistChange(task: t), now: day("2026-11-20")).task
        let inTime = try Worklist.complete(up, result: r, feedback: [], on: day("2026-11-09"), by: "w1")
        XCTAssertEqual(inTime.changes, [.escalationRetracted, .completed])
        XCTAssertNil(inTime.task.escalatedOn)
        XCTAssertEqual(inTime.task.level, .township)
        XCTAssertEqual(inTime.task.office, "110105001")
    }

    func testTheSameEscalationsWhateverTheOrderOfClockAndCompletion() throws {
        var r = TaskResult(); r.decision = "approved"
        let t = issued(workTask())
        // Clock first, then a completion dated after the deadline; or the completion first.
        let a = try Worklist.complete(Worklist.escalateIfOverdue(WorklistChange(task: t), now: day("2026-11-20")).task,
                                      result: r, feedback: [], on: day("2026-11-15"), by: "w1").task
        let b = try Worklist.complete(t, result: r, feedback: [], on: day("2026-11-15"), by: "w1").task
        XCTAssertEqual(a.escalatedOn, b.escalatedOn)
        XCTAssertEqual(a.level, b.level)
        XCTAssertEqual(a.state, b.state)
    }

    func testACoordinationReferralAndItsClassifierTaskMeetInOneCaseConferenceInEitherOrder() {
        let warning = "w-hh1-medical-special_hardship-0"
        let referral = Referral(referralId: "ref-\(warning)-coordination", warningId: warning, householdId: "hh1", domain: .coordination,
                                regionCode: "110105001", area: .urban, disposal: .specialHardship, level: .orange, category: .dibao,
                                needs: [Need(domain: .medical, personKey: "pk1", reason: "r", clause: "§4.2.1", name: "张三", idNumber: "x")],
                                dueBy: "2026-11-10", sentAt: "2026-11-03", basis: "b1")
        let task = WorkTask(taskId: Worklist.caseConferenceId(warningId: warning), householdId: "hh1", regionCode: "110105001",
                            kind: .caseConference, reason: "special hardship", dueBy: "2026-11-10")
        let t1 = Worklist.coordination(referral, existing: Worklist.issue(task, existing: nil, at: "2026-11-03T00:00:00+08:00", clock: nil).task,
                                       at: "2026-11-03T00:00:00+08:00", clock: nil).task
        let t2 = Worklist.issue(task, existing: Worklist.coordination(referral, existing: nil, at: "2026-11-03T00:00:00+08:00", clock: nil).task,
                                at: "2026-11-03T00:00:00+08:00", clock: nil).task
        XCTAssertEqual(t1, t2)
        XCTAssertEqual(t1.coordination?.needs, [NeedRef(domain: .medical, personKey: "pk1")], "no names kept")
        var withdrawn = referral; withdrawn.status = .withdrawn
        XCTAssertEqual(Worklist.coordination(withdrawn, existing: t1, at: "2026-11-04T00:00:00+08:00", clock: nil).task.state, .cancelled)
    }

    // MARK: results

    func caseConference(needs: [NeedRef]?) -> CaseworkTask {
        var t = issued(workTask("t-w-hh1-medical-special_hardship-0-case_conference", kind: .caseConference))
        if let needs {
            t.coordination = CoordinationCase(referralId: "ref-c", warningId: "w-hh1-medical-special_hardship-0", basis: "b1", revision: nil,
                                              needs: needs, dueBy: "2026-11-10", status: .sent)
        }
        return t
    }

    func read(_ json: String, _ task: CaseworkTask) -> ResultReading {
        TaskResults.read(try! JSONParser.parse(Array(json.utf8)), for: task, completedOn: day("2026-11-05"), completedBy: "county-1")
    }

    func issues(_ r: ResultReading) -> [String] {
        if case .rejected(let i) = r { return i.map { "\($0.field):\($0.code)" } }
        return []
    }

    func testACaseConferenceRecordsItsMeasuresAsOutcomesThatAnswerEveryNeed() {
        let task = caseConference(needs: [NeedRef(domain: .medical, personKey: "pk1")])
        guard case .accepted(let result, let feedback) = read(#"{"measures": [{"domain": "medical", "personKey": "pk1", "measure": "charity fund pays the rest", "amountFen": 500000}]}"#, task) else {
            return XCTFail("accepted expected")
        }
        XCTAssertEqual(result.measures?.first?.program, TaskResults.conferenceProgram)
        guard case .outcome(let o) = feedback.first else { return XCTFail("an outcome") }
        XCTAssertEqual(o.status, .granted)
        XCTAssertEqual(o.domain, .medical)
        XCTAssertEqual(o.referralId, "ref-c", "the coordination referral is decided")
        XCTAssertEqual(o.warningId, "w-hh1-medical-special_hardship-0")
        XCTAssertEqual(o.basis, "b1")
        XCTAssertEqual(o.personKey, "pk1")
        XCTAssertEqual(o.amountFen, 500000)
        XCTAssertEqual(o.outcomeId, "out-\(task.taskId)-1")
    }

    func testACaseConferenceMustAnswerEveryNeedAndNameOnlyItsPeople() {
        let task = caseConference(needs: [NeedRef(domain: .medical, personKey: "pk1"), NeedRef(domain: .housing, personKey: nil)])
        XCTAssertEqual(issues(read(#"{"measures": [{"domain": "medical", "personKey": "pk1", "measure": "m"}]}"#, task)),
                       ["result.measures:need_unanswered"])
        XCTAssertEqual(issues(read(#"{"measures": [{"domain": "medical", "personKey": "pk9", "measure": "m"}]}"#, task)),
                       ["result.measures[0].personKey:unknown_person"])
        XCTAssertEqual(issues(read(#"{"measures": [{"domain": "food", "measure": "m", "amountFen": -1}]}"#, task)),
                       ["result.measures[0].domain:unknown_value", "result.measures[0].amountFen:invalid"])
        XCTAssertEqual(issues(read(#"{"measures": []}"#, task)), ["result.measures:empty"])
        XCTAssertEqual(issues(read(#"{"measures": [{"domain": "medical", "measure": "m"}]}"#, caseConference(needs: nil))),
                       ["result.measures:referral_missing"])
    }

    func testAnExitConfirmedClosesTheProgrammeOfTheWarningsDomain() {
        let task = issued(workTask("t-w-hh1-medical-no_longer_eligible-0-verify_exit", kind: .verifyExit))
        guard case .accepted(_, let feedback) = read(#"{"decision": "confirm", "program": "medical_assistance", "personKey": "pk1"}"#, task),
              case .outcome(let o) = feedback.first else { return XCTFail("a closed outcome") }
        XCTAssertEqual(o.status, .closed)
        XCTAssertEqual(o.domain, .medical, "the domain comes from the exit warning")
        XCTAssertEqual(o.warningId, "w-hh1-medical-no_longer_eligible-0")
        XCTAssertEqual(o.program, "medical_assistance")
        XCTAssertEqual(issues(read(#"{"decision": "cancel"}"#, task)), ["result.form:required"], "a cancelled exit brings the facts found")
        XCTAssertEqual(issues(read(#"{"decision": "maybe"}"#, task)), ["result.decision:unknown_value"])
    }

    func testAStaffRelativeReviewRecordsItsDecisionAndARejectionItsReason() {
        let task = issued(workTask())
        guard case .accepted(let r, let feedback) = read(#"{"decision": "approved"}"#, task) else { return XCTFail() }
        XCTAssertEqual(r.decision, "approved")
        XCTAssertEqual(r.reviewer, "county-1")
        XCTAssertTrue(feedback.isEmpty)
        XCTAssertEqual(issues(read(#"{"decision": "rejected"}"#, task)), ["result.note:required"])
        XCTAssertEqual(issues(read(#"{"decision": "approved", "score": 3}"#, task)), ["result.score:unknown_field"])
        XCTAssertEqual(issues(TaskResults.read(nil, for: task, completedOn: day("2026-11-05"), completedBy: "w")), ["result:required"])
    }

    // MARK: a visit's form

    static func idNumber(_ county: String, born: String, seq: Int) -> String {
        let body = county + born + String(format: "%03d", seq)
        return body + String(IdentityNumber.checkCharacter(for: body.compactMap(\.wholeNumberValue))!)
    }

    static func form(verificationAuthorized: Bool = true) -> String {
        let id = idNumber("110105", born: "19700101", seq: 13)
        let s = Submission(submissionId: "ignored", channel: .homeVisit, regionCode: "110105001", area: .urban,
                           applicant: Applicant(name: "测试病", idNumber: id, phone: "13900000000"), requestsAssistance: true,
                           members: [Member(relation: .self, name: "测试病", idNumber: id, health: .seriousIllness, occupation: .unemployed,
                                            laborAbility: LaborAbility.none)],
                           income: Income(wagesFen: 0), assets: Assets(houses: [House(areaM2: 40)]), declarationSigned: true,
                           verificationAuthorized: verificationAuthorized, collectedAt: "2026-11-05T10:00:00+08:00", collectedBy: "worker-1")
        return String(decoding: try! JSONEncoder().encode(s), as: UTF8.self)
    }

    func testAHomeVisitsFormBecomesAVerifiedHomeVisitSubmissionWithAnIdFromTheTask() {
        let task = issued(workTask("t-hh1-home_visit-claim-s2", kind: .homeVisit))
        guard case .accepted(let result, let feedback) = TaskResults.read(
            try! JSONParser.parse(Array(#"{"form": \#(Self.form())}"#.utf8)), for: task, completedOn: day("2026-11-05"),
            completedBy: "worker-1", personKey: { "pk-" + $0.suffix(4) }) else { return XCTFail("accepted expected") }
        XCTAssertEqual(result.submissionId, "cw-t-hh1-home_visit-claim-s2")
        guard case .submission(let id, let document, let key) = feedback.first else { return XCTFail("a submission") }
        XCTAssertEqual(id, "cw-t-hh1-home_visit-claim-s2")
        XCTAssertEqual(document.objectValue?["channel"], .string("home_visit"))
        XCTAssertEqual(document.objectValue?["submissionId"], .string(id))
        XCTAssertEqual(key?.hasPrefix("pk-"), true, "keyed by the applicant's person key, as intake keys it")
    }

    func testAFormWithErrorsIsRefusedWithIntakesFieldsUnderResultForm() {
        let task = issued(workTask("t-hh1-home_visit-claim-s2", kind: .homeVisit))
        var broken = Self.form()
        broken = broken.replacingOccurrences(of: "\"regionCode\":\"110105001\"", with: "\"regionCode\":\"99\"")
        let found = issues(read(#"{"form": \#(broken)}"#, task))
        XCTAssertTrue(found.contains { $0.hasPrefix("result.form.regionCode:") }, "\(found)")
        XCTAssertEqual(issues(read(#"{"form": {"channel": "self_declared"}}"#, task)), ["result.form.channel:must_be_home_visit"])
        XCTAssertEqual(issues(read(#"{"note": "nobody home"}"#, task)), ["result.form:required"])
    }

    func testAnAuthorisationObtainedIsTheSignedForm() {
        let task = issued(workTask("t-hh1-request_authorization-1", kind: .requestAuthorization))
        guard case .accepted(let r, let feedback) = read(#"{"obtained": true, "form": \#(Self.form())}"#, task) else { return XCTFail() }
        XCTAssertEqual(r.obtained, true)
        XCTAssertEqual(feedback.count, 1)
        XCTAssertEqual(issues(read(#"{"obtained": true, "form": \#(Self.form(verificationAuthorized: false))}"#, task)),
                       ["result.form.verificationAuthorized:must_be_true"])
        guard case .accepted(_, let none) = read(#"{"obtained": false, "note": "refused"}"#, task) else { return XCTFail() }
        XCTAssertTrue(none.isEmpty)
    }

    func testLongTaskIdsGiveAValidSubmissionId() {
        let long = issued(workTask("t-" + String(repeating: "x", count: 200), kind: .homeVisit))
        let id = TaskResults.submissionId(for: long)
        XCTAssertLessThanOrEqual(id.utf8.count, IntakeLimits.idLengthMax)
        XCTAssertEqual(id, TaskResults.submissionId(for: long), "deterministic")
    }
}
