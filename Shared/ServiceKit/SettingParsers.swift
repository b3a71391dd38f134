/// Typed readings of settings given as text (environment variables): durations such as `250ms`,
/// `90s`, `5m`, `2h`, `30d`; sizes such as `512KiB`, `64MiB`, `1GiB`. A bad value is an error
/// naming the variable, never a silent default.
public enum SettingParsers {
    /// A size in bytes: a whole number with `B`, `KiB`, `MiB` or `GiB` (case-insensitive).
    public static func byteSize(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Int)] = [("kib", 1 << 10), ("mib", 1 << 20), ("gib", 1 << 30), ("b", 1)]
        for (suffix, bytes) in units where t.hasSuffix(suffix) {
            guard let value = Int(t.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), value >= 0,
                  value <= Int.max / bytes else { return nil }
            return value * bytes
        }
        return nil
    }

    public static func duration(_ text: String) -> Duration? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        for (suffix, seconds) in units where t.hasSuffix(suffix) {
            let number = t.dropLast(suffix.count)
            // "5ms" must not read as "5m" + "s": only accept when the rest is a plain number.
            guard let value = Double(number), value >= 0, value.isFinite else { continue }
            return .milliseconds(Int64((value * seconds * 1000).rounded()))
        }
        return nil
    }
}

import Foundation

extension ServiceConfig {
    /// Reads a duration setting; a present but unreadable value is recorded in `problems`.
    static func duration(_ env: [String: String], _ name: String, default value: Duration,
                         problems: inout [String]) -> Duration {
        guard let text = env[name], !text.isEmpty else { return value }
        guard let d = SettingParsers.duration(text) else {
            problems.append("\(name)=\(text.prefix(40)) is not a duration (say 250ms, 90s, 5m, 2h or 30d)")
            return value
        }
        return d
    }

    /// Reads a size setting (`64MiB`); nil when unset, a present but unreadable value is recorded in `problems`.
    static func byteSize(_ env: [String: String], _ name: String, minimum: Int, problems: inout [String]) -> Int? {
        guard let text = env[name], !text.isEmpty else { return nil }
        guard let n = SettingParsers.byteSize(text), n >= minimum else {
            problems.append("\(name)=\(text.prefix(40)) is not a size of at least \(minimum / 1024) KiB (say 512KiB, 64MiB or 1GiB)")
            return nil
        }
        return n
    }

    static func integer(_ env: [String: String], _ name: String, default value: Int, minimum: Int,
                        problems: inout [String]) -> Int {
        guard let text = env[name], !text.isEmpty else { return value }
        guard let n = Int(text), n >= minimum else {
            problems.append("\(name)=\(text.prefix(40)) is not a whole number ≥ \(minimum)")
            return value
        }
        return n
    }
}

/// `DOUDI_LOG_FORMAT`: `text` (one `key=value` line per event) or `json` (one JSON object per line).
public enum LogFormat: String, Sendable { case text, json }
