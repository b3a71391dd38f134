import XCTest
final class IntakeTestsPlaceholder: XCTestCase { func testTargetBuilds() {} }
