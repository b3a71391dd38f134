import ArgumentParser
import DoudiDomain
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `doudi tasks list | show | assign | complete`: the worklist of doudi-casework over its HTTP API
/// (docs/casework.md), with the operator's token: its role decides what it may do, its regions
/// which tasks it sees.
struct TasksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks", abstract: "The worklist (doudi-casework): list by region, kind, state and due date; assign; complete with a result.",
        subcommands: [List.self, Show.self, Assign.self, Complete.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Tasks in due-date order, a page at a time (--all follows every page).")
        @OptionGroup var api: CaseworkAPIOptions
        @Option(help: "A division code or its prefix, e.g. 110105 (a county).") var region: String?
        @Option(help: "home_visit, random_check, annual_survey, verify_exit, request_authorization, case_conference, staff_relative_review, relief_paperwork, referral_follow_up.")
        var kind: String?
        @Option(help: "open, assigned, overdue, done, cancelled.") var state: String?
        @Option(help: "Due on or after this day (YYYY-MM-DD).") var dueFrom: String?
        @Option(help: "Due on or before this day (YYYY-MM-DD).") var dueTo: String?
        @Option(help: "One household's tasks.") var household: String?
        @Option(help: "Tasks per page (1–1000).") var limit = 100
        @Option(help: "Start after this cursor (the `next` a page printed).") var after: String?
        @Flag(help: "Follow every page.") var all = false
        @Flag(help: "Print the JSON pages as the API returns them.") var json = false

        func run() async throws {
            struct Page: Decodable { var tasks: [CaseworkTask]; var next: String? }
            var cursor = after
            var rows: [[String]] = []
            repeat {
                var items = [URLQueryItem(name: "limit", value: String(limit))]
                for (name, value) in [("region", region), ("kind", kind), ("state", state), ("dueFrom", dueFrom), ("dueTo", dueTo),
                                      ("household", household), ("after", cursor)] {
                    if let value { items.append(URLQueryItem(name: name, value: value)) }
                }
                var components = URLComponents(); components.queryItems = items
                let data = try await api.request("GET", "/v1/tasks?" + (components.percentEncodedQuery ?? ""))
                if json { print(String(decoding: data, as: UTF8.self)) }
                let page = try JSONDecoder().decode(Page.self, from: data)
                rows += page.tasks.map { t in
                    [t.taskId, t.kind.rawValue, t.state.rawValue, t.dueBy, "\(t.level.rawValue) \(t.office)",
                     t.assignee.map { "\($0.kind.rawValue):\($0.id)" } ?? "-", t.householdId ?? "-"]
                }
                cursor = page.next
                if !all, let next = page.next, !json { FileHandle.standardError.write(Data("tasks: more after this page: --after '\(next)'\n".utf8)) }
            } while all && cursor != nil
            if !json { printTable(["TASK", "KIND", "STATE", "DUE", "WITH", "ASSIGNEE", "HOUSEHOLD"], rows) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One task as JSON (its result and what it fed back).")
        @OptionGroup var api: CaseworkAPIOptions
        @Argument(help: "The task id.") var taskId: String
        func run() async throws { print(String(decoding: try await api.request("GET", "/v1/tasks/\(api.escape(taskId))"), as: UTF8.self)) }
    }

    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Assign a task to an office (--office CODE: a village or township under its county) or a person (--person STAFF_ID).")
        @OptionGroup var api: CaseworkAPIOptions
        @Argument(help: "The task id.") var taskId: String
        @Option(help: "A village (12 digits), township (9) or county (6) division code.") var office: String?
        @Option(help: "A staff id (never a name).") var person: String?

        func validate() throws {
            guard (office == nil) != (person == nil) else { throw ValidationError("give exactly one of --office and --person") }
        }

        func run() async throws {
            let assignee = office.map { ["kind": "office", "id": $0] } ?? ["kind": "person", "id": person ?? ""]
            let body = try JSONSerialization.data(withJSONObject: ["assignee": assignee])
            let t = try JSONDecoder().decode(CaseworkTask.self, from: try await api.request("POST", "/v1/tasks/\(api.escape(taskId))/assignment", body: body))
            print("tasks: \(t.taskId) \(t.state.rawValue), assigned to \(t.assignee.map { "\($0.kind.rawValue) \($0.id)" } ?? "-")")
        }
    }

    struct Complete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Complete a task with its result, a JSON object per kind (docs/casework.md), e.g. --result '{\"decision\": \"approved\"}' or --result-file visit.json.")
        @OptionGroup var api: CaseworkAPIOptions
        @Argument(help: "The task id.") var taskId: String
        @Option(help: "The result as JSON.") var result: String?
        @Option(help: "A file holding the result as JSON (a visit's form can be long).") var resultFile: String?
        @Option(help: "The day the work was done (YYYY-MM-DD; default today, China Standard Time).") var completedOn: String?

        func validate() throws {
            guard (result == nil) != (resultFile == nil) else { throw ValidationError("give exactly one of --result and --result-file") }
        }

        func run() async throws {
            let text = try result ?? String(contentsOfFile: resultFile ?? "", encoding: .utf8)
            guard let value = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else {
                throw ValidationError("the result is not JSON")
            }
            var fields: [String: Any] = ["result": value]
            if let completedOn { fields["completedOn"] = completedOn }
            let body = try JSONSerialization.data(withJSONObject: fields)
            let t = try JSONDecoder().decode(CaseworkTask.self, from: try await api.request("POST", "/v1/tasks/\(api.escape(taskId))/completion", body: body))
            var line = "tasks: \(t.taskId) done on \(t.completedOn ?? "?")"
            if let e = t.escalatedOn { line += " (overdue since \(e), with the \(t.level.rawValue))" }
            if !t.feedback.isEmpty { line += "; fed back: \(t.feedback.joined(separator: ", "))" }
            print(line)
        }
    }
}

struct CaseworkAPIOptions: ParsableArguments {
    @Option(help: "Base URL of doudi-casework (env DOUDI_CASEWORK_URL).")
    var url = ProcessInfo.processInfo.environment["DOUDI_CASEWORK_URL"] ?? "http://127.0.0.1:8087"
    @OptionGroup var credential: CredentialOptions

    func escape(_ id: String) -> String { id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? id }

    func request(_ method: String, _ path: String, body: Data? = nil) async throws -> Data {
        try await credential.call("doudi-casework", base: url, method, path, body: body)
    }
}
