// The console's HTML: server-rendered pages, Chinese first with an English switch, usable on a
// phone (one column under 40em), no script and nothing from another origin (the stylesheet is
// served by the console). Every form control has a label; every action is a link or a button, so
// the keyboard reaches all of it in reading order.
import DoudiDomain
import Foundation

enum Lang: String, Sendable { case zh, en }

/// Text in both languages; the page's language picks one.
struct L: Sendable {
    let zh: String, en: String
    init(_ zh: String, _ en: String) { self.zh = zh; self.en = en }
    func callAsFunction(_ lang: Lang) -> String { lang == .zh ? zh : en }
}

enum Words {
    static let categories: [String: L] = [
        "tekun": L("特困人员", "Extreme hardship (tekun)"), "dibao": L("低保对象", "Minimum living (dibao)"),
        "dibao_edge": L("低保边缘", "Dibao edge"), "at_risk": L("防止返贫致贫监测对象", "At risk of poverty"),
        "expenditure_hardship": L("刚性支出困难", "Expenditure hardship"), "other_low_income": L("其他低收入人口", "Other low income"),
        "not_low_income": L("非低收入", "Not low income"), "unassessed": L("未预警", "No warning yet"),
    ]
    static let levels: [String: L] = ["red": L("红色", "Red"), "orange": L("橙色", "Orange"), "yellow": L("黄色", "Yellow")]
    static let disposals: [String: L] = [
        "policy_not_implemented": L("政策未落实", "Policy not applied"), "not_covered": L("政策未覆盖", "Not covered"),
        "special_hardship": L("特殊困难", "Special hardship"), "no_longer_eligible": L("不再符合条件", "No longer eligible"),
    ]
    static let taskKinds: [String: L] = [
        "home_visit": L("入户核查", "Home visit"), "random_check": L("随机抽查", "Random check"), "annual_survey": L("年度核查", "Annual survey"),
        "verify_exit": L("退出核实", "Verify exit"), "request_authorization": L("补签授权", "Request authorisation"),
        "case_conference": L("一事一议", "Case conference"), "staff_relative_review": L("近亲属备案审核", "Staff-relative review"),
        "relief_paperwork": L("临时救助手续", "Relief paperwork"), "referral_follow_up": L("转办督办", "Referral follow-up"),
    ]
    static let taskStates: [String: L] = [
        "open": L("待办", "Open"), "assigned": L("已分派", "Assigned"), "done": L("已完成", "Done"),
        "overdue": L("逾期", "Overdue"), "cancelled": L("已取消", "Cancelled"),
    ]
    static let domains: [String: L] = [
        "basic-living": L("基本生活救助", "Basic living"), "medical": L("医疗救助", "Medical"), "education": L("教育救助", "Education"),
        "housing": L("住房救助", "Housing"), "employment": L("就业救助", "Employment"), "disaster": L("受灾人员救助", "Disaster"),
        "emergency": L("临时救助", "Emergency relief"), "services": L("服务类救助", "Services"), "charity": L("慈善帮扶", "Charity"),
        "other": L("其他", "Other"), "coordination": L("统筹协调", "Coordination"),
    ]
    static let referralStatuses: [String: L] = [
        "sent": L("已转办", "Sent"), "withdrawn": L("已撤回", "Withdrawn"), "escalated": L("已升级督办", "Escalated"),
        "superseded": L("已作废", "Superseded"), "granted": L("已给予", "Granted"), "denied": L("不予", "Denied"),
        "accepted": L("已受理", "Accepted"), "closed": L("已办结", "Closed"),
    ]
    static let warningStatuses: [String: L] = ["open": L("未处置", "Open"), "resolved": L("已处置", "Resolved"), "retracted": L("已撤销", "Retracted")]
    static let health: [String: L] = [
        "healthy": L("健康", "Healthy"), "chronic_illness": L("慢性病", "Chronic illness"), "serious_illness": L("重病", "Serious illness"),
        "disabled": L("残疾", "Disabled"),
    ]
    static func word(_ table: [String: L], _ key: String, _ lang: Lang) -> String { table[key]?(lang) ?? key }
}

func esc(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for c in s.unicodeScalars {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(c)
        }
    }
    return out
}

func yuan(_ fen: Int64) -> String {
    let sign = fen < 0 ? "-" : "", v = abs(fen)
    return "\(sign)¥\(v / 100).\(String(format: "%02d", Int(v % 100)))"
}

/// What every page shares: the header with the operator, the menu, the language switch.
struct Page {
    var lang: Lang
    var title: L
    var operatorLine: String?
    var path: String
    var body: String

    static let menu: [(String, L)] = [
        ("/", L("总览", "Dashboard")), ("/worklist", L("工作清单", "Worklist")), ("/approvals", L("审批", "Approvals")),
        ("/referrals", L("转办", "Referrals")), ("/households", L("家庭", "Households")),
    ]

    func render() -> String {
        let other: Lang = lang == .zh ? .en : .zh
        let nav = Self.menu.map { (href: String, label: L) -> String in
            let current = path == href || (href != "/" && path.hasPrefix(href))
            return "<li><a href=\"\(href)\"\(current ? " aria-current=\"page\"" : "")>\(esc(label(lang)))</a></li>"
        }.joined(separator: "")
        let who = operatorLine.map { """
            <p class="who">\(esc($0))</p>
            <form method="post" action="/logout" class="inline"><button type="submit">\(lang == .zh ? "退出" : "Sign out")</button></form>
            """ } ?? ""
        return """
            <!doctype html>
            <html lang="\(lang == .zh ? "zh-CN" : "en")">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(esc(title(lang))) · \(lang == .zh ? "兜底 低收入人口动态监测" : "Doudi console")</title>
            <link rel="stylesheet" href="/assets/console.css"></head>
            <body>
            <a class="skip" href="#main">\(lang == .zh ? "跳到正文" : "Skip to content")</a>
            <header><p class="brand">兜底 · \(lang == .zh ? "低收入人口动态监测" : "Low-income monitoring")</p>\(who)
            <a class="lang" href="/lang?to=\(other.rawValue)&amp;back=\(esc(path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))" lang="\(other == .zh ? "zh-CN" : "en")">\(other == .zh ? "中文" : "English")</a>
            \(operatorLine == nil ? "" : "<nav aria-label=\"\(lang == .zh ? "主菜单" : "Main")\"><ul>\(nav)</ul></nav>")
            </header>
            <main id="main"><h1>\(esc(title(lang)))</h1>
            \(body)
            </main></body></html>
            """
    }
}

/// A table with a caption and header cells (screen readers read the columns).
func table(_ caption: String, _ headers: [String], _ rows: [[String]], rawCells: Bool = false, id: String? = nil) -> String {
    let head = headers.map { "<th scope=\"col\">\(esc($0))</th>" }.joined(separator: "")
    let body = rows.map { r in "<tr>" + r.map { "<td>\(rawCells ? $0 : esc($0))</td>" }.joined(separator: "") + "</tr>" }.joined(separator: "\n")
    return "<div class=\"scroll\"><table\(id.map { " id=\"\($0)\"" } ?? "")><caption>\(esc(caption))</caption><thead><tr>\(head)</tr></thead><tbody>\(body)</tbody></table></div>"
}

/// A bar chart of weekly counts as inline SVG (rendered on the server; no script).
func weeklyChart(title: String, series: [(label: String, values: [Int], cls: String)], weeks: [String]) -> String {
    let maxValue = max(1, series.flatMap(\.values).max() ?? 1)
    let w = 320, h = 140, left = 28, bottom = 20
    let slot = Double(w - left) / Double(max(1, weeks.count))
    let barWidth = slot / Double(max(1, series.count)) * 0.8
    var bars = ""
    for (i, _) in weeks.enumerated() {
        for (j, s) in series.enumerated() {
            let v = i < s.values.count ? s.values[i] : 0
            let bh = Double(h - bottom - 10) * Double(v) / Double(maxValue)
            let x = Double(left) + Double(i) * slot + Double(j) * barWidth + slot * 0.1
            bars += "<rect class=\"\(s.cls)\" x=\"\(Int(x))\" y=\"\(Int(Double(h - bottom) - bh))\" width=\"\(max(1, Int(barWidth)))\" height=\"\(Int(bh))\"><title>\(esc(weeks[i])) \(esc(s.label)): \(v)</title></rect>"
        }
    }
    let labels = weeks.enumerated().filter { $0.offset % 2 == 0 }.map { (i: Int, wk: String) -> String in
        "<text x=\"\(Int(Double(left) + Double(i) * slot))\" y=\"\(h - 4)\">\(esc(String(wk.suffix(5))))</text>"
    }.joined(separator: "")
    let legend = series.map { (s: (label: String, values: [Int], cls: String)) -> String in "<span class=\"key \(s.cls)\">\(esc(s.label))</span>" }.joined(separator: " ")
    return """
        <figure class="chart"><svg viewBox="0 0 \(w) \(h)" role="img" aria-label="\(esc(title))">
        <text x="0" y="12">\(maxValue)</text><line x1="\(left)" y1="\(h - bottom)" x2="\(w)" y2="\(h - bottom)" class="axis"/>\(bars)\(labels)</svg>
        <figcaption>\(esc(title)) \(legend)</figcaption></figure>
        """
}

enum Assets {
    static let css = """
        :root{--fg:#1b1b1b;--muted:#555;--line:#ccc;--accent:#0b5cad;--red:#c62828;--orange:#e67e00;--yellow:#b59a00;--bg:#fafafa}
        *{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,"Noto Sans CJK SC","Noto Sans SC","WenQuanYi Micro Hei",sans-serif;color:var(--fg);background:var(--bg)}
        header{background:#fff;border-bottom:1px solid var(--line);padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
        .brand{font-weight:700;margin:0}.who{margin:0;color:var(--muted)}.lang{margin-left:auto}
        nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem .75rem}nav a[aria-current]{font-weight:700;text-decoration:underline}
        main{padding:1rem;max-width:72rem;margin:0 auto}h1{font-size:1.4rem;margin:.25rem 0 1rem}h2{font-size:1.15rem;margin:1.25rem 0 .5rem}
        a{color:var(--accent)}a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #f9a825;outline-offset:2px}
        .skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:9}
        .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(10rem,1fr));gap:.75rem}
        .card{background:#fff;border:1px solid var(--line);border-radius:6px;padding:.75rem}.card .n{font-size:1.6rem;font-weight:700;display:block}
        .scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;background:#fff;margin:.25rem 0 1rem}caption{text-align:left;font-weight:600;padding:.25rem 0}
        th,td{border:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}th{background:#f0f0f0}
        .red{color:var(--red);font-weight:700}.orange{color:var(--orange);font-weight:700}.yellow{color:var(--yellow);font-weight:700}
        form.stack{display:grid;gap:.5rem;max-width:32rem;background:#fff;border:1px solid var(--line);padding:.75rem;border-radius:6px;margin:.5rem 0}
        label{font-weight:600}input,select,textarea,button{font:inherit;padding:.4rem;min-height:2.5rem}button{background:var(--accent);color:#fff;border:0;border-radius:4px;padding:.4rem 1rem;cursor:pointer}
        form.inline{display:inline}.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin-bottom:.5rem}.filters div{display:grid}
        .notice{background:#e8f5e9;border:1px solid #81c784;padding:.5rem}.problem{background:#ffebee;border:1px solid #e57373;padding:.5rem}
        .chart svg{width:100%;max-width:40rem;height:auto;background:#fff;border:1px solid var(--line)}.chart text{font-size:9px;fill:var(--muted)}
        rect.opened{fill:var(--red)}rect.resolved{fill:#2e7d32}.axis{stroke:var(--line)}.key{display:inline-block;margin-left:.5rem}.key.opened::before,.key.resolved::before{content:"■ "}.key.opened::before{color:var(--red)}.key.resolved::before{color:#2e7d32}
        .crumbs{margin:.25rem 0 .75rem}.exports a{margin-right:.75rem}
        @media (max-width:40em){header{padding:.5rem}main{padding:.5rem}th,td{padding:.3rem}.cards{grid-template-columns:1fr 1fr}}
        """
}
