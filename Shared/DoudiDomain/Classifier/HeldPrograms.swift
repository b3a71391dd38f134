// The programmes a household holds, as the classifier sees them. The registry's `programs` come
// from the same `assistance.outcomes` the classifier reads, but on another service's schedule: a
// registry version made before the matcher read a grant would, taken alone, drop a programme the
// classifier already counted, reopen its warning and refer the household again. So what an outcome
// said of a programme wins over the registry's copy, whichever arrives first; both converge on the
// same list once every outcome is read.

/// A programme is identified by domain, programme and person (ProgramsLedger's rule).
public struct ProgramKey: Hashable, Sendable, Comparable {
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

/// What the latest outcome said of one programme.
public enum ProgramHolding: Equatable, Sendable {
    case held(Program)
    case ended
}

public enum HeldPrograms {
    /// The holding after an outcome: granted holds (a repeated grant updates the amount and keeps
    /// the first date), closed and withdrawn end; accepted and denied say nothing (nil).
    public static func holding(after o: Outcome, previous: ProgramHolding?) -> ProgramHolding? {
        switch o.status {
        case .granted:
            var since = CivilDate(iso: o.decidedAt)?.description ?? String(o.decidedAt.prefix(10))
            if case .held(let p)? = previous { since = p.since }
            return .held(Program(domain: o.domain, program: o.program, personKey: o.personKey, amountFen: o.amountFen, since: since))
        case .closed, .withdrawn: return .ended
        case .accepted, .denied: return nil
        }
    }

    /// The registry's programmes with every holding applied, sorted by key. A programme held in
    /// both keeps the registry's `since` (the date of its first grant).
    public static func effective(registry: [Program], holdings: [ProgramKey: ProgramHolding]) -> [Program] {
        var byKey: [ProgramKey: Program] = [:]
        for p in registry { byKey[ProgramKey(p)] = p }
        for (key, holding) in holdings {
            switch holding {
            case .ended: byKey[key] = nil
            case .held(var p):
                if let registered = byKey[key] { p.since = registered.since }
                byKey[key] = p
            }
        }
        return byKey.keys.sorted().map { byKey[$0]! }
    }
}
