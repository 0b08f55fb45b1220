import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SCSImaging

/// The annotation web server (Hummingbird).
///
/// Routes (tokens are the secrets printed by `init` and `invite`):
///
/// | route | who | what |
/// |---|---|---|
/// | `GET /a/{token}` | annotator | the next unanswered prompt, or "all done" |
/// | `POST /a/{token}/answer` | annotator | form `csrf`, `prompt`, `choice` (left, right, cant_tell); 303 to the page |
/// | `GET /a/{token}/image/{image}/thumb`, `/full` | annotator | an image shown to this annotator, by its token |
/// | `GET /admin/{token}` | admin | progress per annotator |
/// | `GET /admin/{token}/export.csv` | admin | every answer, as `scs annotate export` |
///
/// Files are looked up by the random token an image was given for this annotator and prompt
/// (`Study.shownImages`): nothing from the request is ever part of a path, and nothing in a URL
/// follows the order images were registered in, which would tell the models apart. Unknown or
/// wrong tokens get 404 (the same as a page that does not exist, so tokens cannot be probed).
/// POSTs need three things a forged cross-site request lacks: the session cookie (SameSite=Strict,
/// HttpOnly, and Secure behind HTTPS), the form's CSRF token (an HMAC of that session under a
/// server secret) and, when the browser sends one, an Origin equal to this server's as the
/// browser sees it (`ProxyPolicy`). Bad input gets a 4xx; nothing in a request can crash the
/// server. Connections that stall (nothing sent, half a header, half a body) are closed after
/// `idleTimeout`, and decodes are bounded (`Thumbnails`).
public final class AnnotationServer: Sendable {
    public let study: Study
    let config: StudyConfig
    let adminToken: String
    let formSecret: String
    let proxy: ProxyPolicy
    let thumbnails: Thumbnails

    static let sessionCookie = "scs_session"
    static let maxFormBytes = 4096

    public init(study: Study, proxy: ProxyPolicy = .none, concurrentDecodes: Int? = nil) throws {
        self.study = study
        self.config = try study.config()
        self.adminToken = try study.adminToken()
        self.formSecret = try study.formSecret()
        self.proxy = proxy
        self.thumbnails = Thumbnails(concurrentDecodes: concurrentDecodes ?? Thumbnails.defaultConcurrency)
    }

    /// How long a connection may send nothing (before a request, or in the middle of its header
    /// or body) before it is closed: long enough for a browser's keep-alive between answers.
    public static let defaultIdleTimeout: Duration = .seconds(30)

    /// Runs until cancelled (or, with `handleSignals`, until SIGINT/SIGTERM), calling
    /// `onRunning` with the port once it listens (useful with port 0). Thumbnails are made in
    /// the background from the start (`Thumbnails.warm`).
    public func run(
        host: String = "127.0.0.1", port: Int = 8080, handleSignals: Bool = false, logLevel: Logger.Level = .warning,
        idleTimeout: Duration = AnnotationServer.defaultIdleTimeout, warmThumbnails: Bool = true,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        var logger = Logger(label: "scs-annotate")
        logger.logLevel = logLevel
        let (seconds, attoseconds) = idleTimeout.components
        let idle = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        let app = Application(
            router: makeRouter(),
            server: .http1(configuration: .init(idleTimeout: idle)),
            configuration: .init(address: .hostname(host, port: port), serverName: "scs-annotate"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
        let warming =
            warmThumbnails
            ? Task.detached(priority: .low) { [study, thumbnails] in
                if let images = try? await study.allImages() { await thumbnails.warm(images) }
            } : nil
        defer { warming?.cancel() }
        if handleSignals { try await app.runService() } else { try await app.run() }
    }

    func makeRouter() -> Router<AnnotateRequestContext> {
        let router = Router(context: AnnotateRequestContext.self)
        router.add(middleware: SecurityHeaders())
        router.get("/") { _, _ in
            Self.text(.notFound, "Open the personal link you were given.\n")
        }
        router.get("/a/:token") { request, context in
            try await self.annotatorPage(request, context)
        }
        router.post("/a/:token/answer") { request, context in
            try await self.answer(request, context)
        }
        router.get("/a/:token/image/:image/:size") { request, context in
            try await self.image(request, context)
        }
        router.get("/admin/:token") { request, context in
            try await self.adminPage(request, context)
        }
        router.get("/admin/:token/export.csv") { request, context in
            try await self.export(request, context)
        }
        return router
    }

    // MARK: Annotator

    func annotator(_ context: AnnotateRequestContext) async throws -> Annotator {
        guard let token = context.parameters.get("token"), let annotator = try await study.annotator(token: token) else {
            throw HTTPError(.notFound, message: "No such page.")
        }
        return annotator
    }

    func annotatorPage(_ request: Request, _ context: AnnotateRequestContext) async throws -> Response {
        let annotator = try await annotator(context)
        let nonce = Tokens.random(bytes: 16)
        guard let trial = try await study.nextTrial(for: annotator) else {
            let total = try await study.progress().first { $0.name == annotator.name }?.total ?? 0
            return Self.html(AnnotatorPage.done(total: total, nonce: nonce), nonce: nonce)
        }
        // Reuse the browser's session if it has one; otherwise start one.
        var headers: HTTPFields = [:]
        let session: String
        if let existing = Self.cookie(Self.sessionCookie, in: request), Tokens.plausible(existing) {
            session = existing
        } else {
            session = Tokens.random()
            let secure = seen(request, context).https ? "; Secure" : ""
            headers[.setCookie] = "\(Self.sessionCookie)=\(session); Path=/a/\(annotator.token); HttpOnly; SameSite=Strict\(secure)"
        }
        let csrf = Tokens.csrf(secret: formSecret, annotator: annotator.id, session: session)
        let page = AnnotatorPage.render(.init(trial: trial, config: config, token: annotator.token, csrf: csrf, nonce: nonce))
        return Self.html(page, nonce: nonce, extra: headers)
    }

    func answer(_ request: Request, _ context: AnnotateRequestContext) async throws -> Response {
        let annotator = try await annotator(context)
        try checkOrigin(request, context)
        guard let session = Self.cookie(Self.sessionCookie, in: request), Tokens.plausible(session) else {
            throw HTTPError(.forbidden, message: "No session: reload the page and answer again.")
        }
        let body = request.body
        let buffer: ByteBuffer
        do { buffer = try await body.collect(upTo: Self.maxFormBytes) } catch {
            throw HTTPError(.contentTooLarge, message: "Form too large.")
        }
        let form = FormData.parse(String(buffer: buffer))
        let expected = Tokens.csrf(secret: formSecret, annotator: annotator.id, session: session)
        guard let csrf = form["csrf"], Tokens.equal(csrf, expected) else {
            throw HTTPError(.forbidden, message: "Stale or forged form: reload the page and answer again.")
        }
        guard let promptText = form["prompt"], let promptID = Int64(promptText), promptID > 0 else {
            throw HTTPError(.badRequest, message: "Missing or invalid prompt.")
        }
        guard let choiceText = form["choice"], let choice = Choice(rawValue: choiceText) else {
            throw HTTPError(.badRequest, message: "Missing or invalid choice.")
        }
        let outcome: RecordOutcome
        do {
            outcome = try await study.record(annotator: annotator, promptID: promptID, choice: choice)
        } catch let error as AnnotateError {
            throw HTTPError(.badRequest, message: error.description)
        }
        // Post/redirect/get: a reload of the next page never re-posts.
        return Response(
            status: .seeOther,
            headers: [
                .location: "/a/\(annotator.token)",
                .cacheControl: "no-store",
                Self.answerHeader: outcome == .stored ? "stored" : "duplicate"
            ])
    }

    static let answerHeader = HTTPField.Name("X-Answer")!

    func image(_ request: Request, _ context: AnnotateRequestContext) async throws -> Response {
        let annotator = try await annotator(context)
        guard let token = context.parameters.get("image"), let size = context.parameters.get("size"),
            size == "thumb" || size == "full",
            let image = try await study.image(annotator: annotator, token: token)
        else {
            throw HTTPError(.notFound, message: "No such image.")
        }
        let bytes: [UInt8]
        do {
            bytes = size == "thumb" ? try await thumbnails.jpeg(for: image) : try await thumbnails.full(for: image)
        } catch {
            // The file moved or broke since init: the server's problem, said without a path or id.
            throw HTTPError(.internalServerError, message: "This image cannot be read.")
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "image/jpeg",
                .cacheControl: "private, max-age=86400, immutable",
                Self.nosniff: "nosniff"
            ], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    // MARK: Admin

    func checkAdmin(_ context: AnnotateRequestContext) throws {
        guard let token = context.parameters.get("token"), Tokens.plausible(token), Tokens.equal(token, adminToken) else {
            throw HTTPError(.notFound, message: "No such page.")
        }
    }

    func adminPage(_ request: Request, _ context: AnnotateRequestContext) async throws -> Response {
        try checkAdmin(context)
        let nonce = Tokens.random(bytes: 16)
        let progress = try await study.progress()
        let prompts = try study.prompts().count
        return Self.html(
            AdminPage.render(config: config, prompts: prompts, progress: progress, adminToken: adminToken, nonce: nonce),
            nonce: nonce)
    }

    func export(_ request: Request, _ context: AnnotateRequestContext) async throws -> Response {
        try checkAdmin(context)
        let csv = Export.csv(try await study.answersAsync())
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"answers.csv\"",
                .cacheControl: "no-store"
            ], body: .init(byteBuffer: ByteBuffer(string: csv)))
    }

    // MARK: Helpers

    /// How the browser reached us (its origins, and whether over HTTPS), under the proxy policy.
    func seen(_ request: Request, _ context: AnnotateRequestContext) -> ProxyPolicy.Seen {
        proxy.seen(host: request.head.authority, peer: context.remoteAddress, headers: request.headers)
    }

    /// A cross-site POST carries its own origin; ours is http(s)://<Host>, or what a trusted proxy
    /// or the public URL says it is. Browsers send Origin on every POST, so a request without one
    /// is not a browser's and not a forgery (it still needs the cookie and the form token).
    func checkOrigin(_ request: Request, _ context: AnnotateRequestContext) throws {
        if let site = request.headers[Self.secFetchSite], site != "same-origin", site != "none" {
            throw HTTPError(.forbidden, message: "Cross-site request refused.")
        }
        guard let origin = request.headers[Self.origin] else { return }
        guard let normalised = ProxyPolicy.origin(of: origin), seen(request, context).origins.contains(normalised) else {
            throw HTTPError(
                .forbidden,
                message: "Cross-site request refused. Behind a reverse proxy, start the server with "
                    + "the address annotators open, or trust the proxy's forwarded headers (see docs/deployment.md).")
        }
    }

    static let origin = HTTPField.Name("Origin")!
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
    static let nosniff = HTTPField.Name("X-Content-Type-Options")!
    static let csp = HTTPField.Name("Content-Security-Policy")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let frameOptions = HTTPField.Name("X-Frame-Options")!

    static func cookie(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return nil
    }

    /// An HTML page with the headers every page gets: no caching (the page changes with every
    /// answer), no referrer to other sites (the URL holds a token; "same-origin" rather than
    /// "no-referrer", under which browsers send `Origin: null` and the origin check could not
    /// work), and a CSP that allows only this page's own
    /// nonce-tagged script and style, images from here, and forms posted here.
    static func html(_ page: String, nonce: String, extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .cacheControl: "no-store",
            referrerPolicy: "same-origin",
            nosniff: "nosniff",
            csp: "default-src 'none'; img-src 'self'; style-src 'nonce-\(nonce)'; script-src 'nonce-\(nonce)'; "
                + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        ]
        headers.append(contentsOf: extra)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    static func text(_ status: HTTPResponse.Status, _ message: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: message)))
    }
}
