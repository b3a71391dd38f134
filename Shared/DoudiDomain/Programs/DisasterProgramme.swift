// Disaster-victim assistance (§4.2.5): emergency aid, transitional aid, drought and winter-spring
// living aid and reconstruction of collapsed or damaged houses, by phase, per person affected.

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
        guard let phaseCode = need.facts["phase"] else {
            return [.deny(Self.program, "no disaster phase given (§4.2.5)")]
        }
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
