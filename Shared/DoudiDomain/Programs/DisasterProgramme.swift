// Disaster-victim assistance (§4.2.5): emergency aid, transitional aid, drought and winter-spring
// living aid and reconstruction of collapsed or damaged houses, by phase, per person affected.

/// The phases of disaster-victim assistance and the names departments give them: a record's
/// `phase` attribute is read through `normalised`, so the classifier and the handler agree.
public enum DisasterPhaseCode {
    /// 应急救助, 过渡期救助, 旱灾临时生活困难救助, 冬春临时生活困难救助, 因灾倒损民房恢复重建.
    public static let all = ["emergency", "transitional", "drought", "winter_spring", "reconstruction"]
    /// A victim record that names no phase is in the emergency phase (the disaster has just struck).
    public static let defaultPhase = "emergency"

    /// The phase code of a department's wording; nil when it names no known phase.
    public static func normalised(_ text: String?) -> String? {
        guard let raw = text?.lowercased().filter({ !$0.isWhitespace }), !raw.isEmpty else { return nil }
        switch raw {
        case "emergency", "emergency_relief", "应急", "应急救助", "应急期": return "emergency"
        case "transition", "transitional", "transitional_relief", "过渡", "过渡期", "过渡期救助": return "transitional"
        case "drought", "drought_relief", "旱灾", "旱灾临时生活困难救助": return "drought"
        case "winter_spring", "winter-spring", "winter/spring", "winterspring", "winter", "spring", "冬春", "冬春救助",
             "冬春临时生活困难救助": return "winter_spring"
        case "recovery", "reconstruction", "housing_reconstruction", "恢复重建", "倒损民房恢复重建", "因灾倒损民房恢复重建": return "reconstruction"
        default: return nil
        }
    }
}

public struct DisasterPhase: Codable, Sendable, Equatable {
    public var program: String
    public var perPersonFen: Int64
    /// Whether the amount is limited by the assessed loss (`lossFen`), as for reconstruction.
    public var capByLoss: Bool
    public init(_ program: String, _ perPersonFen: Int64, capByLoss: Bool = false) {
        self.program = program; self.perPersonFen = perPersonFen; self.capByLoss = capByLoss
    }
}

public struct DisasterRules: DefaultedRules {
    /// Aid by `phase` fact. Defaults per person: emergency 300 yuan; transitional 1,800
    /// (20 yuan a day for 90 days); drought 300; winter_spring 500; reconstruction 5,000,
    /// limited by the assessed loss.
    public var phases: [String: DisasterPhase]
    /// Annual cap per person, in fen (a household need's cap scales with its persons). Default 1,000,000 (10,000 yuan).
    public var annualCapPerPersonFen: Int64

    public init() {
        phases = [
            "emergency": .init("emergency_relief", 30_000),
            "transitional": .init("transitional_relief", 180_000),
            "drought": .init("drought_relief", 30_000),
            "winter_spring": .init("winter_spring_relief", 50_000),
            "reconstruction": .init("housing_reconstruction", 500_000, capByLoss: true),
        ]
        annualCapPerPersonFen = 1_000_000
    }

    private enum CodingKeys: String, CodingKey { case phases, annualCapPerPersonFen }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self), d = Self()
        phases = try c.value(.phases, or: d.phases)
        annualCapPerPersonFen = try c.value(.annualCapPerPersonFen, or: d.annualCapPerPersonFen)
    }
}

public struct DisasterProgramme: Programme {
    public static let domain = Domain.disaster
    public static let program = "disaster_assistance"
    public var rules: RegionalRules<DisasterRules>
    public init(rules: RegionalRules<DisasterRules> = .init()) { self.rules = rules }

    /// A person's need counts one person; a household need counts `affectedPersons` (at least 1).
    public func assess(_ need: Need, in referral: Referral, rules: DisasterRules, paid: inout PaidToDate,
                       on date: CivilDate) -> [ProgrammeDecision] {
        guard let given = need.facts["phase"] else {
            return [.deny(Self.program, "no disaster phase given (§4.2.5)")]
        }
        let phaseCode = DisasterPhaseCode.normalised(given) ?? given
        guard let phase = rules.phases[phaseCode] else {
            return [.deny(Self.program, "no aid for disaster phase \(phaseCode) (§4.2.5)")]
        }
        let persons = need.personKey != nil ? 1 : max(1, need.integer("affectedPersons") ?? 1)
        var amount = FenMath.product(phase.perPersonFen, persons)
        var what = "\(phaseCode) aid \(FenMath.yuan(phase.perPersonFen)) × \(persons) person(s)"
        if phase.capByLoss {
            guard let loss = need.integer("lossFen") else {
                return [.deny(phase.program, "\(phaseCode) aid needs an assessed loss (§4.2.5)")]
            }
            if loss < amount { amount = loss; what += ", limited by the loss \(FenMath.yuan(loss))" }
        }
        return [paid.cash(phase.program, amount, cap: FenMath.product(rules.annualCapPerPersonFen, persons),
                          for: need.recipient(in: referral), what: what, clause: "§4.2.5")]
    }
}
