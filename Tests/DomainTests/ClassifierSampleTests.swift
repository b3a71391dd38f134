import XCTest
import DoudiDomain

final class ClassifierSampleTests: XCTestCase {
    /// 2 counties × 2 categories: 100 + 40 + 10 + 1 households.
    let population: [SampleCandidate] = {
        var out: [SampleCandidate] = []
        func add(_ n: Int, _ county: String, _ c: Category) {
            for i in 0..<n { out.append(SampleCandidate(householdId: "\(county)-\(c.rawValue)-\(i)", regionCode: county + "001", category: c)) }
        }
        add(100, "110105", .dibao); add(40, "110105", .dibaoEdge); add(10, "110106", .dibao); add(1, "110106", .tekun)
        return out
    }()

    func testStableHashVectors() {
        XCTAssertEqual(FNV1a.hash(""), 0xcbf2_9ce4_8422_2325)
        XCTAssertEqual(FNV1a.hash("a"), 0xaf63_dc4c_8601_ec8c)
        var g = SplitMix64(seed: 0)
        XCTAssertEqual(g.next(), 0xe220_a839_7b1d_cdaf)
    }

    func testReproducibleRegardlessOfInputOrder() {
        let a = RandomSample.draw(population, period: "2026Q4", seed: 7)
        var shuffled = population
        var g = SplitMix64(seed: 99)
        shuffled.shuffle(using: &g)
        XCTAssertEqual(RandomSample.draw(shuffled, period: "2026Q4", seed: 7), a)
        XCTAssertEqual(RandomSample.draw(population.reversed(), period: "2026Q4", seed: 7), a)
        XCTAssertNotEqual(RandomSample.draw(population, period: "2027Q1", seed: 7), a)
        XCTAssertNotEqual(RandomSample.draw(population, period: "2026Q4", seed: 8), a)
    }

    func testStratifiedAtTheRateWithAtLeastOnePerStratum() {
        let strata = RandomSample.drawByStratum(population, period: "2026Q4")
        XCTAssertEqual(strata.map(\.stratum.description), ["110105/dibao", "110105/dibao_edge", "110106/dibao", "110106/tekun"])
        XCTAssertEqual(strata.map(\.population), [100, 40, 10, 1])
        XCTAssertEqual(strata.map(\.ids.count), [5, 2, 1, 1])
        for s in strata {
            XCTAssertTrue(s.ids.allSatisfy { $0.hasPrefix("\(s.stratum.county)-\(s.stratum.category.rawValue)-") })
        }
        XCTAssertEqual(RandomSample.draw(population, period: "2026Q4", rate: 1).count, population.count)
        XCTAssertEqual(RandomSample.draw([], period: "2026Q4"), [])
    }

    func testAddingToOneStratumLeavesOthersUnchanged() {
        let before = RandomSample.drawByStratum(population, period: "2026Q4")
        let more = population + [SampleCandidate(householdId: "extra", regionCode: "110106001", category: .dibao)]
        let after = RandomSample.drawByStratum(more, period: "2026Q4")
        XCTAssertEqual(before[0].ids, after[0].ids)
        XCTAssertEqual(before[1].ids, after[1].ids)
    }

    func testDuplicatesCountOnceAndTasks() {
        let doubled = population + population
        XCTAssertEqual(RandomSample.draw(doubled, period: "2026Q4"), RandomSample.draw(population, period: "2026Q4"))
        let tasks = RandomSample.tasks(population, period: "2026Q4", dueBy: Fx.date("2026-12-31"))
        XCTAssertEqual(tasks.count, 9)
        XCTAssertTrue(tasks.allSatisfy { $0.kind == .randomCheck && $0.taskId.hasSuffix("-random_check-2026Q4") && $0.dueBy == "2026-12-31" })
    }
}
