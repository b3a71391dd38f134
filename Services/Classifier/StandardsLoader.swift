// Local standards at start: `DOUDI_STANDARDS_FILE` (JSON, see docs/classifier.md) or RULES.md's
// defaults. An invalid file stops the service with every problem listed: running on a default
// where a region configured its own would classify households wrongly.
import DoudiDomain
import Foundation

enum StandardsLoader {
    static func load(environment env: [String: String] = ProcessInfo.processInfo.environment) -> Result<LocalStandards, StandardsError> {
        guard let path = env["DOUDI_STANDARDS_FILE"], !path.isEmpty else { return .success(.defaults) }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(StandardsError(problems: ["DOUDI_STANDARDS_FILE: cannot read \(path)"]))
        }
        do { return .success(try LocalStandards(jsonBytes: Array(data))) }
        catch { return .failure(error) }
    }
}
