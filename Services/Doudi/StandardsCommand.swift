import ArgumentParser

/// `doudi standards reevaluate`: after the classifier restarted with new local standards.
struct StandardsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "standards", abstract: "Local standards.", subcommands: [Reevaluate.self])

    struct Reevaluate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-evaluate every stored household under the classifier's current standards (idempotent).")
        @OptionGroup var api: ClassifierOptions
        @Option(help: "Households per store transaction.") var batchSize: Int = 200

        func run() async throws {
            printFields(try await api.call("POST", "/v1/reevaluate", body: ["batchSize": batchSize]))
        }
    }
}
