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

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port must be 0 to 65535") }
    }

    func run() async throws {
        let opened = try Study.open(at: study)
        let server = try AnnotationServer(study: opened)
        let admin = try opened.adminToken()
        let annotators = try opened.annotators().count
        let shownHost = host == "0.0.0.0" ? "127.0.0.1" : host
        try await server.run(host: host, port: port, handleSignals: true) { actual in
            print("serving \(opened.path) on http://\(shownHost):\(actual) (\(annotators) invited); Ctrl-C stops")
            print("admin page: http://\(shownHost):\(actual)/admin/\(admin)")
            fflush(stdout)
        }
    }
}
