import XCTest
final class RouterTestsPlaceholder: XCTestCase { func testTargetBuilds() {} }
