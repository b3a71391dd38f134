import ArgumentParser

/// `doudi explain HOUSEHOLD_ID`: why a household is where it is (category, needs, warnings, clauses).
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain", abstract: "Explain a household's classification: category, needs, open warnings, clauses.")
    @OptionGroup var api: ClassifierOptions
    @Argument(help: "The household id.") var householdId: String
    @Option(help: "zh, en or both.") var lang: String = "both"

    func validate() throws {
        guard ["zh", "en", "both"].contains(lang) else { throw ValidationError("--lang must be zh, en or both") }
    }

    func run() async throws {
        let id = householdId.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? householdId
        let answer = try await api.call("GET", "/v1/households/\(id)/explanation?lang=\(lang)")
        let text = answer["text"] as? [String: [String]] ?? [:]
        for (i, language) in ["zh", "en"].filter({ text[$0] != nil }).enumerated() {
            if i > 0 { print("") }
            for line in text[language]! { print(line) }
        }
    }
}
