import DoudiDomain
import Envelope
import Kafka
import TestSupport
import XCTest

/// Warnings in, referrals out, through the real broker and the router executable.
final class RouterRoutingTests: XCTestCase {
    static let referralTopics = Domain.allCases.map { "referrals.\($0.rawValue)" }

    /// Every domain gets its own referral on its own topic; every disposal is routed (special
    /// hardship to the coordination mechanism); keys, types, deadlines and ids are the contract's.
    func testRoutesEveryDomainAndEveryDisposal() async throws {
        let h = try await LoopHarness.make("routing")
        let router = try h.start("doudi-router")
        defer { router.terminate() }
        let p = h.tag
        let everyDomain = Fixture.warning("\(p)-all", household: "\(p)-h1",
                                          needs: Domain.allCases.map { Fixture.need($0, person: "pk-\($0.rawValue)") })
        let pni = Fixture.warning("\(p)-pni", household: "\(p)-h2", needs: [Fixture.need(.medical), Fixture.need(.housing)],
                                  disposal: .policyNotImplemented, level: .red)
        let hardship = Fixture.warning("\(p)-sh", household: "\(p)-h3", needs: [Fixture.need(.medical), Fixture.need(.education)],
                                       disposal: .specialHardship, level: .yellow)
        let exit = Fixture.warning("\(p)-nle", household: "\(p)-h4", needs: [Fixture.need(.basicLiving)], disposal: .noLongerEligible)
        let time = "2024-03-01T09:00:00.000Z"
        try await h.produce(try [everyDomain, pni, hardship, exit].map { try Fixture.warningEvent($0, time: time) }, to: "monitoring.warnings")

        let expected = Domain.allCases.count + 2 + 1 + 1
        let messages = try await h.readSettled(Self.referralTopics) { $0.count >= expected }
        XCTAssertEqual(messages.count, expected, router.log)
        let byId = Dictionary(grouping: messages) { $0.json["referralId"] as? String ?? "?" }
        XCTAssertEqual(byId.count, expected, "one event per referral")

        for domain in Domain.allCases {
            let m = try XCTUnwrap(byId["ref-\(p)-all-\(domain.rawValue)"]?.first, "\(domain)")
            XCTAssertEqual(m.topic, h.topic("referrals.\(domain.rawValue)"))
            XCTAssertEqual(m.header("ce_type"), "referral.v1")
            XCTAssertEqual(m.header("ce_source"), "/doudi/router")
            XCTAssertEqual(m.header("ce_causationid"), "ev-\(p)-all-open")
            XCTAssertEqual(m.key.map { String(decoding: $0, as: UTF8.self) }, "\(p)-h1")
            let r = try m.decode(Referral.self)
            XCTAssertEqual(r.needs.map(\.domain), [domain])
            XCTAssertEqual(r.needs.first?.personKey, "pk-\(domain.rawValue)", "only the member concerned")
            XCTAssertEqual("\(r.status) \(r.sentAt) \(r.dueBy) \(r.disposal)", "sent 2024-03-01 2024-03-08 notCovered")
        }
        let red = try XCTUnwrap(byId["ref-\(p)-pni-medical"]?.first).decode(Referral.self)
        XCTAssertEqual("\(red.disposal) \(red.dueBy)", "policyNotImplemented 2024-03-04", "red: three days")
        XCTAssertNotNil(byId["ref-\(p)-pni-housing"])
        let coordination = try XCTUnwrap(byId["ref-\(p)-sh-coordination"]?.first)
        XCTAssertEqual(coordination.topic, h.topic("referrals.coordination"))
        XCTAssertEqual(try coordination.decode(Referral.self).needs.map(\.domain), [.medical, .education],
                       "special hardship: every need to the coordination mechanism")
        XCTAssertEqual(try coordination.decode(Referral.self).dueBy, "2024-03-16", "yellow: fifteen days")
        let ending = try XCTUnwrap(byId["ref-\(p)-nle-basic-living"]?.first)
        XCTAssertEqual(try ending.decode(Referral.self).disposal, .noLongerEligible)

        let sent: Int? = try h.query("router", "SELECT count(*) FROM router_referrals WHERE state = 'sent'")
        XCTAssertEqual(sent, expected, "the ledger holds every referral sent")
    }

    /// The same warning delivered twice (same event, and re-published with a new event id)
    /// sends one referral per domain; a decided referral stays decided; the resolved warning
    /// withdraws only what is still open, once.
    func testRedeliveryThenResolutionWithdrawsOnlyOpenReferrals() async throws {
        let h = try await LoopHarness.make("withdraw")
        let router = try h.start("doudi-router")
        defer { router.terminate() }
        let w = Fixture.warning("\(h.tag)-w", household: "\(h.tag)-h",
                                needs: [Fixture.need(.medical, person: "pk-1"), Fixture.need(.education, person: "pk-2")])
        let first = try Fixture.warningEvent(w, time: "2024-03-01T09:00:00.000Z")
        let republished = try Fixture.warningEvent(w, time: "2024-03-01T10:00:00.000Z", id: "ev-\(h.tag)-again")
        try await h.produce([first, first, republished], to: "monitoring.warnings")
        let medical = "ref-\(h.tag)-w-medical", education = "ref-\(h.tag)-w-education"
        let sentTwo = try await eventually { try h.routerState(medical) != nil && h.routerState(education) != nil }
        XCTAssertTrue(sentTwo, router.log)

        // The medical department decides; the router's ledger follows.
        let granted = Outcome(outcomeId: "out-\(medical)-2", referralId: medical, warningId: w.warningId, householdId: w.householdId,
                              domain: .medical, program: "medical_assistance", status: .granted, amountFen: 1000,
                              decidedAt: "2024-03-02", reason: "test")
        try await h.produce([try Fixture.outcomeEvent(granted, time: "2024-03-02T09:00:00.000Z")], to: "assistance.outcomes")
        let decided = try await eventually { try h.routerState(medical) == "decided" }
        XCTAssertTrue(decided, router.log)

        var resolved = w
        resolved.status = .resolved
        let resolution = try Fixture.warningEvent(resolved, time: "2024-03-03T09:00:00.000Z")
        try await h.produce([resolution, resolution], to: "monitoring.warnings")
        let messages = try await h.readSettled(["referrals.medical", "referrals.education"]) { m in
            m.contains { $0.json["status"] as? String == "withdrawn" }
        }
        let sent = messages.filter { $0.json["status"] as? String == "sent" }
        let withdrawn = messages.filter { $0.json["status"] as? String == "withdrawn" }
        XCTAssertEqual(sent.compactMap { $0.json["referralId"] as? String }.sorted(), [education, medical], "one referral per domain")
        XCTAssertEqual(withdrawn.compactMap { $0.json["referralId"] as? String }, [education], "only the open referral is withdrawn")
        XCTAssertEqual(withdrawn.first?.topic, h.topic("referrals.education"))
        XCTAssertEqual(try h.routerState(education), "withdrawn")
        XCTAssertEqual(try h.routerState(medical), "decided")
    }
}
