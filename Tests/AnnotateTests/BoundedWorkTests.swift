import Foundation
@testable import SCSAnnotate
import TestSupport
import XCTest

/// Whatever requests arrive, the server's work stays bounded: one decode per image at a time,
/// a fixed number of decodes at once, and stalled connections closed.
final class BoundedWorkTests: AliceStudyTestCase {
    override func makeFixture() throws -> (StudyFixture, imagesPerSide: Int) {
        (try StudyFixture.make(prompts: ["a red fox"], images: 20, size: 160), 20)
    }

    func thumbLinks(_ server: RunningServer) async throws -> [String] {
        let link = "\(server.base)/a/\(alice.token)"
        let page = try await Session.open(link).page
        return BlindnessTests.matches(#"/image/([A-Za-z0-9_-]+)/thumb"#, in: page).map { "\(link)/image/\($0)/thumb" }
    }

    func testConcurrentRequestsForOneImageDecodeItOnce() async throws {
        let server = try await RunningServer.start(study, concurrentDecodes: 2)
        defer { Task { await server.stop() } }
        let url = try await thumbLinks(server)[0]
        let bodies = try await withThrowingTaskGroup(of: Data.self) { group in
            for _ in 0..<30 {
                group.addTask {
                    let r = try await TestHTTP.get(url); XCTAssertEqual(r.status, 200); return r.body
                }
            }
            return try await group.reduce(into: [Data]()) { $0.append($1) }
        }
        XCTAssertEqual(bodies.count, 30)
        XCTAssertEqual(Set(bodies).count, 1)
        let made = await server.server.thumbnails.made
        XCTAssertEqual(made, 1, "thirty requests, one decode")
    }

    func testDecodesAtOnceStayWithinTheLimit() async throws {
        let server = try await RunningServer.start(study, concurrentDecodes: 2)
        defer { Task { await server.stop() } }
        let urls = try await thumbLinks(server)
        XCTAssertEqual(urls.count, 40)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for url in urls + urls.map({ $0.replacingOccurrences(of: "/thumb", with: "/full") }) {
                group.addTask {
                    let r = try await TestHTTP.get(url); XCTAssertEqual(r.status, 200)
                }
            }
            try await group.waitForAll()
        }
        let made = await server.server.thumbnails.made
        let peak = await server.server.thumbnails.limiter.peak
        XCTAssertEqual(made, 40)
        XCTAssertLessThanOrEqual(peak, 2, "never more decodes at once than the limit")
        XCTAssertGreaterThanOrEqual(peak, 1)
    }

    /// Connections that send nothing, half a header, or a header and half a body are closed after
    /// the idle timeout, and the server answers others meanwhile.
    func testStalledConnectionsAreClosed() async throws {
        let server = try await RunningServer.start(study, idleTimeout: .seconds(1))
        defer { Task { await server.stop() } }
        let stalls = [
            "",
            "GET /a/\(alice.token) HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Ag",
            "POST /a/\(alice.token)/answer HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: 200\r\n\r\ncsrf=abc&prompt=1"
        ]
        let sockets = try stalls.map { try RawConnection(port: server.port, send: $0) }
        let page = try await TestHTTP.get("\(server.base)/a/\(alice.token)")
        XCTAssertEqual(page.status, 200, "the server answers while stalled connections are open")
        let started = Date()
        for (socket, stall) in zip(sockets, stalls) {
            let received = try socket.readUntilClosed(limit: 10)
            XCTAssertTrue(socket.closedByPeer, "not closed: \(stall.prefix(30))")
            if !stall.hasPrefix("POST") { XCTAssertEqual(received.count, 0, "closed without an answer") }
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 8, "closed after about the idle timeout")
        let again = try await TestHTTP.get("\(server.base)/a/\(alice.token)")
        XCTAssertEqual(again.status, 200)
    }
}

/// A TCP connection to loopback that sends some bytes and then nothing more.
final class RawConnection {
    let fd: Int32
    private(set) var closedByPeer = false

    init(port: Int, send text: String) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw NSError(domain: NSPOSIXErrorDomain, code: Int(errno)) }
        let bytes = Array(text.utf8)
        if !bytes.isEmpty { _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) } }
    }

    deinit { close(fd) }

    /// Reads until the peer closes (or `limit` seconds pass); returns what arrived.
    func readUntilClosed(limit seconds: Int) throws -> [UInt8] {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { received += buffer[0..<n]; continue }
            closedByPeer = n == 0 || errno == ECONNRESET
            return received
        }
    }
}
