// The pages as pure functions of what was read (so the routes, the tests and the benchmark
// render the same thing): dashboard with drill-down, worklist, task, household, approvals,
// referrals by department, households, sign-in. Text is Chinese first; `Lang.en` switches.
import DoudiDomain
import Foundation
import ServiceKit

struct Viewer: Sendable {
    var credential: OperatorCredential
    var lang: Lang
    var unmasked: Bool { ConsoleSession.unmasked.contains(credential.role) }
    var line: String {
        let roles: [OperatorRole: L] = [.township: L("乡镇", "township"), .county: L("县级", "county"), .province: L("省级", "province"),
                                        .auditor: L("审计", "auditor"), .department: L("部门", "department"), .declarant: L("申报", "declarant")]
        let regions = credential.regions.map { $0 == "*" ? (lang == .zh ? "全国" : "all regions") : (RegionDirectory.standard.fullName($0) ?? $0) }
        return "\(credential.subject) · \(roles[credential.role]?(lang) ?? credential.role.rawValue) · \(regions.joined(separator: "、"))"
    }
    func t(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }
}

enum Pages {
    static func regionName(_ code: String, _ lang: Lang) -> String {
        if code.isEmpty { return lang == .zh ? "全国" : "All regions" }
        return RegionDirectory.standard.fullName(code) ?? RegionDirectory.standard.nearest(code).map { "\($0.name) \(code)" } ?? code
    }

    static func crumbs(_ code: String, base: String, _ v: Viewer) -> String {
        var links: [String] = []
        if v.credential.national { links.append("<a href=\"\(base)?region=\">\(esc(v.t("全国", "All")))</a>") }
        for r in RegionDirectory.standard.chain(code) where v.credential.covers(region: r.code) {
            links.append("<a href=\"\(base)?region=\(r.code)\">\(esc(r.name))</a>")
        }
        if code.count == 12 { links.append(esc(code)) }
        return "<nav class=\"crumbs\" aria-label=\"\(v.t("区划", "Regions"))\">" + links.joined(separator: " › ") + "</nav>"
    }

    static func regionFilter(_ region: String, _ v: Viewer, extra: String = "") -> String {
        """
        <div><label for="region">\(v.t("区划代码", "Division code"))</label>
        <input id="region" name="region" inputmode="numeric" pattern="[0-9]{0,12}" value="\(esc(region))"></div>\(extra)
        <div><button type="submit">\(v.t("查看", "Show"))</button></div>
        """
    }

    // MARK: dashboard

    static func dashboard(_ d: Dashboard, region: String, month: String, _ v: Viewer) -> String {
        let lang = v.lang
        var b = crumbs(region, base: "/", v)
        b += "<form class=\"filters\" method=\"get\" action=\"/\">\(regionFilter(region, v))</form>"
        b += "<h2>\(esc(regionName(region, lang)))</h2>"
        let totalHouseholds = d.categories.reduce(0) { $0 + $1.1 }
        let openWarnings = d.openWarnings.reduce(0) { $0 + $1.count }
        b += "<div class=\"cards\">"
        let cards: [(String, String, String)] = [
            (v.t("在库家庭", "Households"), "\(totalHouseholds)", "/households?region=\(region)"),
            (v.t("未处置预警", "Open warnings"), "\(openWarnings)", "/households?region=\(region)"),
            (v.t("逾期转办", "Overdue referrals"), "\(d.overdueReferrals)", "/referrals?region=\(region)"),
            (v.t("升级督办", "Escalated referrals"), "\(d.escalatedReferrals)", "/referrals?region=\(region)"),
            (v.t("待办任务", "Pending tasks"), "\(d.pendingTasks)", "/worklist?region=\(region)"),
            (v.t("逾期任务", "Overdue tasks"), "\(d.overdueTasks)", "/worklist?region=\(region)&state=overdue"),
            (v.t("本月临时救助", "Relief paid this month"), yuan(d.reliefPaidFen), "/referrals?region=\(region)&domain=emergency"),
            (v.t("本月低保特困发放", "Basic living paid this month"), yuan(d.payrollFen), "/referrals?region=\(region)&domain=basic-living"),
        ]
        for (label, n, href) in cards { b += "<a class=\"card\" href=\"\(href)\"><span class=\"n\">\(esc(n))</span>\(esc(label))</a>" }
        b += "</div>"
        b += table(v.t("家庭按类别", "Households by category"), [v.t("类别", "Category"), v.t("户数", "Households")],
                   d.categories.map { ["<a href=\"/households?region=\(region)&amp;category=\($0.0)\">\(esc(Words.word(Words.categories, $0.0, lang)))</a>", "\($0.1)"] },
                   rawCells: true, id: "categories")
        b += table(v.t("未处置预警（按等级和处置类型）", "Open warnings by level and disposal"),
                   [v.t("等级", "Level"), v.t("处置类型", "Disposal"), v.t("数量", "Count")],
                   d.openWarnings.map { ["<span class=\"\($0.level)\">\(esc(Words.word(Words.levels, $0.level, lang)))</span>",
                                         esc(Words.word(Words.disposals, $0.disposal, lang)), "\($0.count)"] }, rawCells: true, id: "warnings")
        b += table(v.t("各项救助人数", "People on each programme"), [v.t("项目", "Programme"), v.t("人数", "People")],
                   d.programmes.map { [$0.0, "\($0.1)"] }, id: "programmes")
        b += "<h2>\(v.t("近八周趋势", "Last eight weeks"))</h2>"
        b += weeklyChart(title: v.t("每周新增与处置的预警", "Warnings opened and resolved per week"),
                         series: [(v.t("新增", "opened"), d.opened, "opened"), (v.t("已处置", "resolved"), d.resolved, "resolved")], weeks: d.weeks)
        if !d.children.isEmpty {
            b += table(v.t("下级区划", "Divisions below"), [v.t("区划", "Division"), v.t("户数", "Households"), v.t("未处置预警", "Open warnings")],
                       d.children.map { ["<a href=\"/?region=\($0.code)\">\(esc($0.name))</a> <small>\($0.code)</small>", "\($0.households)", "\($0.openWarnings)"] },
                       rawCells: true, id: "children")
            b += "<p class=\"exports\"><a href=\"/export/regions.csv?region=\(region)\">CSV</a><a href=\"/export/regions.xlsx?region=\(region)\">XLSX</a></p>"
        }
        b += "<p><small>\(v.t("统计月份", "Month")) \(esc(month))</small></p>"
        return Page(lang: lang, title: L("总览", "Dashboard"), operatorLine: v.line, path: "/", body: b).render()
    }

    // MARK: worklist

    static let pendingStates = ["open", "assigned", "overdue"]

    static func worklist(_ rows: [ConsoleQueries.TaskRow], region: String, state: String, kind: String, page: Int, today: String, _ v: Viewer) -> String {
        let lang = v.lang
        var b = crumbs(region, base: "/worklist", v)
        let stateOptions = [("pending", v.t("待办（全部未完成）", "Pending (all)"))] + CaseworkState.allCases.map { ($0.rawValue, Words.word(Words.taskStates, $0.rawValue, lang)) }
        let kindOptions = [("", v.t("全部", "All"))] + TaskKind.allCases.map { ($0.rawValue, Words.word(Words.taskKinds, $0.rawValue, lang)) }
        let extra = """
            <div><label for="state">\(v.t("状态", "State"))</label><select id="state" name="state">\(options(stateOptions, state))</select></div>
            <div><label for="kind">\(v.t("类型", "Kind"))</label><select id="kind" name="kind">\(options(kindOptions, kind))</select></div>
            """
        b += "<form class=\"filters\" method=\"get\" action=\"/worklist\">\(regionFilter(region, v, extra: extra))</form>"
        let query = "region=\(region)&amp;state=\(state)&amp;kind=\(kind)"
        b += table(v.t("任务（按到期日）", "Tasks by due date"),
                   [v.t("到期", "Due"), v.t("类型", "Kind"), v.t("状态", "State"), v.t("负责", "Office"), v.t("承办人", "Assignee"), v.t("家庭", "Household"), v.t("事由", "Reason")],
                   rows.map { r in
                       let late = r.dueBy < today && pendingStates.contains(r.state)
                       return ["<span class=\"\(late ? "red" : "")\">\(esc(r.dueBy))</span>",
                               "<a href=\"/tasks/\(esc(r.taskId))\">\(esc(Words.word(Words.taskKinds, r.kind, lang)))</a>",
                               esc(Words.word(Words.taskStates, r.state, lang)), esc("\(r.office)"), esc(r.assignee ?? "—"),
                               r.householdId.map { "<a href=\"/households/\(esc($0))\">\(esc($0))</a>" } ?? "—", esc(r.reason)]
                   }, rawCells: true, id: "tasks")
        b += pager("/worklist?\(query)", page: page, full: rows.count == 50, v)
        b += "<p class=\"exports\"><a href=\"/export/worklist.csv?\(query)\">CSV</a><a href=\"/export/worklist.xlsx?\(query)\">XLSX</a></p>"
        return Page(lang: lang, title: L("工作清单", "Worklist"), operatorLine: v.line, path: "/worklist", body: b).render()
    }

    static func options(_ pairs: [(String, String)], _ selected: String) -> String {
        pairs.map { "<option value=\"\(esc($0.0))\"\($0.0 == selected ? " selected" : "")>\(esc($0.1))</option>" }.joined(separator: "")
    }

    static func pager(_ base: String, page: Int, full: Bool, _ v: Viewer) -> String {
        var links: [String] = []
        if page > 1 { links.append("<a href=\"\(base)&amp;page=\(page - 1)\" rel=\"prev\">\(v.t("上一页", "Previous"))</a>") }
        if full { links.append("<a href=\"\(base)&amp;page=\(page + 1)\" rel=\"next\">\(v.t("下一页", "Next"))</a>") }
        return links.isEmpty ? "" : "<p>" + links.joined(separator: " ") + " <small>\(v.t("第", "page ")) \(page) \(v.t("页", ""))</small></p>"
    }

    // MARK: task

    static func task(_ t: CaseworkTask, profile: HouseholdProfile?, message: String?, problem: String?, _ v: Viewer) -> String {
        let lang = v.lang
        var b = ""
        if let message { b += "<p class=\"notice\" role=\"status\">\(esc(message))</p>" }
        if let problem { b += "<p class=\"problem\" role=\"alert\">\(esc(problem))</p>" }
        b += table(v.t("任务", "Task"), [v.t("项目", "Field"), v.t("内容", "Value")], [
            [v.t("类型", "Kind"), esc(Words.word(Words.taskKinds, t.kind.rawValue, lang))],
            [v.t("状态", "State"), "<span id=\"task-state\">\(esc(Words.word(Words.taskStates, t.state.rawValue, lang)))</span>"],
            [v.t("到期", "Due"), esc(t.dueBy)],
            [v.t("负责层级", "Level"), esc("\(t.level.rawValue) \(t.office)")],
            [v.t("承办人", "Assignee"), esc(t.assignee.map { "\($0.kind.rawValue):\($0.id)" } ?? "—")],
            [v.t("家庭", "Household"), t.householdId.map { "<a href=\"/households/\(esc($0))\">\(esc($0))</a>" } ?? "—"],
            [v.t("事由", "Reason"), esc(t.reason)],
            [v.t("结果", "Result"), esc(t.result.map { r in [r.decision, r.note, r.submissionId.map { "submission \($0)" }].compactMap { $0 }.joined(separator: " · ") } ?? "—")],
        ], rawCells: true, id: "task")
        guard t.state.isPending, ConsoleRoutes.workers.contains(v.credential.role) else {
            return Page(lang: lang, title: L("任务", "Task"), operatorLine: v.line, path: "/worklist", body: b).render()
        }
        let id = esc(t.taskId)
        b += """
            <h2>\(v.t("分派", "Assign"))</h2>
            <form class="stack" method="post" action="/tasks/\(id)/assign" id="assign">
            <label for="assignee-kind">\(v.t("承办方式", "Assign to"))</label>
            <select id="assignee-kind" name="kind"><option value="person">\(v.t("工作人员", "A staff member"))</option><option value="office">\(v.t("村（居）或乡镇", "A village or township office"))</option></select>
            <label for="assignee-id">\(v.t("工作人员编号或区划代码", "Staff id or office code"))</label>
            <input id="assignee-id" name="id" required maxlength="64" value="\(esc(v.credential.subject))">
            <button type="submit">\(v.t("分派", "Assign"))</button></form>
            <h2>\(v.t("完成并登记结果", "Complete with the result"))</h2>
            <form class="stack" method="post" action="/tasks/\(id)/complete" id="complete">
            \(completionFields(t, profile: profile, v))
            <label for="note">\(v.t("说明", "Note"))</label><textarea id="note" name="note" rows="3" maxlength="2000"></textarea>
            <button type="submit">\(v.t("完成任务", "Complete the task"))</button></form>
            """
        return Page(lang: lang, title: L("任务", "Task"), operatorLine: v.line, path: "/worklist", body: b).render()
    }

    /// The result's fields per kind (docs/casework.md "Results"): a visit re-collects the form from
    /// the household's current facts, which the operator corrects where the visit found otherwise.
    static func completionFields(_ t: CaseworkTask, profile: HouseholdProfile?, _ v: Viewer) -> String {
        func visitForm(_ p: HouseholdProfile) -> String {
            var s = "<fieldset><legend>\(v.t("核查所见", "What the visit found"))</legend>"
            for (i, m) in p.members.enumerated() {
                let who = v.unmasked ? m.name : Mask.name(m.name)
                s += """
                    <label for="health-\(i)">\(esc(who)) · \(v.t("健康状况", "health"))</label>
                    <select id="health-\(i)" name="health-\(i)">\(options(Health.allCases.map { ($0.rawValue, Words.word(Words.health, $0.rawValue, v.lang)) }, m.health.rawValue))</select>
                    <label for="labor-\(i)">\(esc(who)) · \(v.t("劳动能力", "ability to work"))</label>
                    <select id="labor-\(i)" name="labor-\(i)">\(options([("full", v.t("完全", "full")), ("partial", v.t("部分", "partial")), ("none", v.t("丧失", "none"))], m.laborAbility.rawValue))</select>
                    <label for="occupation-\(i)">\(esc(who)) · \(v.t("就业状况", "occupation"))</label>
                    <select id="occupation-\(i)" name="occupation-\(i)">\(options(Occupation.allCases.map { ($0.rawValue, $0.rawValue) }, m.occupation.rawValue))</select>
                    <label for="income-\(i)">\(esc(who)) · \(v.t("月收入（元）", "monthly income (yuan)"))</label>
                    <input id="income-\(i)" name="income-\(i)" inputmode="decimal" value="\(Double(m.monthlyIncomeFen ?? 0) / 100)">
                    """
            }
            s += """
                <label for="wages">\(v.t("家庭工资性收入（元）", "Household wages (yuan)"))</label>
                <input id="wages" name="wages" inputmode="decimal" value="\(Double(p.income.wagesFen) / 100)">
                <label for="medical">\(v.t("医疗支出（元）", "Medical expenses (yuan)"))</label>
                <input id="medical" name="medical" inputmode="decimal" value="\(Double(p.expenses.medicalFen) / 100)">
                </fieldset>
                """
            return s
        }
        switch t.kind {
        case .homeVisit, .randomCheck, .annualSurvey:
            return profile.map(visitForm) ?? "<p class=\"problem\">\(v.t("尚无该户资料，无法登记核查表", "No profile of this household yet"))</p>"
        case .requestAuthorization:
            return """
                <label for="obtained">\(v.t("是否取得授权", "Authorisation obtained"))</label>
                <select id="obtained" name="obtained"><option value="true">\(v.t("已取得", "Yes"))</option><option value="false">\(v.t("拒绝授权", "Refused"))</option></select>
                """ + (profile.map(visitForm) ?? "")
        case .verifyExit:
            let progs = (profile?.programs ?? []).map { ("\($0.domain.rawValue)|\($0.program)|\($0.personKey ?? "")", "\($0.program) \($0.personKey.map { "· " + String($0.prefix(8)) } ?? "")") }
            return """
                <label for="decision">\(v.t("核实结论", "Decision"))</label>
                <select id="decision" name="decision"><option value="confirm">\(v.t("确认退出", "Confirm the exit"))</option><option value="cancel">\(v.t("不予退出（重新登记）", "Cancel (re-collect)"))</option></select>
                <label for="programme">\(v.t("退出项目", "Programme"))</label><select id="programme" name="programme">\(options(progs, ""))</select>
                """ + (profile.map(visitForm) ?? "")
        case .staffRelativeReview:
            return """
                <label for="decision">\(v.t("审核结论", "Decision"))</label>
                <select id="decision" name="decision"><option value="approved">\(v.t("同意", "Approved"))</option><option value="rejected">\(v.t("不同意", "Rejected"))</option></select>
                """
        case .caseConference:
            return (t.coordination?.needs ?? []).enumerated().map { (i: Int, n: NeedRef) -> String in
                """
                <fieldset><legend>\(esc(Words.word(Words.domains, n.domain.rawValue, v.lang)))</legend>
                <label for="measure-\(i)">\(v.t("议定措施", "Measure agreed"))</label><input id="measure-\(i)" name="measure-\(i)" required maxlength="500">
                <label for="amount-\(i)">\(v.t("金额（元，可空）", "Amount (yuan, optional)"))</label><input id="amount-\(i)" name="amount-\(i)" inputmode="decimal"></fieldset>
                """
            }.joined(separator: "")
        case .reliefPaperwork, .referralFollowUp:
            return ""
        }
    }

    // MARK: household

    static func household(_ h: ConsoleQueries.HouseholdView, explanation: [String]?, _ v: Viewer) -> String {
        let lang = v.lang, p = h.profile
        var b = crumbs(p.regionCode, base: "/", v)
        b += table(v.t("基本情况", "Household"), [v.t("项目", "Field"), v.t("内容", "Value")], [
            [v.t("家庭编号", "Household id"), esc(p.householdId)],
            [v.t("区划", "Division"), esc("\(regionName(p.regionCode, lang)) \(p.regionCode)")],
            [v.t("类别", "Category"), "<span id=\"category\">\(esc(Words.word(Words.categories, h.category, lang)))</span>"],
            [v.t("标识", "Flags"), esc(p.flags.joined(separator: "、"))],
            [v.t("资料版本", "Profile version"), "\(p.version) · \(esc(p.asOf ?? p.collectedAt))"],
            [v.t("收入 / 医疗支出", "Income / medical expenses"), "\(yuan(p.income.totalFen)) / \(yuan(p.expenses.medicalFen))"],
        ], rawCells: true, id: "household")
        b += table(v.t("家庭成员", "Members"), [v.t("关系", "Relation"), v.t("姓名", "Name"), v.t("身份证号", "Identity number"), v.t("年龄", "Age"),
                                                v.t("健康", "Health"), v.t("月收入", "Monthly income")],
                   p.members.map { m in
                       [m.relation.rawValue, v.unmasked ? m.name : Mask.name(m.name), v.unmasked ? m.idNumber : Mask.idNumber(m.idNumber),
                        m.age.map(String.init) ?? "", Words.word(Words.health, m.health.rawValue, lang), yuan(m.monthlyIncomeFen ?? 0)]
                   }, id: "members")
        if !v.unmasked { b += "<p><small>\(v.t("您的角色只能查看脱敏的身份信息。", "Your role sees masked identity data."))</small></p>" }
        b += "<h2>\(v.t("认定说明", "Explanation"))</h2>"
        if let explanation, !explanation.isEmpty {
            b += "<ul id=\"explanation\">" + explanation.map { "<li>\(esc($0))</li>" }.joined(separator: "") + "</ul>"
        } else {
            b += "<p>\(v.t("分类服务暂无说明；以下为预警所依据的条款。", "The classifier gave no explanation; the warnings' clauses follow."))</p>"
        }
        let open = h.warnings.filter { $0.status == .open }
        b += table(v.t("未处置预警", "Open warnings"), [v.t("等级", "Level"), v.t("处置类型", "Disposal"), v.t("类别", "Category"), v.t("需求", "Needs"),
                                                    v.t("依据（条款）", "Reasons (clause)"), v.t("期限", "Due")],
                   open.map { w in
                       ["<span class=\"\(w.level.rawValue)\">\(esc(Words.word(Words.levels, w.level.rawValue, lang)))</span>",
                        esc(Words.word(Words.disposals, w.disposal.rawValue, lang)), esc(Words.word(Words.categories, w.category.rawValue, lang)),
                        esc(w.needs.map { Words.word(Words.domains, $0.domain.rawValue, lang) }.joined(separator: "、")),
                        esc(w.reasons.map { "\($0.detail)（\($0.clause)）" }.joined(separator: "；")), esc(w.dueBy ?? "")]
                   }, rawCells: true, id: "open-warnings")
        b += "<p id=\"warning-count\">\(v.t("未处置预警", "Open warnings")): \(open.count) · \(v.t("全部预警", "All warnings")): \(h.warnings.count)</p>"
        b += table(v.t("转办", "Referrals"), [v.t("部门", "Department"), v.t("状态", "Status"), v.t("期限", "Due"), v.t("升级", "Escalated"), v.t("决定", "Decision")],
                   h.referrals.map { r in
                       [Words.word(Words.domains, r.domain, lang), Words.word(Words.referralStatuses, r.status, lang), r.dueBy, r.escalatedAt ?? "",
                        r.decision.map { "\(Words.word(Words.referralStatuses, $0, lang)) \(r.program ?? "")" } ?? ""]
                   }, id: "referrals")
        b += table(v.t("享受的救助", "Programmes held"), [v.t("领域", "Domain"), v.t("项目", "Programme"), v.t("金额", "Amount"), v.t("起始", "Since")],
                   p.programs.map { [Words.word(Words.domains, $0.domain.rawValue, lang), $0.program, $0.amountFen.map(yuan) ?? "", $0.since] }, id: "programmes")
        b += table(v.t("任务", "Tasks"), [v.t("类型", "Kind"), v.t("状态", "State"), v.t("到期", "Due")],
                   h.tasks.map { ["<a href=\"/tasks/\(esc($0.taskId))\">\(esc(Words.word(Words.taskKinds, $0.kind, lang)))</a>",
                                  esc(Words.word(Words.taskStates, $0.state, lang)), esc($0.dueBy)] }, rawCells: true, id: "tasks")
        b += table(v.t("发放", "Payments"), [v.t("月份", "Month"), v.t("项目", "Programme"), v.t("金额", "Amount")],
                   h.payments.map { [$0.month, $0.program, yuan($0.amountFen)] }, id: "payments")
        b += table(v.t("时间线（所有相关事件）", "Timeline (every event about the household)"),
                   [v.t("时间", "Time"), v.t("主题", "Topic"), v.t("事件", "Event")],
                   h.timeline.map { [$0.at, $0.topic, $0.summary] }, id: "timeline")
        return Page(lang: lang, title: L("家庭 \(p.householdId)", "Household \(p.householdId)"), operatorLine: v.line, path: "/households", body: b).render()
    }

    static func households(_ rows: [ConsoleQueries.HouseholdRow], region: String, category: String, page: Int, _ v: Viewer) -> String {
        let lang = v.lang
        var b = crumbs(region, base: "/households", v)
        let cats = [("", v.t("全部", "All"))] + (Category.allCases.map(\.rawValue) + ["unassessed"]).map { ($0, Words.word(Words.categories, $0, lang)) }
        b += "<form class=\"filters\" method=\"get\" action=\"/households\">\(regionFilter(region, v, extra: "<div><label for=\"category\">\(v.t("类别", "Category"))</label><select id=\"category\" name=\"category\">\(options(cats, category))</select></div>"))</form>"
        b += table(v.t("家庭", "Households"), [v.t("家庭编号", "Household"), v.t("区划", "Division"), v.t("类别", "Category"), v.t("人数", "Members"), v.t("标识", "Flags")],
                   rows.map { ["<a href=\"/households/\(esc($0.householdId))\">\(esc($0.householdId))</a>", esc($0.regionCode),
                               esc(Words.word(Words.categories, $0.category, lang)), "\($0.members)", esc($0.flags)] }, rawCells: true, id: "households")
        let query = "region=\(region)&amp;category=\(category)"
        b += pager("/households?\(query)", page: page, full: rows.count == 50, v)
        b += "<p class=\"exports\"><a href=\"/export/households.csv?\(query)\">CSV</a><a href=\"/export/households.xlsx?\(query)\">XLSX</a></p>"
        return Page(lang: lang, title: L("家庭", "Households"), operatorLine: v.line, path: "/households", body: b).render()
    }

    // MARK: referrals

    static func referrals(byDomain: [(domain: String, open: Int, overdue: Int, escalated: Int)], rows: [ConsoleQueries.ReferralRow],
                          region: String, domain: String, page: Int, today: String, _ v: Viewer) -> String {
        let lang = v.lang
        var b = crumbs(region, base: "/referrals", v)
        let domains = [("", v.t("全部", "All"))] + Domain.allCases.map { ($0.rawValue, Words.word(Words.domains, $0.rawValue, lang)) }
        b += "<form class=\"filters\" method=\"get\" action=\"/referrals\">\(regionFilter(region, v, extra: "<div><label for=\"domain\">\(v.t("部门", "Department"))</label><select id=\"domain\" name=\"domain\">\(options(domains, domain))</select></div>"))</form>"
        b += table(v.t("各部门待办转办", "Referrals waiting, by department"),
                   [v.t("部门", "Department"), v.t("待决定", "Waiting"), v.t("逾期", "Overdue"), v.t("升级督办", "Escalated")],
                   byDomain.map { ["<a href=\"/referrals?region=\(region)&amp;domain=\($0.domain)\">\(esc(Words.word(Words.domains, $0.domain, lang)))</a>",
                                   "\($0.open)", "<span class=\"\($0.overdue > 0 ? "red" : "")\">\($0.overdue)</span>", "\($0.escalated)"] },
                   rawCells: true, id: "by-domain")
        b += table(v.t("待决定的转办（按期限）", "Referrals waiting, by deadline"),
                   [v.t("期限", "Due"), v.t("部门", "Department"), v.t("状态", "Status"), v.t("等级", "Level"), v.t("家庭", "Household"), v.t("升级", "Escalated")],
                   rows.map { r in
                       ["<span class=\"\(r.dueBy < today ? "red" : "")\">\(esc(r.dueBy))</span>", esc(Words.word(Words.domains, r.domain, lang)),
                        esc(Words.word(Words.referralStatuses, r.status, lang)), esc(Words.word(Words.levels, r.level, lang)),
                        "<a href=\"/households/\(esc(r.householdId))\">\(esc(r.householdId))</a>", esc(r.escalatedAt ?? "")]
                   }, rawCells: true, id: "referrals")
        let query = "region=\(region)&amp;domain=\(domain)"
        b += pager("/referrals?\(query)", page: page, full: rows.count == 50, v)
        b += "<p class=\"exports\"><a href=\"/export/referrals.csv?\(query)\">CSV</a><a href=\"/export/referrals.xlsx?\(query)\">XLSX</a></p>"
        return Page(lang: lang, title: L("转办", "Referrals"), operatorLine: v.line, path: "/referrals", body: b).render()
    }

    // MARK: approvals

    struct ApprovalItem: Sendable {
        var kind: String  // relief | living
        var caseId: String, regionCode: String, householdId: String?, what: String, amountFen: Int64?, since: String, step: String
    }

    static func approvals(_ items: [ApprovalItem], problems: [String], message: String?, _ v: Viewer) -> String {
        let lang = v.lang
        var b = ""
        if let message { b += "<p class=\"notice\" role=\"status\">\(esc(message))</p>" }
        for p in problems { b += "<p class=\"problem\" role=\"alert\">\(esc(p))</p>" }
        if items.isEmpty { b += "<p id=\"no-approvals\">\(v.t("没有等待您这一级审批的事项。", "Nothing waits for your level."))</p>" }
        for (i, a) in items.enumerated() {
            let title = a.kind == "relief" ? v.t("临时救助", "Temporary relief") : v.t("基本生活救助", "Basic living")
            let stepName: String = switch a.step {
            case "approval": v.t("县级审批", "County approval")
            case "preliminary-review": v.t("乡镇初审", "Township preliminary review")
            default: v.t("县级审核确认", "County confirmation")
            }
            let choices: [(String, String)] = switch a.step {
            case "approval": [("approve", v.t("批准", "Approve"))]
            case "preliminary-review": [("pass", v.t("初审通过", "Pass")), ("fail", v.t("初审不通过", "Fail"))]
            default: [("confirm", v.t("确认", "Confirm")), ("deny", v.t("不予确认", "Deny"))]
            }
            b += """
                <section class="card approval" id="approval-\(i)"><h2>\(esc(title)) · \(esc(stepName))</h2>
                <p>\(esc(a.what)) · \(esc(regionName(a.regionCode, lang))) · \(v.t("提交于", "since")) \(esc(a.since))\(a.householdId.map { " · <a href=\"/households/\(esc($0))\">\(esc($0))</a>" } ?? "")</p>
                <form class="stack" method="post" action="/approvals/\(a.kind)/\(esc(a.caseId))">
                <input type="hidden" name="step" value="\(a.step)">
                <label for="decision-\(i)">\(v.t("决定", "Decision"))</label><select id="decision-\(i)" name="decision">\(options(choices, ""))</select>
                """
            if a.kind == "relief" {
                b += "<label for=\"amount-\(i)\">\(v.t("批准金额（元）", "Amount approved (yuan)"))</label><input id=\"amount-\(i)\" name=\"amount\" inputmode=\"decimal\" required value=\"\(Double(a.amountFen ?? 0) / 100)\">"
            } else {
                b += "<label for=\"note-\(i)\">\(v.t("意见（不通过时必填）", "Note (required to refuse)"))</label><textarea id=\"note-\(i)\" name=\"note\" rows=\"2\" maxlength=\"2000\"></textarea>"
            }
            b += "<button type=\"submit\">\(v.t("提交", "Submit"))</button></form></section>"
        }
        return Page(lang: lang, title: L("审批", "Approvals"), operatorLine: v.line, path: "/approvals", body: b).render()
    }

    // MARK: sign-in

    static func login(problem: String?, development: Bool, lang: Lang) -> String {
        let v = { (zh: String, en: String) in lang == .zh ? zh : en }
        var b = ""
        if let problem { b += "<p class=\"problem\" role=\"alert\">\(esc(problem))</p>" }
        b += """
            <form class="stack" method="post" action="/login" id="login">
            <label for="token">\(v("操作员令牌（doudi operator token 签发）", "Operator token (issued with doudi operator token)"))</label>
            <textarea id="token" name="token" rows="4" required autocomplete="off"></textarea>
            <button type="submit">\(v("登录", "Sign in"))</button></form>
            """
        if development {
            let roles = [("township", v("乡镇", "Township")), ("county", v("县级", "County")), ("province", v("省级", "Province")), ("auditor", v("审计", "Auditor"))]
            b += """
                <h2>\(v("开发环境登录", "Development sign-in"))</h2>
                <p>\(v("仅在 DOUDI_MODE=development 下可用。", "Only in DOUDI_MODE=development."))</p>
                <form class="stack" method="post" action="/login/development" id="dev-login">
                <label for="dev-subject">\(v("操作员编号", "Operator id"))</label><input id="dev-subject" name="subject" required value="operator-1" maxlength="64">
                <label for="dev-role">\(v("角色", "Role"))</label><select id="dev-role" name="role">\(Pages.options(roles, "county"))</select>
                <label for="dev-region">\(v("区划代码（* 为全国）", "Division code (* for all)"))</label><input id="dev-region" name="region" required value="110105" maxlength="12">
                <button type="submit">\(v("以开发身份登录", "Sign in for development"))</button></form>
                """
        }
        return Page(lang: lang, title: L("登录", "Sign in"), operatorLine: nil, path: "/login", body: b).render()
    }

    static func message(_ title: L, _ text: String, _ v: Viewer?, lang: Lang) -> String {
        Page(lang: lang, title: title, operatorLine: v?.line, path: "/", body: "<p class=\"problem\" role=\"alert\">\(esc(text))</p><p><a href=\"/\">\(lang == .zh ? "返回总览" : "Back to the dashboard")</a></p>").render()
    }
}
