// What the basic-living integration tests share: one doudi-basic-living process in a fresh
// namespace (its own store, port and rules file), referrals and registry profiles published as the
// router and the matcher publish them, and reads of its outcomes and payroll.
import DoudiDomain
import Envelope
import Foundation
import GRDB
import Kafka
import ServiceKit
import TestSupport
import XCTest
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

final class BasicLivingHarness: @unchecked Sendable {
    let ns: String
    let dataDir = temporaryDirectory("basic-living")
    let group = "basic-living-test-\(EventID.random().prefix(8))"
    let port = freePort()
    let environment: [String: String]
    private(set) var process: ServiceProcess?
    static let township = OperatorToken.development(subject: "township-officer", role: .township, regions: ["140106"])
    static let county = OperatorToken.development(subject: "county-officer", role: .county, regions: ["140106"])
    static let otherCounty = OperatorToken.development(subject: "other-county", role: .county, regions: ["140105"])

    /// Region 140106 verifies every exit by hand (township, then county); elsewhere the defaults.
    init() async throws {
        ns = try await TestBroker.freshNamespace(partitions: 1)
        let rules = dataDir + "/basic-living-rules.json"
        try #"{ "regions": { "140106": { "autoExit": false } } }"#.write(toFile: rules, atomically: true, encoding: .utf8)
        environment = ["DOUDI_TOPIC_NAMESPACE": ns, "DOUDI_DATA_DIR": dataDir, "DOUDI_GROUP_ID": group,
                       "DOUDI_HTTP_PORT": "\(port)", "DOUDI_BASIC_LIVING_RULES_FILE": rules]
    }

    var base: String { "http://127.0.0.1:\(port)" }
    func topic(_ t: ContractTopic) -> String { ns + t.name }

    func start() async throws {
        process = try ServiceProcess("doudi-basic-living", environment: environment, logName: "basic-living-\(group)")
        let up = try await eventuallyAsync(timeout: .seconds(30)) { (try? await self.http("GET", "/healthz", token: nil))?.status == 200 }
        guard up else { throw HarnessError(description: "basic-living did not start:\n\(process?.log.suffix(2000) ?? "")") }
    }

    func kill9() { process?.kill9() }
    func stop() { process?.terminate() }

    func http(_ method: String, _ path: String, body: String? = nil, token: String?) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        request.httpBody = body.map { Data($0.utf8) }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    // MARK: inputs

    static func dibaoReferral(_ household: String, region: String, perCapita: Int64, size: Int64) -> Referral {
        Referral(referralId: "ref-w-\(household)-basic-living", warningId: "w-\(household)", householdId: household, domain: .basicLiving,
                 regionCode: region, area: .urban, disposal: .notCovered, level: .orange, category: .dibao,
                 needs: [Need(domain: .basicLiving, reason: "eligible_dibao", clause: "§4.1.1",
                              facts: ["category": "dibao", "perCapitaMonthlyFen": "\(perCapita)", "householdSize": "\(size)"])],
                 dueBy: "2026-09-09", sentAt: "2026-09-02", basis: "b-\(household)")
    }

    static func exitReferral(_ household: String, region: String) -> Referral {
        Referral(referralId: "ref-w-\(household)-exit-basic-living", warningId: "w-\(household)-exit", householdId: household,
                 domain: .basicLiving, regionCode: region, area: .urban, disposal: .noLongerEligible, level: .yellow, category: .dibaoEdge,
                 needs: [Need(domain: .basicLiving, reason: "no_longer_dibao", clause: "§3.4", facts: ["category": "dibao_edge"])],
                 dueBy: "2026-11-18", sentAt: "2026-11-03", basis: "b-exit-\(household)")
    }

    /// As the router publishes it: source /doudi/router, keyed by household, at `time`.
    func publish(_ r: Referral, at time: String) async throws {
        let e = try CloudEvent.make(id: EventID.derived("test-referral", r.referralId, time), source: "/doudi/router", type: EventType.referral.rawValue,
                                    time: time, subject: r.householdId, key: r.householdId, causationID: nil, payload: r)
        try await TestBroker.produce([e], to: topic(.referrals(.basicLiving)))
    }

    /// A registry profile of `members` adults whose wages give `perCapita` a month each, as of `asOf`.
    func publishProfile(_ household: String, region: String, perCapita: Int64, members: Int = 3, asOf: String) async throws {
        let people = (0..<members).map { i in
            Member(relation: i == 0 ? .self : .other, name: "测试\(i)", idNumber: "11010519860101001X", occupation: .employed,
                   laborAbility: .full, personKey: "pk-\(household)-\(i)", birthDate: "1986-01-01")
        }
        let p = HouseholdProfile(householdId: household, version: 1, regionCode: region, area: .urban, members: people,
                                 income: Income(wagesFen: perCapita * 12 * Int64(members)), verificationAuthorized: true,
                                 collectedAt: asOf, updatedAt: asOf, asOf: asOf)
        let e = try CloudEvent.make(id: EventID.derived("test-profile", household, asOf), source: "/doudi/matcher",
                                    type: EventType.registryHousehold.rawValue, time: asOf, subject: household, key: household,
                                    causationID: nil, payload: p)
        try await TestBroker.produce([e], to: topic(.registryHouseholds))
    }

    // MARK: outputs

    /// Payroll events on the topic (every message, re-sends included).
    func payroll(until done: @escaping ([PayrollEntry]) -> Bool, timeout: Duration = .seconds(60)) async throws -> [(id: String, entry: PayrollEntry)] {
        let messages = try await TestBroker.read(topic(.basicLivingPayroll), timeout: timeout) { all in
            done(all.compactMap { try? JSONDecoder().decode(PayrollEntry.self, from: Data($0.value)) })
        }
        return messages.compactMap { m in
            (try? JSONDecoder().decode(PayrollEntry.self, from: Data(m.value))).map { (m.header("ce_id") ?? "", $0) }
        }
    }

    /// Every payroll message, read until the topic is quiet.
    func payrollSettled() async throws -> [(id: String, entry: PayrollEntry)] {
        try await TestBroker.readSettled(topic(.basicLivingPayroll), minimum: 1, quiet: .seconds(2)).compactMap { m in
            (try? JSONDecoder().decode(PayrollEntry.self, from: Data(m.value))).map { (m.header("ce_id") ?? "", $0) }
        }
    }

    func outcomesSettled() async throws -> [Outcome] {
        try await TestBroker.readSettled(topic(.assistanceOutcomes), minimum: 1, quiet: .seconds(2))
            .compactMap { try? JSONDecoder().decode(Outcome.self, from: Data($0.value)) }
    }

    func outcomes(until done: @escaping ([Outcome]) -> Bool, timeout: Duration = .seconds(60)) async throws -> [Outcome] {
        let messages = try await TestBroker.read(topic(.assistanceOutcomes), timeout: timeout) { all in
            done(all.compactMap { try? JSONDecoder().decode(Outcome.self, from: Data($0.value)) })
        }
        return messages.compactMap { try? JSONDecoder().decode(Outcome.self, from: Data($0.value)) }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        var config = Configuration(); config.readonly = true; config.busyMode = .timeout(10)
        return try DatabaseQueue(path: dataDir + "/basic-living.sqlite", configuration: config).read(body)
    }
}

struct HarnessError: Error, CustomStringConvertible { var description: String }
