import DoudiDomain
import Envelope
import Foundation
import GRDB
import Kafka
import ServiceKit
import TestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The router and handlers on a fresh topic namespace, each with its own group and store.
struct LoopHarness {
    let ns: String
    let dataDir: String
    let tag: String

    static func make(_ name: String) async throws -> LoopHarness {
        let ns = try await TestBroker.freshNamespace()
        return LoopHarness(ns: ns, dataDir: temporaryDirectory(name), tag: "\(name)-\(EventID.random().prefix(6))")
    }

    /// `exe` is e.g. `doudi-router`; its store is `<dataDir>/<service>/<service>.sqlite`.
    func start(_ exe: String, extra: [String: String] = [:]) throws -> ServiceProcess {
        let service = String(exe.dropFirst("doudi-".count))
        return try ServiceProcess(exe, environment: [
            "DOUDI_TOPIC_NAMESPACE": ns, "DOUDI_GROUP_ID": "test-\(tag)-\(service)",
            "DOUDI_DATA_DIR": "\(dataDir)/\(service)", "DOUDI_BATCH_SIZE": "200",
        ].merging(extra) { $1 }, logName: "\(tag)-\(service)")
    }

    func store(_ service: String) -> String { "\(dataDir)/\(service)/\(service).sqlite" }

    /// A value from a service's store (nil until the store and the row exist).
    func query<T: DatabaseValueConvertible>(_ service: String, _ sql: String, _ args: StatementArguments = []) throws -> T? {
        guard FileManager.default.fileExists(atPath: store(service)) else { return nil }
        var config = Configuration()
        config.busyMode = .timeout(10) // the service may be migrating or writing
        return try DatabaseQueue(path: store(service), configuration: config).read { db in
            guard try db.tableExists("router_referrals") || db.tableExists("handler_cases") else { return nil }
            return try T.fetchOne(db, sql: sql, arguments: args)
        }
    }

    func routerState(_ referralId: String) throws -> String? {
        try query("router", "SELECT state FROM router_referrals WHERE referral_id = ?", [referralId])
    }

    func topic(_ name: String) -> String { ns + name }

    func produce(_ events: [CloudEvent], to name: String) async throws { try await TestBroker.produce(events, to: topic(name)) }

    /// Reads several topics from the start until `until` holds (or the timeout passes).
    func read(_ names: [String], timeout: Duration = .seconds(60), until: ([KafkaMessage]) -> Bool) async throws -> [KafkaMessage] {
        let consumer = try TopicReader(names.map(topic))
        var all: [KafkaMessage] = []
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline && !until(all) { all += try await consumer.poll(maxCount: 5000, timeoutMs: 200) }
        await consumer.close()
        return all
    }

    /// Reads until `until` holds, then `settle` longer, so that anything extra (a second
    /// referral, a second escalation) would be seen too.
    func readSettled(_ names: [String], settle: Duration = .seconds(4), until: @escaping ([KafkaMessage]) -> Bool) async throws -> [KafkaMessage] {
        var done: ContinuousClock.Instant?
        return try await read(names) { messages in
            if done == nil && until(messages) { done = .now }
            return done.map { ContinuousClock.now - $0 > settle } ?? false
        }
    }

    /// As a province operator (every `/v1` route needs an operator token).
    static func httpGet(_ port: Int, _ path: String) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.setValue("Bearer \(OperatorToken.development(subject: "loop-test", role: .province, regions: ["*"]))",
                         forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, json)
    }

}

/// Warnings and referrals as the classifier and router would publish them.
enum Fixture {
    static func need(_ domain: Domain, person: String? = nil, id: String? = nil, facts: [String: String] = [:]) -> Need {
        Need(domain: domain, personKey: person, reason: "needs \(domain.rawValue) assistance", clause: "§4.2",
             name: person.map { "Name \($0)" }, idNumber: id, facts: facts)
    }

    static func warning(_ id: String, household: String, needs: [Need], disposal: Disposal = .notCovered,
                        level: WarningLevel = .orange, status: WarningStatus = .open, region: String = "140105001") -> Warning {
        Warning(warningId: id, householdId: household, regionCode: region, area: .urban, disposal: disposal, level: level,
                category: .dibao, needs: needs, reasons: [Reason(rule: "test", clause: "§3.4", detail: "fixture")],
                status: status, openedAt: "2024-03-01")
    }

    static func event<T: Encodable>(_ payload: T, type: String, id: String, key: String, time: String) throws -> CloudEvent {
        try CloudEvent.make(id: id, source: "/tests", type: type, time: time, subject: key, key: key, causationID: nil, payload: payload)
    }

    static func warningEvent(_ w: Warning, time: String, id: String? = nil) throws -> CloudEvent {
        try event(w, type: EventType.monitoringWarning.rawValue, id: id ?? "ev-\(w.warningId)-\(w.status.rawValue)", key: w.householdId, time: time)
    }

    static func referral(_ id: String, domain: Domain, household: String, needs: [Need], region: String = "140105001",
                         area: Area = .urban, status: ReferralStatus = .sent, category: DoudiDomain.Category = .dibao) -> Referral {
        Referral(referralId: id, warningId: "w-\(id)", householdId: household, domain: domain, regionCode: region, area: area,
                 disposal: .notCovered, level: .orange, category: category, needs: needs, status: status,
                 dueBy: "2024-05-17", sentAt: "2024-05-10")
    }

    static func referralEvent(_ r: Referral, time: String = "2024-05-10T10:00:00.000Z") throws -> CloudEvent {
        try event(r, type: EventType.referral.rawValue, id: "ev-\(r.referralId)-\(r.status.rawValue)", key: r.householdId, time: time)
    }

    static func outcomeEvent(_ o: Outcome, time: String) throws -> CloudEvent {
        try event(o, type: EventType.assistanceOutcome.rawValue, id: "ev-\(o.outcomeId)", key: o.householdId, time: time)
    }
}

extension KafkaMessage {
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(value))) as? [String: Any] ?? [:] }
    var text: String { String(decoding: value, as: UTF8.self) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONDecoder().decode(T.self, from: Data(value)) }
}
