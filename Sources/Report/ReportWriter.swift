import Foundation
import SCSImaging
import SCSScoring
import SCSStats

/// What `scs report` is asked to do.
public struct ReportRequest: Sendable {
    /// The dataset folder, `<root>/<model>/<prompt>/<images>`, as scored.
    public var dataset: String
    /// scores.csv from `scs score` on that dataset.
    public var scores: String
    /// `scs compare --json` files, each shown with its verdict and figures.
    public var comparisons: [String]
    /// The report folder; replaced as a whole when it holds an earlier report.
    public var out: String
    /// The longer side of the gallery thumbnails, in pixels.
    public var thumbnailSize: Int = 256
    /// The cosine from which two images of a group are shown as near-duplicates.
    public var nearDuplicateCosine = NearDuplicates.defaultThreshold
    /// An `scs seeds --json` file, shown as the "How many seeds" section.
    public var seeds: String?

    public init(dataset: String, scores: String, comparisons: [String] = [], out: String) {
        self.dataset = dataset
        self.scores = scores
        self.comparisons = comparisons
        self.out = out
    }
}

/// What a run wrote, also saved as `report.json` in the report folder.
public struct ReportSummary: Codable, Sendable, Equatable {
    public var prompts: Int
    public var groups: Int
    public var images: Int
    /// Images run through the network to make the heatmaps: 0 when the dataset was scored
    /// with the same cache, since every embedding is then read from it.
    public var embedded: Int
    public var fromCache: Int
    public var comparisons: Int
    public var figures: [String]
    /// The largest |SCS recomputed from the embeddings − SCS in scores.csv| over the groups:
    /// ~1e-12 when scores.csv describes these images.
    public var maxScoreDeviation: Double
    public var modelFingerprint: String
    /// What the dataset listing could not use ("path: reason": a symlink loop, a name that is not
    /// UTF-8, a FIFO, …; `Dataset.excluded`): no group in scores.csv, so no page.
    public var excluded: [String]

    enum CodingKeys: String, CodingKey {
        case prompts, groups, images, embedded, comparisons, figures, excluded
        case fromCache = "from_cache", maxScoreDeviation = "max_score_deviation", modelFingerprint = "model_fingerprint"
    }
}

/// Writes the report folder: index.html, a page per prompt, thumbnails, SVG figures, assets.
/// Everything is checked and written into a temporary folder beside `out`, which replaces
/// `out` only once complete, so a failure never leaves a half-written report.
public enum ReportWriter {
    public typealias Progress = (_ phase: String, _ done: Int, _ total: Int) -> Void

    public static func write(_ request: ReportRequest, embedder: Embedder, progress: Progress? = nil) throws -> ReportSummary {
        // 1. Inputs, all checked before anything is written.
        let dataset: Dataset
        do { dataset = try Dataset.scan(root: request.dataset) } catch let e as DatasetError {
            throw ReportError("dataset \(request.dataset): \(e)")
        }
        let scores = try ScoresFile.read(request.scores)
        let rows = try ScoreRows.rows(of: scores)
        let alignment = try AlignmentRows.read(forScores: request.scores) ?? [:]
        // Images `scs score --skip-unreadable` passed over (its sidecar names them) were not scored:
        // they are left out here too, so the groups hold the images the scores were made from.
        let skipped = scores.meta?.skipped ?? []
        let unscored = { (item: ImageItem) in skipped.contains { $0.hasPrefix(item.path + ": ") } }
        var groupItems: [GroupKey: [ImageItem]] = [:]
        for g in dataset.groups {
            groupItems[GroupKey(model: g.model, prompt: g.prompt)] = g.indices.map { dataset.items[$0] }.filter { skipped.isEmpty || !unscored($0) }
        }
        var missing: [String] = [], countMismatch: [String] = []
        for r in rows {
            guard let items = groupItems[GroupKey(model: r.model, prompt: r.prompt)] else { missing.append("\(r.model)/\(r.prompt)"); continue }
            if let n = r.nImages, n != items.count {
                countMismatch.append("\(r.model)/\(r.prompt) (\(n) in the scores, \(items.count) in the dataset)")
            }
        }
        if !missing.isEmpty {
            throw ReportError(
                "\(request.scores) scores \(missing.count) group\(missing.count == 1 ? "" : "s") that \(request.dataset) lacks: \(list(missing))")
        }
        if !countMismatch.isEmpty {
            throw ReportError(
                "\(request.scores) was scored on other images than \(request.dataset) holds: \(list(countMismatch)); score the dataset again")
        }
        var modelOrder: [String] = []
        for r in rows where !modelOrder.contains(r.model) { modelOrder.append(r.model) }
        // Comparisons by category are shown in the category section, the others as before.
        let (plainComparisons, categoryFiles) = try CategoryComparisonFile.split(request.comparisons)
        let files = try plainComparisons.map { try ComparisonFile.read($0) }
        let seeds = try request.seeds.map { try SeedsFile.read($0) }
        for file in files {
            let unknown = file.models.subtracting(modelOrder).sorted()
            if !unknown.isEmpty {
                throw ReportError(
                    "\(file.source) compares \(unknown.joined(separator: ", ")), which \(request.scores) does not score (it has \(modelOrder.joined(separator: ", "))): was it made from other scores?"
                )
            }
        }

        // 2. Embeddings through the cache: no inference for a dataset that was scored already.
        let scoredItems = rows.flatMap { groupItems[GroupKey(model: $0.model, prompt: $0.prompt)]! }
        let outcome = try embedder.embed(paths: scoredItems.map(\.path), skipUnreadable: false) { p in
            progress?(p.phase.rawValue, p.done, p.total)
        }
        var embeddings: [String: [Float]] = [:]
        for (item, e) in zip(scoredItems, outcome.embeddings) { embeddings[item.path] = e }

        // 3. Layout: prompts sorted by name, one page each; thumbnails by prompt and model.
        let prompts = Array(Set(rows.map(\.prompt))).sorted()
        let outURL = URL(fileURLWithPath: request.out).standardizedFileURL
        let promptsDir = outURL.appendingPathComponent("prompts")
        var views: [PromptView] = []
        var thumbJobs: [(source: String, destination: String)] = []
        var deviation = 0.0
        let rowsByKey = Dictionary(uniqueKeysWithValues: rows.map { (GroupKey(model: $0.model, prompt: $0.prompt), $0) })
        for (pi, prompt) in prompts.enumerated() {
            var groups: [String: GroupView] = [:]
            for (mi, model) in modelOrder.enumerated() {
                guard let row = rowsByKey[GroupKey(model: model, prompt: prompt)], let items = groupItems[GroupKey(model: model, prompt: prompt)]
                else { continue }
                guard let matrix = SimilarityMatrix(embeddings: items.map { embeddings[$0.path]! }) else {
                    throw ReportError("\(model)/\(prompt): fewer than 2 images, no pair to show")
                }
                deviation = max(deviation, abs(matrix.scs - row.scs))
                let thumbs = items.indices.map { String(format: "thumbs/%04d/%d-%d.jpg", pi + 1, mi + 1, $0 + 1) }
                thumbJobs += zip(items, thumbs).map { ($0.path, $1) }
                groups[model] = GroupView(
                    model: model, prompt: prompt, score: row.scs, items: items, thumbnails: thumbs,
                    originals: items.map { relativePath(from: promptsDir, to: $0.path) }, matrix: matrix,
                    metrics: row.metrics, alignment: items.map { alignment[$0.path] },
                    nearDuplicates: NearDuplicates.pairs(items.map { embeddings[$0.path]! }, threshold: request.nearDuplicateCosine))
            }
            views.append(PromptView(prompt: prompt, page: String(format: "prompts/%04d.html", pi + 1), groups: groups))
        }

        // 4. Write everything into a temporary folder beside `out`.
        let parent = outURL.deletingLastPathComponent()
        let temp = parent.appendingPathComponent(".\(outURL.lastPathComponent).tmp-\(getpid())")
        let fm = FileManager.default
        try? fm.removeItem(at: temp)
        do {
            try checkReplaceable(outURL)
            for dir in ["assets", "figures", "prompts"] {
                try fm.createDirectory(at: temp.appendingPathComponent(dir), withIntermediateDirectories: true)
            }
            for pi in prompts.indices {
                try fm.createDirectory(at: temp.appendingPathComponent(String(format: "thumbs/%04d", pi + 1)), withIntermediateDirectories: true)
            }
            try ThumbnailWriter.write(
                thumbJobs.map { ($0.source, temp.appendingPathComponent($0.destination)) },
                maxSide: request.thumbnailSize
            ) { progress?("thumbnails", $0, $1) }
            var figures: [String] = []
            func figure(_ name: String, _ svg: String) throws -> String {
                try write(svg, to: temp.appendingPathComponent("figures/\(name)"))
                figures.append("figures/\(name)")
                return "figures/\(name)"
            }

            let scoresByModel = Dictionary(grouping: rows, by: \.model)
            let pageOf = Dictionary(uniqueKeysWithValues: views.map { ($0.prompt, $0.page) })
            let link = { (prompt: String) in pageOf[prompt].map { "../" + $0 } }
            var shown: [(ComparisonInput, figure2: String?, paired: String?)] = []
            var figure2Rows: [String] = []
            var difference: ComparisonInput?
            for c in files.flatMap(\.comparisons) {
                let i = shown.count + 1
                let pairs: [(a: ScoreRow, b: ScoreRow)]
                if c.pairingMode == "prompt" && c.modelA != c.modelB {
                    pairs = pairByPrompt(scoresByModel[c.modelA] ?? [], scoresByModel[c.modelB] ?? [])
                } else if c.pairingMode == "lists" {
                    pairs = pairByList(c.listPairs, scoresByModel[c.modelA] ?? [], scoresByModel[c.modelB] ?? [])
                } else {
                    pairs = []
                }
                guard !pairs.isEmpty else { shown.append((c, nil, nil)); continue }
                let a = pairs.map(\.a.scs), b = pairs.map(\.b.scs)
                let row = Plots.figure2(labelA: c.labelA, labelB: c.labelB, a: a, b: b, title: "\(c.labelA) vs \(c.labelB): per-prompt SCS")
                figure2Rows.append(row)
                let paired = Plots.paired(
                    labelA: c.labelA, labelB: c.labelB, prompts: pairs.map(\.a.prompt), a: a, b: b,
                    href: link, title: "\(c.labelA) against \(c.labelB), prompt by prompt")
                shown.append((c, try figure("figure2-\(i).svg", row), try figure("paired-\(i).svg", paired)))
                if difference == nil { difference = c }
            }
            if !figure2Rows.isEmpty { _ = try figure("figure2.svg", stack(figure2Rows, title: "Figure 2")) }
            var allModels: String?
            if modelOrder.count > 2 {
                allModels = try figure(
                    "all-models.svg",
                    Plots.allModels(
                        modelOrder.map { m in (m, (scoresByModel[m] ?? []).map(\.scs)) },
                        title: "Per-prompt SCS of every model"))
            }

            // Beyond consistency: per model, SCS against alignment and the Vendi Score beside the SCS.
            var metricFigures: [MetricFigure] = []
            for (i, m) in modelOrder.enumerated() {
                let mine = scoresByModel[m] ?? []
                let aligned = mine.filter { $0.metrics["clipscore"] != nil }
                if aligned.count >= 2 {
                    let svg = Plots.consistencyVsAlignment(
                        model: m, prompts: aligned.map(\.prompt), scs: aligned.map(\.scs),
                        clipscore: aligned.map { $0.metrics["clipscore"]! }, href: link)
                    metricFigures.append(MetricFigure(model: m, kind: .alignment, path: try figure("alignment-\(i + 1).svg", svg)))
                }
                let diverse = mine.filter { $0.metrics["vendi"] != nil }
                if diverse.count >= 2 {
                    let svg = Plots.vendiBesideSCS(
                        model: m, prompts: diverse.map(\.prompt), scs: diverse.map(\.scs),
                        vendi: diverse.map { $0.metrics["vendi"]! }, href: link)
                    metricFigures.append(MetricFigure(model: m, kind: .vendi, path: try figure("vendi-\(i + 1).svg", svg)))
                }
            }

            let sections =
                try seeds.map { s in
                    [
                        SeedsSection.html(
                            s, curvesPath: try figure("seeds.svg", SeedsSection.curves(s)),
                            neededPath: try figure("seeds-needed.svg", SeedsSection.needed(s)))
                    ]
                } ?? []
            let categorySection = try CategorySection.section(
                scores: scores, models: modelOrder, comparisons: categoryFiles, figure: figure)
            let summaries = modelOrder.map { m in ModelSummary(model: m, scores: (scoresByModel[m] ?? []).map(\.scs)) }
            var notes: [String] = []
            let unscored = dataset.groups.filter { rowsByKey[GroupKey(model: $0.model, prompt: $0.prompt)] == nil }
            if !unscored.isEmpty {
                notes.append("Not in the scores, so not shown: \(list(unscored.map { "\($0.model)/\($0.prompt)" })).")
            }
            if deviation > 1e-6 {
                notes.append(
                    String(
                        format: "The scores differ from the images' embeddings by up to %.3g SCS: was the dataset scored with another model?",
                        deviation))
            }
            let name = URL(fileURLWithPath: request.dataset).standardizedFileURL.lastPathComponent
            try write(
                Pages.index(
                    datasetName: name, models: summaries, comparisons: shown,
                    overall: files.compactMap { f in f.overallVerdict.map { ($0, f.friedmanP) } },
                    allModelsFigure: allModels, metricFigures: metricFigures, prompts: views, modelOrder: modelOrder, difference: difference,
                    notes: notes,
                    sections: sections + (categorySection.map { [$0] } ?? [])
                        + [CollapseSection.index(views, modelOrder: modelOrder, threshold: request.nearDuplicateCosine)]),
                to: temp.appendingPathComponent("index.html"))
            for (i, v) in views.enumerated() {
                try write(
                    Pages.prompt(v, modelOrder: modelOrder, previous: i > 0 ? views[i - 1] : nil, next: i + 1 < views.count ? views[i + 1] : nil),
                    to: temp.appendingPathComponent(v.page))
            }
            try write(Assets.css, to: temp.appendingPathComponent("assets/report.css"))
            try write(Assets.js, to: temp.appendingPathComponent("assets/report.js"))

            let summary = ReportSummary(
                prompts: views.count, groups: rows.count, images: scoredItems.count,
                embedded: outcome.embeddedCount, fromCache: outcome.cachedCount,
                comparisons: shown.count, figures: figures, maxScoreDeviation: deviation,
                modelFingerprint: embedder.fingerprint, excluded: dataset.excluded.map(\.description))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try (encoder.encode(summary) + Data("\n".utf8)).write(to: temp.appendingPathComponent("report.json"))

            // 5. Into place: the old report aside, the new one in, the old one removed.
            let old = parent.appendingPathComponent(".\(outURL.lastPathComponent).old-\(getpid())")
            let hadOld = fm.fileExists(atPath: outURL.path)
            if hadOld, rename(outURL.path, old.path) != 0 {
                throw ReportError("\(outURL.path): cannot move the old report aside: \(String(cString: strerror(errno)))")
            }
            if rename(temp.path, outURL.path) != 0 {
                let reason = String(cString: strerror(errno))
                if hadOld { _ = rename(old.path, outURL.path) }
                throw ReportError("\(outURL.path): cannot move the report into place: \(reason)")
            }
            if hadOld { try? fm.removeItem(at: old) }
            return summary
        } catch {
            try? fm.removeItem(at: temp)
            if error is ReportError || error is ReportInputError { throw error }
            throw ReportError("\(outURL.path): \(FileProblem.describe(error))")
        }
    }

    static func list(_ items: [String], limit: Int = 5) -> String {
        items.prefix(limit).joined(separator: ", ") + (items.count > limit ? " and \(items.count - limit) more" : "")
    }

    static func write(_ text: String, to url: URL) throws { try Data(text.utf8).write(to: url) }

    /// `out` may be replaced only when it is absent, empty or an earlier report: never a folder
    /// of the user's that happens to have the same name.
    static func checkReplaceable(_ out: URL) throws {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: out.path, isDirectory: &isDir) else { return }
        guard isDir.boolValue else { throw ReportError("\(out.path) is a file, not a report folder") }
        let contents = (try? fm.contentsOfDirectory(atPath: out.path)) ?? []
        if !contents.isEmpty && !contents.contains("report.json") {
            throw ReportInputError.outputNotAReport(path: out.path)
        }
    }

    /// A's and B's rows with the same prompt, in A's order. As `scs compare` does, a prompt
    /// with an apostrophe pairs with a folder named with "_" in its place.
    static func pairByPrompt(_ a: [ScoreRow], _ b: [ScoreRow]) -> [(a: ScoreRow, b: ScoreRow)] {
        let normalize = { (p: String) in p.replacingOccurrences(of: "'", with: "_") }
        let exact = Dictionary(b.map { ($0.prompt, $0) }, uniquingKeysWith: { x, _ in x })
        let loose = Dictionary(b.map { (normalize($0.prompt), $0) }, uniquingKeysWith: { x, _ in x })
        return a.compactMap { r in (exact[r.prompt] ?? loose[normalize(r.prompt)]).map { (r, $0) } }
    }

    /// The pairs a list-paired comparison used (e.g. "… in the style of TOK" with "… in the style of
    /// Monet", both under SDXL), looked up in the scores.
    static func pairByList(_ pairs: [(a: String, b: String)], _ a: [ScoreRow], _ b: [ScoreRow]) -> [(a: ScoreRow, b: ScoreRow)] {
        let rowsA = Dictionary(a.map { ($0.prompt, $0) }, uniquingKeysWith: { x, _ in x })
        let rowsB = Dictionary(b.map { ($0.prompt, $0) }, uniquingKeysWith: { x, _ in x })
        return pairs.compactMap { p in rowsA[p.a].flatMap { ra in rowsB[p.b].map { (ra, $0) } } }
    }

    /// Figure 2 rows stacked into one document, as the paper's grid.
    static func stack(_ rows: [String], title: String) -> String {
        let height = 340.0
        var body = ""
        for (i, row) in rows.enumerated() {
            let inner = row.components(separatedBy: "\n").dropFirst().joined(separator: "\n")
                .replacingOccurrences(of: "<svg xmlns=\"http://www.w3.org/2000/svg\"", with: "<svg y=\"\(SVGDocument.n(Double(i) * height))\"")
            body += inner + "\n"
        }
        let total = SVGDocument.n(height * Double(rows.count))
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="800" height="\(total)" viewBox="0 0 800 \(total)" font-family="Helvetica, Arial, sans-serif">
            <title>\(HTML.escape(title))</title>
            \(body)</svg>

            """
    }

    /// The path of `target` relative to the folder `base` (both made absolute).
    static func relativePath(from base: URL, to target: String) -> String {
        let from = base.standardizedFileURL.resolvingSymlinksInPath().pathComponents
        let to = URL(fileURLWithPath: target).standardizedFileURL.resolvingSymlinksInPath().pathComponents
        var common = 0
        while common < min(from.count, to.count) && from[common] == to[common] { common += 1 }
        let parts = Array(repeating: "..", count: from.count - common) + to[common...]
        return parts.map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? $0 }.joined(separator: "/")
    }
}
