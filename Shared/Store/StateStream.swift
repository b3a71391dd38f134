// StateCoding's encoder that writes as it goes (issue 17, docs/benchmarks.md "State written as it
// goes"): the tree encoder (`StateEncoder`) built a class instance per value and an enum per
// primitive before writing a byte, and saving the classifier's household histories that way was a
// sixth of its CPU per household. Codable does not say when a container is finished, so this
// encoder infers it: a container is closed when its parent is written to again, or when the value
// that opened it has been encoded. Code that writes to a container after that (a nested container
// kept and filled later), writes one key twice, or asks for a super encoder breaks the inference:
// the encoding is then done again by the tree encoder. Both write the same bytes.
import Foundation

final class StateStream {
    struct Frame {
        let id: Int
        /// Where the container's 4-byte length is, and its count (one byte reserved; a count of
        /// 128 or more is widened when the container closes).
        let lengthAt: Int
        var count = 0
        /// Where this object's keys start in `keys` (a key written twice is a fallback to the tree
        /// encoder), and a set of them once there are many.
        let keysStart: Int
        var keySet: Set<String>? = nil
    }

    /// Where a value goes: encoded at stack depth `depth`, and what it became. Slots nest as the
    /// values do, so they are a stack too; an encoder names its slot by index and id.
    struct Slot {
        let id: Int
        let depth: Int
        var frame: (id: Int, tag: Tag)? = nil
        var filled = false
    }

    var out: [UInt8]
    private(set) var frames: [Frame] = []
    /// The keys of the open objects, innermost last (one array for all: no allocation per object).
    private var keys: [String] = []
    private(set) var slots: [Slot] = []
    private var nextID = 0
    /// Set when the inference broke: the result is not used.
    var failed = false

    init(capacity: Int) {
        out = StateCoding.magic
        out.reserveCapacity(capacity)
    }

    // MARK: values

    /// Encodes `value` in a slot at the current depth, then closes what it opened.
    func encode<T: Encodable>(_ value: T) throws {
        if writePrimitive(value) { return }
        try encodeInSlot(value, depth: frames.count)
    }

    /// Encodes a value that is not a primitive in a new slot at `depth`.
    func encodeInSlot<T: Encodable>(_ value: T, depth: Int) throws {
        nextID += 1
        let index = slots.count, id = nextID
        slots.append(Slot(id: id, depth: depth))
        try value.encode(to: Encoder(stream: self, slot: index, slotID: id))
        close(downTo: depth)
        if !slots[index].filled { writeNull() }
        slots.removeLast()
    }

    /// Marks slot `i` filled, closing what was opened after it began; false (and the encoding
    /// falls back) when it was filled already or its parent moved on.
    func claim(_ i: Int) -> Bool {
        guard !slots[i].filled, frames.count >= slots[i].depth else { failed = true; return false }
        close(downTo: slots[i].depth)
        slots[i].filled = true
        return true
    }

    /// The slot an encoder names, if it is still being encoded.
    func slot(_ index: Int, id: Int) -> Int? {
        guard !failed, index < slots.count, slots[index].id == id else { failed = true; return nil }
        return index
    }

    func open(_ tag: Tag) -> Int {
        out.append(tag.rawValue)
        out.append(contentsOf: [0, 0, 0, 0, 0])
        nextID += 1
        frames.append(Frame(id: nextID, lengthAt: out.count - 5, keysStart: keys.count))
        return nextID
    }

    /// Makes frame `id` the innermost, closing those opened after it; false when it is closed.
    func enter(_ id: Int) -> Bool {
        guard !failed, let index = frames.lastIndex(where: { $0.id == id }) else { failed = true; return false }
        close(downTo: index + 1)
        return true
    }

    /// Enters frame `id` and counts one more element, and for an object writes `key`.
    func element(of id: Int, key: String?) -> Bool {
        guard enter(id) else { return false }
        let last = frames.count - 1
        if let key {
            if frames[last].keySet != nil {
                guard frames[last].keySet!.insert(key).inserted else { failed = true; return false }
            } else {
                let start = frames[last].keysStart
                guard !keys[start...].contains(key) else { failed = true; return false }
                keys.append(key)
                if keys.count - start > 16 {
                    frames[last].keySet = Set(keys[start...])
                    keys.removeSubrange(start...)
                }
            }
            writeKey(key)
        }
        frames[last].count += 1
        return true
    }

    func close(downTo depth: Int) {
        while frames.count > depth {
            let frame = frames.removeLast()
            if keys.count > frame.keysStart { keys.removeSubrange(frame.keysStart...) }
            let countAt = frame.lengthAt + 4
            if frame.count >= 0x80 {
                var wide: [UInt8] = []
                var v = UInt64(frame.count)
                while v >= 0x80 { wide.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
                wide.append(UInt8(v))
                out.replaceSubrange(countAt..<(countAt + 1), with: wide)
            } else {
                out[countAt] = UInt8(frame.count)
            }
            let n = UInt32(out.count - countAt)
            out[frame.lengthAt] = UInt8(n & 0xFF); out[frame.lengthAt + 1] = UInt8((n >> 8) & 0xFF)
            out[frame.lengthAt + 2] = UInt8((n >> 16) & 0xFF); out[frame.lengthAt + 3] = UInt8(n >> 24)
        }
    }

    /// A key: a string without its tag.
    func writeKey(_ key: String) {
        var key = key
        key.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            out.append(contentsOf: utf8)
        }
    }

    private func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        out.append(UInt8(v))
    }

    func writeNull() { out.append(Tag.null.rawValue) }
    func writeString(_ s: String) { out.append(Tag.string.rawValue); writeKey(s) }
    func writeInt(_ i: Int64) { out.append(Tag.int.rawValue); varint(UInt64(bitPattern: (i << 1) ^ (i >> 63))) }
    func writeUInt(_ u: UInt64) { out.append(Tag.uint.rawValue); varint(u) }
    func writeBool(_ b: Bool) { out.append(b ? Tag.bool.rawValue : Tag.falseValue.rawValue) }
    func writeDouble(_ d: Double) {
        out.append(Tag.double.rawValue)
        withUnsafeBytes(of: d.bitPattern.littleEndian) { out.append(contentsOf: $0) }
    }

    /// Writes `value` if it is one of the primitives (by its type: the tree encoder's casts also
    /// unwrap an optional, whose own encoding gives the same bytes); false otherwise.
    func writePrimitive<T>(_ value: T) -> Bool {
        if T.self == String.self { writeString(unsafeBitCast(value, to: String.self)) }
        else if T.self == Int.self { writeInt(Int64(unsafeBitCast(value, to: Int.self))) }
        else if T.self == Bool.self { writeBool(unsafeBitCast(value, to: Bool.self)) }
        else if T.self == Int64.self { writeInt(unsafeBitCast(value, to: Int64.self)) }
        else if T.self == Double.self { writeDouble(unsafeBitCast(value, to: Double.self)) }
        else if T.self == Int32.self { writeInt(Int64(unsafeBitCast(value, to: Int32.self))) }
        else if T.self == Int16.self { writeInt(Int64(unsafeBitCast(value, to: Int16.self))) }
        else if T.self == Int8.self { writeInt(Int64(unsafeBitCast(value, to: Int8.self))) }
        else if T.self == UInt.self { writeUInt(UInt64(unsafeBitCast(value, to: UInt.self))) }
        else if T.self == UInt64.self { writeUInt(unsafeBitCast(value, to: UInt64.self)) }
        else if T.self == UInt32.self { writeUInt(UInt64(unsafeBitCast(value, to: UInt32.self))) }
        else if T.self == UInt16.self { writeUInt(UInt64(unsafeBitCast(value, to: UInt16.self))) }
        else if T.self == UInt8.self { writeUInt(UInt64(unsafeBitCast(value, to: UInt8.self))) }
        else if T.self == Float.self { writeDouble(Double(unsafeBitCast(value, to: Float.self))) }
        else { return false }
        return true
    }

    // MARK: Codable's side

    struct Encoder: Swift.Encoder {
        let stream: StateStream
        let slot: Int
        let slotID: Int
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        /// The slot's container of `tag`, opened now or the one opened before (asked for again).
        private func frame(_ tag: Tag) -> Int {
            guard let i = stream.slot(slot, id: slotID) else { return -1 }
            if let (id, opened) = stream.slots[i].frame {
                guard opened == tag else { stream.failed = true; return -1 }
                return stream.enter(id) ? id : -1
            }
            guard stream.claim(i) else { return -1 }
            let id = stream.open(tag)
            stream.slots[i].frame = (id, tag)
            return id
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            KeyedEncodingContainer(Keyed<Key>(stream: stream, id: frame(.object)))
        }
        func unkeyedContainer() -> any UnkeyedEncodingContainer { Unkeyed(stream: stream, id: frame(.array)) }
        func singleValueContainer() -> any SingleValueEncodingContainer { Single(stream: stream, slot: slot, slotID: slotID) }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let stream: StateStream
        let id: Int
        var codingPath: [any CodingKey] { [] }

        private func at(_ key: Key) -> Bool { stream.element(of: id, key: key.stringValue) }
        mutating func encodeNil(forKey key: Key) throws { if at(key) { stream.writeNull() } }
        mutating func encode(_ value: String, forKey key: Key) throws { if at(key) { stream.writeString(value) } }
        mutating func encode(_ value: Int, forKey key: Key) throws { if at(key) { stream.writeInt(Int64(value)) } }
        mutating func encode(_ value: Bool, forKey key: Key) throws { if at(key) { stream.writeBool(value) } }
        mutating func encode(_ value: Int64, forKey key: Key) throws { if at(key) { stream.writeInt(value) } }
        mutating func encode(_ value: Double, forKey key: Key) throws { if at(key) { stream.writeDouble(value) } }
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { if let value, at(key) { stream.writeString(value) } }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { if let value, at(key) { stream.writeInt(Int64(value)) } }
        mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { if let value, at(key) { stream.writeInt(value) } }
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { if let value, at(key) { stream.writeBool(value) } }
        mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { if let value, at(key) { stream.writeDouble(value) } }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            if at(key) { try stream.encode(value) }
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            KeyedEncodingContainer(Keyed<NestedKey>(stream: stream, id: stream.element(of: id, key: key.stringValue) ? stream.open(.object) : -1))
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            Unkeyed(stream: stream, id: stream.element(of: id, key: key.stringValue) ? stream.open(.array) : -1)
        }
        mutating func superEncoder() -> any Swift.Encoder { stream.failed = true; return StateEncoder(box: .init(), codingPath: []) }
        mutating func superEncoder(forKey key: Key) -> any Swift.Encoder { stream.failed = true; return StateEncoder(box: .init(), codingPath: []) }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let stream: StateStream
        let id: Int
        var codingPath: [any CodingKey] { [] }
        var count = 0
        init(stream: StateStream, id: Int) { self.stream = stream; self.id = id }

        mutating func encodeNil() throws { if stream.element(of: id, key: nil) { count += 1; stream.writeNull() } }
        mutating func encode<T: Encodable>(_ value: T) throws {
            if stream.element(of: id, key: nil) { count += 1; try stream.encode(value) }
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            count += 1
            return KeyedEncodingContainer(Keyed<NestedKey>(stream: stream, id: stream.element(of: id, key: nil) ? stream.open(.object) : -1))
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            count += 1
            return Unkeyed(stream: stream, id: stream.element(of: id, key: nil) ? stream.open(.array) : -1)
        }
        mutating func superEncoder() -> any Swift.Encoder { stream.failed = true; return StateEncoder(box: .init(), codingPath: []) }
    }

    struct Single: SingleValueEncodingContainer {
        let stream: StateStream
        let slot: Int
        let slotID: Int
        var codingPath: [any CodingKey] { [] }

        private func claim() -> Int? {
            guard let i = stream.slot(slot, id: slotID), stream.claim(i) else { return nil }
            return i
        }
        mutating func encodeNil() throws { if claim() != nil { stream.writeNull() } }
        mutating func encode<T: Encodable>(_ value: T) throws {
            guard let i = claim() else { return }
            if stream.writePrimitive(value) { return }
            // The value's own encoding fills this slot's place, in a slot of its own at the same depth.
            try stream.encodeInSlot(value, depth: stream.slots[i].depth)
        }
    }
}
