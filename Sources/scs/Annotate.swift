import ArgumentParser

/// `scs annotate`: the human check of the paper, as a multi-annotator web study.
struct Annotate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Human judgment: a web study comparing two models' galleries, and its agreement with the score.",
        discussion: """
            init registers a study (SQLite), invite makes personal links, serve runs the web app, \
            export writes every answer as CSV, agreement compares the human majority with the score.
            """,
        subcommands: [AnnotateInit.self, AnnotateInvite.self, AnnotateServe.self, AnnotateExport.self, AnnotateAgreement.self]
    )
}

/// Links printed by init, invite and serve.
enum AnnotateLinks {
    static func normalised(_ base: String) throws -> String {
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
            throw ValidationError("--base-url must start with http:// or https://, not \(base)")
        }
        return base.hasSuffix("/") ? String(base.dropLast()) : base
    }
}
