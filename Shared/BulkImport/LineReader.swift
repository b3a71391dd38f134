import Foundation

/// Reads a file line by line in fixed-size chunks, so memory stays flat whatever its size.
/// Each line keeps its terminator (CSV needs the raw bytes inside quoted fields) and the byte
/// offset just past it, which is where a resumed import seeks to.
struct LineReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    /// File offset of `buffer[0]`.
    private var bufferStart: UInt64
    private var atEOF = false
    private let chunkSize = 1 << 20

    init(path: String, from offset: UInt64 = 0) throws {
        handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        try handle.seek(toOffset: offset)
        bufferStart = offset
    }

    func close() { try? handle.close() }

    /// The next line with its terminator, and the offset just past it; nil at the end.
    mutating func next() throws -> (bytes: ArraySlice<UInt8>, end: UInt64)? {
        while true {
            if let nl = buffer[position...].firstIndex(of: 0x0A) {
                let line = buffer[position...nl]
                position = nl + 1
                return (line, bufferStart + UInt64(position))
            }
            if atEOF {
                guard position < buffer.count else { return nil }
                let line = buffer[position...]
                position = buffer.count
                return (line, bufferStart + UInt64(position))
            }
            // Drop what was consumed, then read more.
            if position > 0 {
                buffer.removeFirst(position)
                bufferStart += UInt64(position)
                position = 0
            }
            let chunk = try handle.read(upToCount: chunkSize) ?? Data()
            if chunk.isEmpty { atEOF = true } else { buffer.append(contentsOf: chunk) }
        }
    }
}

extension ArraySlice<UInt8> {
    /// Without the trailing `\n` / `\r\n`.
    var trimmingLineBreak: ArraySlice<UInt8> {
        var s = self
        if s.last == 0x0A { s = s.dropLast() }
        if s.last == 0x0D { s = s.dropLast() }
        return s
    }

    var isBlankLine: Bool { trimmingLineBreak.allSatisfy { $0 == 0x20 || $0 == 0x09 } }
}
