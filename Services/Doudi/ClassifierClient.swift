// How the operator commands reach the classifier's HTTP API (a CLI never opens a service's store).
import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

struct ClassifierOptions: ParsableArguments {
    @Option(help: "The classifier's base URL.")
    var url: String = "http://127.0.0.1:8083"
    @OptionGroup var credential: CredentialOptions

    /// Sends a request and decodes a JSON object answer; a non-2xx answer fails with its message.
    func call(_ method: String, _ path: String, body: [String: Any]? = nil) async throws -> [String: Any] {
        guard let endpoint = URL(string: url.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + path) else {
            throw ValidationError("--url: not a URL: \(url)")
        }
        var request = URLRequest(url: endpoint)
        request.httpMethod = method
        request.timeoutInterval = 3600  // a re-evaluation of a large registry takes a while
        try credential.authorize(&request)
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            throw ClassifierCallError(status: status, body: String(decoding: data.prefix(500), as: UTF8.self))
        }
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }
}

struct ClassifierCallError: Error, CustomStringConvertible {
    var status: Int
    var body: String
    var description: String { "classifier answered HTTP \(status): \(body)" }
}

/// Prints a JSON value as `key: value` lines (nested objects indented), keys sorted.
func printFields(_ object: [String: Any], indent: String = "") {
    for key in object.keys.sorted() {
        switch object[key] {
        case let nested as [String: Any]:
            print("\(indent)\(key):")
            printFields(nested, indent: indent + "  ")
        case let list as [Any]:
            print("\(indent)\(key): \(list.map { "\($0)" }.joined(separator: ", "))")
        case let value?:
            print("\(indent)\(key): \(value)")
        case nil:
            break
        }
    }
}
