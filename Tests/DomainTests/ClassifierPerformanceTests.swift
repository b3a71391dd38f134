import XCTest
import DoudiDomain

/// The pure engine must classify at least 100,000 households a second on one core (release build).
final class ClassifierPerformanceTests: XCTestCase {
    func testThroughput() {
        let variety: [HouseholdProfile] = (0..<1_000).map { i in
            let n = 1 + i % 4
            let members = (0..<n).map { j in
                Fx.member("成员\(j)", key: "pk-\(i)-\(j)", age: [8, 35, 50, 72][(i + j) % 4],
                          health: [.healthy, .healthy, .chronicIllness, .seriousIllness][(i / 3 + j) % 4],
                          grade: (i + j) % 9 == 0 ? 2 : nil,
                          occupation: [.student, .employed, .unemployed, .retired][(i + j) % 4])
            }
            return Fx.household(id: "H\(i)", region: ["110105001", "140105002", "330106003"][i % 3],
                                area: i % 2 == 0 ? .urban : .rural, members: members,
                                perCapitaMonthly: Int64(i * 173 % 160_000), expenses: Expenses(medicalFen: Int64(i % 5) * 40_000),
                                programs: i % 3 == 0 ? [Fx.program(.basicLiving, "dibao")] : [],
                                authorized: i % 7 != 0)
        }
        let standards = try! LocalStandards(json: #"{"version":"v","regions":{"11":{"dibaoUrbanFen":120000},"1401":{"edgeMultiplier":2}}}"#)
        let count = 100_000
        var checksum = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for k in 0..<count {
                let d = Classifier.evaluate(profile: variety[k % variety.count], context: .empty, standards: standards, asOf: Fx.asOf)
                checksum &+= d.warnings.count &+ d.needs.count
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = Double(count) / seconds
        print("classifier throughput: \(Int(rate)) households/s (checksum \(checksum))")
        XCTAssertGreaterThan(checksum, 0)
        #if !DEBUG
        XCTAssertGreaterThanOrEqual(rate, 100_000)
        #endif
    }
}
