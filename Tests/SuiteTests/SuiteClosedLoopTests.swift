import DoudiDomain
import Envelope
import Foundation
import Kafka
import TestSupport
import XCTest

/// The closed loop through the real broker with every service involved running as in
/// production: a submission becomes a household, a warning, referrals, a department's decision,
/// and the warning resolves; a denial with the hardship remaining becomes special hardship.
final class SuiteClosedLoopTests: XCTestCase {
    func idNumber(_ county: String, born: String, seq: Int) -> String {
        let body = county + born + String(format: "%03d", seq)
        return body + String(IdentityNumber.checkCharacter(for: body.compactMap(\.wholeNumberValue))!)
    }

    func submission(_ id: String, members: [Member], wagesFen: Int64, medicalFen: Int64 = 0) -> Submission {
        Submission(submissionId: id, channel: .homeVisit, regionCode: "110105001", area: .urban,
                   applicant: Applicant(name: members[0].name, idNumber: members[0].idNumber, phone: "13900000000"),
                   requestsAssistance: true, members: members, income: Income(wagesFen: wagesFen),
                   expenses: Expenses(medicalFen: medicalFen), assets: Assets(houses: [House(areaM2: 40)]),
                   declarationSigned: true, verificationAuthorized: true, collectedAt: "2026-11-02T09:00:00+08:00", collectedBy: "worker-1")
    }

    func testStudentIsReferredEducationGrantsAndTheWarningResolves_DenialBecomesSpecialHardship() async throws {
        let ns = try await TestBroker.freshNamespace()
        let data = temporaryDirectory("loop")
        var services: [ServiceProcess] = []
        defer { services.forEach { $0.terminate() } }
        for exe in ["doudi-intake", "doudi-matcher", "doudi-classifier", "doudi-router", "doudi-education"] {
            services.append(try ServiceProcess(exe, environment: ["DOUDI_TOPIC_NAMESPACE": ns, "DOUDI_DATA_DIR": data,
                                                                  "DOUDI_GROUP_ID": ns + exe], logName: ns + exe))
        }
        var logs: String { services.map { "== \($0.process.executableURL!.lastPathComponent)\n\($0.log.suffix(1500))" }.joined(separator: "\n") }

        // S: a low-income mother and her 16-year-old in school. D: a seriously ill man living alone.
        var mother = Member(relation: .self, name: "测试母", idNumber: idNumber("110105", born: "19860304", seq: 22), occupation: .employed)
        mother.laborAbility = .full
        let child = Member(relation: .child, name: "测试子", idNumber: idNumber("110105", born: "20100506", seq: 31), occupation: .student,
                           laborAbility: .none)
        let ill = Member(relation: .self, name: "测试病", idNumber: idNumber("110105", born: "19700101", seq: 13), health: .seriousIllness,
                         occupation: .unemployed, laborAbility: .none)
        let forms = [submission("loop-S", members: [mother, child], wagesFen: 720_000),
                     submission("loop-D", members: [ill], wagesFen: 0, medicalFen: 3_000_000)]
        let keyer = PersonKeyer(secret: "doudi-development-secret-change-me")
        try await TestBroker.produce(try forms.map { f in
            try CloudEvent.make(id: f.submissionId, source: "/tests", type: "intake.submission.v1", time: "2026-11-02T09:00:00+08:00",
                                subject: nil, key: keyer.key(for: f.applicant.idNumber), causationID: nil, payload: f)
        }, to: ns + "intake.submissions")

        // The households appear in the registry.
        let registry = try await TestBroker.read(ns + "registry.households", timeout: .seconds(90)) { ms in
            let sources = ms.compactMap { try? JSONDecoder().decode(HouseholdProfile.self, from: Data($0.value)) }.flatMap(\.sourceSubmissions)
            return sources.contains("loop-S") && sources.contains("loop-D")
        }
        let profiles = try registry.map { try JSONDecoder().decode(HouseholdProfile.self, from: Data($0.value)) }
        let hhS = try XCTUnwrap(profiles.first { $0.sourceSubmissions.contains("loop-S") }?.householdId, logs)
        let hhD = try XCTUnwrap(profiles.first { $0.sourceSubmissions.contains("loop-D") }?.householdId, logs)

        // S is referred to education; the education handler grants; the education warning resolves.
        let education = try await TestBroker.read(ns + "referrals.education", timeout: .seconds(60)) { ms in
            ms.contains { $0.header("ce_subject") == hhS }
        }
        let referral = try JSONDecoder().decode(Referral.self, from: Data(try XCTUnwrap(education.first { $0.header("ce_subject") == hhS }, logs).value))
        XCTAssertEqual(referral.needs.map(\.name), ["测试子"], "only the student travels to education")
        XCTAssertNil(referral.needs.first { $0.idNumber == mother.idNumber }, "no other member's identity number")
        let outcomes = try await TestBroker.read(ns + "assistance.outcomes", timeout: .seconds(60)) { ms in
            ms.contains { (try? JSONDecoder().decode(Outcome.self, from: Data($0.value)))?.status == .granted }
        }
        XCTAssertTrue(outcomes.contains { (try? JSONDecoder().decode(Outcome.self, from: Data($0.value)))?.referralId == referral.referralId }, logs)
        let resolved = try await TestBroker.read(ns + "monitoring.warnings", timeout: .seconds(60)) { ms in
            ms.contains { m in
                guard let w = try? JSONDecoder().decode(Warning.self, from: Data(m.value)) else { return false }
                return w.householdId == hhS && w.status == .resolved && w.needs.contains { $0.domain == .education }
            }
        }
        XCTAssertFalse(resolved.isEmpty, logs)

        // D: this test plays every department D is referred to, and denies; the hardship remains.
        let referralsD = try await readReferrals(ns, household: hhD)
        XCTAssertFalse(referralsD.isEmpty, logs)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(TestBroker.kafka))
        for r in referralsD {
            let o = Outcome(outcomeId: "deny-\(r.referralId)", referralId: r.referralId, warningId: r.warningId, householdId: hhD,
                            domain: r.domain, program: "test_department", status: .denied, decidedAt: "2026-11-04T10:00:00+08:00",
                            reason: "not within this department's policy")
            let e = try CloudEvent.make(id: o.outcomeId, source: "/tests/department", type: "assistance.outcome.v1",
                                        time: "2026-11-04T10:00:00+08:00", subject: hhD, key: hhD, causationID: nil, payload: o)
            try await producer.send(OutgoingMessage(topic: ns + "assistance.outcomes", key: Array(hhD.utf8), value: e.data,
                                                    headers: e.headers.map { KafkaHeader($0.0, $0.1) }))
        }
        let hardship = try await TestBroker.read(ns + "monitoring.warnings", timeout: .seconds(60)) { ms in
            ms.contains { ((try? JSONDecoder().decode(Warning.self, from: Data($0.value))).map { $0.householdId == hhD && $0.disposal == .specialHardship }) ?? false }
        }
        XCTAssertTrue(hardship.contains { ((try? JSONDecoder().decode(Warning.self, from: Data($0.value))).map { $0.householdId == hhD && $0.disposal == .specialHardship }) ?? false }, logs)
        let coordination = try await TestBroker.read(ns + "referrals.coordination", timeout: .seconds(60)) { ms in ms.contains { $0.header("ce_subject") == hhD } }
        XCTAssertTrue(coordination.contains { $0.header("ce_subject") == hhD }, "the county coordination mechanism gets the case\n\(logs)")
        let tasks = try await TestBroker.read(ns + "work.tasks", timeout: .seconds(30)) { ms in
            ms.contains { ((try? JSONDecoder().decode(WorkTask.self, from: Data($0.value))).map { $0.householdId == hhD && $0.kind == .caseConference }) ?? false }
        }
        XCTAssertTrue(tasks.contains { ((try? JSONDecoder().decode(WorkTask.self, from: Data($0.value))).map { $0.householdId == hhD && $0.kind == .caseConference }) ?? false }, logs)
    }

    /// Every referral sent for a household, once the referral topics have been quiet a moment.
    func readReferrals(_ ns: String, household: String) async throws -> [Referral] {
        let topics = Topics.referralDomains.filter { $0 != "coordination" }.map { ns + "referrals.\($0)" }
        return try await TestBroker.readSettled(topics: topics, minimum: 1, quiet: .seconds(4), timeout: .seconds(60))
            .filter { $0.header("ce_subject") == household }
            .compactMap { try? JSONDecoder().decode(Referral.self, from: Data($0.value)) }
            .filter { $0.status == .sent }
    }
}
