import ArgumentParser
import Foundation
import SCSAnnotate

struct AnnotateServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the annotation web app until Ctrl-C.",
        discussion: "Every answer is on disk before the browser moves on; stopping and restarting loses nothing."
    )

    @Argument(help: "The study database.")
    var study: String

    @Option(help: "Address to listen on (0.0.0.0 for every interface).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8080

    @Option(
        name: .customLong("public-url"),
        help: ArgumentHelp(
            "The address annotators open when a reverse proxy is in front (e.g. https://annotate.example.org): answers posted from it are accepted, and the cookie is Secure if it is https.",
            valueName: "url"))
    var publicURL: String?

    @Option(
        name: .customLong("trust-proxy"),
        help: ArgumentHelp(
            "IP address of a reverse proxy whose X-Forwarded-Host/-Proto (or Forwarded) headers to believe (repeatable; default: none).",
            valueName: "ip"))
    var trustProxy: [String] = []

    @Option(name: .customLong("idle-timeout"), help: "Seconds a connection may send nothing before it is closed.")
    var idleTimeout: Double = 30

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port must be 0 to 65535") }
        if !(idleTimeout > 0 && idleTimeout <= 3600) { throw ValidationError("--idle-timeout must be more than 0 and at most 3600 seconds") }
        if let publicURL, ProxyPolicy.origin(of: publicURL) == nil {
            throw ValidationError("--public-url must be an http(s) URL such as https://annotate.example.org")
        }
    }

    func run() async throws {
        let opened = try Study.open(at: study)
        let server = try AnnotationServer(study: opened, proxy: try ProxyPolicy(publicURL: publicURL, trustedProxies: trustProxy))
        let admin = try opened.adminToken()
        let annotators = try opened.annotators().count
        let shownHost = host == "0.0.0.0" ? "127.0.0.1" : host
        try await server.run(
            host: host, port: port, handleSignals: true,
            idleTimeout: .milliseconds(Int64(idleTimeout * 1000))
        ) { actual in
            print("serving \(opened.path) on http://\(shownHost):\(actual) (\(annotators) invited); Ctrl-C stops")
            print("admin page: http://\(shownHost):\(actual)/admin/\(admin)")
            if let publicURL { print("behind a proxy at \(publicURL)") }
            fflush(stdout)
        }
    }
}
