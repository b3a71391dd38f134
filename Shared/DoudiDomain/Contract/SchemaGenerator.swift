// JSON Schemas of the payloads, derived from the Swift types themselves (by reflection on a
// fully populated sample), so that docs/schemas cannot drift from the code: a test regenerates
// them and compares. Optional properties are not required; enumerations list every case.

public enum JSONSchema {
    /// A JSON Schema (draft 2020-12) for the type of `sample`, as nested dictionaries.
    public static func schema(title: String, id: String, for sample: Any) -> [String: Any] {
        var s = describe(sample)
        s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        s["$id"] = id
        s["title"] = title
        return s
    }

    static func describe(_ value: Any) -> [String: Any] {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let inner = mirror.children.first?.value else { return [:] }
            return describe(inner)
        }
        switch value {
        case is String: return ["type": "string"]
        case is Bool: return ["type": "boolean"]
        case is Int, is Int64, is Int32: return ["type": "integer"]
        case is Double: return ["type": "number"]
        case is CivilDate: return ["type": "string", "format": "date"]
        case let e as any CaseIterable & RawRepresentable:
            return ["type": "string", "enum": allCases(of: e)]
        case let d as [String: String]:
            _ = d
            return ["type": "object", "additionalProperties": ["type": "string"]]
        default: break
        }
        if mirror.displayStyle == .dictionary {
            guard let pair = mirror.children.first?.value, let value = Mirror(reflecting: pair).children.dropFirst().first?.value else {
                return ["type": "object"]
            }
            return ["type": "object", "additionalProperties": describe(value)]
        }
        if mirror.displayStyle == .collection {
            guard let first = mirror.children.first?.value else { return ["type": "array"] }
            return ["type": "array", "items": describe(first)]
        }
        if mirror.displayStyle == .struct {
            var properties: [String: Any] = [:]
            var required: [String] = []
            for child in mirror.children {
                guard let label = child.label else { continue }
                properties[label] = describe(child.value)
                if Mirror(reflecting: child.value).displayStyle != .optional { required.append(label) }
            }
            return ["type": "object", "properties": properties, "required": required.sorted()]
        }
        return [:]
    }

    private static func allCases<E: CaseIterable & RawRepresentable>(of _: E) -> [String] {
        E.allCases.map { "\($0.rawValue)" }
    }

    /// Stable, pretty JSON text (sorted keys, two-space indent), without Foundation.
    public static func render(_ value: Any, indent: String = "") -> String {
        let next = indent + "  "
        switch value {
        case let s as String: return quote(s)
        case let b as Bool: return b ? "true" : "false"
        case let n as Int: return String(n)
        case let a as [Any]:
            if a.isEmpty { return "[]" }
            if a.allSatisfy({ $0 is String }) { return "[" + a.map { render($0) }.joined(separator: ", ") + "]" }
            return "[\n" + a.map { next + render($0, indent: next) }.joined(separator: ",\n") + "\n\(indent)]"
        case let d as [String: Any]:
            if d.isEmpty { return "{}" }
            return "{\n" + d.keys.sorted().map { "\(next)\(quote($0)): \(render(d[$0]!, indent: next))" }.joined(separator: ",\n") + "\n\(indent)}"
        default: return "null"
        }
    }

    private static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }
}
