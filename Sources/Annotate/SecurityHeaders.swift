import HTTPTypes
import Hummingbird
import NIOCore

/// The request context of the annotation server: Hummingbird's basic one plus the peer's
/// address, which decides whether forwarded headers are believed (`ProxyPolicy`).
struct AnnotateRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// Gives every response the headers pages get, errors and downloads included: no MIME sniffing,
/// no framing, no referrer to other sites, no caching unless the route allows it, and a CSP that
/// runs nothing unless the page set its own. Errors become a short plain-text message (a
/// person reads them, not a program), never a JSON body.
struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            response = AnnotationServer.text(error.status, (error.body ?? error.status.reasonPhrase) + "\n")
            response.headers.append(contentsOf: error.headers)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            response = AnnotationServer.text(.internalServerError, "Something went wrong on the server.\n")
        }
        for (name, value) in Self.defaults where response.headers[name] == nil {
            response.headers[name] = value
        }
        return response
    }

    static var defaults: [(HTTPField.Name, String)] {
        [
            (AnnotationServer.nosniff, "nosniff"),
            (AnnotationServer.referrerPolicy, "same-origin"),
            (AnnotationServer.csp, "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
            (AnnotationServer.frameOptions, "DENY"),
            (.cacheControl, "no-store")
        ]
    }
}
