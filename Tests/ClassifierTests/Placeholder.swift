import XCTest
final class ClassifierTestsPlaceholder: XCTestCase { func testTargetBuilds() {} }
