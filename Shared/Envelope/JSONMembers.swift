// Replacing the values of some top-level members of a JSON object in its bytes (issue 17): the
// matcher's programme-only version is the stored version with two members changed (`programs`
// and `version`), and encoding the whole profile again with JSONEncoder was a tenth of the
// matcher's CPU (docs/benchmarks.md). Every other byte stays where it was, so an object written by
// `JSONCoding.encoder` (sorted keys, no whitespace) with its members replaced by their values as
// that encoder writes them is the object that encoder writes with those values: the matcher's test
// holds the two to be byte for byte equal on generated profiles (ProgrammeVersionBytesTests).
import Foundation

public enum JSONMembers {
    /// `object` with the value of each top-level member named in `values` replaced by the JSON text
    /// given for it; nil when `object` is not one JSON object, or a named member is missing or
    /// appears twice (the caller then encodes the whole value). Nested members of the same name are
    /// left alone.
    public static func replacing(_ values: [String: [UInt8]], in object: Data) -> Data? {
        object.withUnsafeBytes { raw -> Data? in
            let b = raw.bindMemory(to: UInt8.self)
            var scanner = Scanner(b: b)
            guard let members = scanner.topLevelMembers() else { return nil }
            var replaced: [(range: Range<Int>, text: [UInt8])] = []
            var found = Set<String>()
            for member in members {
                let name = String(decoding: UnsafeBufferPointer(rebasing: b[member.key]), as: UTF8.self)
                guard let text = values[name] else { continue }
                guard found.insert(name).inserted else { return nil }  // a member named twice
                replaced.append((member.value, text))
            }
            guard found.count == values.count else { return nil }
            var out = Data(capacity: b.count + replaced.reduce(0) { $0 + $1.text.count })
            var at = 0
            for r in replaced {  // in the object's order
                out.append(UnsafeBufferPointer(rebasing: b[at..<r.range.lowerBound]))
                out.append(contentsOf: r.text)
                at = r.range.upperBound
            }
            out.append(UnsafeBufferPointer(rebasing: b[at..<b.count]))
            return out
        }
    }

    /// A forward reader of JSON text that finds where members and values begin and end; it checks
    /// the structure (quotes, brackets, separators), not the contents of strings and numbers.
    private struct Scanner {
        let b: UnsafeBufferPointer<UInt8>
        var i = 0

        init(b: UnsafeBufferPointer<UInt8>) { self.b = b }

        /// The key (without its quotes) and value ranges of the object's members, in order.
        mutating func topLevelMembers() -> [(key: Range<Int>, value: Range<Int>)]? {
            skipSpace()
            guard byte == UInt8(ascii: "{") else { return nil }
            i += 1
            var members: [(key: Range<Int>, value: Range<Int>)] = []
            skipSpace()
            if byte == UInt8(ascii: "}") { i += 1 } else {
                while true {
                    skipSpace()
                    let keyStart = i + 1
                    guard byte == UInt8(ascii: "\""), skipString() else { return nil }
                    let key = keyStart..<(i - 1)
                    skipSpace()
                    guard byte == UInt8(ascii: ":") else { return nil }
                    i += 1
                    skipSpace()
                    let valueStart = i
                    guard skipValue() else { return nil }
                    members.append((key, valueStart..<i))
                    skipSpace()
                    if byte == UInt8(ascii: ",") { i += 1; continue }
                    guard byte == UInt8(ascii: "}") else { return nil }
                    i += 1
                    break
                }
            }
            skipSpace()
            return i == b.count ? members : nil
        }

        /// The byte at the position, or 0 past the end (never a structural byte).
        var byte: UInt8 { i < b.count ? b[i] : 0 }

        mutating func skipSpace() {
            while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
        }

        /// At an opening quote: moves past the closing one.
        mutating func skipString() -> Bool {
            i += 1
            while i < b.count {
                switch b[i] {
                case UInt8(ascii: "\\"): i += 2
                case UInt8(ascii: "\""): i += 1; return true
                default: i += 1
                }
            }
            return false
        }

        mutating func skipValue() -> Bool {
            switch byte {
            case UInt8(ascii: "\""):
                return skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var open: [UInt8] = []
                while i < b.count {
                    switch b[i] {
                    case UInt8(ascii: "\""):
                        guard skipString() else { return false }
                        continue
                    case UInt8(ascii: "{"): open.append(UInt8(ascii: "}"))
                    case UInt8(ascii: "["): open.append(UInt8(ascii: "]"))
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        guard open.popLast() == b[i] else { return false }
                        if open.isEmpty { i += 1; return true }
                    default: break
                    }
                    i += 1
                }
                return false
            default:
                // A number, true, false or null: up to the next separator.
                let start = i
                while i < b.count {
                    switch b[i] {
                    case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09: return i > start
                    case UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: ":"): return false
                    default: i += 1
                    }
                }
                return i > start
            }
        }
    }
}
