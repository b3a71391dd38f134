// The console's routes: pages read the read model in one snapshot; actions call the owning
// service with the operator's own token and show its answer; every page with personal data (a
// household, a task's visit form) records the access (`audit.access`) before it is answered.
import DoudiDomain
import Envelope
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import ServiceKit

struct ConsoleRoutes: Sendable {
    static let workers: Set<OperatorRole> = [.township, .county, .province]
    let writer: StoreWriter
    let audit: AccessAudit
    let owners: Owners
    let keys: OperatorKeyRing
    let settings: ConsoleSettings

    static func today() -> CivilDate { CivilDate(dayNumber: Int((Int64(Date().timeIntervalSince1970 * 1000) + 8 * 3_600_000) / 86_400_000)) }

    func viewer(_ request: Request, _ context: DoudiRequestContext) throws -> Viewer {
        guard let c = context.credential else { throw HTTPError(.unauthorized) }
        guard ConsoleSession.roles.contains(c.role) else {
            throw HTTPError(.forbidden, message: "the \(c.role.rawValue) role does not use the console")
        }
        return Viewer(credential: c, lang: ConsoleSession.lang(request))
    }

    /// The region asked for (`?region=`), when the operator's regions cover it; else their first.
    func region(_ request: Request, _ v: Viewer) throws -> String {
        let asked = (request.uri.queryParameters.get("region") ?? "").trimmingCharacters(in: .whitespaces)
        let home = v.credential.national ? "" : v.credential.regions[0]
        guard !asked.isEmpty || v.credential.national else { return home }
        guard asked.count <= 12, asked.allSatisfy(\.isASCII), asked.allSatisfy(\.isNumber) else {
            throw HTTPError(.badRequest, message: "region: the digits of a division code")
        }
        guard asked.isEmpty || v.credential.covers(region: asked) else {
            throw HTTPError(.notFound, message: "region \(asked) is outside your regions")
        }
        return asked
    }

    func page(_ request: Request) -> Int { max(1, min(10_000, Int(request.uri.queryParameters.get("page") ?? "1") ?? 1)) }

    func add(to router: Router<DoudiRequestContext>) {
        router.add(middleware: ConsoleSession(keys: keys))
        router.get("/assets/console.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                     body: .init(byteBuffer: ByteBuffer(string: Assets.css)))
        }
        router.get("/login") { request, _ in
            html(Pages.login(problem: nil, development: settings.developmentLogin, lang: ConsoleSession.lang(request)))
        }
        router.post("/login") { request, _ in
            let token = (try await formFields(request)["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            do {
                let c = try OperatorToken.verify(token, keys: keys)
                guard ConsoleSession.roles.contains(c.role) else {
                    return html(Pages.login(problem: "the \(c.role.rawValue) role does not use the console", development: settings.developmentLogin,
                                            lang: ConsoleSession.lang(request)), status: .forbidden)
                }
                let age = Int(max(60, c.expiresAt - Int64(Date().timeIntervalSince1970)))
                return redirect("/", headers: [.setCookie: ConsoleSession.setCookie(token, maxAge: age)])
            } catch let f as OperatorToken.Failure {
                return html(Pages.login(problem: "token: \(f.description)", development: settings.developmentLogin, lang: ConsoleSession.lang(request)),
                            status: .unauthorized)
            }
        }
        router.post("/login/development") { request, _ in
            guard settings.developmentLogin else { return html(Pages.message(L("登录", "Sign in"), "development sign-in is off", nil, lang: .zh), status: .notFound) }
            let f = try await formFields(request)
            guard let role = f["role"].flatMap(OperatorRole.init(rawValue:)), ConsoleSession.roles.contains(role),
                  let region = f["region"], region == "*" || (1...12).contains(region.count) && region.allSatisfy(\.isNumber),
                  let subject = f["subject"], !subject.isEmpty, subject.count <= 64 else {
                return html(Pages.login(problem: "role, region (digits or *) and operator id are required", development: true, lang: ConsoleSession.lang(request)),
                            status: .badRequest)
            }
            let token = OperatorToken.development(subject: subject, role: role, regions: [region])
            return redirect("/", headers: [.setCookie: ConsoleSession.setCookie(token, maxAge: 8 * 3600)])
        }
        router.post("/logout") { _, _ in redirect("/login", headers: [.setCookie: ConsoleSession.setCookie("", maxAge: 0)]) }
        router.get("/lang") { request, _ in
            let to = Lang(rawValue: request.uri.queryParameters.get("to") ?? "") ?? .zh
            var back = request.uri.queryParameters.get("back").map { String($0) } ?? "/"
            if !back.hasPrefix("/") || back.hasPrefix("//") { back = "/" }
            return redirect(back, headers: [.setCookie: "\(ConsoleSession.langCookie)=\(to.rawValue); Path=/; SameSite=Strict; Max-Age=31536000"])
        }

        router.get("/") { request, context in
            let v = try viewer(request, context)
            let region = try region(request, v), today = Self.today()
            let month = String(today.description.prefix(7))
            let d = try await writer.read { db in try ConsoleQueries.dashboard(db, scope: Scope(region: region), today: today, month: month) }
            return html(Pages.dashboard(d, region: region, month: month, v))
        }
        router.get("/worklist") { request, context in
            let v = try viewer(request, context)
            let region = try region(request, v), page = page(request), q = request.uri.queryParameters
            let state = q.get("state") ?? "pending", kind = q.get("kind") ?? ""
            let rows = try await writer.read { db in
                try ConsoleQueries.tasks(db, scope: Scope(region: region), states: state == "pending" ? Pages.pendingStates : [state],
                                         kind: kind.isEmpty ? nil : kind, limit: 50, offset: (page - 1) * 50)
            }
            return html(Pages.worklist(rows, region: region, state: state, kind: kind, page: page, today: Self.today().description, v))
        }
        router.get("/households") { request, context in
            let v = try viewer(request, context)
            let region = try region(request, v), page = page(request), category = request.uri.queryParameters.get("category") ?? ""
            let rows = try await writer.read { db in
                try ConsoleQueries.households(db, scope: Scope(region: region), category: category.isEmpty ? nil : category, limit: 50, offset: (page - 1) * 50)
            }
            return html(Pages.households(rows, region: region, category: category, page: page, v))
        }
        router.get("/households/:id") { request, context in
            let v = try viewer(request, context)
            let id = try context.parameters.require("id")
            guard let h = try await writer.read({ db in try ConsoleQueries.household(db, id: id) }) else {
                return html(Pages.message(L("家庭", "Household"), v.t("没有这个家庭", "No such household"), v, lang: v.lang), status: .notFound)
            }
            // Recorded before it is answered; outside the operator's regions it is recorded as denied and not revealed.
            try await audit.recordScoped(request, context, resource: "console-household", id: id, regionCode: h.profile.regionCode)
            var lines: [String]?
            if let token = ConsoleSession.token(request) {
                let answer = await owners.explanation(id, token: token)
                if answer.ok, let o = answer.json as? [String: Any], let text = o["text"] as? [String: [String]] {
                    lines = text[v.lang.rawValue] ?? text["zh"]
                }
            }
            return html(Pages.household(h, explanation: lines, v))
        }
        router.get("/tasks/:id") { request, context in
            let v = try viewer(request, context)
            let id = try context.parameters.require("id")
            return try await taskPage(request, context, v, id: id, message: request.uri.queryParameters.get("done").map { _ in v.t("已保存。", "Saved.") }, problem: nil)
        }
        router.post("/tasks/:id/assign") { request, context in
            let v = try viewer(request, context)
            let id = try context.parameters.require("id")
            let f = try await formFields(request)
            let answer = await owners.assign(id, kind: f["kind"] ?? "person", assignee: (f["id"] ?? "").trimmingCharacters(in: .whitespaces),
                                             token: ConsoleSession.token(request) ?? "")
            if answer.ok { return redirect("/tasks/\(id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id)?done=assigned") }
            return try await taskPage(request, context, v, id: id, message: nil, problem: answer.problem, status: .unprocessableContent)
        }
        router.post("/tasks/:id/complete") { request, context in
            let v = try viewer(request, context)
            let id = try context.parameters.require("id")
            let f = try await formFields(request)
            let token = ConsoleSession.token(request) ?? ""
            let fetched = await owners.task(id, token: token)
            guard fetched.ok, let t = try? JSONDecoder().decode(CaseworkTask.self, from: fetched.body) else {
                return html(Pages.message(L("任务", "Task"), fetched.problem, v, lang: v.lang), status: .notFound)
            }
            let profile = try await t.householdId.asyncMap { hh in try await writer.read { db in try ConsoleStore.profile(db, hh) } } ?? nil
            let result: [String: Any]
            do { result = try Completion.result(t, fields: f, profile: profile, by: v.credential.subject) }
            catch let p as Completion.Problem { return try await taskPage(request, context, v, id: id, message: nil, problem: p.text, status: .unprocessableContent) }
            let answer = await owners.complete(id, result: result, token: token)
            if answer.ok { return redirect("/tasks/\(id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id)?done=completed") }
            return try await taskPage(request, context, v, id: id, message: nil, problem: answer.problem, status: .unprocessableContent)
        }
        router.get("/approvals") { request, context in
            let v = try viewer(request, context)
            return try await approvalsPage(request, v, message: request.uri.queryParameters.get("done").map { _ in v.t("已提交。", "Submitted.") }, problems: [])
        }
        router.post("/approvals/:kind/:id") { request, context in
            let v = try viewer(request, context)
            let kind = try context.parameters.require("kind"), id = try context.parameters.require("id")
            let f = try await formFields(request)
            let token = ConsoleSession.token(request) ?? ""
            let answer: OwnerAnswer
            if kind == "relief" {
                guard let amount = Completion.fen(f["amount"] ?? ""), amount >= 0 else {
                    return try await approvalsPage(request, v, message: nil, problems: [v.t("批准金额：请填写金额（元）", "amount: the amount approved, in yuan")], status: .unprocessableContent)
                }
                answer = await owners.approveRelief(id, approvedFen: amount, token: token)
            } else if kind == "living", let step = f["step"], step == "preliminary-review" || step == "confirmation" {
                answer = await owners.reviewLiving(id, step: step, decision: f["decision"] ?? "", note: f["note"] ?? "", token: token)
            } else {
                return try await approvalsPage(request, v, message: nil, problems: ["unknown approval"], status: .badRequest)
            }
            if answer.ok { return redirect("/approvals?done=1") }
            return try await approvalsPage(request, v, message: nil, problems: [answer.problem], status: .unprocessableContent)
        }
        router.get("/referrals") { request, context in
            let v = try viewer(request, context)
            let region = try region(request, v), page = page(request), domain = request.uri.queryParameters.get("domain") ?? ""
            let today = Self.today()
            let (byDomain, rows) = try await writer.read { db in
                (try ConsoleQueries.referralsByDomain(db, scope: Scope(region: region), today: today),
                 try ConsoleQueries.referrals(db, scope: Scope(region: region), domain: domain.isEmpty ? nil : domain, openOnly: true, limit: 50, offset: (page - 1) * 50))
            }
            return html(Pages.referrals(byDomain: byDomain, rows: rows, region: region, domain: domain, page: page, today: today.description, v))
        }
        router.get("/export/:file") { request, context in
            let v = try viewer(request, context)
            let file = try context.parameters.require("file")
            let parts = file.split(separator: ".")
            guard parts.count == 2, ["csv", "xlsx"].contains(parts[1]) else { throw HTTPError(.notFound) }
            let sheet = try await exportSheet(String(parts[0]), request, v)
            let data = parts[1] == "csv" ? sheet.csv() : try sheet.xlsx()
            let type = parts[1] == "csv" ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            return Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(file)\""],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    func taskPage(_ request: Request, _ context: DoudiRequestContext, _ v: Viewer, id: String, message: String?, problem: String?,
                  status: HTTPResponse.Status = .ok) async throws -> Response {
        let answer = await owners.task(id, token: ConsoleSession.token(request) ?? "")
        guard answer.ok, let t = try? JSONDecoder().decode(CaseworkTask.self, from: answer.body) else {
            return html(Pages.message(L("任务", "Task"), answer.status == 404 ? v.t("没有这个任务", "No such task") : answer.problem, v, lang: v.lang),
                        status: answer.status == 404 ? .notFound : .badGateway)
        }
        var profile: HouseholdProfile?
        if let hh = t.householdId, t.state.isPending, [.homeVisit, .randomCheck, .annualSurvey, .requestAuthorization, .verifyExit].contains(t.kind) {
            profile = try await writer.read { db in try ConsoleStore.profile(db, hh) }
            if profile != nil { try await audit.recordScoped(request, context, resource: "console-household", id: hh, regionCode: t.regionCode) }
        }
        return html(Pages.task(t, profile: profile, message: message, problem: problem, v), status: status)
    }

    /// What waits for the operator's level (§4: the township reviews first, the county confirms and
    /// approves above the township's limit), read from the owning services with the operator's token.
    func approvalItems(_ request: Request, _ v: Viewer) async -> ([Pages.ApprovalItem], [String]) {
        let token = ConsoleSession.token(request) ?? ""
        var items: [Pages.ApprovalItem] = [], problems: [String] = []
        let role = v.credential.role
        if role == .county || role == .province {
            let relief = await owners.reliefCases(status: "pending", token: token)
            if relief.ok, let list = relief.json as? [[String: Any]] {
                for c in list where (c["countyApproved"] as? Bool) != true {
                    items.append(.init(kind: "relief", caseId: c["caseId"] as? String ?? "", regionCode: c["regionCode"] as? String ?? "", householdId: nil,
                                       what: "\(c["incidentKind"] as? String ?? "") · \(v.t("申请", "requested")) \(yuan((c["requestedFen"] as? NSNumber)?.int64Value ?? 0))",
                                       amountFen: (c["approvedTotalFen"] as? NSNumber)?.int64Value, since: c["createdAt"] as? String ?? "", step: "approval"))
                }
            } else { problems.append("relief: " + relief.problem) }
        }
        if role == .township || role == .county || role == .province {
            let stage = role == .township ? "awaiting_preliminary_review" : "awaiting_confirmation"
            let living = await owners.livingCases(stage: stage, token: token)
            if living.ok, let list = living.json as? [[String: Any]] {
                for c in list {
                    items.append(.init(kind: "living", caseId: c["caseId"] as? String ?? "", regionCode: c["regionCode"] as? String ?? "",
                                       householdId: c["householdId"] as? String, what: c["kind"] as? String ?? "", amountFen: nil,
                                       since: c["receivedAt"] as? String ?? "", step: role == .township ? "preliminary-review" : "confirmation"))
                }
            } else { problems.append("basic-living: " + living.problem) }
        }
        return (items, problems)
    }

    func approvalsPage(_ request: Request, _ v: Viewer, message: String?, problems extra: [String], status: HTTPResponse.Status = .ok) async throws -> Response {
        let (items, problems) = await approvalItems(request, v)
        return html(Pages.approvals(items, problems: extra + problems, message: message, v), status: status)
    }

    func exportSheet(_ list: String, _ request: Request, _ v: Viewer) async throws -> Sheet {
        let region = try region(request, v), q = request.uri.queryParameters, lang = v.lang
        switch list {
        case "households":
            let category = q.get("category") ?? ""
            let rows = try await writer.read { db in
                try ConsoleQueries.households(db, scope: Scope(region: region), category: category.isEmpty ? nil : category, limit: 100_000, offset: 0)
            }
            return Sheet(name: "households", headers: [v.t("家庭编号", "Household"), v.t("区划", "Division"), v.t("类别", "Category"), v.t("人数", "Members"), v.t("标识", "Flags")],
                         rows: rows.map { [$0.householdId, $0.regionCode, Words.word(Words.categories, $0.category, lang), "\($0.members)", $0.flags] })
        case "worklist":
            let state = q.get("state") ?? "pending", kind = q.get("kind") ?? ""
            let rows = try await writer.read { db in
                try ConsoleQueries.tasks(db, scope: Scope(region: region), states: state == "pending" ? Pages.pendingStates : [state],
                                         kind: kind.isEmpty ? nil : kind, limit: 100_000, offset: 0)
            }
            return Sheet(name: "worklist", headers: [v.t("任务", "Task"), v.t("到期", "Due"), v.t("类型", "Kind"), v.t("状态", "State"), v.t("负责", "Office"),
                                                     v.t("承办人", "Assignee"), v.t("家庭", "Household"), v.t("事由", "Reason")],
                         rows: rows.map { [$0.taskId, $0.dueBy, Words.word(Words.taskKinds, $0.kind, lang), Words.word(Words.taskStates, $0.state, lang), $0.office,
                                           $0.assignee ?? "", $0.householdId ?? "", $0.reason] })
        case "referrals":
            let domain = q.get("domain") ?? ""
            let rows = try await writer.read { db in
                try ConsoleQueries.referrals(db, scope: Scope(region: region), domain: domain.isEmpty ? nil : domain, openOnly: true, limit: 100_000)
            }
            return Sheet(name: "referrals", headers: [v.t("转办", "Referral"), v.t("期限", "Due"), v.t("部门", "Department"), v.t("状态", "Status"),
                                                      v.t("等级", "Level"), v.t("家庭", "Household"), v.t("区划", "Division"), v.t("升级", "Escalated")],
                         rows: rows.map { [$0.referralId, $0.dueBy, Words.word(Words.domains, $0.domain, lang), Words.word(Words.referralStatuses, $0.status, lang),
                                           Words.word(Words.levels, $0.level, lang), $0.householdId, $0.regionCode, $0.escalatedAt ?? ""] })
        case "regions":
            let rows = try await writer.read { db in try ConsoleQueries.children(db, of: region) }
            return Sheet(name: "regions", headers: [v.t("区划代码", "Code"), v.t("区划", "Division"), v.t("户数", "Households"), v.t("未处置预警", "Open warnings")],
                         rows: rows.map { [$0.code, $0.name, "\($0.households)", "\($0.openWarnings)"] })
        default:
            throw HTTPError(.notFound, message: "no list \(list)")
        }
    }
}

extension Optional {
    func asyncMap<T>(_ f: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await f(self)
    }
}
