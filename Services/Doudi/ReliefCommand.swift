import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `doudi relief funds | pending | review | approve`: the relief service's HTTP API (docs/relief.md).
struct ReliefCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relief", abstract: "Emergency temporary relief: reserve funds, cases pending review or approval, reviews, approvals.",
        subcommands: [Funds.self, Pending.self, Review.self, Approve.self])

    struct Funds: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Each township reserve fund: opening, replenished, disbursed, balance.")
        @OptionGroup var api: ReliefAPIOptions

        func run() async throws {
            struct Fund: Decodable { var township: String; var openingFen, replenishedFen, disbursedFen, balanceFen: Int64 }
            let funds = try JSONDecoder().decode([Fund].self, from: try await api.request("GET", "/v1/funds"))
            printTable(["TOWNSHIP", "OPENING_FEN", "REPLENISHED_FEN", "DISBURSED_FEN", "BALANCE_FEN"],
                       funds.map { [$0.township, "\($0.openingFen)", "\($0.replenishedFen)", "\($0.disbursedFen)", "\($0.balanceFen)"] })
        }
    }

    struct Pending: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cases above the township limit waiting for the county (--review: cases waiting for the township's review).")
        @OptionGroup var api: ReliefAPIOptions
        @Flag(help: "List the cases that are not urgent and wait for the township's review instead.") var review = false

        func run() async throws {
            let status = review ? "awaiting_review" : "pending"
            let cases = try JSONDecoder().decode([CaseSummary].self, from: try await api.request("GET", "/v1/cases?status=\(status)"))
            printTable(["CASE", "TOWNSHIP", "KIND", "REQUESTED_FEN", "ASSESSED_FEN", "PAID_FEN", "SINCE"],
                       cases.map { [$0.caseId, $0.township, $0.incidentKind, "\($0.requestedFen)", "\($0.approvedTotalFen)",
                                    "\($0.paidFen)", $0.createdAt] })
        }
    }

    struct Review: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The township's review of a case that is not urgent: approve (payments start) or deny (a township operator token: `doudi operator token --role township`).")
        @OptionGroup var api: ReliefAPIOptions
        @Argument(help: "The case id, e.g. case-app-1.") var caseId: String
        @Flag(exclusivity: .exclusive, help: "The decision.") var decision: Decision
        @Option(help: "Why (required for --deny; recorded with the case).") var reason: String?

        enum Decision: String, EnumerableFlag { case approve, deny }

        func validate() throws {
            if decision == .deny && (reason ?? "").isEmpty { throw ValidationError("--deny needs --reason") }
        }

        func run() async throws {
            // The reviewer recorded with the case is the township operator token's subject.
            var fields: [String: String] = ["decision": decision.rawValue]
            if let reason { fields["reason"] = reason }
            let body = try JSONSerialization.data(withJSONObject: fields)
            let path = "/v1/cases/\(caseId.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? caseId)/review"
            let c = try JSONDecoder().decode(CaseSummary.self, from: try await api.request("POST", path, body: body))
            print("reviewed \(c.caseId): \(decision == .approve ? "approved" : "denied"), status \(c.status), paid \(c.paidFen) fen")
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give the county's approval of a case's total (county token).")
        @OptionGroup var api: ReliefAPIOptions
        @Argument(help: "The case id, e.g. case-app-1.") var caseId: String
        @Option(help: "Approved total in fen.") var amount: Int64
        func run() async throws {
            // The approver recorded with the case is the county operator token's subject.
            let body = try JSONSerialization.data(withJSONObject: ["approvedFen": amount])
            let path = "/v1/cases/\(caseId.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? caseId)/approval"
            let c = try JSONDecoder().decode(CaseSummary.self, from: try await api.request("POST", path, body: body))
            print("approved \(c.caseId): \(c.approvedTotalFen) fen, status \(c.status), paid \(c.paidFen) fen")
        }
    }
}

struct CaseSummary: Decodable {
    var caseId, township, incidentKind, status, createdAt: String
    var requestedFen, approvedTotalFen, paidFen: Int64
}

struct ReliefAPIOptions: ParsableArguments {
    @Option(help: "Base URL of doudi-relief (env DOUDI_RELIEF_URL).")
    var url = ProcessInfo.processInfo.environment["DOUDI_RELIEF_URL"] ?? "http://127.0.0.1:8085"
    // Accepted for symmetry with the other commands (the relief commands talk HTTP only).
    @OptionGroup var broker: BrokerOptions
    @OptionGroup var credential: CredentialOptions

    func request(_ method: String, _ path: String, body: Data? = nil) async throws -> Data {
        try await credential.call("doudi-relief", base: url, method, path, body: body)
    }
}
