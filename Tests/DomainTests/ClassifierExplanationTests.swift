import XCTest
import DoudiDomain

final class ClassifierExplanationTests: XCTestCase {
    func testChineseAndEnglish() {
        let p = Fx.household(members: [Fx.member("王五", health: .seriousIllness)], perCapitaMonthly: 59_999, authorized: false)
        let d = Fx.eval(p)
        var ledger = WarningLedger()
        _ = ledger.reconcile(Fx.eval(Fx.household(perCapitaMonthly: 0)), at: Fx.asOf)
        let open = ledger.openWarnings(householdId: "H1")

        let zh = Explanation.lines(d, openWarnings: open, language: .zh)
        XCTAssertEqual(zh.first, "家庭 H1（第 1 版，区划 110105001 北京市朝阳区建外街道，农村）截至 2026-10-01 的认定")
        XCTAssertEqual(zh[1], "类别：低保对象")
        XCTAssertTrue(zh[2].hasPrefix("人均月收入 599.99 元；低保标准 600.00 元；低保边缘线 900.00 元"), zh[2])
        XCTAssertTrue(zh.contains("  - 医疗救助 (§4.2.1) 王五 serious_illness"), "\(zh)")
        XCTAssertTrue(zh.contains { $0.contains("请求核查授权") })
        XCTAssertTrue(zh.contains { $0.hasPrefix("  - §2.1.1, §4.1.1 人均收入低于低保标准 [category.dibao]") })
        XCTAssertTrue(zh.contains { $0.contains("w-H1-basic-living-not_covered-0 [橙色] 基本生活救助 / 未纳入救助范围") })
        XCTAssertTrue(zh.contains("拟发预警：无"))

        let en = Explanation.text(d, openWarnings: open, language: .en)
        XCTAssertTrue(en.contains("Category: minimum living guarantee (dibao)"))
        XCTAssertTrue(en.contains("region 110105001 (zh: 北京市朝阳区建外街道)"), en)
        XCTAssertTrue(en.contains("request verification authorisation"))
        XCTAssertTrue(en.contains("verification not authorised [gate.authorization_required]"))
        XCTAssertFalse(en.contains(p.members[0].idNumber))   // identity numbers never printed
    }
}
