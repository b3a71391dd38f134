// Event contracts change additively only (EVENTS.md): a consumer written against the last released
// schemas must read every event of the new ones. docs/schemas/released/ holds the schemas of the
// last release; this compares a new schema with its released version, recursively:
//   fails:  a property removed, a property newly required, a type changed, an enum value removed,
//           a released event type missing;
//   passes: a new optional property, a new event type, a new enum value.
import Foundation

public enum SchemaCompatibility {
    public struct Break: CustomStringConvertible, Equatable {
        public var schema: String
        public var path: String
        public var change: String
        public var description: String { "\(schema) \(path.isEmpty ? "(root)" : path): \(change)" }
    }

    /// Compares every released schema (file name → parsed JSON) with the current one.
    public static func breaks(released: [String: Any], current: [String: Any]) -> [Break] {
        var out: [Break] = []
        for name in released.keys.sorted() {
            guard let new = current[name] else {
                out.append(Break(schema: name, path: "", change: "the released event type is gone (publish a .v2 beside it instead)"))
                continue
            }
            compare(released[name]!, new, schema: name, path: "", into: &out)
        }
        return out
    }

    static func compare(_ old: Any, _ new: Any, schema: String, path: String, into out: inout [Break]) {
        guard let o = old as? [String: Any], let n = new as? [String: Any] else { return }
        let oldTypes = types(o), newTypes = types(n)
        if !oldTypes.isEmpty, !newTypes.isEmpty, !oldTypes.isSubset(of: newTypes) {
            out.append(Break(schema: schema, path: path,
                             change: "type changed from \(oldTypes.sorted().joined(separator: "|")) to \(newTypes.sorted().joined(separator: "|"))"))
        }
        if let oldEnum = o["enum"] as? [Any] {
            let newEnum = Set(((n["enum"] as? [Any]) ?? []).map { "\($0)" })
            let removed = oldEnum.map { "\($0)" }.filter { !newEnum.contains($0) }
            if !removed.isEmpty, n["enum"] != nil { out.append(Break(schema: schema, path: path, change: "enum values removed: \(removed.joined(separator: ", "))")) }
        }
        let oldRequired = Set((o["required"] as? [String]) ?? []), newRequired = Set((n["required"] as? [String]) ?? [])
        for added in newRequired.subtracting(oldRequired).sorted() {
            out.append(Break(schema: schema, path: join(path, added), change: "newly required (a new field must be optional)"))
        }
        let oldProps = (o["properties"] as? [String: Any]) ?? [:], newProps = (n["properties"] as? [String: Any]) ?? [:]
        for key in oldProps.keys.sorted() {
            guard let np = newProps[key] else {
                out.append(Break(schema: schema, path: join(path, key), change: "property removed"))
                continue
            }
            compare(oldProps[key]!, np, schema: schema, path: join(path, key), into: &out)
        }
        if let oi = o["items"], let ni = n["items"] { compare(oi, ni, schema: schema, path: path + "[]", into: &out) }
        if let oa = o["additionalProperties"] as? [String: Any], let na = n["additionalProperties"] as? [String: Any] {
            compare(oa, na, schema: schema, path: join(path, "*"), into: &out)
        }
    }

    static func types(_ schema: [String: Any]) -> Set<String> {
        if let t = schema["type"] as? String { return [t] }
        if let ts = schema["type"] as? [String] { return Set(ts) }
        return []
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Reads every `*.schema.json` of a directory (file name → parsed JSON).
    public static func load(directory: String) throws -> [String: Any] {
        var out: [String: Any] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) where file.hasSuffix(".schema.json") {
            out[file] = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(file)")))
        }
        return out
    }
}
