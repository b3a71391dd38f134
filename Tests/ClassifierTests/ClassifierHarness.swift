import GRDB
// A classifier child process on a fresh topic namespace, with helpers to feed it and read what it publishes.
import DoudiDomain
import Envelope
import Foundation
import Kafka
import TestSupport
import ServiceKit
import XCTest

struct ClassifierHarness {
    let ns: String
    let dataDir: String
    let group: String
    let port: Int
    let token = OperatorToken.development(subject: "classifier-test", role: .province, regions: ["*"])
    var extraEnvironment: [String: String] = [:]

    static func make(_ name: String) async throws -> ClassifierHarness {
        let ns = try await TestBroker.freshNamespace()
        return ClassifierHarness(ns: ns, dataDir: temporaryDirectory("classifier-\(name)"), group: "classifier-\(ns)", port: freePort())
    }

    func start() throws -> ServiceProcess {
        var env = ["DOUDI_TOPIC_NAMESPACE": ns, "DOUDI_DATA_DIR": dataDir, "DOUDI_GROUP_ID": group,
                   "DOUDI_HTTP_PORT": String(port), "DOUDI_BATCH_SIZE": "50"]
        for (k, v) in extraEnvironment { env[k] = v }
        return try ServiceProcess("doudi-classifier", environment: env, logName: "classifier-\(ns)")
    }

    var url: String { "http://127.0.0.1:\(port)" }

    // MARK: inputs

    static func event<T: Encodable>(_ id: String, type: String, time: String, key: String, _ payload: T) throws -> CloudEvent {
        try CloudEvent.make(id: id, source: "/tests", type: type, time: time, subject: key, key: key, causationID: nil, payload: payload)
    }

    func send(_ p: HouseholdProfile, time: String, id: String? = nil) async throws {
        let e = try Self.event(id ?? "p-\(p.householdId)-v\(p.version)", type: "registry.household.v1", time: time, key: p.householdId, p)
        try await TestBroker.produce([e], to: ns + "registry.households")
    }

    func send(_ o: Outcome, time: String) async throws {
        try await TestBroker.produce([try Self.event(o.outcomeId, type: "assistance.outcome.v1", time: time, key: o.householdId, o)],
                                     to: ns + "assistance.outcomes")
    }

    func send(escalation body: [String: String], time: String) async throws {
        let e = try Self.event(body["escalationId"]!, type: "referral.escalated.v1", time: time, key: body["householdId"]!, body)
        try await TestBroker.produce([e], to: ns + "assistance.outcomes")
    }

    // MARK: outputs

    /// Warning events of these households, read until `until` holds (or the timeout).
    func warnings(_ households: Set<String>, timeout: Duration = .seconds(60),
                  until: @escaping ([PublishedWarning]) -> Bool) async throws -> [PublishedWarning] {
        let decode: ([KafkaMessage]) -> [PublishedWarning] = { messages in
            messages.compactMap { m in
                guard let w = try? JSONDecoder().decode(Warning.self, from: Data(m.value)), households.contains(w.householdId) else { return nil }
                return PublishedWarning(eventId: m.header("ce_id") ?? "", warning: w)
            }
        }
        return decode(try await TestBroker.read(ns + "monitoring.warnings", timeout: timeout) { until(decode($0)) })
    }

    func tasks(timeout: Duration = .seconds(60), until: @escaping ([WorkTask]) -> Bool) async throws -> [WorkTask] {
        let decode: ([KafkaMessage]) -> [WorkTask] = { $0.compactMap { try? JSONDecoder().decode(WorkTask.self, from: Data($0.value)) } }
        return decode(try await TestBroker.read(ns + "work.tasks", timeout: timeout) { until(decode($0)) })
    }

    // MARK: HTTP

    func http(_ method: String, _ path: String, body: String? = nil, token: String? = nil) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: url + path)!)
        request.httpMethod = method
        request.setValue("Bearer \(token ?? self.token)", forHTTPHeaderField: "Authorization")
        if let body { request.httpBody = Data(body.utf8); request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
    }

    /// Waits until the classifier has decided `count` households (its API is up and it consumed them).
    /// The profile version the classifier holds for a household (read from its store).
    func profileVersion(_ householdId: String) -> Int? {
        guard let q = try? OpenBeside.open("\(dataDir)/classifier.sqlite") else { return nil }
        return try? q.read { try Int.fetchOne($0, sql: "SELECT profile_version FROM households WHERE household_id = ?", arguments: [householdId]) }
    }

    /// The day of the last evaluation of a household (read from its store).
    func evaluatedOn(_ householdId: String) -> String? {
        guard let q = try? OpenBeside.open("\(dataDir)/classifier.sqlite") else { return nil }
        return try? q.read { try String.fetchOne($0, sql: "SELECT decided_on FROM households WHERE household_id = ?", arguments: [householdId]) }
    }

    func waitForHouseholds(_ count: Int, _ service: ServiceProcess) async throws {
        var last = -1
        let ok = try await eventuallyAsync(timeout: .seconds(90)) {
            last = (try? await http("GET", "/v1/stats").1["households"] as? Int) ?? -1
            return last >= count
        }
        XCTAssertTrue(ok, "classifier decided \(last) households, expected \(count)\n\(service.log.suffix(3000))")
    }
}

struct PublishedWarning {
    var eventId: String
    var warning: Warning
}



/// Households for the tests: one healthy employed adult with a safe rural house, so the only
/// need is basic living when income is below the dibao standard.
enum Households {
    static func profile(_ id: String, version: Int = 1, region: String = "110105001", monthlyIncomeFen: Int64 = 0,
                        authorized: Bool = true, programs: [Program] = []) -> HouseholdProfile {
        let member = Member(relation: .self, name: "测试人\(id)", idNumber: "11010519860101001X", occupation: .employed,
                            laborAbility: .full, personKey: "pk-\(id)", birthDate: "1986-01-01")
        return HouseholdProfile(householdId: id, version: version, regionCode: region, area: .rural, members: [member],
                                income: Income(wagesFen: monthlyIncomeFen * 12),
                                assets: Assets(houses: [House(areaM2: 80, safety: "safe")]), programs: programs,
                                verificationAuthorized: authorized, collectedAt: "2026-09-01T00:00:00Z", updatedAt: "2026-09-01T00:00:00Z")
    }
}

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

