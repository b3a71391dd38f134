import XCTest
@testable import DoudiDomain

/// The region directory (docs/regions.md): lookups by code and name, parent chains, retired
/// codes, and the check that intake, department records and relief share.
final class RegionDirectoryTests: XCTestCase {
    let regions = RegionDirectory.standard

    func testTheShippedDataIsComplete() {
        XCTAssertEqual(regions.provinceList.count, 34)
        XCTAssertEqual(regions.provinceList.first?.name, "北京市")
        XCTAssertGreaterThan(regions.count, 40_000, "provinces, cities, counties and townships")
        XCTAssertGreaterThan(regions.children(of: "14").count, 10, "Shanxi's cities")
        XCTAssertGreaterThan(regions.retiredCount, 3_000)
        XCTAssertEqual(regions.snapshot, "2026-09-11")
        // Every province of the intake format check is in the directory, and no other.
        XCTAssertEqual(Set(regions.provinceList.map(\.code)), RegionCode.provinceCodes)
    }

    func testLookupByCode() throws {
        XCTAssertEqual(regions.region("14")?.name, "山西省")
        XCTAssertEqual(regions.region("1401")?.level, .city)
        XCTAssertEqual(regions.region("140105"), Region(code: "140105", name: "小店区", level: .county, abolished: false))
        XCTAssertEqual(regions.region("140105001")?.name, "坞城街道")
        XCTAssertEqual(regions.region("140105001000")?.code, "140105001", "12-digit spelling of a township")
        XCTAssertNil(regions.region("140199"))
        XCTAssertNil(regions.region("0014"), "leading zeros make another code")
        XCTAssertNil(regions.region("14a"))
        XCTAssertNil(regions.region(""))
    }

    func testParentChains() {
        XCTAssertEqual(regions.chain("140105001").map(\.name), ["山西省", "太原市", "小店区", "坞城街道"])
        XCTAssertEqual(regions.chain("140105001007").map(\.code), ["14", "1401", "140105", "140105001"], "a village ends at its township")
        XCTAssertEqual(regions.chain("110105").map(\.name), ["北京市", "朝阳区"], "a municipality has no city level")
        XCTAssertEqual(regions.chain("469001").map(\.name), ["海南省", "五指山市"], "a county directly under the province")
        XCTAssertEqual(regions.chain("441900101").map(\.code), ["44", "4419"], "Dongguan's towns hang off the city")
        XCTAssertEqual(regions.chain("140199001").map(\.code), ["14", "1401"], "the deepest known division")
        XCTAssertEqual(regions.chain("990101001"), [])
        XCTAssertEqual(regions.children(of: "140105").first?.code, "140105001")
        XCTAssertEqual(regions.children(of: "11").first?.code, "110101", "Beijing lists its districts directly")
        XCTAssertEqual(regions.children(of: "140105001"), [])
    }

    func testLookupByName() {
        XCTAssertEqual(regions.regions(named: "小店区").map(\.code), ["140105"])
        XCTAssertEqual(Set(regions.regions(named: "朝阳区").map(\.code)), ["110105", "220104"], "Beijing's and Changchun's")
        XCTAssertEqual(regions.regions(named: "太原市小店区").map(\.code), ["140105"])
        XCTAssertEqual(regions.regions(named: "山西省太原市小店区坞城街道").map(\.code), ["140105001"])
        XCTAssertEqual(regions.regions(named: "北京市朝阳区").map(\.code), ["110105"])
        XCTAssertEqual(regions.regions(named: "长春市朝阳区").map(\.code), ["220104"])
        XCTAssertEqual(regions.regions(named: "太原市朝阳区"), [])
        XCTAssertEqual(regions.regions(named: "不存在的地方"), [])
    }

    func testRetiredCodes() throws {
        let shaxian = try XCTUnwrap(regions.retirement("350427"))
        XCTAssertEqual(shaxian.name, "沙县")
        XCTAssertEqual(shaxian.successor, "350405")
        XCTAssertEqual(shaxian.year, 2021)
        XCTAssertEqual(regions.retirement("110228")?.successor, "110118", "密云县 became 密云区 in 2015")
        XCTAssertNil(regions.retirement("140105"), "a current code is not retired")
        XCTAssertEqual(regions.label("350427"), "350427 沙县（2021 年已撤销）")
    }

    func testCheck() throws {
        func code(_ s: String) throws -> RegionCode { try RegionCode.parse(s).get() }
        XCTAssertEqual(regions.check(try code("140105001")), .current(try code("140105001")))
        XCTAssertEqual(regions.check(try code("140105001007")), .current(try code("140105001007")), "village digits are not checked")
        XCTAssertEqual(regions.check(try code("140199001")), .unknown(level: .county, parent: regions.region("1401")))
        XCTAssertEqual(regions.check(try code("149901001")), .unknown(level: .county, parent: regions.region("14")))
        XCTAssertEqual(regions.check(try code("140105999")), .unknown(level: .township, parent: regions.region("140105")))
        XCTAssertEqual(regions.check(try code("140100001")), .unknown(level: .county, parent: regions.region("1401")),
                       "a city with counties has no towns of its own")
        XCTAssertEqual(regions.check(try code("441900101")), .current(try code("441900101")), "Dongguan: no township data")
        XCTAssertEqual(regions.check(try code("810101001")), .current(try code("810101001")), "Hong Kong: nothing listed to check")

        // 沙县 (350427) became 沙县区 (350405) in 2021; its towns kept their numbers.
        guard case .retired(let use, let why) = regions.check(try code("350427100")) else { return XCTFail("not retired") }
        XCTAssertEqual(use.value, "350405100")
        XCTAssertEqual(why.mappedTo?.code, "350405")
        XCTAssertEqual(why.retired?.name, "沙县")
        // A retired code whose township does not exist under the successor is kept as given.
        guard case .retired(let kept, let keptWhy) = regions.check(try code("350427999")) else { return XCTFail("not retired") }
        XCTAssertEqual(kept.value, "350427999")
        XCTAssertNil(keptWhy.mappedTo)
        XCTAssertEqual(keptWhy.successorWithoutTownship?.code, "350405")
    }

    func testAbolishedTownshipIsAcceptedWithAWarning() throws {
        let counties = regions.provinceList.flatMap { regions.children(of: $0.code) }.flatMap { $0.level == .county ? [$0] : regions.children(of: $0.code) }
        let abolished = try XCTUnwrap(counties.lazy.flatMap { self.regions.children(of: $0.code) }.first { $0.abolished },
                                      "the data marks some townships abolished")
        let code = try RegionCode.parse(abolished.code).get()
        guard case .retired(let use, let why) = regions.check(code) else { return XCTFail("\(abolished) not reported") }
        XCTAssertEqual(use, code)
        XCTAssertEqual(why.abolishedTownship, abolished)
    }

    func testLabels() {
        XCTAssertEqual(regions.label("140105"), "140105 太原市小店区")
        XCTAssertEqual(regions.label("140105", english: true), "140105 (zh: 太原市小店区)")
        XCTAssertEqual(regions.label("140105001"), "140105001 太原市小店区坞城街道")
        XCTAssertEqual(regions.label("110105"), "110105 北京市朝阳区")
        XCTAssertEqual(regions.label("1401"), "1401 山西省太原市")
        XCTAssertEqual(regions.label("14"), "14 山西省")
        XCTAssertEqual(regions.label("140105001007"), "140105001007 太原市小店区坞城街道")
        XCTAssertEqual(regions.label("140199"), "140199 山西省太原市?", "only a prefix is known")
        XCTAssertEqual(regions.label("990101"), "990101（区划不存在）")
        XCTAssertEqual(regions.label("990101", english: true), "990101 (unknown division)")
        XCTAssertEqual(regions.label(""), "（全部地区）")
        XCTAssertEqual(RegionNames.label("140105"), "140105 太原市小店区")
    }

    func testPrefixProblemsOfStandardsAndRulesFiles() {
        XCTAssertNil(regions.prefixProblem(""))
        XCTAssertNil(regions.prefixProblem("14"))
        XCTAssertNil(regions.prefixProblem("140105"))
        XCTAssertNil(regions.prefixProblem("140105001"))
        XCTAssertEqual(regions.prefixProblem("140199"),
                       "no division with this code in the region directory (snapshot 2026-09-11); nearest valid parent: 1401 山西省太原市")
        XCTAssertEqual(regions.prefixProblem("350427"), "retired in 2021 (撤县设区, was 沙县); use 350405 三明市沙县区")
        XCTAssertNotNil(regions.prefixProblem("1401050"))
        XCTAssertNotNil(regions.prefixProblem("140105999001"))
    }

    func testASmallDirectoryFromText() {
        let small = RegionDirectory(text: "14\t山西省\n1401\t太原市\n140105\t小店区\n001\t坞城街道\n-099\t旧街道\t2020\n~140199\t140105\t2020\t撤县设区\t旧县\n")
        XCTAssertEqual(small.count, 5)
        XCTAssertEqual(small.region("140105099")?.abolished, true)
        XCTAssertEqual(small.regions(named: "旧街道"), [], "abolished townships are not found by name")
        XCTAssertEqual(small.retirement("140199")?.successor, "140105")
    }

    /// Intake looks codes up on every submission: a lookup must not scan.
    func testLookupsAreFast() throws {
        _ = regions.count
        let codes = ["140105001", "110105001", "350427100", "441900101", "140199001"].map { try! RegionCode.parse($0).get() }
        let start = ContinuousClock.now
        for i in 0..<20_000 { _ = regions.check(codes[i % codes.count]) }
        let perCheck = (ContinuousClock.now - start) / 20_000
        XCTAssertLessThan(perCheck, .microseconds(100), "one check took \(perCheck) (debug build)")
    }
}
