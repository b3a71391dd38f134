// `doudi explain`: a decision and the household's open warnings as plain text lines, in Chinese
// or English, so an operator can see why a household is where it is.

public enum Explanation {
    public static func lines(_ d: Classifier.Decision, openWarnings: [Warning] = [],
                             language l: ExplanationLanguage) -> [String] {
        let t = ExplanationTerms.self, zh = l == .zh
        let area = zh ? (d.area == .urban ? "城镇" : "农村") : d.area.rawValue
        let r = d.record
        var out: [String] = []
        out.append(zh ? "家庭 \(d.householdId)（第 \(d.profileVersion) 版，区划 \(RegionNames.label(d.regionCode))，\(area)）截至 \(d.asOf) 的认定"
                      : "Household \(d.householdId) (version \(d.profileVersion), region \(RegionNames.label(d.regionCode, english: true)), \(area)) as of \(d.asOf)")
        let also = d.categories.dropFirst().map { t.category($0, l) }.joined(separator: zh ? "、" : ", ")
        out.append((zh ? "类别：" : "Category: ") + t.category(d.category, l)
                   + (also.isEmpty ? "" : (zh ? "；同时属于：" : "; also: ") + also))
        out.append(zh ? "人均月收入 \(t.money(r.perCapitaMonthlyFen)) 元；低保标准 \(t.money(r.dibaoStandardFen)) 元；"
                        + "低保边缘线 \(t.money(r.edgeLineFen)) 元；家庭人口 \(r.householdSize) 人；"
                        + "地方标准 \(r.standardsVersion)（前缀“\(r.standardsPrefix)”）"
                      : "Per-capita monthly income \(t.money(r.perCapitaMonthlyFen)) yuan; dibao standard "
                        + "\(t.money(r.dibaoStandardFen)); edge line \(t.money(r.edgeLineFen)); \(r.householdSize) members; "
                        + "standards \(r.standardsVersion) (prefix \"\(r.standardsPrefix)\")")
        if !d.singlePersonDibao.isEmpty {
            out.append((zh ? "单人保：" : "Single-person dibao: ") + d.singlePersonDibao.map(\.name).joined(separator: zh ? "、" : ", "))
        }
        section(&out, zh ? "需求：" : "Needs:", d.needs.map { n in
            "\(t.domain(n.domain, l)) (\(n.clause)) \(n.name.map { $0 + " " } ?? "")\(n.reason)"
        }, l)
        section(&out, zh ? "拟发预警：" : "Warnings raised:", d.warnings.map { w in
            "[\(t.level(w.level, l))] \(t.domain(w.domain, l)) / \(t.disposal(w.disposal, l)) — "
            + (zh ? "\(w.needs.count) 项需求，期限 \(w.deadlineDays) 天" : "\(w.needs.count) need(s), \(w.deadlineDays) days")
        }, l)
        section(&out, zh ? "任务：" : "Tasks:", d.tasks.map { k in
            "\(t.task(k.kind, l)) (\(zh ? "截止" : "due") \(k.dueBy)): \(k.reason)"
        }, l)
        section(&out, zh ? "依据：" : "Reasons:", r.reasons.map { reason in
            let title = ClassifierRule(rawValue: reason.rule).map { t.rule($0, l) } ?? reason.rule
            return "\(reason.clause) \(title) [\(reason.rule)]: \(reason.detail)"
        }, l)
        section(&out, zh ? "未结预警：" : "Open warnings:", openWarnings.sorted { $0.key < $1.key }.map { w in
            "\(w.warningId) [\(t.level(w.level, l))] \(t.domain(w.domain, l)) / \(t.disposal(w.disposal, l)), "
            + (zh ? "开启 \(w.openedAt)，截止 \(w.dueBy ?? "—")" : "opened \(w.openedAt), due \(w.dueBy ?? "-")")
        }, l)
        return out
    }

    public static func text(_ d: Classifier.Decision, openWarnings: [Warning] = [], language: ExplanationLanguage) -> String {
        lines(d, openWarnings: openWarnings, language: language).joined(separator: "\n")
    }

    private static func section(_ out: inout [String], _ title: String, _ items: [String], _ l: ExplanationLanguage) {
        out.append(title + (items.isEmpty ? (l == .zh ? "无" : " none") : ""))
        out += items.map { "  - " + $0 }
    }
}
