import DoudiDomain

/// `doudi-bench --only regions` (no broker needed): how long the region directory takes to parse
/// on first use, and how fast intake's check and the name helper run (docs/benchmarks.md).
func regionBench(lookups: Int = 1_000_000) -> [(String, Double, String)] {
    let clock = ContinuousClock()
    var directory: RegionDirectory!
    let parse = clock.measure { directory = RegionDirectory.standard }
    let samples = ["140105001", "110105001001", "350427100", "441900101", "140199001", "320102002", "510118100", "650502001"]
        .compactMap { try? RegionCode.parse($0).get() }
    var current = 0
    let checks = clock.measure {
        for i in 0..<lookups { if case .current = directory.check(samples[i % samples.count]) { current += 1 } }
    }
    var length = 0
    let labels = clock.measure {
        for i in 0..<lookups / 10 { length += directory.label(samples[i % samples.count].value).utf8.count }
    }
    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
    return [("region directory: parse on first use (\(directory.count) divisions, \(directory.retiredCount) retired)", seconds(parse) * 1000, "ms"),
            ("region directory: check of a region code (\(current) current of \(lookups))", Double(lookups) / seconds(checks), "checks/s"),
            ("region directory: label `140105 太原市小店区` (\(length) bytes)", Double(lookups / 10) / seconds(labels), "labels/s")]
}
