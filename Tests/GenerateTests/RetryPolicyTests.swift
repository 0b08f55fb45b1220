import Foundation
import SCSGenerate
import XCTest

final class RetryPolicyTests: XCTestCase {
    func testBackoffDoublesWithJitterAndIsCapped() {
        let policy = RetryPolicy(retries: 5, baseDelay: 1, maxDelay: 8)
        for retry in 1...6 {
            let full = min(pow(2, Double(retry - 1)), 8)
            let samples = (0..<200).map { _ in policy.delay(beforeRetry: retry, retryAfter: nil) }
            XCTAssertGreaterThanOrEqual(samples.min()!, full / 2)
            XCTAssertLessThanOrEqual(samples.max()!, full)
            XCTAssertGreaterThan(Set(samples).count, 100, "jittered")
        }
    }

    func testRetryAfterWinsAndIsCapped() {
        let policy = RetryPolicy(retries: 5, baseDelay: 0.01, maxDelay: 1, maxRetryAfter: 30)
        let d = policy.delay(beforeRetry: 1, retryAfter: 7)
        XCTAssertGreaterThanOrEqual(d, 7)
        XCTAssertLessThanOrEqual(d, 7.7)
        XCTAssertLessThanOrEqual(policy.delay(beforeRetry: 1, retryAfter: 3600), 33)
    }

    func testParsesBothRetryAfterForms() {
        XCTAssertEqual(RetryPolicy.parseRetryAfter("3"), 3)
        XCTAssertEqual(RetryPolicy.parseRetryAfter(" 0.5 "), 0.5)
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        XCTAssertEqual(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now: now), 30)
        XCTAssertEqual(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now: now), 0)
        XCTAssertNil(RetryPolicy.parseRetryAfter("soon"))
        XCTAssertNil(RetryPolicy.parseRetryAfter("-4"))
    }
}
