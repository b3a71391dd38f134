#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Bureau data often comes as GB18030 or GBK (Excel's "CSV" on a Chinese Windows), not UTF-8.
/// Reading it as UTF-8 turned every name into replacement characters that were then accepted.
/// An import therefore decides the file's encoding first: UTF-8 (with or without a BOM) when every
/// byte sequence is valid UTF-8, else GB18030 (a superset of GBK and GB2312) when the whole file
/// decodes as that, else it stops with the byte offset of the first sequence that is neither.
/// A GB18030 file is transcoded once (glibc's iconv) into a UTF-8 copy that the import reads.
public enum InputEncoding: String, Sendable {
    case utf8 = "UTF-8"
    case gb18030 = "GB18030"

    public struct Undecodable: Error, CustomStringConvertible {
        public var path: String
        public var offset: Int
        public var line: Int
        public var description: String {
            "\((path as NSString).lastPathComponent) is neither UTF-8 nor GB18030/GBK: line \(line) (byte \(offset)) "
                + "holds a sequence that is not text in either; save the file as UTF-8 or GB18030"
        }
    }

    /// The encoding of the file at `path`.
    public static func detect(path: String) throws -> InputEncoding {
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        return try detect(Array(data), path: path)
    }

    static func detect(_ bytes: [UInt8], path: String) throws -> InputEncoding {
        guard let bad = firstInvalidUTF8(bytes) else { return .utf8 }
        if (try? transcode(bytes, from: .gb18030)) != nil { return .gb18030 }
        throw Undecodable(path: path, offset: bad, line: bytes[..<bad].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) })
    }

    /// A UTF-8 copy of a non-UTF-8 input beside the import's checkpoint (the same bytes every time,
    /// so a resumed import's offsets still hold), or the path itself when it is UTF-8 already.
    public static func utf8Path(for path: String) throws -> (path: String, encoding: InputEncoding) {
        let encoding = try detect(path: path)
        guard encoding != .utf8 else { return (path, .utf8) }
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let utf8 = try transcode(bytes, from: encoding)
        let copy = path + ".utf8"
        if (try? Data(contentsOf: URL(fileURLWithPath: copy))) != Data(utf8) {
            try Data(utf8).write(to: URL(fileURLWithPath: copy), options: .atomic)
        }
        return (copy, encoding)
    }

    /// The offset of the first byte that does not start a valid UTF-8 sequence, or nil.
    static func firstInvalidUTF8(_ b: [UInt8]) -> Int? {
        var i = 0
        while i < b.count {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            let n: Int
            switch c {
            case 0xC2...0xDF: n = 1
            case 0xE0...0xEF: n = 2
            case 0xF0...0xF4: n = 3
            default: return i
            }
            guard i + n < b.count else { return i }
            for k in 1...n where b[i + k] & 0xC0 != 0x80 { return i }
            // Overlongs and surrogates.
            if c == 0xE0 && b[i + 1] < 0xA0 || c == 0xED && b[i + 1] > 0x9F || c == 0xF0 && b[i + 1] < 0x90 || c == 0xF4 && b[i + 1] > 0x8F { return i }
            i += n + 1
        }
        return nil
    }

    struct ConversionFailed: Error {}

    /// Transcodes to UTF-8 with iconv; throws when any sequence is invalid in the source encoding.
    static func transcode(_ input: [UInt8], from encoding: InputEncoding) throws -> [UInt8] {
        #if canImport(Glibc)
        let cd = iconv_open("UTF-8", encoding.rawValue)
        guard cd != iconv_t(bitPattern: -1) else { throw ConversionFailed() }
        defer { iconv_close(cd) }
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        var source = input
        let produced: Int = try source.withUnsafeMutableBufferPointer { src in
            try output.withUnsafeMutableBufferPointer { dst in
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(src.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var inLeft = src.count
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(dst.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var outLeft = dst.count
                if iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft) == -1 || inLeft != 0 { throw ConversionFailed() }
                return dst.count - outLeft
            }
        }
        return Array(output.prefix(produced))
        #else
        throw ConversionFailed()
        #endif
    }
}

/// Text that was decoded with the wrong encoding somewhere upstream: replacement characters, C1
/// control characters, or the Latin-1 letters that GBK bytes become when read as Latin-1 (`ÕÅÈý`).
public enum GarbledText {
    public static func isGarbled(_ s: String) -> Bool {
        var latin1Letters = 0
        for scalar in s.unicodeScalars {
            switch scalar.value {
            case 0xFFFD, 0x80...0x9F: return true
            case 0xC0...0xFF: latin1Letters += 1
            default: break
            }
        }
        // One accented letter is a name (Zoë); a run of them in a Chinese form is mojibake.
        return latin1Letters >= 2
    }
}
