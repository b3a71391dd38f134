import ArgumentParser

/// `doudi survey start|status --year 2026`: the annual survey (§3.3.1).
struct SurveyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "survey", abstract: "The annual survey of every monitored household.",
        subcommands: [Start.self, Status.self])

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue the year's annual_survey task to every monitored household.")
        @OptionGroup var api: ClassifierOptions
        @Option(help: "Survey year.") var year: Int

        func run() async throws { printFields(try await api.call("POST", "/v1/surveys", body: ["year": year])) }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Progress: tasks issued, households re-profiled since the start (completed).")
        @OptionGroup var api: ClassifierOptions
        @Option(help: "Survey year.") var year: Int

        func run() async throws { printFields(try await api.call("GET", "/v1/surveys/\(year)")) }
    }
}
