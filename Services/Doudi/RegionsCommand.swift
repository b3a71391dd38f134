import ArgumentParser
import DoudiDomain

/// `doudi regions 140105` / `doudi regions 小店区`: the region directory offline (docs/regions.md):
/// a code's name and parent chain (or its retirement and successor), a name's codes, and with
/// `--children` what lies under a division.
struct RegionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regions", abstract: "Look up administrative divisions by code or name (the region directory).")
    @Argument(help: "A division code (2, 4, 6, 9 or 12 digits) or a name (小店区, 太原市小店区).") var query: String?
    @Flag(help: "List the divisions directly under the code.") var children = false

    func run() throws {
        let directory = RegionDirectory.standard
        print("region directory: \(directory.count) divisions, \(directory.retiredCount) retired codes; \(directory.source), snapshot \(directory.snapshot)")
        guard let query, !query.isEmpty else {
            for p in directory.provinceList { print("  \(directory.label(p.code))") }
            return
        }
        if query.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            try show(code: query, directory)
        } else {
            let found = directory.regions(named: query)
            if found.isEmpty { throw ValidationError("no division named \(query) in the region directory") }
            for r in found { print("  \(directory.label(r.code))  (\(r.level.rawValue))") }
        }
    }

    private func show(code: String, _ directory: RegionDirectory) throws {
        if let r = directory.retirement(code) {
            print("\(directory.label(code)): \(r.change) in \(r.year); successor: \(r.successor.map { directory.label($0) } ?? "none in the data")")
            return
        }
        let chain = directory.chain(code)
        if chain.isEmpty { throw ValidationError("\(code): no such province in the region directory") }
        print(directory.label(code))
        for r in chain { print("  \(r.level.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(r.code)  \(r.name)\(r.abolished ? "（已撤销）" : "")") }
        if directory.region(code) == nil, code.utf8.count != 12 { print("  (only \(chain.last!.code) is in the directory)") }
        if code.utf8.count == 9 || code.utf8.count == 12, case .success(let parsed) = RegionCode.parse(code) {
            switch directory.check(parsed) {
            case .current: print("intake: accepted")
            case .retired(let use, _): print("intake: accepted with a warning (retired), as \(directory.label(use.value))")
            case .unknown(let level, let parent):
                print("intake: rejected, no such \(level.rawValue)" + (parent.map { "; nearest valid parent \(directory.label($0.code))" } ?? ""))
            }
        }
        if children {
            for c in directory.children(of: code) { print("    \(c.code)  \(c.name)\(c.abolished ? "（已撤销）" : "")") }
        }
    }
}
