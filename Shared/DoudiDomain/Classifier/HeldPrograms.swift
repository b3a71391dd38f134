// The programmes a household holds, from `assistance.outcomes` — the one rule the matcher, the
// classifier and the ledger apply. A programme is held while some decision grants it: each
// referral (or, without one, each outcome) is a source of grants. A grant holds it (a repeated
// grant of the same source updates the amount and keeps its first date); a `withdrawn` takes
// back that source's grant (a decision superseded, or a referral withdrawn before a decision);
// `closed` ends the programme whatever granted it (assistance ended after an exit review, §3.4).
// Keeping sources apart makes the result independent of the order decisions arrive in: an
// amended referral's withdrawal cannot end what another referral granted.

/// A programme is identified by domain, programme and person.
public struct ProgramKey: Hashable, Sendable, Comparable, Codable {
    public var domain: Domain
    public var program: String
    public var personKey: String?
    public init(domain: Domain, program: String, personKey: String?) {
        self.domain = domain; self.program = program; self.personKey = personKey
    }
    public init(_ p: Program) { self.init(domain: p.domain, program: p.program, personKey: p.personKey) }
    public init(_ o: Outcome) { self.init(domain: o.domain, program: o.program, personKey: o.personKey) }

    public static func < (a: ProgramKey, b: ProgramKey) -> Bool {
        (a.domain.rawValue, a.program, a.personKey ?? "") < (b.domain.rawValue, b.program, b.personKey ?? "")
    }
}

public struct ProgramHoldings: Codable, Sendable, Equatable {
    /// Per programme, the grant standing per source.
    public private(set) var grants: [ProgramKey: [String: Program]] = [:]

    public init() {}

    /// The decision's source: its referral, else the outcome itself.
    public static func source(of o: Outcome) -> String { o.referralId ?? o.outcomeId }

    /// Applies an outcome; false when it changes nothing (accepted and denied never do).
    @discardableResult
    public mutating func apply(_ o: Outcome) -> Bool {
        let key = ProgramKey(o), source = Self.source(of: o)
        let before = grants[key]
        switch o.status {
        case .granted:
            let day = CivilDate(iso: o.decidedAt)?.description ?? String(o.decidedAt.prefix(10))
            let since = grants[key]?[source]?.since ?? day
            grants[key, default: [:]][source] = Program(domain: o.domain, program: o.program, personKey: o.personKey,
                                                        amountFen: o.amountFen, since: since)
        case .withdrawn:
            grants[key]?[source] = nil
            if grants[key]?.isEmpty == true { grants[key] = nil }
        case .closed:
            grants[key] = nil
        case .accepted, .denied:
            return false
        }
        return grants[key] != before
    }

    /// Programmes held, sorted by key; a programme several sources grant shows the latest grant
    /// (by first date, then source).
    public var programs: [Program] {
        grants.keys.sorted().compactMap { key in
            grants[key]?.max { ($0.value.since, $0.key) < ($1.value.since, $1.key) }?.value
        }
    }

    public var keys: [ProgramKey] { grants.keys.sorted() }
    public func holds(_ key: ProgramKey) -> Bool { grants[key] != nil }
}
