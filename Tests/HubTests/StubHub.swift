import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
@testable import SCSHub
import TestSupport

/// A Hugging Face hub on 127.0.0.1 serving one model repo the way huggingface.co does:
/// `HEAD|GET /{org}/{name}/resolve/{rev}/{file}` answers JSON files with 200 + `ETag` + `X-Repo-Commit`,
/// and LFS files with a 302 to `/cdn/<sha256>` plus `X-Linked-Etag` / `X-Linked-Size`; the CDN honours `Range`.
final class StubHub: @unchecked Sendable {
    struct Logged: Sendable {
        var method: String
        var path: String
        var host: String?
        var range: String?
        var authorization: String?
    }

    /// What the stub serves, and which faults it injects.
    struct Behaviour: Sendable {
        var repo = "test-org/tiny-clip"
        var commit = "0123456789abcdef0123456789abcdef01234567"
        var files: [String: Data] = [:]
        var lfsFiles: Set<String> = ["model.safetensors"]
        /// Host name in the CDN redirect (a different origin from the hub's 127.0.0.1).
        var cdnHost = "localhost"
        /// Closes the connection after this many body bytes, for the first CDN GET only.
        var dropFirstCDNGetAfter: Int?
        /// The CDN answers every GET with the whole file and 200, whatever the Range.
        var ignoreRange = false
        /// Every resolve request fails with this status.
        var failResolveWith: Int?
        /// Added to the announced `X-Linked-Size`.
        var sizeSkew: Int64 = 0
        /// The CDN flips one byte of what it serves.
        var corruptCDN = false
        /// The CDN answers every request with this status.
        var cdnFailWith: Int?
    }

    private let server: LocalHTTPServer
    var port: Int { server.port }
    private let lock = NSLock()
    private var _behaviour: Behaviour
    private var _log: [Logged] = []
    private var droppedOnce = false

    var url: URL { server.url }
    var log: [Logged] { lock.withLock { _log } }
    var behaviour: Behaviour {
        get { lock.withLock { _behaviour } }
        set { lock.withLock { _behaviour = newValue } }
    }

    static let fixture = TestPaths.fixtures.appendingPathComponent("models/tiny-b32")
    static let preprocessor = Data(#"{"crop_size": 224, "do_normalize": true, "image_mean": [0.48145466, 0.4578275, 0.40821073]}"#.utf8)

    /// The fixture model: config.json, model.safetensors and a preprocessor_config.json.
    static func fixtureFiles(preprocessor: Bool = true) throws -> [String: Data] {
        var files = [
            "config.json": try Data(contentsOf: fixture.appendingPathComponent("config.json")),
            "model.safetensors": try Data(contentsOf: fixture.appendingPathComponent("model.safetensors"))
        ]
        if preprocessor { files["preprocessor_config.json"] = Self.preprocessor }
        return files
    }

    private init(server: LocalHTTPServer, behaviour: Behaviour) {
        self.server = server
        self._behaviour = behaviour
    }

    static func start(_ behaviour: Behaviour) async throws -> StubHub {
        let server = try await LocalHTTPServer.start(label: "stub-hub")
        let hub = StubHub(server: server, behaviour: behaviour)
        server.answer(with: hub) { try await $0.respond(to: $1) }
        return hub
    }

    func stop() async { await server.stop() }

    // MARK: Answers

    private static func field(_ name: String) -> HTTPField.Name { HTTPField.Name(name)! }

    func respond(to request: Request) async throws -> Response {
        let path = request.uri.path
        lock.withLock {
            _log.append(
                Logged(
                    method: request.method.rawValue, path: path, host: request.head.authority,
                    range: request.headers[.range], authorization: request.headers[.authorization]))
        }
        let b = behaviour
        if path.hasPrefix("/cdn/") { return cdn(request, sha: String(path.dropFirst(5)), b) }

        // /{org}/{name}/resolve/{rev}/{file}
        let parts = path.split(separator: "/", maxSplits: 4).map(String.init)
        guard parts.count == 5, parts[2] == "resolve", "\(parts[0])/\(parts[1])" == b.repo else {
            return Response(status: .notFound, headers: [Self.field("X-Error-Code"): "RepoNotFound"])
        }
        if let status = b.failResolveWith { return Response(status: .init(code: status)) }
        guard parts[3] == "main" || parts[3] == b.commit else {
            return Response(status: .notFound, headers: [Self.field("X-Error-Code"): "RevisionNotFound"])
        }
        let file = parts[4]
        guard let data = b.files[file] else {
            return Response(
                status: .notFound,
                headers: [
                    Self.field("X-Error-Code"): "EntryNotFound",
                    Self.field("X-Repo-Commit"): b.commit
                ])
        }
        if b.lfsFiles.contains(file) {
            let sha = StubHub.sha256(data)
            let location = "http://\(b.cdnHost):\(port)/cdn/\(sha)?X-Amz-Signature=abc"
            return Response(
                status: .found,
                headers: [
                    .location: location,
                    Self.field("X-Repo-Commit"): b.commit,
                    Self.field("X-Linked-Etag"): "\"\(sha)\"",
                    Self.field("X-Linked-Size"): String(Int64(data.count) + b.sizeSkew),
                    .eTag: "\"\(StubHub.gitEtag(data))\"",
                    .contentLength: "0"
                ])
        }
        var headers: HTTPFields = [
            Self.field("X-Repo-Commit"): b.commit,
            .eTag: "W/\"\(StubHub.gitEtag(data))\"",
            .contentLength: String(data.count)
        ]
        headers[.contentType] = "application/json"
        if request.method == .head { return Response(status: .ok, headers: headers) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    private func cdn(_ request: Request, sha: String, _ b: Behaviour) -> Response {
        if let status = b.cdnFailWith { return Response(status: .init(code: status)) }
        guard var data = b.files.values.first(where: { StubHub.sha256($0) == sha }) else {
            return Response(status: .notFound)
        }
        if b.corruptCDN { data[data.count / 2] ^= 0xFF }
        var start = 0
        var status = HTTPResponse.Status.ok
        var headers: HTTPFields = [.acceptRanges: "bytes"]
        if !b.ignoreRange, let range = request.headers[.range], range.hasPrefix("bytes="), range.hasSuffix("-"),
            let from = Int(range.dropFirst(6).dropLast())
        {
            guard from < data.count else {
                return Response(status: .rangeNotSatisfiable, headers: [.contentRange: "bytes */\(data.count)"])
            }
            start = from
            status = .partialContent
            headers[.contentRange] = "bytes \(from)-\(data.count - 1)/\(data.count)"
        }
        let body = data.subdata(in: start..<data.count)
        headers[.contentLength] = String(body.count)
        if request.method == .head { return Response(status: status, headers: headers) }

        let dropAfter: Int? = lock.withLock {
            guard let n = b.dropFirstCDNGetAfter, !droppedOnce else { return nil }
            droppedOnce = true
            return n
        }
        if let dropAfter {
            let prefix = body.prefix(dropAfter)
            return Response(
                status: status, headers: headers,
                body: ResponseBody(contentLength: body.count) { writer in
                    try await writer.write(ByteBuffer(bytes: prefix))
                    throw CancellationError()  // the server closes the connection mid-body
                })
        }
        // Several buffers, as a real server streams a large file.
        let chunks = stride(from: 0, to: body.count, by: 64 * 1024).map {
            ByteBuffer(bytes: body.subdata(in: $0..<min($0 + 64 * 1024, body.count)))
        }
        return Response(status: status, headers: headers, body: ResponseBody(contentsOf: chunks))
    }

    static func sha256(_ data: Data) -> String { SHA256File.hex(of: data) }

    /// A git-style opaque ETag (any stable hex string does for the client).
    static func gitEtag(_ data: Data) -> String { String(sha256(data).prefix(40)) }
}
