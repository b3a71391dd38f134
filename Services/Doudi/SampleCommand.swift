import ArgumentParser

/// `doudi sample --period 2026Q4 --rate 0.05 [--seed S]`: random_check tasks (§3.3.2), reproducible.
struct SampleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Draw a stratified random sample of monitored households for random checks (same period and seed, same draw).")
    @OptionGroup var api: ClassifierOptions
    @Option(help: "Period: YYYY, YYYYQn or YYYY-MM (tasks are due at its end).") var period: String
    @Option(help: "Share of each county/category stratum, at least one per stratum.") var rate: Double = 0.05
    @Option(help: "Seed of the draw.") var seed: UInt64 = 0

    func validate() throws {
        guard rate > 0, rate <= 1 else { throw ValidationError("--rate must be in (0, 1]") }
    }

    func run() async throws {
        let a = try await api.call("POST", "/v1/samples", body: ["period": period, "rate": rate, "seed": seed])
        let strata = (a["strata"] as? [[String: Any]]) ?? []
        printTable(["STRATUM", "POPULATION", "DRAWN"], strata.map { ["\($0["stratum"] ?? "")", "\($0["population"] ?? 0)", "\($0["drawn"] ?? 0)"] })
        let drawn = (a["drawn"] as? [String]) ?? []
        print("period \(period) seed \(seed): \(drawn.count) of \(a["population"] ?? 0) households drawn; \(a["newTasks"] ?? 0) new random_check task(s)")
        for id in (a["taskIds"] as? [String]) ?? [] { print(id) }
    }
}
