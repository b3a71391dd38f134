// Data comparison (§2.2.4, §3.3.3): department records matched to registered persons raise
// signals and update their household; people on hardship lists who are not registered become
// candidates for a home visit.

public enum DepartmentComparison {
    /// Compares one `dept.record.v1` whose identity number the service has turned into `personKey`.
    ///
    /// - Registered person whose household has not authorised the verification of its finances,
    ///   and a registration of property: nothing applied, a `not_authorized` note (§4).
    /// - Registered person, same name: the record's signal (if any) keyed by household, and the
    ///   profile update it implies (health, disability grade, occupation, death, assets, flags) as
    ///   a new version.
    /// - Registered person, different name: no match; a `name_mismatch` note without the name.
    /// - Unregistered person on a hardship list (rural revitalization's monitored households,
    ///   disability grade 1–2, trade-union hardship, large medical expenses): `unregistered_candidate`.
    /// - Other unregistered records: nothing but a `not_registered` note.
    /// Signal ids are "sig-" + recordId, so a replayed record yields the same signal.
    public static func apply<R: RegistryReader>(record: DeptRecord, personKey: String, reader: R, now: String,
                                                settings: ComparisonSettings = .standard) throws(R.Failure) -> RegistryChange {
        var draft = RegistryDraft(reader: reader)
        let reading = DeptRecordReading(record: record, settings: settings)
        guard let householdId = try draft.householdId(of: personKey),
              var profile = try draft.profile(householdId),
              let index = profile.members.firstIndex(where: { $0.personKey == personKey }) else {
            if reading.marksHardship {
                var attributes = reading.signalAttributes
                attributes["reason"] = record.kind.rawValue
                draft.signals = signals([.unregisteredCandidate], reading, personKey: personKey,
                                        householdId: nil, regionCode: record.regionCode, attributes: attributes)
            } else {
                draft.note(.notRegistered, record.recordId, personKey: personKey)
            }
            return draft.finish(now: now)
        }
        guard sameName(record.name, profile.members[index].name) else {
            draft.note(.nameMismatch, record.recordId, householdId: householdId, personKey: personKey)
            return draft.finish(now: now)
        }

        if reading.needsVerificationAuthorization && !profile.verificationAuthorized {
            draft.note(.notAuthorized, record.recordId, householdId: householdId, personKey: personKey)
            return draft.finish(now: now)
        }
        if let kind = reading.signalKind {
            draft.signals = signals([kind], reading, personKey: personKey, householdId: householdId,
                                    regionCode: profile.regionCode, attributes: reading.signalAttributes)
        } else {
            let code: MatchNote.Code = record.kind == .medicalExpense ? .belowThreshold : .noSignal
            draft.note(code, record.recordId, householdId: householdId, personKey: personKey)
        }
        let changed = DeptProfileUpdate.apply(reading, memberAt: index, to: &profile)
        draft.put(profile)
        if changed.contains(.members), !profile.members.contains(where: { $0.personKey == personKey }) {
            try draft.setMembership(personKey, to: nil)
        }
        return draft.finish(now: now)
    }

    /// One signal per kind; a suffix tells them apart only when a record yields several.
    static func signals(_ kinds: [SignalKind], _ reading: DeptRecordReading, personKey: String, householdId: String?,
                        regionCode: String?, attributes: [String: String]) -> [Signal] {
        let record = reading.record
        return kinds.map { kind in
            Signal(signalId: "sig-" + record.recordId + (kinds.count > 1 ? "-" + kind.rawValue : ""), kind: kind,
                   householdId: householdId, personKey: personKey, regionCode: regionCode ?? record.regionCode,
                   department: record.department, recordKind: record.kind, recordId: record.recordId,
                   occurredOn: record.occurredOn, amountFen: record.amountFen, attributes: attributes)
        }
    }

    /// Names compare without surrounding white space (ASCII or full-width), which departments pad differently.
    static func sameName(_ a: String, _ b: String) -> Bool { trimmedName(a) == trimmedName(b) }

    private static func trimmedName(_ name: String) -> Substring {
        guard let first = name.firstIndex(where: { !$0.isWhitespace }),
              let last = name.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return name[first...last]
    }
}
