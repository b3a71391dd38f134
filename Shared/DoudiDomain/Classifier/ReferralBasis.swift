// A warning's referral bases (Warning.bases, RULES.md "Convergence": the state of the warning a
// department's decision answers) in the canonical form, written directly: a basis is the FNV-1a
// fingerprint of `[disposal, level, <the needs' canonical JSON>]`, the same bytes
// `CanonicalEncoding` gives (CanonicalEncodingTests holds the two together, and checks that `Need`
// still has exactly the fields written here). Going through `Encodable` for every need of every
// warning state recorded was a twentieth of the classifier's CPU (docs/benchmarks.md).

extension Need {
    /// The need's canonical JSON without its name and identity number (`withoutIdentities`): an
    /// object with its keys sorted, nil fields left out.
    func writeCanonicalWithoutIdentities(into out: inout [UInt8]) {
        func key(_ k: String) { CanonicalEncoding.writeString(k, into: &out); out.append(UInt8(ascii: ":")) }
        out.append(UInt8(ascii: "{"))
        key("clause"); CanonicalEncoding.writeString(clause, into: &out)
        out.append(UInt8(ascii: ",")); key("domain"); CanonicalEncoding.writeString(domain.rawValue, into: &out)
        out.append(UInt8(ascii: ",")); key("facts"); out.append(UInt8(ascii: "{"))
        for (i, k) in facts.keys.sorted().enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            key(k); CanonicalEncoding.writeString(facts[k]!, into: &out)
        }
        out.append(UInt8(ascii: "}"))
        if let personKey { out.append(UInt8(ascii: ",")); key("personKey"); CanonicalEncoding.writeString(personKey, into: &out) }
        out.append(UInt8(ascii: ",")); key("reason"); CanonicalEncoding.writeString(reason, into: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// The stored properties `writeCanonicalWithoutIdentities` knows (name and identity number
    /// are left out on purpose); a field added to `Need` must be added there.
    static let canonicalFields: Set<String> = ["clause", "domain", "facts", "personKey", "reason", "name", "idNumber"]
}

extension Warning {
    /// The basis of a group of this warning's needs: `CanonicalEncoding.fingerprint([disposal,
    /// level, CanonicalEncoding.serialized(needs without identities)])`, written directly.
    static func basis(disposal: Disposal, level: WarningLevel, needs: [Need]) -> String {
        var group: [UInt8] = [UInt8(ascii: "[")]
        group.reserveCapacity(256 * needs.count)
        for (i, need) in needs.enumerated() {
            if i > 0 { group.append(UInt8(ascii: ",")) }
            need.writeCanonicalWithoutIdentities(into: &group)
        }
        group.append(UInt8(ascii: "]"))
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(group.count + 64)
        CanonicalEncoding.writeString(disposal.rawValue, into: &out)
        out.append(UInt8(ascii: ","))
        CanonicalEncoding.writeString(level.rawValue, into: &out)
        out.append(UInt8(ascii: ","))
        CanonicalEncoding.writeString(String(decoding: group, as: UTF8.self), into: &out)
        out.append(UInt8(ascii: "]"))
        return String(FNV1a.hash(bytes: out), radix: 16)
    }
}
