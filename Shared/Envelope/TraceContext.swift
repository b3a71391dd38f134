import Crypto

/// W3C Trace Context (`traceparent: 00-<trace-id>-<parent-id>-<flags>`) carried on every event of
/// one submission's cascade, so that one submission is one trace across the services.
///
/// Ids the runtime makes are derived from the events (SHA-256 of their ids), not drawn at random:
/// a replay or a re-derivation after a crash yields byte-identical events, headers included.
public struct TraceContext: Sendable, Equatable {
    public var traceID: String
    public var spanID: String
    public var sampled: Bool

    public init(traceID: String, spanID: String, sampled: Bool = true) {
        self.traceID = traceID; self.spanID = spanID; self.sampled = sampled
    }

    /// Parses a `traceparent` header (version 00; unknown later versions are read by their first fields).
    public init?(traceparent: String) {
        let parts = traceparent.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].count == 2, parts[0] != "ff", parts[1].count == 32, parts[2].count == 16,
              parts[3].count == 2, parts[0...3].allSatisfy({ $0.allSatisfy(\.isHexDigit) }),
              parts[1].contains(where: { $0 != "0" }), parts[2].contains(where: { $0 != "0" }),
              let flags = UInt8(parts[3], radix: 16) else { return nil }
        self.init(traceID: parts[1].lowercased(), spanID: parts[2].lowercased(), sampled: flags & 1 == 1)
    }

    public var traceparent: String { "00-\(traceID)-\(spanID)-\(sampled ? "01" : "00")" }

    /// A span of this trace for the work named by `parts` (its parent is this context's span).
    public func child(_ parts: String...) -> TraceContext {
        TraceContext(traceID: traceID, spanID: Self.hex(Self.digest(["span"] + parts).prefix(8)), sampled: sampled)
    }

    /// A new trace for work that arrived without one (`parts` name it, e.g. the event id).
    public static func root(_ parts: String...) -> TraceContext {
        let d = digest(["trace"] + parts)
        return TraceContext(traceID: hex(d.prefix(16)), spanID: hex(d.dropFirst(16).prefix(8)))
    }

    private static func digest(_ parts: [String]) -> [UInt8] {
        var hasher = SHA256()
        for p in parts { hasher.update(data: Array(p.utf8)); hasher.update(data: [0]) }
        var bytes = Array(hasher.finalize())
        bytes[15] |= 1; bytes[23] |= 1  // never all zeros (invalid in W3C)
        return bytes
    }

    private static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0x0f)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
