import XCTest
final class MatcherTestsPlaceholder: XCTestCase { func testTargetBuilds() {} }
