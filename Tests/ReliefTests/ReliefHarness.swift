// What the relief integration tests share: a relief process in a fresh namespace with its own
// store, port and standards file; HTTP calls; application events; store checks.
import DoudiDomain
import Envelope
import Foundation
import GRDB
import Kafka
import TestSupport
import ServiceKit
import XCTest
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif


/// Standards with small numbers, two stages, and township funds as given.
func standardsJSON(monthlyStages: Int = 2, funds: [String: Int64] = [:], defaultOpeningFen: Int64 = 100_000_000) -> String {
    let townships = funds.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ")
    return """
        { "default": { "dibaoMonthlyFen": 100000, "monthsPerMember": 3, "perCaseCapFen": 1000000,
                       "townshipApprovalLimitFen": 300000, "aidFirstLimitFen": 100000, "monthlyStages": \(monthlyStages),
                       "duplicateWindowDays": 30 },
          "reserveFunds": { "defaultOpeningFen": \(defaultOpeningFen), "townships": { \(townships) } },
          "paperworkDueDays": 5 }
        """
}

final class ReliefHarness: @unchecked Sendable {
    let ns: String
    let dataDir = temporaryDirectory("relief")
    let group = "relief-test-\(EventID.random().prefix(8))"
    let port = freePort()
    let environment: [String: String]
    private(set) var process: ServiceProcess?
    static let countyToken = OperatorToken.development(subject: "county-officer", role: .county, regions: ["*"])
    static let townshipToken = OperatorToken.development(subject: "township-officer", role: .township, regions: ["*"])
    /// A reader of cases and funds (every region) who may not approve.
    static let readerToken = OperatorToken.development(subject: "auditor", role: .auditor, regions: ["*"])
    /// Today (UTC): applications are dated relative to it, since a hardship is sudden for 90 days (§4.3).
    static var today: CivilDate { CivilDate(dayNumber: Int(Date().timeIntervalSince1970) / 86_400) }

    init(standards: String, intervalSeconds: Double, tickMs: Int = 200) async throws {
        ns = try await TestBroker.freshNamespace()
        let file = dataDir + "/relief-standards.json"
        try standards.write(toFile: file, atomically: true, encoding: .utf8)
        environment = ["DOUDI_TOPIC_NAMESPACE": ns, "DOUDI_DATA_DIR": dataDir, "DOUDI_GROUP_ID": group,
                       "DOUDI_HTTP_PORT": "\(port)", "DOUDI_RELIEF_STANDARDS_FILE": file,
                       "DOUDI_RELIEF_TICK_MS": "\(tickMs)",
                       "DOUDI_RELIEF_STAGE_INTERVAL_SECONDS": "\(intervalSeconds)"]
    }

    var base: String { "http://127.0.0.1:\(port)" }
    func topic(_ name: String) -> String { ns + name }

    /// Starts the service and waits until it serves HTTP.
    func start() async throws {
        process = try ServiceProcess("doudi-relief", environment: environment, logName: "relief-\(group)")
        let up = try await eventually(timeout: .seconds(30)) { (try? self.syncGet("/healthz"))?.status == 200 }
        guard up else { throw HarnessError(description: "relief did not start:\n\(process?.log.suffix(2000) ?? "")") }
    }

    func kill9() { process?.kill9() }
    func stop() { process?.terminate() }

    // MARK: HTTP

    func http(_ method: String, _ path: String, body: String? = nil, token: String? = ReliefHarness.readerToken) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        request.httpBody = body.map { Data($0.utf8) }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    private func syncGet(_ path: String) throws -> (status: Int, body: Data) {
        let box = ResultBox()
        let task = URLSession.shared.dataTask(with: URL(string: base + path)!) { data, response, _ in
            box.set(((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data()))
        }
        task.resume()
        return box.wait()
    }

    func cases(status: String? = nil) async throws -> [[String: Any]] {
        let (code, data) = try await http("GET", "/v1/cases" + (status.map { "?status=\($0)" } ?? ""))
        XCTAssertEqual(code, 200)
        return (try JSONSerialization.jsonObject(with: data) as? [[String: Any]]) ?? []
    }

    // MARK: store

    /// Reads the relief store (SQLite WAL allows a reader beside the running service).
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        var config = Configuration(); config.readonly = true
        return try DatabaseQueue(path: dataDir + "/relief.sqlite", configuration: config).read(body)
    }

    func paidStages() throws -> Int { try read { try Int.fetchOne($0, sql: "SELECT count(*) FROM relief_stages WHERE paid = 1") ?? 0 } }

    /// Townships whose ledger does not balance: the columns against each other, against the
    /// movements (the township-approved stages: what the county approved its own fund pays), and
    /// against zero.
    func unbalancedFunds() throws -> [String] {
        try read { db in
            try String.fetchAll(db, sql: """
                SELECT f.township FROM relief_funds f
                WHERE f.balance_fen != f.opening_fen + f.replenished_fen - f.disbursed_fen OR f.balance_fen < 0
                   OR f.replenished_fen != (SELECT coalesce(sum(amount_fen), 0) FROM relief_fund_movements m
                                            WHERE m.township = f.township AND m.kind = 'replenishment')
                   OR f.disbursed_fen != (SELECT coalesce(sum(amount_fen), 0) FROM relief_fund_movements m
                                          WHERE m.township = f.township AND m.kind = 'disbursement')
                   OR f.disbursed_fen != (SELECT coalesce(sum(s.amount_fen), 0) FROM relief_stages s
                                          JOIN relief_cases c ON c.case_id = s.case_id
                                          WHERE c.township = f.township AND s.paid = 1 AND s.approved_at = 'township')
                """)
        }
    }

    /// What the county funds paid (stages the county approved), in all.
    func countyPaidFen() throws -> Int64 {
        try read { try Int64.fetchOne($0, sql: "SELECT coalesce(sum(amount_fen), 0) FROM relief_county_payments") ?? 0 }
    }

    /// Stages debited more than once (must be none).
    func doubleDebits() throws -> Int {
        try read { try Int.fetchOne($0, sql: """
            SELECT count(*) FROM (SELECT case_id, stage FROM relief_fund_movements WHERE kind = 'disbursement'
                                  GROUP BY case_id, stage HAVING count(*) > 1)
            """) ?? 0 }
    }

    // MARK: topics

    /// Disbursements on the topic by id (re-sent duplicates collapse), read until `expected` ids are there.
    func disbursements(expected: Int, timeout: Duration = .seconds(90)) async throws -> (ids: [String: Int64], messages: Int) {
        let messages = try await TestBroker.read(topic("relief.disbursements"), timeout: timeout) { all in
            Set(all.compactMap { try? decodeMessage($0, Disbursement.self).disbursementId }).count >= expected
        }
        var ids: [String: Int64] = [:]
        for m in messages { let d = try decodeMessage(m, Disbursement.self); ids[d.disbursementId] = d.amountFen }
        return (ids, messages.count)
    }
}

func decodeMessage<T: Decodable>(_ m: KafkaMessage, _ type: T.Type) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(m.value))
}

func header(_ m: KafkaMessage, _ name: String) -> String? { m.headers.first { $0.key == name }?.stringValue }

final class ResultBox: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private var value: (Int, Data) = (0, Data())
    func set(_ v: (Int, Data)) { value = v; semaphore.signal() }
    func wait() -> (Int, Data) { _ = semaphore.wait(timeout: .now() + 5); return value }
}

/// Valid identity numbers (check character computed), distinct by `n`.
func identityNumber(_ n: Int) -> String {
    let body = "110101" + "19800101" + String(format: "%03d", n % 1000)
    let digits = body.compactMap { $0.wholeNumberValue }
    return body + String(IdentityNumber.checkCharacter(for: digits)!)
}

func applicationEvent(_ id: String, person: Int, township: String = "140105001", requested: Int64, urgent: Bool = true,
                      kind: String = "fire", on date: String = ReliefHarness.today.description, size: Int = 4, idNumber: String? = nil,
                      eventId: String? = nil) throws -> CloudEvent {
    let app = ReliefApplication(applicationId: id, applicant: ReliefApplicant(name: "Test Person",
                                                                              idNumber: idNumber ?? identityNumber(person)),
                                incidentRegionCode: township, incidentKind: kind, requestedFen: requested, urgent: urgent,
                                occurredOn: date, householdSize: size)
    return try CloudEvent.make(id: eventId ?? "evt-\(id)", source: "/tests/window", type: "relief.application.v1",
                               time: Timestamp.rfc3339(), subject: nil, key: "p\(person)", causationID: nil, payload: app)
}

func reliefEvent<T: Encodable>(_ type: String, id: String, key: String, _ payload: T) throws -> CloudEvent {
    try CloudEvent.make(id: id, source: "/tests/county", type: type, time: Timestamp.rfc3339(), subject: nil, key: key,
                        causationID: nil, payload: payload)
}

struct HarnessError: Error, CustomStringConvertible { var description: String }
