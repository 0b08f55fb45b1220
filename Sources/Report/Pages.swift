import Foundation
import SCSScoring
import SCSStats

/// One scored (model, prompt) group as the pages show it.
struct GroupView {
    let model: String
    let prompt: String
    let score: Double
    let items: [ImageItem]
    /// Relative to the report folder.
    let thumbnails: [String]
    /// Relative to the prompt pages' folder, so the links survive moving dataset and report together.
    let originals: [String]
    let matrix: SimilarityMatrix
    /// The row's other metrics (vendi, clipscore, …) by name.
    var metrics: [String: Double] = [:]
    /// Each image's cosine with the prompt's text, where scs score wrote it.
    var alignment: [Double?] = []
    /// The near-duplicate pairs (`NearDuplicates`), shown by `CollapseSection`.
    var nearDuplicates: [NearDuplicates.Pair] = []
}

/// A figure of the metrics beyond consistency, for one model.
struct MetricFigure {
    enum Kind { case alignment, vendi }
    let model: String
    let kind: Kind
    let path: String
}

/// One prompt: its page and its groups, one per model that scored it.
struct PromptView {
    let prompt: String
    let page: String
    let groups: [String: GroupView]
}

/// The report's HTML pages.
enum Pages {
    static func document(title: String, assetPrefix: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        \(Assets.errorHook)
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTML.escape(title))</title>
        <link rel="stylesheet" href="\(assetPrefix)assets/report.css">
        </head>
        <body>
        \(body)
        <script src="\(assetPrefix)assets/report.js"></script>
        </body>
        </html>

        """
    }

    static func f(_ x: Double?, _ decimals: Int = 2) -> String { x.map { String(format: "%.\(decimals)f", $0) } ?? "–" }

    /// The index: summary by model, comparisons with their figures, all-models plot, prompt table.
    static func index(
        datasetName: String, models: [ModelSummary], comparisons: [(ComparisonInput, figure2: String?, paired: String?)],
        overall: [(verdict: String, friedmanP: Double?)], allModelsFigure: String?, metricFigures: [MetricFigure] = [],
        prompts: [PromptView],
        modelOrder: [String], difference: ComparisonInput?, notes: [String], sections: [String] = []
    ) -> String {
        var html = "<h1>Semantic consistency: \(HTML.escape(datasetName))</h1>\n"
        let images = prompts.flatMap { $0.groups.values }.reduce(0) { $0 + $1.items.count }
        html +=
            "<p class=\"muted\">\(prompts.count) prompts · \(models.count) models · \(images) images. SCS = mean over image pairs of max(100·cos, 0) of CLIP image embeddings; higher means more alike.</p>\n"
        for note in notes { html += "<p class=\"muted\">\(HTML.escape(note))</p>\n" }
        html +=
            "<nav>Jump to: <a href=\"#models\">models</a> · " + (comparisons.isEmpty ? "" : "<a href=\"#comparisons\">comparisons</a> · ")
            + (allModelsFigure == nil ? "" : "<a href=\"#all-models\">all models</a> · ")
            + (metricFigures.isEmpty ? "" : "<a href=\"#beyond\">alignment and diversity</a> · ") + "<a href=\"#prompts-heading\">prompts</a></nav>\n"

        html +=
            "<h2 id=\"models\">Models</h2>\n<table><thead><tr><th>model</th><th class=\"num\">prompts</th><th class=\"num\">mean</th><th class=\"num\">median</th><th class=\"num\">sd</th></tr></thead><tbody>\n"
        for m in models {
            html +=
                "<tr><td>\(HTML.escape(m.model))</td><td class=\"num\">\(m.prompts)</td><td class=\"num\">\(f(m.mean))</td><td class=\"num\">\(f(m.median))</td><td class=\"num\">\(f(m.sd))</td></tr>\n"
        }
        html += "</tbody></table>\n"

        if !comparisons.isEmpty {
            html += "<h2 id=\"comparisons\">Comparisons</h2>\n"
            for o in overall { html += "<p class=\"verdict\"><b>\(HTML.escape(o.verdict))</b></p>\n" }
            for (c, figure2, paired) in comparisons {
                html += "<h3>\(HTML.escape(c.labelA)) vs \(HTML.escape(c.labelB))</h3>\n<p class=\"verdict\">\(HTML.escape(c.verdict))</p>\n"
                if let power = c.power { html += "<p class=\"power\">\(HTML.escape(power))</p>\n" }
                html += "<table><tbody>"
                html +=
                    "<tr><td>mean difference (\(HTML.escape(c.labelA)) − \(HTML.escape(c.labelB)))</td><td class=\"num\">\(c.meanDifference.map { Format.signed($0) } ?? "–") SCS</td></tr>"
                if let lo = c.ciLow, let hi = c.ciHigh {
                    html += "<tr><td>95% CI (bootstrap BCa)</td><td class=\"num\">[\(f(lo, 1)), \(f(hi, 1))]</td></tr>"
                }
                if let p = c.wilcoxonP { html += "<tr><td>Wilcoxon signed-rank p</td><td class=\"num\">\(Format.pvalue(p))</td></tr>" }
                if let p = c.wilcoxonHolmP { html += "<tr><td>Wilcoxon p, Holm-adjusted</td><td class=\"num\">\(Format.pvalue(p))</td></tr>" }
                if let p = c.ksP { html += "<tr><td>two-sample KS p</td><td class=\"num\">\(Format.pvalue(p))</td></tr>" }
                html += "<tr><td>prompt pairs</td><td class=\"num\">\(c.nPairs) (\(HTML.escape(c.pairingMode)))</td></tr></tbody></table>\n"
                if let figure2 {
                    html +=
                        "<figure><img src=\"\(figure2)\" alt=\"Box plots and KDE of the per-prompt scores of \(HTML.escape(c.labelA)) and \(HTML.escape(c.labelB))\" width=\"800\" height=\"340\"><figcaption>Figure 2 (as in the paper): box plots (quartiles, whiskers at 1.5 IQR, outliers as circles) and Gaussian KDE (Scott's bandwidth). <a href=\"\(figure2)\">SVG</a></figcaption></figure>\n"
                }
                if let paired {
                    html +=
                        "<figure><img src=\"\(paired)\" alt=\"Per-prompt scores of \(HTML.escape(c.labelA)) against \(HTML.escape(c.labelB))\" width=\"800\" height=\"340\"><figcaption>Per prompt: \(HTML.escape(c.labelA)) (filled) and \(HTML.escape(c.labelB)) (open), sorted by the difference. <a href=\"\(paired)\">SVG</a></figcaption></figure>\n"
                } else if figure2 == nil {
                    html += "<p class=\"muted\">No figure: none of the prompt pairs this comparison names is in the scores.</p>\n"
                }
            }
        }
        if let allModelsFigure {
            html +=
                "<h2 id=\"all-models\">All models</h2>\n<figure><img src=\"\(allModelsFigure)\" alt=\"Score distribution of every model\"><figcaption>Per-prompt scores of every model: box plots inside KDE outlines. <a href=\"\(allModelsFigure)\">SVG</a></figcaption></figure>\n"
        }

        if !metricFigures.isEmpty {
            html +=
                "<h2 id=\"beyond\">Alignment and diversity</h2>\n<p class=\"muted\">A model that draws the same wrong picture every time is perfectly consistent. CLIPScore (torchmetrics' definition: max(mean over the images of 100·cos(text, image), 0)) says whether the pictures follow the prompt; the Vendi Score (q = 1, cosine kernel) counts the effectively distinct images, which a mean of pair similarities cannot see when images fall into tight clusters.</p>\n"
            for fig in metricFigures {
                let caption =
                    fig.kind == .alignment
                    ? "\(HTML.escape(fig.model)): one point per prompt; dashed lines at the medians. Top left: consistently off-prompt — the model draws the same thing, and not what was asked."
                    : "\(HTML.escape(fig.model)): the Vendi Score (1 = one picture drawn every time, n = all different) beside the SCS, one point per prompt."
                html +=
                    "<figure><img src=\"\(fig.path)\" alt=\"\(caption)\" width=\"640\" height=\"480\"><figcaption>\(caption) <a href=\"\(fig.path)\">SVG</a></figcaption></figure>\n"
            }
        }

        // Sections other files render whole (the seeds study), before the prompt table.
        for section in sections { html += section }
        html +=
            "<h2 id=\"prompts-heading\">Prompts</h2>\n<p class=\"muted\">Click a column to sort; click a prompt for its images and similarity heatmap.</p>\n"
        html += "<table class=\"sortable\" id=\"prompts\"><thead><tr><th>prompt</th>"
        for m in modelOrder { html += "<th class=\"num\">\(HTML.escape(m))</th>" }
        if let d = difference { html += "<th class=\"num\">\(HTML.escape(d.labelA)) − \(HTML.escape(d.labelB))</th>" }
        html += "</tr></thead><tbody>\n"
        for p in prompts {
            html += "<tr><td><a href=\"\(p.page)\">\(HTML.escape(p.prompt))</a></td>"
            for m in modelOrder {
                let s = p.groups[m]?.score
                html += "<td class=\"num\" data-v=\"\(s.map { String($0) } ?? "")\">\(f(s))</td>"
            }
            if let d = difference {
                let diff = p.groups[d.modelA].flatMap { a in p.groups[d.modelB].map { a.score - $0.score } }
                html += "<td class=\"num\" data-v=\"\(diff.map { String($0) } ?? "")\">\(diff.map { Format.signed($0) } ?? "–")</td>"
            }
            html += "</tr>\n"
        }
        html += "</tbody></table>\n"
        return document(title: "SCS report: \(datasetName)", assetPrefix: "", body: html)
    }

    /// A prompt's page: per model, the gallery (thumbnails linking to the originals) with the
    /// least-agreeing image flagged, and the similarity heatmap.
    static func prompt(_ p: PromptView, modelOrder: [String], previous: PromptView?, next: PromptView?) -> String {
        var html = "<nav><a href=\"../index.html\">← report</a>"
        if let previous { html += " · <a href=\"../\(previous.page)\">previous prompt</a>" }
        if let next { html += " · <a href=\"../\(next.page)\">next prompt</a>" }
        html += "</nav>\n<h1>\(HTML.escape(p.prompt))</h1>\n"
        let scored = modelOrder.compactMap { p.groups[$0] }
        html +=
            "<p class=\"muted\">"
            + scored.map { g in
                "\(HTML.escape(g.model)): SCS \(f(g.score))\(UncertaintyText.suffix(g.metrics))"
                    + UncertaintyText.others(g.metrics).map { " · \($0.key) \(f($0.value))" }.joined()
            }.joined(separator: " — ") + "</p>\n"
        for (k, g) in scored.enumerated() {
            let m = g.matrix
            // With two images both agree equally little: flag only from three up.
            let least = g.items.count >= 3 ? m.leastAgreeing : -1
            let name = { (i: Int) in URL(fileURLWithPath: g.items[i].path).lastPathComponent }
            html +=
                "<h2>\(HTML.escape(g.model)) — SCS \(f(g.score)) <span class=\"muted\">(\(g.items.count) images, \(g.items.count * (g.items.count - 1) / 2) pair\(g.items.count == 2 ? "" : "s"))</span></h2>\n"
            if least >= 0 {
                html +=
                    "<p><span class=\"flag\">Agrees least:</span> image \(least + 1), \(HTML.escape(name(least))), mean similarity to the others \(f(m.meanToOthers[least], 1)) (group median \(f(NumPy.median(sorted: m.meanToOthers.sorted()), 1))).</p>\n"
            }
            if g.alignment.contains(where: { $0 != nil }) {
                html +=
                    "<p class=\"muted\">Under each image: its mean similarity to the others, then its alignment with the prompt's text (100·cos, CLIPScore's per-image term).</p>\n"
            }
            html += "<div class=\"group\"><div class=\"gallery\">\n"
            for i in 0..<g.items.count {
                let flagged = i == least
                html +=
                    "<figure\(flagged ? " class=\"least\"" : "")><a href=\"\(HTML.escape(g.originals[i]))\"><img src=\"../\(g.thumbnails[i])\" alt=\"\(HTML.escape(name(i)))\" loading=\"lazy\"></a>"
                let text =
                    i < g.alignment.count
                    ? g.alignment[i].map { " · <span class=\"align\" title=\"100·cos(prompt text, image)\">text \(f(100 * $0, 1))</span>" } ?? "" : ""
                html +=
                    "<figcaption>\(i + 1). \(HTML.escape(name(i))) · \(f(m.meanToOthers[i], 1))\(text)\(flagged ? " <span class=\"flag\">agrees least</span>" : "")</figcaption></figure>\n"
            }
            html += "</div>\n<div class=\"heatmap\">\n"
            let svg = Heatmap.svg(
                m, labels: (0..<g.items.count).map { "\($0 + 1). \(name($0))" }, title: "Pairwise similarity, \(g.model)", gradientID: "scale\(k)")
            // Inline (the cells' titles show values on hover); drop the XML declaration.
            html += svg.components(separatedBy: "\n").dropFirst().joined(separator: "\n")
            html += "</div></div>\n" + CollapseSection.group(g)
        }
        return document(title: "\(p.prompt) — SCS report", assetPrefix: "../", body: html)
    }
}
