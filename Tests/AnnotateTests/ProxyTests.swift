import Foundation
@testable import SCSAnnotate
import TestSupport
import XCTest

/// Behind a reverse proxy that rewrites `Host` (nginx's `proxy_pass` default), answers are
/// accepted when the server was told whom to trust, and cross-site posts are still refused.
final class ProxyTests: AliceStudyTestCase {
    override func makeFixture() throws -> (StudyFixture, imagesPerSide: Int) {
        (try StudyFixture.make(prompts: ["a red fox", "the moon", "a cat", "a dog"], images: 2), 2)
    }

    /// A post as it reaches the server from a proxy: Host is the upstream's address, the
    /// browser's origin is the public one, the forwarded headers say so.
    func post(_ server: RunningServer, origin: String, forwarded: [(String, String)]) async throws -> TestHTTP.Reply {
        let session = try await Session.open("\(server.base)/a/\(alice.token)")
        let prompt = try XCTUnwrap(session.prompt)
        return try await TestHTTP.post(
            "\(server.base)/a/\(alice.token)/answer",
            form: [("csrf", session.csrf), ("prompt", String(prompt)), ("choice", "left")],
            cookie: session.cookie, origin: origin, extra: forwarded)
    }

    func testForwardedHeadersCountOnlyFromATrustedProxy() async throws {
        let forwarded = [("X-Forwarded-Host", "annotate.example.org"), ("X-Forwarded-Proto", "https")]
        // Trusting nothing (the default), forwarded headers are anyone's and are ignored.
        var server = try await RunningServer.start(study)
        var reply = try await post(server, origin: "https://annotate.example.org", forwarded: forwarded)
        XCTAssertEqual(reply.status, 403)
        XCTAssertTrue(reply.text.contains("reverse proxy"), "the refusal says what to do: \(reply.text)")
        await server.stop()
        // Trusting another address: still ignored.
        server = try await RunningServer.start(study, proxy: try ProxyPolicy(trustedProxies: ["10.9.8.7"]))
        reply = try await post(server, origin: "https://annotate.example.org", forwarded: forwarded)
        XCTAssertEqual(reply.status, 403)
        await server.stop()
        // Trusting the loopback peer: the forwarded origin is ours; another site's is not.
        server = try await RunningServer.start(study, proxy: try ProxyPolicy(trustedProxies: ["127.0.0.1"]))
        reply = try await post(server, origin: "https://evil.example", forwarded: forwarded)
        XCTAssertEqual(reply.status, 403)
        reply = try await post(
            server, origin: "https://annotate.example.org", forwarded: [("Forwarded", "for=1.2.3.4;host=annotate.example.org;proto=https")])
        XCTAssertEqual(reply.status, 303, "RFC 7239 Forwarded")
        let page = try await TestHTTP.request("\(server.base)/a/\(alice.token)", headers: forwarded)
        XCTAssertTrue(page.header("Set-Cookie")?.contains("; Secure") == true, "behind HTTPS the cookie is Secure")
        await server.stop()
        // A fixed public URL, no forwarded headers needed.
        server = try await RunningServer.start(study, proxy: try ProxyPolicy(publicURL: "https://annotate.example.org/"))
        reply = try await post(server, origin: "https://annotate.example.org", forwarded: [])
        XCTAssertEqual(reply.status, 303)
        reply = try await post(server, origin: "http://annotate.example.org", forwarded: [])
        XCTAssertEqual(reply.status, 403, "the other scheme is another origin")
        await server.stop()
        XCTAssertThrowsError(try ProxyPolicy(publicURL: "annotate.example.org"))
    }

    /// Debian's nginx on loopback, with TLS, configured by the file the README points to.
    func testAnswersThroughNginxWithHostRewritten() async throws {
        guard let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("nginx is not installed (scripts/setup.sh installs Debian's nginx)")
        }
        let dir = fixture.root.appendingPathComponent("nginx")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let env = ProcessInfo.processInfo.environment
        let cert = try Spawn.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                "-keyout", "key.pem", "-out", "cert.pem"
            ], environment: env, directory: dir)
        XCTAssertEqual(cert.status, 0, cert.stderr)

        for trusted in [false, true] {
            let server = try await RunningServer.start(study, proxy: try ProxyPolicy(trustedProxies: trusted ? ["127.0.0.1"] : []))
            let port = try WebDriver.freePort()
            try Self.nginxConfig(upstream: server.port, port: port, dir: dir).write(
                to: dir.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
            let start = try Spawn.run([nginx, "-c", dir.appendingPathComponent("nginx.conf").path, "-p", dir.path], environment: env, directory: dir)
            XCTAssertEqual(start.status, 0, start.stderr)
            defer {
                _ = try? Spawn.run(
                    [nginx, "-c", dir.appendingPathComponent("nginx.conf").path, "-p", dir.path, "-s", "stop"], environment: env, directory: dir)
            }
            let base = "https://127.0.0.1:\(port)"

            let get = try curl(["-D", "-", "\(base)/a/\(alice.token)"], dir: dir)
            XCTAssertTrue(get.hasPrefix("HTTP/1.1 200"), get)
            let cookieLine = try XCTUnwrap(get.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie:") })
            XCTAssertEqual(cookieLine.contains("; Secure"), trusted, "Secure exactly when the server knows the browser uses HTTPS")
            let cookie = String(cookieLine.dropFirst("set-cookie:".count).split(separator: ";")[0]).trimmingCharacters(in: .whitespaces)
            let csrf = try XCTUnwrap(Session.field("csrf", in: get)), prompt = try XCTUnwrap(Session.field("prompt", in: get))
            func answer(origin: String) throws -> String {
                try curl(
                    [
                        "-o", "/dev/null", "-w", "%{http_code}", "-H", "Cookie: \(cookie)", "-H", "Origin: \(origin)",
                        "--data", "csrf=\(csrf)&prompt=\(prompt)&choice=left", "\(base)/a/\(alice.token)/answer"
                    ], dir: dir)
            }
            XCTAssertEqual(try answer(origin: "https://evil.example"), "403", "cross-site posts are refused through the proxy")
            XCTAssertEqual(
                try answer(origin: base), trusted ? "303" : "403",
                trusted ? "accepted with --trust-proxy" : "nginx rewrote Host: without trust the origin cannot be checked")
            await server.stop()
        }
        XCTAssertEqual(try fixture.storedAnswers().count, 1)
    }

    func curl(_ arguments: [String], dir: URL) throws -> String {
        let result = try Spawn.run(
            ["curl", "-k", "-s", "--max-time", "20"] + arguments, environment: ProcessInfo.processInfo.environment, directory: dir)
        XCTAssertEqual(result.status, 0, "curl \(arguments): \(result.stderr)")
        return result.stdout
    }

    /// examples/annotate/nginx.conf's server block with this test's ports and certificate, in a
    /// configuration of its own (no root needed, nothing outside `dir` written).
    static func nginxConfig(upstream: Int, port: Int, dir: URL) throws -> String {
        var block = try String(contentsOf: TestPaths.repoRoot.appendingPathComponent("examples/annotate/nginx.conf"), encoding: .utf8)
        for (from, to) in [
            ("listen 443 ssl;", "listen 127.0.0.1:\(port) ssl;"),
            ("proxy_pass http://127.0.0.1:8080;", "proxy_pass http://127.0.0.1:\(upstream);"),
            ("/etc/ssl/certs/annotate.example.org.pem", dir.appendingPathComponent("cert.pem").path),
            ("/etc/ssl/private/annotate.example.org.key", dir.appendingPathComponent("key.pem").path)
        ] {
            guard block.contains(from) else { throw NSError(domain: "nginx.conf lacks \(from)", code: 1) }
            block = block.replacingOccurrences(of: from, with: to)
        }
        let user = getuid() == 0 ? "user root;" : ""
        return """
            \(user)
            daemon on;
            pid \(dir.path)/nginx.pid;
            error_log \(dir.path)/error.log;
            events { worker_connections 64; }
            http {
                access_log off;
                client_body_temp_path \(dir.path)/body;
                proxy_temp_path \(dir.path)/proxy;
                fastcgi_temp_path \(dir.path)/fastcgi;
                uwsgi_temp_path \(dir.path)/uwsgi;
                scgi_temp_path \(dir.path)/scgi;
            \(block)
            }
            """
    }
}
