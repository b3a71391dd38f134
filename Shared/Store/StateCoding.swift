import Foundation

/// A compact binary form for state a service keeps in its own store and never publishes (the
/// classifier's household histories): Foundation's `JSONEncoder`/`JSONDecoder` were the largest
/// cost of the classifier per household (docs/benchmarks.md, "Cost per household"). Events on
/// topics stay JSON (the contract); this is only for blobs a service writes and reads back itself.
///
/// Any `Codable` value goes through it. Bytes: `0xD5 0x01`, then one value: a tag byte, then for
/// `int` a zig-zag varint, `uint` a varint, `double` 8 bytes (IEEE 754, little-endian), `string` a
/// varint length and UTF-8, `array` a 4-byte byte length, a varint count and the elements, `object`
/// a 4-byte byte length, a varint count and (key as a string without tag, value) pairs. Lengths let
/// a reader skip a value it does not need without walking it. A blob that starts with `{` is JSON
/// (rows written before this form) and is read with `JSONDecoder`, so stores need no migration.
public enum StateCoding {
    static let magic: [UInt8] = [0xD5, 0x01]

    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        // Written as it goes (StateStream); done again by the tree encoder when the value's
        // encoding does something the stream cannot follow. Both write the same bytes.
        try encodeStreaming(value) ?? encodeAsTree(value)
    }

    /// The stream encoder's bytes; nil when the value's encoding broke its inference.
    static func encodeStreaming<T: Encodable>(_ value: T) throws -> Data? {
        let stream = StateStream(capacity: 1024)
        try stream.encode(value)
        stream.close(downTo: 0)
        return stream.failed ? nil : Data(stream.out)
    }

    /// The tree encoder: every value built first, then written (the fallback, and the benchmark's
    /// baseline).
    public static func encodeAsTree<T: Encodable>(_ value: T) throws -> Data {
        let root = StateEncoder.Box()
        try value.encode(to: StateEncoder(box: root, codingPath: []))
        var out = magic
        out.reserveCapacity(512)
        root.value.write(to: &out)
        return Data(out)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        if data.first == UInt8(ascii: "{") || data.first == UInt8(ascii: "[") { return try JSONDecoder().decode(T.self, from: data) }
        let bytes = [UInt8](data)
        guard bytes.count > 2, bytes[0] == magic[0], bytes[1] == magic[1] else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "not a state blob"))
        }
        return try bytes.withUnsafeBufferPointer { buffer in
            try T(from: StateDecoder(bytes: buffer, at: 2, codingPath: []))
        }
    }
}

// MARK: - Values being encoded

enum Tag: UInt8 { case null = 0, bool = 1, int = 2, uint = 3, double = 4, string = 5, array = 6, object = 7, falseValue = 8 }

indirect enum StateValue {
    case null, bool(Bool), int(Int64), uint(UInt64), double(Double), string(String)
    case array(StateEncoder.ArrayBox), object(StateEncoder.ObjectBox), pending(StateEncoder.Box)

    func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(Tag.null.rawValue)
        case .bool(let b): out.append(b ? Tag.bool.rawValue : Tag.falseValue.rawValue)
        case .int(let i): out.append(Tag.int.rawValue); varint(UInt64(bitPattern: (i << 1) ^ (i >> 63)), &out)
        case .uint(let u): out.append(Tag.uint.rawValue); varint(u, &out)
        case .double(let d):
            out.append(Tag.double.rawValue)
            withUnsafeBytes(of: d.bitPattern.littleEndian) { out.append(contentsOf: $0) }
        case .string(let s): out.append(Tag.string.rawValue); string(s, &out)
        case .array(let box):
            out.append(Tag.array.rawValue)
            let at = reserveLength(&out)
            varint(UInt64(box.items.count), &out)
            for item in box.items { item.value.write(to: &out) }
            patchLength(&out, at)
        case .object(let box):
            out.append(Tag.object.rawValue)
            let at = reserveLength(&out)
            varint(UInt64(box.pairs.count), &out)
            for (key, item) in box.pairs { string(key, &out); item.value.write(to: &out) }
            patchLength(&out, at)
        case .pending(let box): box.value.write(to: &out)
        }
    }

    private func varint(_ v: UInt64, _ out: inout [UInt8]) {
        var v = v
        while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        out.append(UInt8(v))
    }
    private func string(_ s: String, _ out: inout [UInt8]) {
        var s = s
        s.withUTF8 { utf8 in varint(UInt64(utf8.count), &out); out.append(contentsOf: utf8) }
    }
    private func reserveLength(_ out: inout [UInt8]) -> Int { out.append(contentsOf: [0, 0, 0, 0]); return out.count }
    private func patchLength(_ out: inout [UInt8], _ at: Int) {
        let n = UInt32(out.count - at)
        out[at - 4] = UInt8(n & 0xFF); out[at - 3] = UInt8((n >> 8) & 0xFF)
        out[at - 2] = UInt8((n >> 16) & 0xFF); out[at - 1] = UInt8(n >> 24)
    }
}

// MARK: - Encoder

struct StateEncoder: Encoder {
    final class Box { var value: StateValue = .null }
    final class ArrayBox { var items: [Box] = [] }
    final class ObjectBox {
        var pairs: [(String, Box)] = []
        func append(_ key: String, _ value: StateValue) { box(for: key).value = value }
        func box(for key: String) -> Box {
            if let existing = pairs.first(where: { $0.0 == key }) { return existing.1 }
            let b = Box(); pairs.append((key, b)); return b
        }
    }

    let box: Box
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let object: ObjectBox
        if case .object(let existing) = box.value { object = existing } else { object = ObjectBox(); box.value = .object(object) }
        return KeyedEncodingContainer(Keyed<Key>(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let array: ArrayBox
        if case .array(let existing) = box.value { array = existing } else { array = ArrayBox(); box.value = .array(array) }
        return Unkeyed(array: array, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { Single(box: box, codingPath: codingPath) }

    static func primitive<T: Encodable>(_ value: T) -> StateValue? {
        if T.self == String.self { return .string(unsafeBitCast(value, to: String.self)) }
        if T.self == Int.self { return .int(Int64(unsafeBitCast(value, to: Int.self))) }
        if T.self == Bool.self { return .bool(unsafeBitCast(value, to: Bool.self)) }
        if T.self == Int64.self { return .int(unsafeBitCast(value, to: Int64.self)) }
        if T.self == Double.self { return .double(unsafeBitCast(value, to: Double.self)) }
        switch value {
        case let v as Int32: return .int(Int64(v))
        case let v as Int16: return .int(Int64(v))
        case let v as Int8: return .int(Int64(v))
        case let v as UInt: return .uint(UInt64(v))
        case let v as UInt64: return .uint(v)
        case let v as UInt32: return .uint(UInt64(v))
        case let v as UInt16: return .uint(UInt64(v))
        case let v as UInt8: return .uint(UInt64(v))
        case let v as Float: return .double(Double(v))
        default: return nil
        }
    }

    static func encode<T: Encodable>(_ value: T, into box: Box, codingPath: [any CodingKey]) throws {
        if let p = primitive(value) { box.value = p; return }
        try value.encode(to: StateEncoder(box: box, codingPath: codingPath))
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let object: ObjectBox
        var codingPath: [any CodingKey]
        mutating func encodeNil(forKey key: Key) throws { object.box(for: key.stringValue).value = .null }
        mutating func encode(_ value: String, forKey key: Key) throws { object.append(key.stringValue, .string(value)) }
        mutating func encode(_ value: Int, forKey key: Key) throws { object.append(key.stringValue, .int(Int64(value))) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { object.append(key.stringValue, .bool(value)) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { object.append(key.stringValue, .int(value)) }
        mutating func encode(_ value: Double, forKey key: Key) throws { object.append(key.stringValue, .double(value)) }
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { if let value { object.append(key.stringValue, .string(value)) } }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { if let value { object.append(key.stringValue, .int(Int64(value))) } }
        mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { if let value { object.append(key.stringValue, .int(value)) } }
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { if let value { object.append(key.stringValue, .bool(value)) } }
        mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { if let value { object.append(key.stringValue, .double(value)) } }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try StateEncoder.encode(value, into: object.box(for: key.stringValue), codingPath: codingPath)
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            StateEncoder(box: object.box(for: key.stringValue), codingPath: codingPath).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            StateEncoder(box: object.box(for: key.stringValue), codingPath: codingPath).unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder { StateEncoder(box: object.box(for: "super"), codingPath: codingPath) }
        mutating func superEncoder(forKey key: Key) -> any Encoder { StateEncoder(box: object.box(for: key.stringValue), codingPath: codingPath) }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let array: ArrayBox
        var codingPath: [any CodingKey]
        var count: Int { array.items.count }
        private func next() -> Box { let b = Box(); array.items.append(b); return b }
        mutating func encodeNil() throws { next().value = .null }
        mutating func encode<T: Encodable>(_ value: T) throws { try StateEncoder.encode(value, into: next(), codingPath: codingPath) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            StateEncoder(box: next(), codingPath: codingPath).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { StateEncoder(box: next(), codingPath: codingPath).unkeyedContainer() }
        mutating func superEncoder() -> any Encoder { StateEncoder(box: next(), codingPath: codingPath) }
    }

    struct Single: SingleValueEncodingContainer {
        let box: Box
        var codingPath: [any CodingKey]
        mutating func encodeNil() throws { box.value = .null }
        mutating func encode<T: Encodable>(_ value: T) throws { try StateEncoder.encode(value, into: box, codingPath: codingPath) }
    }
}

// MARK: - Decoder (reads the bytes in place; containers index their children once)

struct StateDecoder: Decoder {
    let bytes: UnsafeBufferPointer<UInt8>
    let at: Int
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(bytes: UnsafeBufferPointer<UInt8>, at: Int, codingPath: [any CodingKey]) {
        self.bytes = bytes; self.at = at; self.codingPath = codingPath
    }

    func corrupt(_ what: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: codingPath, debugDescription: "state blob: \(what)"))
    }

    var tag: Tag? { at < bytes.count ? Tag(rawValue: bytes[at]) : nil }

    static func varint(_ bytes: UnsafeBufferPointer<UInt8>, _ i: inout Int) throws -> UInt64 {
        var result: UInt64 = 0, shift: UInt64 = 0
        while i < bytes.count {
            let b = bytes[i]; i += 1
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
            if shift > 63 { break }
        }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "state blob: bad varint"))
    }

    /// The offset just past the value at `i`.
    static func skip(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int) throws -> Int {
        guard i < bytes.count, let tag = Tag(rawValue: bytes[i]) else { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "state blob: bad tag")) }
        var j = i + 1
        let end: Int
        switch tag {
        case .null, .bool, .falseValue: end = j
        case .int, .uint: _ = try varint(bytes, &j); end = j
        case .double: end = j + 8
        case .string: let n = try varint(bytes, &j); end = n > UInt64(bytes.count) ? Int.max : j + Int(n)
        case .array, .object:
            guard j + 4 <= bytes.count else { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "state blob: truncated")) }
            let n = Int(bytes[j]) | Int(bytes[j + 1]) << 8 | Int(bytes[j + 2]) << 16 | Int(bytes[j + 3]) << 24
            end = j + 4 + n
        }
        guard end <= bytes.count else { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "state blob: truncated")) }
        return end
    }

    func string(at i: Int) throws -> String {
        var j = i
        let length = try Self.varint(bytes, &j)
        guard length <= UInt64(bytes.count), j + Int(length) <= bytes.count else { throw corrupt("truncated string") }
        let n = Int(length)
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[j..<(j + n)]), as: UTF8.self)
    }

    func decodePrimitive<T: Decodable>(_ type: T.Type) throws -> T? {
        guard let tag else { throw corrupt("truncated") }
        var j = at + 1
        func integer() throws -> Int64 {
            switch tag {
            case .int: let z = try Self.varint(bytes, &j); return Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1)))
            case .uint: let u = try Self.varint(bytes, &j); guard u <= UInt64(Int64.max) else { throw corrupt("integer out of range") }; return Int64(u)
            default: throw DecodingError.typeMismatch(T.self, .init(codingPath: codingPath, debugDescription: "expected a number"))
            }
        }
        func unsigned() throws -> UInt64 {
            switch tag {
            case .uint: return try Self.varint(bytes, &j)
            case .int: let i = try integer(); guard i >= 0 else { throw corrupt("negative for an unsigned") }; return UInt64(i)
            default: throw DecodingError.typeMismatch(T.self, .init(codingPath: codingPath, debugDescription: "expected a number"))
            }
        }
        func checked<I: FixedWidthInteger>(_ v: Int64, _: I.Type) throws -> I {
            guard let r = I(exactly: v) else { throw corrupt("integer out of range for \(I.self)") }; return r
        }
        switch type {
        case is String.Type:
            guard tag == .string else { throw DecodingError.typeMismatch(T.self, .init(codingPath: codingPath, debugDescription: "expected a string")) }
            return try string(at: at + 1) as? T
        case is Bool.Type:
            guard tag == .bool || tag == .falseValue else { throw DecodingError.typeMismatch(T.self, .init(codingPath: codingPath, debugDescription: "expected a bool")) }
            return (tag == .bool) as? T
        case is Int.Type: return try checked(integer(), Int.self) as? T
        case is Int64.Type: return try integer() as? T
        case is Int32.Type: return try checked(integer(), Int32.self) as? T
        case is Int16.Type: return try checked(integer(), Int16.self) as? T
        case is Int8.Type: return try checked(integer(), Int8.self) as? T
        case is UInt.Type: return UInt(exactly: try unsigned()) as? T
        case is UInt64.Type: return try unsigned() as? T
        case is UInt32.Type: return UInt32(exactly: try unsigned()) as? T
        case is UInt16.Type: return UInt16(exactly: try unsigned()) as? T
        case is UInt8.Type: return UInt8(exactly: try unsigned()) as? T
        case is Double.Type, is Float.Type:
            let d: Double
            switch tag {
            case .double:
                guard j + 8 <= bytes.count else { throw corrupt("truncated") }
                var bits: UInt64 = 0
                for k in 0..<8 { bits |= UInt64(bytes[j + k]) << (8 * UInt64(k)) }
                d = Double(bitPattern: bits)
            case .int, .uint: d = Double(try integer())
            default: throw DecodingError.typeMismatch(T.self, .init(codingPath: codingPath, debugDescription: "expected a number"))
            }
            return (type == Float.self ? Float(d) as? T : d as? T)
        default: return nil
        }
    }

    func decode<T: Decodable>(_ type: T.Type, at offset: Int, path: [any CodingKey]) throws -> T {
        let d = StateDecoder(bytes: bytes, at: offset, codingPath: path)
        if T.self == String.self {
            guard d.tag == .string else { throw DecodingError.typeMismatch(T.self, .init(codingPath: path, debugDescription: "expected a string")) }
            return unsafeBitCast(try d.string(at: offset + 1), to: T.self)
        }
        if Self.isPrimitive(T.self), let p = try d.decodePrimitive(type) { return p }
        return try T(from: d)
    }

    static func isPrimitive(_ t: Any.Type) -> Bool {
        t == Int.self || t == Bool.self || t == Int64.self || t == Double.self || t == Int32.self || t == UInt64.self
            || t == UInt8.self || t == Int16.self || t == Int8.self || t == UInt.self || t == UInt32.self || t == UInt16.self || t == Float.self
    }

    /// The start of the children of the container at `at` and how many there are.
    func children(_ expected: Tag) throws -> (first: Int, count: Int) {
        guard tag == expected, (try? Self.skip(bytes, at)) != nil else {
            throw DecodingError.typeMismatch(expected == .object ? [String: Int].self : [Int].self,
                                             .init(codingPath: codingPath, debugDescription: "expected \(expected)"))
        }
        var j = at + 5
        let count = try Self.varint(bytes, &j)
        guard count <= UInt64(bytes.count) else { throw corrupt("bad count") }
        return (j, Int(count))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let (first, count) = try children(.object)
        var entries: [(keyStart: Int, keyLength: Int, value: Int)] = []
        entries.reserveCapacity(count)
        var j = first
        for _ in 0..<count {
            let length = try Self.varint(bytes, &j)
            guard length <= UInt64(bytes.count) else { throw corrupt("bad key") }
            let n = Int(length)
            entries.append((j, n, j + n))
            j = try Self.skip(bytes, j + n)
        }
        var index: [String: Int]? = nil
        if count > 16 {   // a dictionary: look keys up by hash, not by scanning
            var map = [String: Int](minimumCapacity: count)
            for e in entries {
                map[String(decoding: UnsafeBufferPointer(rebasing: bytes[e.keyStart..<(e.keyStart + e.keyLength)]), as: UTF8.self)] = e.value
            }
            index = map
        }
        return KeyedDecodingContainer(Keyed<Key>(decoder: self, entries: entries, index: index))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (first, count) = try children(.array)
        return Unkeyed(decoder: self, next: first, count: count)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(decoder: self) }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: StateDecoder
        let entries: [(keyStart: Int, keyLength: Int, value: Int)]
        let index: [String: Int]?
        var codingPath: [any CodingKey] { decoder.codingPath }

        var allKeys: [Key] {
            entries.compactMap { e in
                Key(stringValue: String(decoding: UnsafeBufferPointer(rebasing: decoder.bytes[e.keyStart..<(e.keyStart + e.keyLength)]), as: UTF8.self))
            }
        }

        func offset(_ key: Key) -> Int? {
            if let index { return index[key.stringValue] }
            var name = key.stringValue
            return name.withUTF8 { utf8 -> Int? in
                for e in entries where e.keyLength == utf8.count {
                    if utf8.count == 0 || memcmp(decoder.bytes.baseAddress! + e.keyStart, utf8.baseAddress!, utf8.count) == 0 { return e.value }
                }
                return nil
            }
        }
        func require(_ key: Key) throws -> Int {
            guard let o = offset(key) else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no value for \(key.stringValue)"))
            }
            return o
        }

        func contains(_ key: Key) -> Bool { offset(key) != nil }
        func decodeNil(forKey key: Key) throws -> Bool {
            guard let o = offset(key) else { return true }
            return decoder.bytes[o] == Tag.null.rawValue
        }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try decoder.decode(type, at: require(key), path: codingPath)
        }
        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            guard let o = offset(key), decoder.bytes[o] != Tag.null.rawValue else { return nil }
            return try decoder.decode(type, at: o, path: codingPath)
        }
        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try StateDecoder(bytes: decoder.bytes, at: require(key), codingPath: codingPath).container(keyedBy: type)
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try StateDecoder(bytes: decoder.bytes, at: require(key), codingPath: codingPath).unkeyedContainer()
        }
        func superDecoder() throws -> any Decoder {
            guard let o = offset(Key(stringValue: "super")!) else { throw decoder.corrupt("no super") }
            return StateDecoder(bytes: decoder.bytes, at: o, codingPath: codingPath)
        }
        func superDecoder(forKey key: Key) throws -> any Decoder {
            StateDecoder(bytes: decoder.bytes, at: try require(key), codingPath: codingPath)
        }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let decoder: StateDecoder
        var next: Int
        let total: Int
        var currentIndex = 0
        init(decoder: StateDecoder, next: Int, count: Int) { self.decoder = decoder; self.next = next; self.total = count }
        var codingPath: [any CodingKey] { decoder.codingPath }
        var count: Int? { total }
        var isAtEnd: Bool { currentIndex >= total }

        private mutating func advance() throws -> Int {
            guard !isAtEnd else { throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath, debugDescription: "no more elements")) }
            let here = next
            next = try StateDecoder.skip(decoder.bytes, here)
            currentIndex += 1
            return here
        }
        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, next < decoder.bytes.count, decoder.bytes[next] == Tag.null.rawValue else { return false }
            _ = try advance(); return true
        }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try decoder.decode(type, at: advance(), path: codingPath)
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try StateDecoder(bytes: decoder.bytes, at: advance(), codingPath: codingPath).container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            try StateDecoder(bytes: decoder.bytes, at: advance(), codingPath: codingPath).unkeyedContainer()
        }
        mutating func superDecoder() throws -> any Decoder { StateDecoder(bytes: decoder.bytes, at: try advance(), codingPath: codingPath) }
    }

    struct Single: SingleValueDecodingContainer {
        let decoder: StateDecoder
        var codingPath: [any CodingKey] { decoder.codingPath }
        func decodeNil() -> Bool { decoder.tag == .null }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decode(type, at: decoder.at, path: codingPath) }
    }
}
