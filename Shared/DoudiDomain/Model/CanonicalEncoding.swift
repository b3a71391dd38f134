// Any `Encodable` value as a `JSONValue`, without Foundation: the domain's canonical form (keys
// sorted when serialised) for fingerprints that must be the same on every run and machine — the
// registry's history points, the classifier's decisions — and for comparing what was published.

public enum CanonicalEncoding {
    /// The value as a JSON tree (nil optionals are left out, as Foundation's encoder does).
    public static func value<T: Encodable>(_ value: T) -> JSONValue {
        let encoder = TreeEncoder()
        do { try value.encode(to: encoder) } catch { return .string("unencodable: \(error)") }
        return encoder.storage.result ?? .null
    }

    /// A stable 64-bit fingerprint of the value's canonical JSON.
    public static func fingerprint<T: Encodable>(_ value: T) -> UInt64 { FNV1a.hash(bytes: self.value(value).serializedBytes) }

    public static func serialized<T: Encodable>(_ value: T) -> String { self.value(value).serialized }
}

/// Where an encoder writes: a single value, an object or an array, filled in place.
private final class Slot {
    enum Content { case empty, value(JSONValue), object([String: Slot]), array([Slot]) }
    var content: Content = .empty

    var result: JSONValue? {
        switch content {
        case .empty: return nil
        case .value(let v): return v
        case .object(let fields):
            var out: [String: JSONValue] = [:]
            for (k, slot) in fields { if let v = slot.result { out[k] = v } }
            return .object(out)
        case .array(let items): return .array(items.map { $0.result ?? .null })
        }
    }

    func object() -> Slot {
        if case .object = content {} else { content = .object([:]) }
        return self
    }

    func child(_ key: String) -> Slot {
        guard case .object(var fields) = content else { content = .object([:]); return child(key) }
        if let existing = fields[key] { return existing }
        // Drop the enum's reference first, so that the insert is in place and not a copy of every
        // field so far (quadratic in an object's fields; the matcher fingerprints every profile).
        content = .empty
        let slot = Slot()
        fields[key] = slot
        content = .object(fields)
        return slot
    }

    func append() -> Slot {
        guard case .array(var items) = content else { content = .array([]); return append() }
        content = .empty
        let slot = Slot()
        items.append(slot)
        content = .array(items)
        return slot
    }
}

private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
}

private final class TreeEncoder: Encoder {
    let storage: Slot
    var codingPath: [CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]

    init(_ slot: Slot = Slot()) { storage = slot }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(Keyed<Key>(slot: storage.object()))
    }
    func unkeyedContainer() -> UnkeyedEncodingContainer {
        if case .array = storage.content {} else { storage.content = .array([]) }
        return Unkeyed(slot: storage)
    }
    func singleValueContainer() -> SingleValueEncodingContainer { Single(slot: storage) }

    static func number(_ text: String) -> JSONValue { .number(JSONNumber(validatedLexeme: text)) }

    static func encode<T: Encodable>(_ value: T, into slot: Slot) throws {
        switch value {
        case let v as String: slot.content = .value(.string(v))
        case let v as Bool: slot.content = .value(.bool(v))
        case let v as Int: slot.content = .value(number(String(v)))
        case let v as Int64: slot.content = .value(number(String(v)))
        case let v as Int32: slot.content = .value(number(String(v)))
        case let v as UInt64: slot.content = .value(number(String(v)))
        case let v as Double: slot.content = .value(number(v.isFinite ? String(v) : "0"))
        case let v as Float: slot.content = .value(number(v.isFinite ? String(v) : "0"))
        default: try value.encode(to: TreeEncoder(slot))
        }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let slot: Slot
        var codingPath: [CodingKey] = []
        mutating func encodeNil(forKey key: Key) throws { slot.child(key.stringValue).content = .value(.null) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try TreeEncoder.encode(value, into: slot.child(key.stringValue)) }
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
            if let value { try encode(value, forKey: key) }
        }
        mutating func nestedContainer<N: CodingKey>(keyedBy keyType: N.Type, forKey key: Key) -> KeyedEncodingContainer<N> {
            KeyedEncodingContainer(Keyed<N>(slot: slot.child(key.stringValue).object()))
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
            let child = slot.child(key.stringValue)
            child.content = .array([])
            return Unkeyed(slot: child)
        }
        mutating func superEncoder() -> Encoder { TreeEncoder(slot.child("super")) }
        mutating func superEncoder(forKey key: Key) -> Encoder { TreeEncoder(slot.child(key.stringValue)) }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let slot: Slot
        var codingPath: [CodingKey] = []
        var count: Int { if case .array(let items) = slot.content { items.count } else { 0 } }
        mutating func encodeNil() throws { slot.append().content = .value(.null) }
        mutating func encode<T: Encodable>(_ value: T) throws { try TreeEncoder.encode(value, into: slot.append()) }
        mutating func nestedContainer<N: CodingKey>(keyedBy keyType: N.Type) -> KeyedEncodingContainer<N> {
            KeyedEncodingContainer(Keyed<N>(slot: slot.append().object()))
        }
        mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
            let child = slot.append()
            child.content = .array([])
            return Unkeyed(slot: child)
        }
        mutating func superEncoder() -> Encoder { TreeEncoder(slot.append()) }
    }

    struct Single: SingleValueEncodingContainer {
        let slot: Slot
        var codingPath: [CodingKey] = []
        mutating func encodeNil() throws { slot.content = .value(.null) }
        mutating func encode<T: Encodable>(_ value: T) throws { try TreeEncoder.encode(value, into: slot) }
    }
}
