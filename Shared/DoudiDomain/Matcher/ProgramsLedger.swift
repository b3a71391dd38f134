// What each household receives now, from `assistance.outcomes`: the classifier needs it to tell
// "not covered" from "policy not implemented" and to find those no longer eligible (§3.4).

public enum ProgramsLedger {
    /// `granted` adds the programme (or updates its amount, keeping the original `since`);
    /// `closed` and `withdrawn` remove it; `accepted` and `denied` change nothing. A programme is
    /// identified by domain, programme and person. Each change is a new profile version stamped
    /// with the outcome's `decidedAt`, so replays produce identical versions.
    public static func apply<R: RegistryReader>(outcome: Outcome, reader: R) throws(R.Failure) -> RegistryChange {
        var draft = RegistryDraft(reader: reader)
        // Accepted and denied change no programme: the profile is not even read.
        if outcome.status == .accepted || outcome.status == .denied { return draft.finish(now: outcome.decidedAt) }
        guard var profile = try draft.profile(outcome.householdId) else {
            draft.note(.unknownHousehold, outcome.outcomeId, householdId: outcome.householdId, personKey: outcome.personKey)
            return draft.finish(now: outcome.decidedAt)
        }
        let existing = profile.programs.firstIndex { identifies($0, outcome) }
        switch (outcome.status, existing) {
        case (.granted, let index?):
            profile.programs[index].amountFen = outcome.amountFen
        case (.granted, nil):
            let since = CivilDate(iso: outcome.decidedAt)?.description ?? String(outcome.decidedAt.prefix(10))
            profile.programs.append(Program(domain: outcome.domain, program: outcome.program,
                                            personKey: outcome.personKey, amountFen: outcome.amountFen, since: since))
        case (.closed, let index?), (.withdrawn, let index?):
            profile.programs.remove(at: index)
        case (.closed, nil), (.withdrawn, nil), (.accepted, _), (.denied, _):
            break
        }
        draft.put(profile)
        return draft.finish(now: outcome.decidedAt)
    }

    static func identifies(_ program: Program, _ outcome: Outcome) -> Bool {
        program.domain == outcome.domain && program.program == outcome.program && program.personKey == outcome.personKey
    }
}
