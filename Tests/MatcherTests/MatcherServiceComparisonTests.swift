import DoudiDomain
import Envelope
import Foundation
import TestSupport
import XCTest

/// Department records, outcomes and the read API through the running matcher.
final class MatcherServiceComparisonTests: XCTestCase {
    typealias H = MatcherHarness

    /// Member i's record of `kind`, dated after the household's collection.
    static func record(_ id: String, _ kind: DeptRecordKind, _ department: Department, person i: Int, name: String? = nil,
                       amountFen: Int64? = nil, attributes: [String: String] = [:]) -> DeptRecord {
        DeptRecord(recordId: id, department: department, kind: kind, idNumber: H.idNumber(i), name: name ?? H.name(i),
                   regionCode: "140105001", occurredOn: "2024-06-01", amountFen: amountFen, attributes: attributes)
    }

    static let records: [(DeptRecord, SignalKind?)] = [
        (record("r11", .medicalExpense, .medicalInsurance, person: 11, amountFen: 1_500_000), .largeMedicalExpense),
        (record("r12", .seriousIllnessDiagnosis, .health, person: 12), .seriousIllness),
        (record("r13", .disabilityCertificate, .disabledPersonsFederation, person: 13, attributes: ["grade": "3"]), .disability),
        (record("r14", .unemploymentRegistration, .humanResources, person: 14), .unemployment),
        (record("r15", .employmentRegistration, .humanResources, person: 15), .employment),
        (record("r16", .studentEnrollment, .education, person: 16), .schoolEnrollment),
        (record("r17", .housingStatus, .housing, person: 17, attributes: ["status": "unsafe"]), .housingHardship),
        (record("r18", .disasterVictim, .emergencyManagement, person: 18), .disaster),
        (record("r19", .death, .publicSecurity, person: 19), .death),
        (record("r20", .vehicleRegistration, .publicSecurity, person: 20, amountFen: 8_000_000,
                attributes: ["plate": "晋A12345", "kind": "car"]), .vehicleRegistration),
        (record("r21", .propertyRegistration, .naturalResources, person: 21, attributes: ["address": "太原市某路1号", "areaM2": "90"]),
         .propertyRegistration),
        (record("r22", .businessRegistration, .civilAffairs, person: 22, amountFen: 5_000_000, attributes: ["businessName": "某商店"]),
         .businessRegistration),
        (record("r23", .monitoredHousehold, .ruralRevitalization, person: 23, attributes: ["status": "edge_at_risk"]),
         .monitoredByRuralRevitalization),
        (record("r24", .unionHardship, .tradeUnion, person: 24), .unionHardship),
        (record("r26", .medicalExpense, .medicalInsurance, person: 11, amountFen: 30_000), .medicalExpense),
        (record("r27", .suddenEvent, .emergencyManagement, person: 10, amountFen: 200_000, attributes: ["incidentKind": "fire"]),
         .suddenEvent),
        (record("r28", .lowIncomeDesignation, .civilAffairs, person: 10, attributes: ["designated": "true", "reason": "county decision"]),
         .lowIncomeDesignation),
        (record("r29", .uncoveredHardship, .civilAffairs, person: 10, attributes: ["hardship": "no policy covers it"]),
         .uncoveredHardship),
        (record("r50", .unionHardship, .tradeUnion, person: 50), .unregisteredCandidate),
        (record("r51", .medicalExpense, .medicalInsurance, person: 51, amountFen: 30_000), nil),
        (record("r25", .medicalExpense, .medicalInsurance, person: 25, name: "别人名字", amountFen: 1_500_000), nil),
    ]

    /// Outcomes of one batch make one version per household (a referral's grants for several people
    /// and programmes arrive together, published once at the end of the batch); versions still count
    /// up by one and arrive in order.
    func testOutcomesOfABatchMakeOneVersionInOrder() async throws {
        let h = try await MatcherHarness.make("batch")
        var service = try h.start()
        defer { service.terminate() }
        let hh = H.householdId(70)
        _ = try await h.produceAccepted(H.submission("b1", applicant: 70, members: [70, 71, 72], collectedAt: "2024-03-01T10:00:00+08:00"))
        _ = try await h.households { $0.contains { $0.householdId == hh } }
        service.terminate()  // what follows waits on the broker and is read in one batch at the restart
        func grant(_ n: Int, person: Int) -> Outcome {
            Outcome(outcomeId: "g\(n)", householdId: hh, domain: .employment, program: "measure-\(n)", status: .granted,
                    personKey: H.key(person), decidedAt: "2024-06-20T09:00:00+08:00", reason: "granted")
        }
        for n in 1...3 { _ = try await h.produceOutcome(grant(n, person: 70 + n % 3)) }
        _ = try await h.produceAccepted(H.submission("b2", applicant: 70, members: [70, 71, 72], collectedAt: "2024-06-21T10:00:00+08:00",
                                                     wagesFen: 300_000))
        for n in 4...5 { _ = try await h.produceOutcome(grant(n, person: 70 + n % 3)) }
        service = try h.start()
        let applied = try await eventually(timeout: .seconds(90)) { try h.appliedCount() == 7 }
        XCTAssertTrue(applied, service.log)
        let profiles = try await h.households { ps in ps.contains { $0.programs.count == 5 && $0.income.wagesFen == 300_000 } }
            .filter { $0.householdId == hh }
        XCTAssertEqual(profiles.map(\.version), Array(1...profiles.count), "in order, without gaps")
        XCTAssertLessThanOrEqual(profiles.count, 4, "five grants and a submission: at most one version for each run of grants")
        XCTAssertEqual(profiles.last?.programs.count, 5)
        XCTAssertEqual(try h.scalar("SELECT count(*) FROM household_programs WHERE dirty = 1"), 0, "nothing pending after a batch")
    }

    func testEverySignalDeathCandidatesDeadLettersOutcomesAndAPI() async throws {
        let h = try await MatcherHarness.make("compare")
        let service = try h.start()
        defer { service.terminate() }
        let hh = H.householdId(10)
        // The household authorised verification: registrations of property may be applied (§4).
        var form = H.submission("c1", applicant: 10, members: Array(10...25), collectedAt: "2024-03-01T10:00:00+08:00")
        form.verificationAuthorized = true
        _ = try await h.produceAccepted(form)
        // The records compare against a registered household: they go on another topic, which the
        // matcher may read first, and a record read before its person is registered names an
        // unregistered candidate (taken back once the household arrives, but counted here).
        _ = try await h.households { $0.contains { $0.householdId == hh } }
        for (record, _) in Self.records { _ = try await h.produceRecord(record) }
        // A wrong check digit: dead-lettered with the validator's reason, which never holds the number.
        var bad = Self.record("bad", .medicalExpense, .medicalInsurance, person: 60, amountFen: 1)
        bad.idNumber = String(bad.idNumber.dropLast()) + (bad.idNumber.hasSuffix("1") ? "2" : "1")
        let badEvent = try await h.produceRecord(bad)
        _ = try await h.produceOutcome(Outcome(outcomeId: "o1", householdId: hh, domain: .medical, program: "medical_assistance",
                                               status: .granted, amountFen: 100_000, personKey: H.key(11),
                                               decidedAt: "2024-06-20T09:00:00+08:00", reason: "granted"))
        _ = try await h.produceOutcome(Outcome(outcomeId: "o2", householdId: hh, domain: .education, program: "school_grant",
                                               status: .granted, amountFen: 50_000, personKey: H.key(16),
                                               decidedAt: "2024-06-21T09:00:00+08:00", reason: "granted"))
        _ = try await h.produceOutcome(Outcome(outcomeId: "o3", householdId: hh, domain: .medical, program: "medical_assistance",
                                               status: .closed, personKey: H.key(11),
                                               decidedAt: "2024-06-25T09:00:00+08:00", reason: "recovered"))
        // Everything but the dead letter is applied.
        let applied = try await eventually(timeout: .seconds(90)) { try h.appliedCount() == 1 + Self.records.count + 3 }
        XCTAssertTrue(applied, service.log)

        // Every kind of signal, once each, without identity numbers or names.
        let expected = Self.records.compactMap(\.1)
        XCTAssertEqual(Set(expected), Set(SignalKind.allCases))
        let messages = try await h.signals { $0.count >= expected.count }
        let signals = messages.map { try! JSONDecoder().decode(Signal.self, from: Data($0.value)) }
        XCTAssertEqual(signals.map(\.kind).sorted { $0.rawValue < $1.rawValue }, expected.sorted { $0.rawValue < $1.rawValue })
        for (message, signal) in zip(messages, signals) {
            let text = String(decoding: message.value, as: UTF8.self)
            for i in [10, 11, 12, 19, 20, 21, 24, 25, 50] {
                XCTAssertFalse(text.contains(H.idNumber(i)) || text.contains(H.name(i)), "personal data in \(signal.kind)")
            }
            XCTAssertFalse(text.contains("晋A12345") || text.contains("太原市某路1号"), "plate or address in \(signal.kind)")
            if signal.kind == .unregisteredCandidate {
                XCTAssertNil(signal.householdId)
                XCTAssertEqual(String(decoding: message.key ?? [], as: UTF8.self), H.key(50))
            } else {
                XCTAssertEqual(signal.householdId, hh)
                XCTAssertEqual(message.header("ce_subject"), hh)
                XCTAssertEqual(String(decoding: message.key ?? [], as: UTF8.self), hh)
            }
        }

        // The profile follows the records and the outcomes.
        let profiles = try await h.households { ps in ps.contains { $0.programs.contains { $0.program == "school_grant" }
                                                                    && !$0.programs.contains { $0.program == "medical_assistance" } } }
        let last = try XCTUnwrap(profiles.max { $0.version < $1.version })
        XCTAssertEqual(last.members.count, 15, "death removes the member")
        XCTAssertFalse(last.members.contains { $0.personKey == H.key(19) })
        XCTAssertEqual(try h.scalar("SELECT count(*) FROM persons WHERE person_key = ?", [H.key(19)]), 0)
        func member(_ i: Int) -> Member? { last.members.first { $0.personKey == H.key(i) } }
        XCTAssertEqual(member(12)?.health, .seriousIllness)
        XCTAssertEqual(member(13)?.disabilityGrade, 3)
        XCTAssertEqual(member(14)?.occupation, .unemployed)
        XCTAssertEqual(member(15)?.occupation, .employed)
        XCTAssertEqual(member(16)?.occupation, .student)
        XCTAssertEqual(last.assets.vehicles.count, 1)
        XCTAssertEqual(last.assets.houses.count, 1)
        XCTAssertEqual(last.assets.business.count, 1)
        XCTAssertEqual(last.flags, ["edge_at_risk", "other_low_income"])
        XCTAssertEqual(last.designation?.reason, "county decision")
        XCTAssertEqual(last.programs.map(\.program), ["school_grant"], "granted adds, closed removes")
        XCTAssertEqual(profiles.map(\.version), Array(1...profiles.count), "one version at a time")

        // The invalid record is dead-lettered with the reason, and no personal data in the header.
        let dead = try await TestBroker.read(h.ns + "deadletter") { $0.contains { $0.header("ce_id") == badEvent.id } }
        let letter = try XCTUnwrap(dead.first { $0.header("ce_id") == badEvent.id })
        let reason = letter.header("dlq_error") ?? ""
        XCTAssertTrue(reason.contains("idNumber"), reason)
        XCTAssertFalse(reason.contains(bad.idNumber) || reason.contains(bad.name), reason)
        XCTAssertEqual(letter.header("dlq_service"), "matcher")

        // Name mismatch: counted, logged without the name.
        XCTAssertFalse(service.log.contains("别人名字"))
        let metrics = String(decoding: try await h.get("/metrics").body, as: UTF8.self)
        XCTAssertTrue(metrics.split(separator: "\n").contains { $0.contains("code=\"name_mismatch\"") && $0.hasSuffix(" 1") }, metrics)
        XCTAssertTrue(metrics.split(separator: "\n").contains { $0.contains("code=\"not_registered\"") && $0.hasSuffix(" 1") }, metrics)

        // The read API: profiles need the token; stats and candidates.
        let anonymous = try await h.get("/v1/households/\(hh)", token: nil), wrongToken = try await h.get("/v1/households/\(hh)", token: "wrong")
        XCTAssertEqual(anonymous.status, 401)
        XCTAssertEqual(wrongToken.status, 401)
        let fetched = try await h.get("/v1/households/\(hh)", token: H.token)
        XCTAssertEqual(fetched.status, 200)
        XCTAssertEqual(try JSONDecoder().decode(HouseholdProfile.self, from: fetched.body), last)
        let unknown = try await h.get("/v1/households/hh-none", token: H.token)
        XCTAssertEqual(unknown.status, 404)
        let stats = try JSONSerialization.jsonObject(with: try await h.get("/v1/stats").body) as! [String: Any]
        XCTAssertEqual(stats["households"] as? Int, 1)
        XCTAssertEqual(stats["persons"] as? Int, 15)
        XCTAssertEqual(stats["candidates"] as? Int, 1)
        XCTAssertEqual(stats["versions"] as? Int, last.version)
        let regions = stats["regions"] as? [[String: Any]]
        XCTAssertEqual(regions?.first?["prefix"] as? String, "140105")
        XCTAssertEqual(regions?.first?["candidates"] as? Int, 1)
        let anonymousList = try await h.get("/v1/candidates", token: nil)
        XCTAssertEqual(anonymousList.status, 401)
        let candidates = try JSONSerialization.jsonObject(with: try await h.get("/v1/candidates?region=1401", token: H.token).body)
        let list = (candidates as? [String: Any])?["candidates"] as? [[String: String]]
        XCTAssertEqual(list?.map { $0["personKey"] }, [H.key(50)])
        XCTAssertEqual(list?.first?["reason"], "union_hardship")

        // The candidate's household is read after the record: the candidate signal is taken back
        // (the same signal id, `retracted`), as if the registration had been read first.
        _ = try await h.produceAccepted(H.submission("c50", applicant: 50, members: [50], collectedAt: "2024-07-01T10:00:00+08:00"))
        let withdrawn = try await h.signals { $0.contains { $0.retracted == true } }
            .map { try! JSONDecoder().decode(Signal.self, from: Data($0.value)) }.filter { $0.retracted == true }
        XCTAssertEqual(withdrawn.map(\.signalId), ["sig-r50-candidate"])
        XCTAssertEqual(withdrawn.first?.kind, .unregisteredCandidate)
        XCTAssertEqual(withdrawn.first?.occurredOn, "2024-06-01", "dated as the signal it takes back")
        let after = try JSONSerialization.jsonObject(with: try await h.get("/v1/stats").body) as! [String: Any]
        XCTAssertEqual(after["candidates"] as? Int, 0)
    }
}
