// What each household receives now, from `assistance.outcomes`: the classifier needs it to tell
// "not covered" from "policy not implemented" and to find those no longer eligible (§3.4).

public enum ProgramsLedger {
    /// `granted` adds the programme (or updates its amount, keeping the original `since`);
    /// `closed` and `withdrawn` remove it; `accepted` and `denied` change nothing. A programme is
    /// identified by domain, programme and person. Each change is a new profile version stamped
    /// with the outcome's `decidedAt`, so replays produce identical versions.
    /// The rule itself is `HeldPrograms.holding(after:previous:)`, which the classifier applies too.
    public static func apply<R: RegistryReader>(outcome: Outcome, reader: R) throws(R.Failure) -> RegistryChange {
        var draft = RegistryDraft(reader: reader)
        // Accepted and denied change no programme: the profile is not even read.
        if outcome.status == .accepted || outcome.status == .denied { return draft.finish(now: outcome.decidedAt) }
        guard var profile = try draft.profile(outcome.householdId) else {
            draft.note(.unknownHousehold, outcome.outcomeId, householdId: outcome.householdId, personKey: outcome.personKey)
            return draft.finish(now: outcome.decidedAt)
        }
        let key = ProgramKey(outcome)
        let existing = profile.programs.firstIndex { ProgramKey($0) == key }
        switch (HeldPrograms.holding(after: outcome, previous: existing.map { .held(profile.programs[$0]) }), existing) {
        case (.held(let program)?, let index?): profile.programs[index] = program
        case (.held(let program)?, nil): profile.programs.append(program)
        case (.ended?, let index?): profile.programs.remove(at: index)
        case (.ended?, nil), (nil, _): break
        }
        draft.put(profile)
        return draft.finish(now: outcome.decidedAt)
    }
}
