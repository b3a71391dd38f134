import DoudiDomain
import XCTest

/// A ledger difference (`doudi ledger --diff`, `doudi topics repartition --verify`) names the
/// section, the key and the paths that differ, and never prints personal data: names, identity
/// numbers, phones and addresses are hidden at any depth, also inside a value shown whole.
final class LedgerDifferenceTests: XCTestCase {
    func testPathsThatDifferAreNamedAndPersonalValuesHidden() {
        let this = #"{"householdId":"H1","status":"active","members":[{"name":"张三","idNumber":"110101199003074512","phone":"13800000000","role":"head"}]}"#
        let other = #"{"householdId":"H1","status":"exited","members":[{"name":"李四","idNumber":"110101199003074539","phone":"13800000000","role":"spouse"}]}"#
        let text = LedgerDifference(section: "households", key: "H1", this: this, other: other).description
        XCTAssertTrue(text.hasPrefix("households H1"), text)
        XCTAssertTrue(text.contains(#".status: this "active" | other "exited""#), text)
        XCTAssertTrue(text.contains(#".members[0].role: this "head" | other "spouse""#), text)
        XCTAssertTrue(text.contains(".members[0].name: differs (personal data hidden)"), text)
        XCTAssertTrue(text.contains(".members[0].idNumber: differs (personal data hidden)"), text)
        XCTAssertFalse(text.contains(".members[0].phone"), "an equal field is no difference: \(text)")
        for secret in ["张三", "李四", "110101199003074512", "110101199003074539", "13800000000"] {
            XCTAssertFalse(text.contains(secret), "\(secret) printed: \(text)")
        }
    }

    func testAValueShownWholeHidesItsPersonalFields() {
        // A member only one side has, and an entry only one ledger holds, are shown whole.
        let this = #"{"members":[{"name":"张三","idNumber":"110101199003074512"}]}"#
        let other = #"{"members":[{"name":"张三","idNumber":"110101199003074512"},{"name":"王五","address":"北京市东城区某街1号","age":9}]}"#
        let both = LedgerDifference(section: "households", key: "H2", this: this, other: other).description
        let oneSide = LedgerDifference(section: "intake", key: "S1", this: other, other: nil).description
        for text in [both, oneSide] {
            for secret in ["张三", "王五", "110101199003074512", "北京市东城区某街1号"] {
                XCTAssertFalse(text.contains(secret), "\(secret) printed: \(text)")
            }
            XCTAssertTrue(text.contains("‹personal data hidden›"), text)
            XCTAssertTrue(text.contains(#""age":9"#), "what is not personal is still shown: \(text)")
        }
        XCTAssertTrue(oneSide.contains("other: (absent)"), oneSide)
        let notJSON = LedgerDifference(section: "intake", key: "S2", this: "张三 110101199003074512", other: nil).description
        XCTAssertFalse(notJSON.contains("张三"), notJSON)
    }
}
