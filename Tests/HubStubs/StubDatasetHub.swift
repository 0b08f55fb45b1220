import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SCSHub
import TestSupport

/// A Hugging Face hub for data sets on 127.0.0.1, as huggingface.co answers, and its CDN on another
/// port (another origin):
/// - `GET /api/datasets/{repo}/tree/{rev}/{path}`: a JSON listing, `pageSize` entries a page, the
///   next page in `Link: <…?cursor=N>; rel="next"`;
/// - `GET /datasets/{repo}/resolve/{rev}/{path}`: a 302 to the CDN, which answers 400 to any request
///   that carries `Authorization` (as S3 does to a second auth mechanism);
/// - errors with `X-Error-Code` and `X-Error-Message`, as the hub sends them.
/// In a target of its own because the hub tests and the paper-study command tests both use it.
public final class StubDatasetHub: @unchecked Sendable {
    public struct Logged: Sendable {
        public var server: String  // "hub" or "cdn"
        public var path: String
        public var query: String?
        public var authorization: String?
    }

    public struct Behaviour: Sendable {
        public var repo: String
        public var files: [String: Data]
        public var pageSize: Int
        /// When set, the hub answers 401 to requests without `Authorization: Bearer <token>`.
        public var requiredToken: String?
        /// When set, the hub answers this to every request.
        public var failWith: (status: Int, code: String?, message: String?)?
        /// The CDN closes the connection half-way through every file.
        public var breakOffFiles: Bool

        public init(
            repo: String = DatasetSlice.paperRepo, files: [String: Data] = [:], pageSize: Int = 3, requiredToken: String? = nil,
            failWith: (status: Int, code: String?, message: String?)? = nil, breakOffFiles: Bool = false
        ) {
            (self.repo, self.files, self.pageSize) = (repo, files, pageSize)
            (self.requiredToken, self.failWith, self.breakOffFiles) = (requiredToken, failWith, breakOffFiles)
        }
    }

    private let lock = NSLock()
    private var _behaviour: Behaviour
    private var _log: [Logged] = []
    /// Two servers, because the CDN must be another origin than the hub.
    private let hubServer: LocalHTTPServer
    private let cdnServer: LocalHTTPServer
    public var hubPort: Int { hubServer.port }
    public var cdnPort: Int { cdnServer.port }

    public var url: URL { hubServer.url }
    public var log: [Logged] { lock.withLock { _log } }
    public var behaviour: Behaviour {
        get { lock.withLock { _behaviour } }
        set { lock.withLock { _behaviour = newValue } }
    }

    private init(_ behaviour: Behaviour, hub: LocalHTTPServer, cdn: LocalHTTPServer) {
        _behaviour = behaviour
        hubServer = hub
        cdnServer = cdn
    }

    public static func start(_ behaviour: Behaviour) async throws -> StubDatasetHub {
        let cdn = try await LocalHTTPServer.start(label: "stub-dataset-cdn")
        let hub = try await LocalHTTPServer.start(label: "stub-dataset-hub")
        let stub = StubDatasetHub(behaviour, hub: hub, cdn: cdn)
        cdn.answer(with: stub) { $0.cdn($1) }
        hub.answer(with: stub) { $0.hub($1) }
        return stub
    }

    public func stop() async {
        await cdnServer.stop()
        await hubServer.stop()
    }

    private static func field(_ name: String) -> HTTPField.Name { HTTPField.Name(name)! }

    private func record(_ server: String, _ request: Request) -> String {
        let path = request.uri.path.removingPercentEncoding ?? request.uri.path
        lock.withLock {
            _log.append(Logged(server: server, path: path, query: request.uri.query, authorization: request.headers[.authorization]))
        }
        return path
    }

    static func error(_ status: Int, code: String?, message: String?) -> Response {
        var headers: HTTPFields = [:]
        if let code { headers[field("X-Error-Code")] = code }
        if let message { headers[field("X-Error-Message")] = message }
        return Response(status: .init(code: status), headers: headers)
    }

    // MARK: The hub

    private func hub(_ request: Request) -> Response {
        let path = record("hub", request)
        let b = behaviour
        if let fail = b.failWith { return Self.error(fail.status, code: fail.code, message: fail.message) }
        if let token = b.requiredToken, request.headers[.authorization] != "Bearer \(token)" {
            return Self.error(401, code: nil, message: "Invalid credentials in Authorization header")
        }
        for (prefix, verb) in [("/api/datasets/", "tree"), ("/datasets/", "resolve")] where path.hasPrefix(prefix) {
            // {org}/{name}/{verb}/{rev}/{path}
            let parts = path.dropFirst(prefix.count).split(separator: "/", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 4, parts[2] == verb, "\(parts[0])/\(parts[1])" == b.repo else {
                return Self.error(404, code: "RepoNotFound", message: "Repository not found")
            }
            guard parts[3] == "main" else { return Self.error(404, code: "RevisionNotFound", message: "Invalid rev id: \(parts[3])") }
            let inner = parts.count > 4 ? parts[4].trimmingCharacters(in: CharacterSet(charactersIn: "/")) : ""
            return verb == "tree"
                ? tree(inner, cursor: request.uri.queryParameters["cursor"].flatMap { Int($0) } ?? 0, b, request)
                : resolve(inner, b)
        }
        return Self.error(404, code: nil, message: nil)
    }

    private func tree(_ dir: String, cursor: Int, _ b: Behaviour, _ request: Request) -> Response {
        var entries: [String: Int?] = [:]
        for (file, data) in b.files where file.hasPrefix(dir + "/") {
            let rest = file.dropFirst(dir.count + 1)
            if let slash = rest.firstIndex(of: "/") {
                entries[dir + "/" + rest[..<slash]] = .some(nil)
            } else {
                entries[file] = data.count
            }
        }
        guard !entries.isEmpty else { return Self.error(404, code: "EntryNotFound", message: "\(dir) does not exist on \"main\"") }
        let sorted = entries.sorted { $0.key < $1.key }
        let page = sorted.dropFirst(cursor).prefix(b.pageSize)
        let json = try! JSONSerialization.data(
            withJSONObject: page.map { key, size -> [String: Any] in
                var entry: [String: Any] = ["type": size == nil ? "directory" : "file", "path": key, "oid": "0"]
                if let size { entry["size"] = size }
                return entry
            })
        var headers: HTTPFields = [.contentType: "application/json"]
        if cursor + b.pageSize < sorted.count {
            let base = request.uri.path
            headers[Self.field("Link")] = "<http://127.0.0.1:\(hubPort)\(base)?cursor=\(cursor + b.pageSize)>; rel=\"next\""
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }

    private func resolve(_ file: String, _ b: Behaviour) -> Response {
        guard let data = b.files[file] else { return Self.error(404, code: "EntryNotFound", message: "\(file) does not exist on \"main\"") }
        let sha = sha256Hex(data)
        return Response(
            status: .found,
            headers: [
                .location: "http://127.0.0.1:\(cdnPort)/files/\(sha)?X-Amz-Signature=abc",
                .contentLength: "0"
            ])
    }

    // MARK: The CDN

    private func cdn(_ request: Request) -> Response {
        let path = record("cdn", request)
        if request.headers[.authorization] != nil {
            // S3: "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter…"
            let xml = "<?xml version=\"1.0\"?><Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>"
            return Response(status: .badRequest, headers: [.contentType: "application/xml"], body: .init(byteBuffer: ByteBuffer(string: xml)))
        }
        let sha = String(path.dropFirst("/files/".count))
        guard path.hasPrefix("/files/"), let data = behaviour.files.values.first(where: { sha256Hex($0) == sha }) else {
            return Response(status: .notFound)
        }
        if behaviour.breakOffFiles {
            let half = data.prefix(data.count / 2)
            return Response(
                status: .ok, headers: [.contentLength: String(data.count)],
                body: ResponseBody(contentLength: data.count) { writer in
                    try await writer.write(ByteBuffer(bytes: half))
                    throw CancellationError()  // the server closes the connection mid-body
                })
        }
        return Response(status: .ok, headers: [.contentLength: String(data.count)], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
