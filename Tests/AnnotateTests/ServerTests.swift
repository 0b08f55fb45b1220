import Foundation
import GRDB
@testable import SCSAnnotate
import SCSImaging
import TestSupport
import XCTest

/// Every route over real HTTP on loopback: auth, bad input, CSRF, idempotent submit, resume,
/// restart, images by id only, admin pages.
final class ServerTests: XCTestCase {
    var fixture: StudyFixture!
    var study: Study!
    var server: RunningServer!
    var alice: Annotator!
    var bob: Annotator!
    var admin: String!

    override func setUp() async throws {
        fixture = try StudyFixture.make(prompts: ["a red fox", "a cat's nap", "the moon"], images: 3)
        study = try fixture.create(imagesPerSide: 2, allowCantTell: false).0
        alice = try study.invite(name: "alice")
        bob = try study.invite(name: "bob")
        admin = try study.adminToken()
        server = try await RunningServer.start(study)
    }

    override func tearDown() async throws {
        await server?.stop()
        fixture?.remove()
    }

    func link(_ a: Annotator) -> String { "\(server.base)/a/\(a.token)" }

    func testAnnotatorPageShowsBothGalleriesQuestionAndProgress() async throws {
        let reply = try await TestHTTP.get(link(alice))
        XCTAssertEqual(reply.status, 200)
        XCTAssertEqual(reply.header("Content-Type"), "text/html; charset=utf-8")
        XCTAssertEqual(reply.header("Cache-Control"), "no-store")
        XCTAssertEqual(reply.header("Referrer-Policy"), "same-origin")
        XCTAssertTrue(reply.header("Content-Security-Policy")?.contains("script-src 'nonce-") == true)
        let cookie = try XCTUnwrap(reply.header("Set-Cookie"))
        XCTAssertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/a/\(alice.token)"))
        let page = reply.text
        XCTAssertTrue(page.contains("1 of 3"))
        XCTAssertTrue(page.contains("a cat&#39;s nap"), "prompts in name order, HTML-escaped")
        XCTAssertTrue(page.contains(StudyConfig.paperQuestion))
        XCTAssertTrue(page.contains("id=\"gallery-left\"") && page.contains("id=\"gallery-right\""))
        XCTAssertEqual(page.components(separatedBy: "loading=\"lazy\"").count - 1, 4, "2 per side, lazy thumbnails")
        XCTAssertFalse(page.contains("SDXL") || page.contains("pixart"), "model names are never shown")
        XCTAssertFalse(page.contains("cant_tell"), "no can't-tell button unless the study allows it")
    }

    func testUnknownTokensAndRoutesAre404() async throws {
        for path in [
            "/", "/a/nope", "/a/\(String(repeating: "x", count: 43))", "/a/\(admin!)",
            "/admin/\(alice.token)", "/admin/wrong", "/admin/\(admin!)x/export.csv", "/a/\(alice.token)/nothing",
            "/static/../../etc/passwd"
        ] {
            let reply = try await TestHTTP.get(server.base + path)
            XCTAssertEqual(reply.status, 404, path)
        }
        let post = try await TestHTTP.post("\(server.base)/a/wrong-token-wrong-token/answer", form: [("choice", "left")], cookie: nil)
        XCTAssertEqual(post.status, 404)
    }

    func testImagesAreServedOnlyByTheirTokenForThisAnnotator() async throws {
        let page = try await Session.open(link(alice)).page
        let tokens = BlindnessTests.matches(#"/image/([A-Za-z0-9_-]+)/thumb"#, in: page)
        XCTAssertEqual(tokens.count, 4)
        let thumb = try await TestHTTP.get("\(link(alice))/image/\(tokens[0])/thumb")
        XCTAssertEqual(thumb.status, 200)
        XCTAssertEqual(thumb.header("Content-Type"), "image/jpeg")
        XCTAssertEqual(Array(thumb.body.prefix(3)), [0xFF, 0xD8, 0xFF])
        let full = try await TestHTTP.get("\(link(alice))/image/\(tokens[0])/full")
        XCTAssertEqual(full.status, 200)
        let found = try await study.image(annotator: alice, token: tokens[0])
        let shown = try XCTUnwrap(found)
        let original = try ImageDecoder.decode(fileAt: shown.path), served = try ImageDecoder.decode([UInt8](full.body))
        XCTAssertEqual([served.width, served.height], [original.width, original.height], "full size is the whole image, re-encoded")
        let images = try study.images(promptID: 1)
        for bad in [
            "\(images[0].id)/full", "999999/full", "0/thumb", "-1/full", "abc/full", "\(tokens[0])/huge",
            "..%2F..%2F..%2Fetc%2Fpasswd/full", "%2Fetc%2Fpasswd/full", "\(tokens[0])%00/full"
        ] {
            let reply = try await TestHTTP.get("\(link(alice))/image/\(bad)")
            XCTAssertEqual(reply.status, 404, bad)
            XCTAssertEqual(reply.header("X-Content-Type-Options"), "nosniff", "errors carry the security headers")
            XCTAssertEqual(reply.header("Content-Type"), "text/plain; charset=utf-8", "errors are text, not JSON")
        }
        let bobs = try await TestHTTP.get("\(link(bob))/image/\(tokens[0])/full")
        XCTAssertEqual(bobs.status, 404, "a token is good for its annotator only")
        let noToken = try await TestHTTP.get("\(server.base)/a/not-a-valid-token-at-all/image/\(tokens[0])/full")
        XCTAssertEqual(noToken.status, 404, "images need an annotator's token")
    }

    func testAnswerIsStoredAndRedirectsToTheNextPrompt() async throws {
        let session = try await Session.open(link(alice))
        let prompt = try XCTUnwrap(session.prompt)
        let reply = try await session.answer(prompt, "left", origin: server.base)
        XCTAssertEqual(reply.status, 303)
        XCTAssertEqual(reply.header("Location"), "/a/\(alice.token)")
        XCTAssertEqual(reply.header("X-Answer"), "stored")
        let rows = try fixture.storedAnswers()
        XCTAssertEqual(rows.count, 1)
        let row = rows[0]
        XCTAssertEqual(row["choice"] as String, "left")
        XCTAssertEqual(row["chosen_model"] as String?, row["left_model"] as String)
        XCTAssertNotEqual(row["left_model"] as String, row["right_model"] as String)
        XCTAssertLessThanOrEqual(row["shown_at"] as String, row["answered_at"] as String)
        // Resume: the page now shows the second prompt.
        let next = try await Session.open(link(alice), cookie: session.cookie)
        XCTAssertTrue(next.page.contains("2 of 3"))
        XCTAssertNotEqual(next.prompt, prompt)
        XCTAssertEqual(next.csrf, session.csrf, "same session, same form token")
    }

    func testRepeatedSubmitCountsOnce() async throws {
        let session = try await Session.open(link(alice))
        let prompt = try XCTUnwrap(session.prompt)
        let first = try await session.answer(prompt, "left")
        XCTAssertEqual(first.header("X-Answer"), "stored")
        // A double click, a resend after a network error, or a different answer later: the first stands.
        for choice in ["left", "right"] {
            let again = try await session.answer(prompt, choice)
            XCTAssertEqual(again.status, 303)
            XCTAssertEqual(again.header("X-Answer"), "duplicate")
        }
        async let a = session.answer(prompt, "right")
        async let b = session.answer(prompt, "right")
        _ = try await (a, b)
        let rows = try fixture.storedAnswers()
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows[0]["choice"] as String, "left")
    }

    func testBadInputGets4xx() async throws {
        let session = try await Session.open(link(alice))
        let prompt = String(try XCTUnwrap(session.prompt))
        let url = link(alice) + "/answer"
        let cases: [(form: [(String, String)], status: Int)] = [
            ([("csrf", session.csrf), ("prompt", prompt)], 400),  // no choice
            ([("csrf", session.csrf), ("prompt", prompt), ("choice", "middle")], 400),  // unknown choice
            ([("csrf", session.csrf), ("prompt", prompt), ("choice", "cant_tell")], 400),  // not allowed in this study
            ([("csrf", session.csrf), ("choice", "left")], 400),  // no prompt
            ([("csrf", session.csrf), ("prompt", "x1"), ("choice", "left")], 400),
            ([("csrf", session.csrf), ("prompt", "-3"), ("choice", "left")], 400),
            ([("csrf", session.csrf), ("prompt", "99999999999999999999"), ("choice", "left")], 400),
            ([("csrf", session.csrf), ("prompt", "424242"), ("choice", "left")], 400),  // not a prompt of the study
            ([("csrf", session.csrf + "x"), ("prompt", prompt), ("choice", "left")], 403),
            ([("prompt", prompt), ("choice", "left")], 403)  // no CSRF token
        ]
        for (form, status) in cases {
            let reply = try await TestHTTP.post(url, form: form, cookie: session.cookie)
            XCTAssertEqual(reply.status, status, "\(form)")
        }
        // Malformed bodies.
        for body in ["%%%", "choice=%ZZ&prompt=1", String(repeating: "a", count: 10_000), "\u{0}\u{1}"] {
            let reply = try await TestHTTP.request(url, method: .POST, headers: [("Cookie", session.cookie)], body: body)
            XCTAssertTrue((400..<500).contains(reply.status), "\(body.prefix(20)): \(reply.status)")
        }
        let wrongMethod = try await TestHTTP.request(link(alice), method: .DELETE)
        XCTAssertTrue((400..<500).contains(wrongMethod.status))
        XCTAssertEqual(try fixture.storedAnswers().count, 0)
        // And the server is still fine.
        let ok = try await session.answer(Int64(prompt)!, "right")
        XCTAssertEqual(ok.status, 303)
    }

    func testCrossSiteForgeryIsRefused() async throws {
        let session = try await Session.open(link(alice))
        let prompt = try XCTUnwrap(session.prompt)
        let url = link(alice) + "/answer"
        let form = [("csrf", session.csrf), ("prompt", String(prompt)), ("choice", "left")]
        // Another site's page posting the form: wrong Origin, or the browser says cross-site.
        let evil = try await TestHTTP.post(url, form: form, cookie: session.cookie, origin: "http://evil.example")
        XCTAssertEqual(evil.status, 403)
        let crossSite = try await TestHTTP.post(url, form: form, cookie: session.cookie, extra: [("Sec-Fetch-Site", "cross-site")])
        XCTAssertEqual(crossSite.status, 403)
        // SameSite=Strict means a cross-site post carries no cookie at all.
        let noCookie = try await TestHTTP.post(url, form: form, cookie: nil, origin: server.base)
        XCTAssertEqual(noCookie.status, 403)
        // Another session's (or annotator's) form token does not fit this session.
        let other = try await Session.open(link(alice))
        let mixed = try await TestHTTP.post(
            url, form: [("csrf", other.csrf), ("prompt", String(prompt)), ("choice", "left")],
            cookie: session.cookie)
        XCTAssertEqual(mixed.status, 403)
        let bobs = try await Session.open(link(bob))
        let asBob = try await TestHTTP.post(
            url, form: [("csrf", bobs.csrf), ("prompt", String(prompt)), ("choice", "left")],
            cookie: bobs.cookie)
        XCTAssertEqual(asBob.status, 403)
        XCTAssertEqual(try fixture.storedAnswers().count, 0)
    }

    func testDonePageAfterTheLastAnswer() async throws {
        var session = try await Session.open(link(alice))
        while let prompt = session.prompt {
            _ = try await session.answer(prompt, "right")
            session = try await Session.open(link(alice), cookie: session.cookie)
        }
        XCTAssertTrue(session.page.contains("id=\"done\""))
        XCTAssertTrue(session.page.contains("all 3 prompts"))
        XCTAssertEqual(try fixture.storedAnswers().count, 3)
    }

    func testAnswersSurviveARestart() async throws {
        let session = try await Session.open(link(alice))
        _ = try await session.answer(try XCTUnwrap(session.prompt), "left")
        await server.stop()
        server = try await RunningServer.start(try Study.open(at: fixture.studyPath))
        // The old page's form still works after the restart (form tokens are stateless), and the
        // annotator resumes at prompt 2.
        let next = try await Session.open("\(server.base)/a/\(alice.token)", cookie: session.cookie)
        XCTAssertTrue(next.page.contains("2 of 3"))
        let reply = try await TestHTTP.post(
            "\(server.base)/a/\(alice.token)/answer",
            form: [("csrf", session.csrf), ("prompt", String(next.prompt!)), ("choice", "right")],
            cookie: session.cookie)
        XCTAssertEqual(reply.header("X-Answer"), "stored")
        XCTAssertEqual(try fixture.storedAnswers().count, 2)
    }

    func testAdminPagesNeedTheAdminToken() async throws {
        let session = try await Session.open(link(alice))
        _ = try await session.answer(try XCTUnwrap(session.prompt), "left")
        let page = try await TestHTTP.get("\(server.base)/admin/\(admin!)")
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.text.contains("alice") && page.text.contains("bob"))
        XCTAssertTrue(page.text.contains("1 of 6 answers given"))
        let csv = try await TestHTTP.get("\(server.base)/admin/\(admin!)/export.csv")
        XCTAssertEqual(csv.status, 200)
        XCTAssertEqual(csv.header("Content-Type"), "text/csv; charset=utf-8")
        for (name, value) in [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"), ("X-Frame-Options", "DENY")] {
            XCTAssertEqual(csv.header(name), value, "the CSV download carries the pages' security headers")
        }
        XCTAssertTrue(csv.header("Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
        let lines = csv.text.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(String(lines[0]), Export.header)
        XCTAssertTrue(lines[1].hasPrefix("alice,"))
        for token in [alice.token, "x", String(admin!.dropLast())] {
            let denied = try await TestHTTP.get("\(server.base)/admin/\(token)/export.csv")
            XCTAssertEqual(denied.status, 404)
        }
    }
}
