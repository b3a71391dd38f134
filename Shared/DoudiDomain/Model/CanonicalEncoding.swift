// Any `Encodable` value in the domain's canonical form, without Foundation: compact JSON with the
// keys of every object sorted, nil optionals left out (as Foundation's encoder does). Fingerprints
// that must be the same on every run and machine — the registry's history points, the classifier's
// decisions and referral bases, event ids — hash these bytes, so the form never changes: a new
// writer must give the bytes the first one gave (CanonicalEncodingTests compares this writer with
// that first tree encoder on the domain's values and on random ones).
//
// The value is taken down as a light tree (one node per container or field; leaves keep their
// text) and written once with each object's keys sorted: cheaper than building a `JSONValue` of
// dictionaries and serialising it, which was most of the cost of a warning's referral bases
// (docs/benchmarks.md, "The canonical writer").

public enum CanonicalEncoding {
    /// A stable 64-bit fingerprint (FNV-1a) of the value's canonical JSON.
    public static func fingerprint<T: Encodable>(_ value: T) -> UInt64 { FNV1a.hash(bytes: bytes(value)) }

    public static func serialized<T: Encodable>(_ value: T) -> String { String(decoding: bytes(value), as: UTF8.self) }

    /// The canonical JSON bytes of the value.
    public static func bytes<T: Encodable>(_ value: T) -> [UInt8] {
        let root = CanonicalNode()
        do { try CanonicalNodeEncoder.encode(value, into: root) } catch { root.set(.string("unencodable: \(error)")) }
        var out: [UInt8] = []
        out.reserveCapacity(256)
        root.write(into: &out, inArray: false)
        return out
    }

    /// A string as the canonical form writes it (quoted, escaped), appended to `out`.
    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // The common case (nothing to escape) is one scan and one copy of the string's bytes.
        let copied = s.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if copied == true {
            out.append(UInt8(ascii: "\""))
            return
        }
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\\"))
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0x00..<0x20:
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hexDigit(b >> 4)); out.append(hexDigit(b & 0xF))
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ n: UInt8) -> UInt8 { n < 10 ? 48 + n : 87 + n }
}

/// One container or field of the value being encoded. Filled in place as `Encodable` asks, in
/// whatever order it asks (a field encoded twice replaces the first; a keyed container asked for
/// twice adds to the same object), and written once at the end.
fileprivate final class CanonicalNode {
    enum Content {
        /// Nothing encoded: left out of an object, `null` in an array or alone.
        case empty
        case string(String)
        /// A number, `true`, `false` or `null`, as written.
        case literal(String)
        case object
        case array
    }

    var content: Content = .empty
    /// The object's keys or nothing (an array's elements are `children` alone).
    private var keys: [String] = []
    private var children: [CanonicalNode] = []
    /// Key → index in `keys`, once an object has more keys than a scan is cheap for.
    private var index: [String: Int]? = nil

    func becomeObject() {
        if case .object = content { return }
        content = .object; keys = []; children = []; index = nil
    }

    func becomeArray(keepingElements: Bool) {
        if keepingElements, case .array = content { return }
        content = .array; keys = []; children = []; index = nil
    }

    func set(_ leaf: Content) { content = leaf; keys = []; children = []; index = nil }

    /// The node of `key`, created when new; the node becomes an object first.
    func child(_ key: String) -> CanonicalNode {
        becomeObject()
        if let index {
            if let i = index[key] { return children[i] }
        } else if let i = keys.firstIndex(of: key) {
            return children[i]
        }
        let node = CanonicalNode()
        keys.append(key)
        children.append(node)
        if index != nil { index![key] = keys.count - 1 }
        else if keys.count > 12 {
            var built: [String: Int] = [:]
            built.reserveCapacity(keys.count * 2)
            for (i, k) in keys.enumerated() { built[k] = i }
            index = built
        }
        return node
    }

    /// A new last element; the node becomes an array first.
    func append() -> CanonicalNode {
        becomeArray(keepingElements: true)
        let node = CanonicalNode()
        children.append(node)
        return node
    }

    var elementCount: Int { if case .array = content { children.count } else { 0 } }

    func write(into out: inout [UInt8], inArray: Bool) {
        switch content {
        case .empty: out.append(contentsOf: "null".utf8)
        case .string(let s): CanonicalEncoding.writeString(s, into: &out)
        case .literal(let text): out.append(contentsOf: text.utf8)
        case .array:
            out.append(UInt8(ascii: "["))
            for (i, element) in children.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                element.write(into: &out, inArray: true)
            }
            out.append(UInt8(ascii: "]"))
        case .object:
            out.append(UInt8(ascii: "{"))
            var first = true
            let order = keys.count < 2 ? Array(keys.indices) : keys.indices.sorted { keys[$0] < keys[$1] }
            for i in order {
                if case .empty = children[i].content { continue }  // a field nothing was encoded into
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                CanonicalEncoding.writeString(keys[i], into: &out)
                out.append(UInt8(ascii: ":"))
                children[i].write(into: &out, inArray: false)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}

private struct CanonicalKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
}

/// The `Encoder` that fills a `CanonicalNode`. Scalars arrive through the containers' concrete
/// overloads (no dynamic cast); a generic value is checked for the scalar types by its metatype.
private struct CanonicalNodeEncoder: Encoder {
    let node: CanonicalNode
    var codingPath: [CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.becomeObject()
        return KeyedEncodingContainer(Keyed<Key>(node: node))
    }
    func unkeyedContainer() -> UnkeyedEncodingContainer {
        node.becomeArray(keepingElements: true)
        return Unkeyed(node: node)
    }
    func singleValueContainer() -> SingleValueEncodingContainer { Single(node: node) }

    static func number<N: BinaryInteger>(_ n: N) -> CanonicalNode.Content { .literal(String(n)) }
    static func number(_ d: Double) -> CanonicalNode.Content { .literal(d.isFinite ? String(d) : "0") }
    static func number(_ f: Float) -> CanonicalNode.Content { .literal(f.isFinite ? String(f) : "0") }
    static func bool(_ b: Bool) -> CanonicalNode.Content { .literal(b ? "true" : "false") }

    static func encode<T: Encodable>(_ value: T, into node: CanonicalNode) throws {
        if T.self == String.self { node.set(.string(value as! String)) }
        else if T.self == Int.self { node.set(number(value as! Int)) }
        else if T.self == Bool.self { node.set(bool(value as! Bool)) }
        else if T.self == Int64.self { node.set(number(value as! Int64)) }
        else if T.self == Int32.self { node.set(number(value as! Int32)) }
        else if T.self == UInt64.self { node.set(number(value as! UInt64)) }
        else if T.self == Double.self { node.set(number(value as! Double)) }
        else if T.self == Float.self { node.set(number(value as! Float)) }
        else { try value.encode(to: CanonicalNodeEncoder(node: node)) }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: CanonicalNode
        var codingPath: [CodingKey] { [] }
        mutating func encodeNil(forKey key: Key) throws { node.child(key.stringValue).set(.literal("null")) }
        mutating func encode(_ value: String, forKey key: Key) throws { node.child(key.stringValue).set(.string(value)) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { node.child(key.stringValue).set(bool(value)) }
        mutating func encode(_ value: Int, forKey key: Key) throws { node.child(key.stringValue).set(number(value)) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { node.child(key.stringValue).set(number(value)) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { node.child(key.stringValue).set(number(value)) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { node.child(key.stringValue).set(number(value)) }
        mutating func encode(_ value: Double, forKey key: Key) throws { node.child(key.stringValue).set(number(value)) }
        mutating func encode(_ value: Float, forKey key: Key) throws { node.child(key.stringValue).set(number(value)) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try CanonicalNodeEncoder.encode(value, into: node.child(key.stringValue)) }
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } }
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } }
        mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } }
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } }
        mutating func nestedContainer<N: CodingKey>(keyedBy keyType: N.Type, forKey key: Key) -> KeyedEncodingContainer<N> {
            let child = node.child(key.stringValue)
            child.becomeObject()
            return KeyedEncodingContainer(Keyed<N>(node: child))
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
            let child = node.child(key.stringValue)
            child.becomeArray(keepingElements: false)
            return Unkeyed(node: child)
        }
        mutating func superEncoder() -> Encoder { CanonicalNodeEncoder(node: node.child("super")) }
        mutating func superEncoder(forKey key: Key) -> Encoder { CanonicalNodeEncoder(node: node.child(key.stringValue)) }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let node: CanonicalNode
        var codingPath: [CodingKey] { [] }
        var count: Int { node.elementCount }
        mutating func encodeNil() throws { node.append().set(.literal("null")) }
        mutating func encode(_ value: String) throws { node.append().set(.string(value)) }
        mutating func encode(_ value: Bool) throws { node.append().set(bool(value)) }
        mutating func encode(_ value: Int) throws { node.append().set(number(value)) }
        mutating func encode(_ value: Int64) throws { node.append().set(number(value)) }
        mutating func encode(_ value: Double) throws { node.append().set(number(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws { try CanonicalNodeEncoder.encode(value, into: node.append()) }
        mutating func nestedContainer<N: CodingKey>(keyedBy keyType: N.Type) -> KeyedEncodingContainer<N> {
            let child = node.append()
            child.becomeObject()
            return KeyedEncodingContainer(Keyed<N>(node: child))
        }
        mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
            let child = node.append()
            child.becomeArray(keepingElements: false)
            return Unkeyed(node: child)
        }
        mutating func superEncoder() -> Encoder { CanonicalNodeEncoder(node: node.append()) }
    }

    struct Single: SingleValueEncodingContainer {
        let node: CanonicalNode
        var codingPath: [CodingKey] { [] }
        mutating func encodeNil() throws { node.set(.literal("null")) }
        mutating func encode(_ value: String) throws { node.set(.string(value)) }
        mutating func encode(_ value: Bool) throws { node.set(bool(value)) }
        mutating func encode(_ value: Int) throws { node.set(number(value)) }
        mutating func encode(_ value: Int64) throws { node.set(number(value)) }
        mutating func encode(_ value: Double) throws { node.set(number(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws { try CanonicalNodeEncoder.encode(value, into: node) }
    }
}
