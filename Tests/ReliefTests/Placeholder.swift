import XCTest
final class ReliefTestsPlaceholder: XCTestCase { func testTargetBuilds() {} }
