import Foundation
import TestSupport
import XCTest

/// A command run through the real binary on the tiny random-weight model, in a fresh work folder
/// (named after `workPrefix`) for each test.
class CommandTestCase: XCTestCase {
    let tiny = TestPaths.fixtures.appendingPathComponent("models/tiny-b32").path
    var work: URL!
    class var workPrefix: String { "scs-cli" }

    override func setUpWithError() throws {
        work = try makeTemporaryDirectory(Self.workPrefix)
    }
}
