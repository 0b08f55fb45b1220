import Foundation
import GRDB
@testable import SCSAnnotate
import TestSupport
import XCTest

/// Many annotators at once on loopback: every answer kept, none twice, none lost.
final class LoadTests: XCTestCase {
    func testTwentyAnnotatorsAHundredAnswersEachAllAtOnce() async throws {
        let annotators = 20, prompts = 100
        let fixture = try StudyFixture.make(prompts: (0..<prompts).map { String(format: "prompt %03d", $0) }, images: 1, size: 16)
        defer { fixture.remove() }
        let study = try fixture.create(imagesPerSide: 1).0
        let people = try (0..<annotators).map { try study.invite(name: "annotator \($0)") }
        let server = try await RunningServer.start(study)
        let promptIDs = try study.prompts().map(\.id)
        let started = Date()

        // Each annotator answers all 100 prompts in a shuffled order, every tenth answer sent
        // twice (a double click), all twenty at the same time.
        let outcomes = try await withThrowingTaskGroup(of: (stored: Int, duplicate: Int).self) { group in
            for person in people {
                group.addTask {
                    let session = try await Session.open("\(server.base)/a/\(person.token)")
                    var stored = 0, duplicate = 0
                    for (i, prompt) in promptIDs.shuffled().enumerated() {
                        let choice = (prompt + person.id) % 2 == 0 ? "left" : "right"
                        for _ in 0..<(i % 10 == 0 ? 2 : 1) {
                            let reply = try await session.answer(prompt, choice)
                            guard reply.status == 303 else { throw NSError(domain: "load", code: reply.status) }
                            if reply.header("X-Answer") == "stored" { stored += 1 } else { duplicate += 1 }
                        }
                    }
                    return (stored, duplicate)
                }
            }
            var total = (stored: 0, duplicate: 0)
            for try await o in group { total.stored += o.stored; total.duplicate += o.duplicate }
            return total
        }
        let seconds = Date().timeIntervalSince(started)
        await server.stop()

        XCTAssertEqual(outcomes.stored, annotators * prompts)
        XCTAssertEqual(outcomes.duplicate, annotators * prompts / 10)
        // Read back with a fresh connection, as after a restart.
        let queue = try DatabaseQueue(path: fixture.studyPath)
        let (count, distinct, perAnnotator, wrong) = try await queue.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM answer"),
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (SELECT DISTINCT annotator_id, prompt_id FROM answer)"),
                try Int.fetchAll(db, sql: "SELECT COUNT(*) FROM answer GROUP BY annotator_id"),
                // Every answer is the one that was sent.
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM answer WHERE choice <> CASE WHEN (prompt_id + annotator_id) % 2 = 0 THEN 'left' ELSE 'right' END
                        """)
            )
        }
        XCTAssertEqual(count, annotators * prompts, "all stored")
        XCTAssertEqual(distinct, annotators * prompts, "none twice")
        XCTAssertEqual(perAnnotator, [Int](repeating: prompts, count: annotators), "none lost")
        XCTAssertEqual(wrong, 0)
        print("load: \(annotators) annotators × \(prompts) answers (+\(outcomes.duplicate) repeats) in \(String(format: "%.2f", seconds)) s")
    }
}
