import Foundation
import NIOHTTP1
@testable import SCSAnnotate
import TestSupport
import XCTest

/// Mutated form posts and URLs against the running annotation server: every answer is a
/// deliberate status below 500 and the server keeps serving (scripts/fuzz/run.sh runs it long).
final class AnnotationFuzzTests: XCTestCase {
    func testMutatedFormsAndURLsNeverBreakTheServer() async throws {
        let fixture = try StudyFixture.make(prompts: ["a red fox", "a cat's nap"], images: 3)
        defer { fixture.remove() }
        let study = try fixture.create(imagesPerSide: 2, allowCantTell: true).0
        let alice = try study.invite(name: "alice")
        let admin = try study.adminToken()
        let server = try await RunningServer.start(study)
        let link = "\(server.base)/a/\(alice.token)"
        let session = try await Session.open(link)
        let prompt = try XCTUnwrap(session.prompt)
        let form = "csrf=\(session.csrf)&prompt=\(prompt)&choice=left"
        let paths = [
            "/a/\(alice.token)", "/a/\(alice.token)/answer", "/admin/\(admin)", "/admin/\(admin)/export.csv",
            "/image/1", "/assets/app.css", "/"
        ]
        var mutator = Mutator(seed: Fuzz.seed)
        let iterations = Fuzz.iterations(fallback: 150)
        var statuses: [Int: Int] = [:]
        for i in 0..<iterations {
            let reply: TestHTTP.Reply
            if i % 2 == 0 {
                let body = String(decoding: mutator.mutate(Array(form.utf8), others: []), as: UTF8.self)
                Fuzz.recordCurrent("annotation-form", Array(body.utf8))
                reply = try await TestHTTP.request(
                    link + "/answer", method: .POST,
                    headers: [("Cookie", session.cookie), ("Origin", server.base)], body: body)
            } else {
                let seed = Array(paths[Int(mutator.next() % UInt64(paths.count))].utf8)
                let mutated = mutator.mutate(seed, others: paths.map { Array($0.utf8) })
                // Only what a client can put in a request line: printable ASCII, percent-encoded otherwise.
                let path =
                    "/"
                    + String(decoding: mutated, as: UTF8.self)
                    .addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.union(CharacterSet(charactersIn: "%?=&")))!
                    .drop { $0 == "/" }
                Fuzz.recordCurrent("annotation-url", Array(path.utf8))
                reply = try await TestHTTP.request(
                    server.base + path, method: i % 4 == 1 ? .GET : .POST,
                    headers: [("Cookie", session.cookie), ("Origin", server.base)], body: i % 4 == 1 ? nil : form)
            }
            statuses[reply.status, default: 0] += 1
            XCTAssertLessThan(reply.status, 500, "input \(i): \(reply.status) \(reply.text.prefix(200))")
        }
        Fuzz.clearCurrent("annotation-form")
        Fuzz.clearCurrent("annotation-url")
        print("fuzz annotation: \(iterations) requests, statuses \(statuses.sorted { $0.key < $1.key })")
        let after = try await TestHTTP.get(link, cookie: session.cookie)
        XCTAssertEqual(after.status, 200, "the server stopped serving")
        await server.stop()
    }
}
