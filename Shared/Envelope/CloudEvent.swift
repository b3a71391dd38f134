import DoudiDomain
import Foundation

/// A CloudEvents 1.0 event in Kafka binary content mode (EVENTS.md): attributes travel as
/// `ce_*` headers, the value is the JSON payload, the key is the household id (or, before a
/// household exists, the applicant's person key).
public struct CloudEvent: Sendable, Equatable {
    public var id: String
    public var source: String
    public var type: String
    public var time: String
    public var subject: String?
    public var causationID: String?
    public var traceparent: String?
    public var key: String?
    public var data: [UInt8]

    public init(id: String, source: String, type: String, time: String, subject: String? = nil,
                causationID: String? = nil, traceparent: String? = nil, key: String? = nil, data: [UInt8]) {
        self.id = id; self.source = source; self.type = type; self.time = time; self.subject = subject
        self.causationID = causationID; self.traceparent = traceparent; self.key = key; self.data = data
    }

    /// Header name/value pairs in binary content mode.
    public var headers: [(String, String)] {
        var h: [(String, String)] = [("ce_specversion", "1.0"), ("ce_id", id), ("ce_source", source),
                                      ("ce_type", type), ("ce_time", time), ("content-type", "application/json")]
        // Every type of the contract names its payload's JSON Schema (docs/schemas/).
        if let known = EventType(rawValue: type) { h.append(("ce_dataschema", ContractDocuments.dataSchema(known))) }
        if let subject { h.append(("ce_subject", subject)) }
        if let causationID { h.append(("ce_causationid", causationID)) }
        if let traceparent { h.append(("traceparent", traceparent)) }
        return h
    }

    /// Reads an event from headers; throws `EnvelopeError` naming what is missing or wrong.
    public init(headers: [(String, String)], key: String?, value: [UInt8]) throws {
        var map: [String: String] = [:]
        for (k, v) in headers { map[k] = v }
        guard map["ce_specversion"] == "1.0" else { throw EnvelopeError.badAttribute("ce_specversion", map["ce_specversion"] ?? "(missing)") }
        func required(_ name: String) throws -> String {
            guard let v = map[name], !v.isEmpty else { throw EnvelopeError.missingAttribute(name) }
            return v
        }
        self.init(id: try required("ce_id"), source: try required("ce_source"), type: try required("ce_type"),
                  time: map["ce_time"] ?? "", subject: map["ce_subject"], causationID: map["ce_causationid"],
                  traceparent: map["traceparent"], key: key, data: value)
    }

    /// Decodes the JSON payload.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do { return try JSONCoding.decoder.decode(T.self, from: Data(data)) }
        catch let error as DecodingError { throw EnvelopeError.badPayload(describe(error)) }
    }

    /// A new event whose payload is `payload` encoded as JSON (sorted keys: stable bytes for replays).
    public static func make<T: Encodable>(id: String, source: String, type: String, time: String, subject: String?,
                                          key: String?, causationID: String?, payload: T) throws -> CloudEvent {
        CloudEvent(id: id, source: source, type: type, time: time, subject: subject, causationID: causationID,
                   key: key, data: Array(try JSONCoding.encoder.encode(payload)))
    }
}

public enum JSONCoding {
    public static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// One decoder for every payload (its options are never changed; making one per event showed
    /// in the profile of the no-op service).
    public static let decoder = JSONDecoder()
}

public enum EnvelopeError: Error, CustomStringConvertible, Sendable {
    case missingAttribute(String)
    case badAttribute(String, String)
    case badPayload(String)
    case wrongType(expected: String, got: String)

    public var description: String {
        switch self {
        case .missingAttribute(let a): "missing CloudEvents attribute \(a)"
        case .badAttribute(let a, let v): "bad CloudEvents attribute \(a)=\(v.prefix(40))"
        case .badPayload(let why): "undecodable payload: \(why)"
        case .wrongType(let expected, let got): "unexpected ce_type \(got.prefix(60)), expected \(expected)"
        }
    }
}

/// Describes a decoding error by its field path only: never the values, which may be personal data.
func describe(_ error: DecodingError) -> String {
    func path(_ p: [CodingKey]) -> String {
        p.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }
    switch error {
    case .keyNotFound(let key, let ctx): return "missing field \(path(ctx.codingPath + [key]))"
    case .typeMismatch(let type, let ctx): return "wrong type at \(path(ctx.codingPath)), expected \(type)"
    case .valueNotFound(let type, let ctx): return "null at \(path(ctx.codingPath)), expected \(type)"
    case .dataCorrupted(let ctx): return ctx.codingPath.isEmpty ? "not valid JSON" : "invalid value at \(path(ctx.codingPath))"
    @unknown default: return "undecodable"
    }
}
