@testable import ServiceKit
import Kafka
import XCTest

/// The tolerance of `OffsetGaps` (the loop's re-read of a partition shown with a gap): a gap is
/// read again `tolerance` times before it is crossed, a moved gap starts counting again, and a
/// partition read past its expected offset is forgotten.
final class OffsetGapsTests: XCTestCase {
    let tp = TopicPartition("assistance.outcomes", 2)

    func testAGapIsReadAgainUntilTheToleranceThenCrossed() {
        let gaps = OffsetGaps(tolerance: 3)
        for _ in 0..<2 { gaps.rewound([tp: 1138]) }
        XCTAssertEqual(gaps.accepted(), [:], "read again twice: not crossed yet")
        gaps.rewound([tp: 1138])
        XCTAssertEqual(gaps.accepted(), [tp: 1138])
        gaps.settled([tp])
        XCTAssertEqual(gaps.accepted(), [:], "read past: forgotten")
    }

    func testAGapAtAnotherOffsetCountsAfresh() {
        let gaps = OffsetGaps(tolerance: 2)
        gaps.rewound([tp: 10])
        gaps.rewound([tp: 12])
        XCTAssertEqual(gaps.accepted(), [:], "the gap moved: the records before it came")
        gaps.rewound([tp: 12])
        XCTAssertEqual(gaps.accepted(), [tp: 12])
    }
}
