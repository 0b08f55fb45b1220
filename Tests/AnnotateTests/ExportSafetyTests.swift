import Foundation
@testable import SCSAnnotate
import SCSScoring
import TestSupport
import XCTest

/// The admin page's CSV download is the same spreadsheet-safe text as `scs annotate export`.
final class ExportSafetyTests: XCTestCase {
    func testAdminDownloadNeutralisesFormulas() async throws {
        let fixture = try StudyFixture.make(prompts: ["=1+1", "a cat"], images: 1)
        defer { fixture.remove() }
        let study = try fixture.create(imagesPerSide: 1).0
        let mallory = try study.invite(name: "@SUM(1+1)*cmd|' /C calc'!A0")
        while let trial = try await study.nextTrial(for: mallory) {
            _ = try await study.record(annotator: mallory, promptID: trial.prompt.id, choice: .left)
        }
        let server = try await RunningServer.start(study)
        let reply: TestHTTP.Reply
        do {
            reply = try await TestHTTP.get("\(server.base)/admin/\(try study.adminToken())/export.csv")
            await server.stop()
        } catch {
            await server.stop()
            throw error
        }
        XCTAssertEqual(reply.status, 200)
        XCTAssertEqual(reply.text, Export.csv(try study.answers()))
        let rows = try CSV.parse(reply.text, path: "export.csv").dropFirst().filter { $0.count > 1 }
        XCTAssertEqual(rows.count, 2)
        XCTAssertTrue(rows.allSatisfy { $0[0] == "'@SUM(1+1)*cmd|' /C calc'!A0" }, "\(rows)")
        XCTAssertEqual(Set(rows.map { $0[1] }), ["'=1+1", "a cat"])
        XCTAssertEqual(Set(try study.answers().map(\.prompt)), ["=1+1", "a cat"], "the database keeps the exact text")
    }
}
