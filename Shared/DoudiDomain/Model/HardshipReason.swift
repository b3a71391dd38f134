// The codes of 家庭困难原因 on the information-collection form (annex) and of `incidentKind` in
// department records of sudden events. Sudden ones (突发性、紧迫性、灾难性困难, §4.3) raise an
// `emergency` need and a temporary-relief referral; the others say where the hardship lies.

public enum HardshipReason: String, Codable, CaseIterable, Sendable {
    // Sudden, urgent or catastrophic (§4.3).
    /// 意外事故 (traffic, work or other accident).
    case accident
    /// 火灾.
    case fire
    /// 突发重大疾病.
    case suddenSeriousIllness = "sudden_serious_illness"
    /// 自然灾害 as the household reports it (the disaster programme follows emergency management's list).
    case naturalDisaster = "natural_disaster"
    /// 突发公共事件.
    case publicEmergency = "public_emergency"
    /// 家庭主要劳动力死亡或失踪.
    case breadwinnerLoss = "breadwinner_loss"
    // Lasting hardship.
    /// 因病 (long illness).
    case illness
    /// 因残.
    case disability
    /// 因学.
    case education
    /// 失业.
    case unemployment
    /// 住房困难.
    case housing
    /// 缺劳动力.
    case lackOfLabour = "lack_of_labour"
    /// 收入低.
    case lowIncome = "low_income"
    /// 其他.
    case other

    /// §4.3: a sudden, urgent or catastrophic hardship.
    public var isSudden: Bool {
        switch self {
        case .accident, .fire, .suddenSeriousIllness, .naturalDisaster, .publicEmergency, .breadwinnerLoss: true
        default: false
        }
    }

    public static let suddenCodes: [String] = allCases.filter(\.isSudden).map(\.rawValue)
}
