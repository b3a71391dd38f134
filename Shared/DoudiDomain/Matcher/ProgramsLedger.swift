// What each household receives now, from `assistance.outcomes`: the classifier needs it to tell
// "not covered" from "policy not implemented" and to find those no longer eligible (§3.4).

public enum ProgramsLedger {
    /// The household's holdings after `outcome` (ProgramHoldings: the one rule of programmes held),
    /// or nil when it changes nothing or the household is unknown.
    public static func holdings<R: RegistryReader>(after outcome: Outcome, reader: R) throws(R.Failure) -> ProgramHoldings? {
        if outcome.status == .accepted || outcome.status == .denied { return nil }
        let draft = RegistryDraft(reader: reader)
        guard try draft.exists(outcome.householdId) else { return nil }
        var holdings = try draft.currentHoldings(outcome.householdId)
        return holdings.apply(outcome) ? holdings : nil
    }

    /// `granted` adds the programme (or updates its amount, keeping the original `since`);
    /// `withdrawn` takes back that decision's grant; `closed` ends it; `accepted` and `denied`
    /// change nothing. The latest point of the household's history is published again with them.
    public static func apply<R: RegistryReader>(outcome: Outcome, reader: R) throws(R.Failure) -> RegistryChange {
        var draft = RegistryDraft(reader: reader)
        if outcome.status == .accepted || outcome.status == .denied { return try draft.finish() }
        guard try draft.exists(outcome.householdId) else {
            draft.note(.unknownHousehold, outcome.outcomeId, householdId: outcome.householdId, personKey: outcome.personKey)
            return try draft.finish()
        }
        guard let holdings = try holdings(after: outcome, reader: reader) else { return try draft.finish() }
        draft.setHoldings(holdings, of: outcome.householdId)
        return try draft.finish()
    }
}

extension ProgramHoldings {
    /// Programmes taken over with a profile (no decision known): held under the source `registry`.
    public init(programs: [Program]) {
        self.init()
        for p in programs {
            apply(Outcome(outcomeId: "registry", referralId: "registry", householdId: "", domain: p.domain, program: p.program,
                          status: .granted, amountFen: p.amountFen, personKey: p.personKey, decidedAt: p.since, reason: ""))
        }
    }
}
