// Names of codes in Chinese and English for `doudi explain`.

public enum ExplanationLanguage: String, Sendable, CaseIterable { case zh, en }

enum ExplanationTerms {
    static func category(_ c: Category, _ l: ExplanationLanguage) -> String {
        switch c {
        case .tekun: l == .zh ? "特困人员" : "extreme poverty (tekun)"
        case .dibao: l == .zh ? "低保对象" : "minimum living guarantee (dibao)"
        case .dibaoEdge: l == .zh ? "低保边缘家庭" : "dibao edge household"
        case .atRisk: l == .zh ? "易返贫致贫人口" : "at risk of (returning to) poverty"
        case .expenditureHardship: l == .zh ? "支出型困难家庭" : "expenditure hardship"
        case .otherLowIncome: l == .zh ? "其他低收入人口" : "other low-income"
        case .notLowIncome: l == .zh ? "非低收入人口" : "not low-income"
        }
    }

    static func domain(_ d: Domain, _ l: ExplanationLanguage) -> String {
        let zh: String, en: String
        switch d {
        case .basicLiving: (zh, en) = ("基本生活救助", "basic living")
        case .medical: (zh, en) = ("医疗救助", "medical")
        case .education: (zh, en) = ("教育救助", "education")
        case .housing: (zh, en) = ("住房救助", "housing")
        case .employment: (zh, en) = ("就业救助", "employment")
        case .disaster: (zh, en) = ("受灾人员救助", "disaster")
        case .emergency: (zh, en) = ("急难社会救助", "emergency")
        case .services: (zh, en) = ("服务类社会救助", "services")
        case .charity: (zh, en) = ("慈善救助", "charity")
        case .other: (zh, en) = ("其他救助帮扶", "other")
        case .coordination: (zh, en) = ("县级协调机制", "county coordination")
        }
        return l == .zh ? zh : en
    }

    static func disposal(_ d: Disposal, _ l: ExplanationLanguage) -> String {
        switch d {
        case .policyNotImplemented: l == .zh ? "政策落实不到位" : "policy not implemented"
        case .notCovered: l == .zh ? "未纳入救助范围" : "not covered"
        case .specialHardship: l == .zh ? "特殊困难情形" : "special hardship"
        case .noLongerEligible: l == .zh ? "不再符合救助条件" : "no longer eligible"
        }
    }

    static func level(_ v: WarningLevel, _ l: ExplanationLanguage) -> String {
        switch v {
        case .red: l == .zh ? "红色" : "red"
        case .orange: l == .zh ? "橙色" : "orange"
        case .yellow: l == .zh ? "黄色" : "yellow"
        }
    }

    static func task(_ k: TaskKind, _ l: ExplanationLanguage) -> String {
        let zh: String, en: String
        switch k {
        case .homeVisit: (zh, en) = ("入户走访", "home visit")
        case .randomCheck: (zh, en) = ("随机抽查", "random check")
        case .annualSurvey: (zh, en) = ("年度排查", "annual survey")
        case .verifyExit: (zh, en) = ("核实退出", "verify exit")
        case .requestAuthorization: (zh, en) = ("请求核查授权", "request verification authorisation")
        case .caseConference: (zh, en) = ("个案研究", "case conference")
        case .staffRelativeReview: (zh, en) = ("近亲属备案审查", "staff-relative review")
        case .reliefPaperwork: (zh, en) = ("补办手续", "relief paperwork")
        case .referralFollowUp: (zh, en) = ("督办逾期转办", "follow up an overdue referral")
        }
        return l == .zh ? zh : en
    }

    static func rule(_ r: ClassifierRule, _ l: ExplanationLanguage) -> String {
        let zh: String, en: String
        switch r {
        case .standards: (zh, en) = ("适用地方标准", "local standards applied")
        case .householdEmpty: (zh, en) = ("无共同生活家庭成员", "no household members")
        case .deceasedExcluded: (zh, en) = ("已故成员不计入家庭", "deceased members excluded")
        case .perCapitaIncome: (zh, en) = ("家庭人均收入", "per-capita income")
        case .financialOverLimit: (zh, en) = ("金融资产超过规定", "financial assets over the limit")
        case .vehicleNotExempt: (zh, en) = ("拥有非豁免机动车", "non-exempt motor vehicle")
        case .urbanHousesOverLimit: (zh, en) = ("城镇房产超过规定", "urban houses over the limit")
        case .tekun: (zh, en) = ("符合特困人员条件", "qualifies as tekun")
        case .dibao: (zh, en) = ("人均收入低于低保标准", "income below the dibao standard")
        case .singlePersonDibao: (zh, en) = ("单人保", "single-person dibao")
        case .dibaoEdge: (zh, en) = ("人均收入低于低保边缘线", "income below the edge line")
        case .atRisk: (zh, en) = ("乡村振兴部门监测对象", "listed by rural revitalization")
        case .riskEliminated: (zh, en) = ("乡村振兴部门已消除风险", "risk eliminated by rural revitalization")
        case .hardshipAssetsOverLimit: (zh, en) = ("家庭财产超过规定，不属于支出型困难", "assets over the limits: no expenditure hardship")
        case .rigidSpending: (zh, en) = ("刚性支出较大", "heavy rigid spending")
        case .sharpIncomeDrop: (zh, en) = ("收入大幅缩减", "sharp income drop")
        case .emergencyHardship: (zh, en) = ("突发急难", "sudden hardship")
        case .otherLowIncome: (zh, en) = ("当地政府确定", "designated by local government")
        case .notLowIncome: (zh, en) = ("不属于低收入人口", "not low-income")
        case .notCovered: (zh, en) = ("未纳入救助，分类推送", "not covered: refer by hardship type")
        case .policyNotImplemented: (zh, en) = ("已纳入救助，相关政策未落实到位", "already assisted: a related benefit has not landed")
        case .noLongerEligible: (zh, en) = ("不再符合条件，核实后终止", "no longer eligible: verify and end")
        case .gradualExit: (zh, en) = ("救助渐退期", "gradual exit period")
        case .specialHardship: (zh, en) = ("特殊困难，启动协调机制", "special hardship: coordination mechanism")
        case .authorizationGate: (zh, en) = ("尚未授权核查", "verification not authorised")
        case .staffRelative: (zh, en) = ("近亲属为经办人员或村干部", "relative of staff or village official")
        }
        return l == .zh ? zh : en
    }

    /// 123456 fen → "1234.56".
    static func money(_ fen: Int64) -> String {
        let a = fen.magnitude, c = a % 100
        return (fen < 0 ? "-" : "") + "\(a / 100).\(c < 10 ? "0" : "")\(c)"
    }
}
