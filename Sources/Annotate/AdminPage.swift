import SCSScoring
/// The admin's page: the study, each annotator's progress, and the export link.
enum AdminPage {
    static func render(config: StudyConfig, prompts: Int, progress: [AnnotatorProgress], adminToken: String, nonce: String) -> String {
        let answered = progress.reduce(0) { $0 + $1.answered }
        let total = progress.reduce(0) { $0 + $1.total }
        let rows = progress.map { p in
            """
            <tr><td>\(HTML.escape(p.name))</td><td class="num">\(p.answered)</td><td class="num">\(p.total)</td>
            <td><progress max="\(max(p.total, 1))" value="\(p.answered)"></progress></td>
            <td>\(HTML.escape(p.lastAnswerAt ?? "–"))</td></tr>
            """
        }.joined(separator: "\n")
        return """
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Study progress · annotation</title>
            <style nonce="\(nonce)">\(Style.common) body { display: block; }</style></head>
            <body><main class="message">
            <h1>Study progress</h1>
            <p>\(HTML.escape(config.modelA)) vs \(HTML.escape(config.modelB)): \(prompts) prompts, \(config.imagesPerSide) images per side\
            \(config.allowCantTell ? ", \"can't tell\" allowed" : ""). \(answered) of \(total) answers given.</p>
            <table id="progress">
            <thead><tr><th>annotator</th><th class="num">answered</th><th class="num">of</th><th></th><th>last answer (UTC)</th></tr></thead>
            <tbody>
            \(rows.isEmpty ? "<tr><td colspan=\"5\">Nobody invited yet: invite annotators with <code>scs annotate invite</code> (see its help)</td></tr>" : rows)
            </tbody></table>
            <p><a id="export" href="/admin/\(adminToken)/export.csv">Download all answers (CSV)</a></p>
            </main></body></html>
            """
    }
}
