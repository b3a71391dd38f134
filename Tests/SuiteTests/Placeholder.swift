import XCTest
final class SuiteTestsPlaceholder: XCTestCase { func testTargetBuilds() {} }
