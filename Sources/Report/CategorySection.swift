import Foundation
import SCSScoring
import SCSStats

/// The report's breakdown by category, when scores.csv has a `category` column (prompts of a
/// suite): a table and a dot plot of each model's mean score per category with its 95% interval,
/// and the verdicts of `scs compare --by category` files given with the report's comparisons.
public enum CategorySection {
    /// One model's scores in one category.
    public struct Cell: Sendable, Equatable {
        public let n: Int
        public let mean: Double
        /// The t interval of the mean, mean ± t₀.₉₇₅,ₙ₋₁ · sd/√n (sd with ddof 1); nil for one prompt.
        public let low: Double?
        public let high: Double?

        /// `scores` must not be empty (a cell exists only where a model has a prompt).
        public init(_ scores: [Double]) {
            let interval = MeanInterval(scores)!
            (n, mean, low, high) = (interval.n, interval.mean, interval.low, interval.high)
        }
    }

    /// Categories (in the file's order) by models: the cells, nil where a model has no prompt of
    /// the category.
    public struct Table: Sendable {
        public let categories: [String]
        public let models: [String]
        public let cells: [[Cell?]]
        /// Rows without a category, left out of the table.
        public let uncategorised: Int
    }

    /// The table of `file`'s SCS by category; nil when the file has no categories.
    public static func table(_ file: ScoresFile, models: [String]) -> Table? {
        guard file.rows.contains(where: { $0.category != nil }) else { return nil }
        var categories: [String] = []
        var scores: [String: [String: [Double]]] = [:]
        var uncategorised = 0
        for row in file.rows {
            guard let c = row.category, let scs = row.values[.scs] else {
                uncategorised += 1
                continue
            }
            if scores[c] == nil { categories.append(c) }
            scores[c, default: [:]][row.model, default: []].append(scs)
        }
        let cells = categories.map { c in models.map { m in scores[c]?[m].map(Cell.init) } }
        return Table(categories: categories, models: models, cells: cells, uncategorised: uncategorised)
    }

    /// A dot plot: one row per category, one mark per model at its mean with its interval as a
    /// line; models told apart by fill and offset, in grayscale like the other figures.
    public static func figure(_ t: Table, title: String) -> String {
        let rowHeight = 16.0 + 9 * Double(t.models.count), top = 56.0, left = 200.0, right = 760.0
        let height = top + rowHeight * Double(t.categories.count) + 60
        var svg = SVGDocument(width: 800, height: height)
        svg.text(title, x: 400, y: 22, size: 14, weight: "bold")
        let values = t.cells.flatMap { $0.compactMap { $0 } }.flatMap { [$0.mean, $0.low ?? $0.mean, $0.high ?? $0.mean] }
        let ticks = Ticks.nice(values.min() ?? 0, values.max() ?? 100, count: 6)
        let x = LinearScale(domain: (ticks.first!, ticks.last!), range: (left, right))
        let bottom = top + rowHeight * Double(t.categories.count)
        for tick in ticks { svg.line(x(tick), top, x(tick), bottom, stroke: "#ddd", width: 0.6) }
        svg.xAxis(y: bottom, scale: x, ticks: ticks, title: "mean SCS per category (95% t interval)")
        for (ci, category) in t.categories.enumerated() {
            let y0 = top + rowHeight * Double(ci)
            svg.text(category, x: left - 10, y: y0 + rowHeight / 2 + 4, anchor: "end", size: 12)
            for (mi, model) in t.models.enumerated() {
                guard let cell = t.cells[ci][mi] else { continue }
                let y = y0 + 8 + 9 * Double(mi) + 4
                if let lo = cell.low, let hi = cell.high { svg.line(x(lo), y, x(hi), y, stroke: "#555", width: 1.2) }
                let tip = "\(model), \(category): mean \(String(format: "%.2f", cell.mean)) over \(cell.n) prompt\(cell.n == 1 ? "" : "s")"
                svg.circle(x(cell.mean), y, r: 3.5, fill: Plots.fills[mi % Plots.fills.count], title: tip)
            }
        }
        for (mi, model) in t.models.enumerated() {
            let lx = 80 + 150 * Double(mi % 5), ly = 40 + 0 * Double(mi / 5)
            svg.circle(lx, ly - 4, r: 4, fill: Plots.fills[mi % Plots.fills.count])
            svg.text(model, x: lx + 8, y: ly, anchor: "start", size: 11)
        }
        return svg.rendered(title: title)
    }

    /// The whole section for `ReportWriter`, or nil when the scores have no categories and no
    /// comparison by category was given. `figure` writes an SVG and returns its path.
    public static func section(
        scores: ScoresFile, models: [String], comparisons: [CategoryComparisonFile], figure: (String, String) throws -> String
    ) throws -> String? {
        for c in comparisons {
            let unknown = [c.modelA, c.modelB].filter { !models.contains($0) }
            if !unknown.isEmpty {
                throw ReportError(
                    "\(c.source) compares \(unknown.joined(separator: ", ")), which \(scores.path) does not score (it has \(models.joined(separator: ", "))): was it made from other scores?"
                )
            }
        }
        guard let table = table(scores, models: models) else {
            guard !comparisons.isEmpty else { return nil }
            throw ReportError(
                "\(comparisons[0].source) compares by category, but \(scores.path) has no category column: give the scores it was made from")
        }
        let path = try figure("categories.svg", self.figure(table, title: "Mean SCS per category"))
        return html(table, figure: path, comparisons: comparisons)
    }

    /// The section's HTML: the table (prompts and mean per model per category), the figure, and
    /// each `--by category` comparison's verdicts.
    static func html(_ t: Table, figure: String, comparisons: [CategoryComparisonFile]) -> String {
        func f(_ x: Double?) -> String { x.map { String(format: "%.2f", $0) } ?? "–" }
        var html = "<h2 id=\"categories\">By category</h2>\n"
        html +=
            "<p class=\"muted\">Each model's mean SCS over the prompts of each category (the suite's: PartiPrompts' Category, GenEval's tag), with the 95% t interval of the mean.</p>\n"
        html += "<table class=\"sortable\" id=\"category-table\"><thead><tr><th>category</th>"
        for m in t.models { html += "<th class=\"num\">\(HTML.escape(m)) prompts</th><th class=\"num\">\(HTML.escape(m)) mean</th>" }
        html += "</tr></thead><tbody>\n"
        for (ci, c) in t.categories.enumerated() {
            html += "<tr><td>\(HTML.escape(c))</td>"
            for cell in t.cells[ci] { html += "<td class=\"num\">\(cell.map { "\($0.n)" } ?? "0")</td><td class=\"num\">\(f(cell?.mean))</td>" }
            html += "</tr>\n"
        }
        html += "</tbody></table>\n"
        if t.uncategorised > 0 { html += "<p class=\"muted\">\(t.uncategorised) scored groups have no category and are not in the table.</p>\n" }
        html +=
            "<figure><img src=\"\(figure)\" alt=\"Mean SCS per category and model\"><figcaption>Mean SCS per category, one mark per model, with its 95% t interval. <a href=\"\(figure)\">SVG</a></figcaption></figure>\n"
        for c in comparisons {
            html += "<h3>\(HTML.escape(c.a)) vs \(HTML.escape(c.b)), by category</h3>\n<p class=\"verdict\">\(HTML.escape(c.summary))</p>\n"
            html +=
                "<table class=\"category-comparison\"><thead><tr><th>category</th><th class=\"num\">prompts</th><th class=\"num\">mean \(HTML.escape(c.a))</th><th class=\"num\">mean \(HTML.escape(c.b))</th><th class=\"num\">difference</th><th class=\"num\">Wilcoxon p</th><th class=\"num\">Holm</th><th>verdict</th></tr></thead><tbody>\n"
            for e in c.entries {
                html +=
                    "<tr><td>\(HTML.escape(e.category))</td><td class=\"num\">\(e.nPrompts)</td><td class=\"num\">\(f(e.meanA))</td><td class=\"num\">\(f(e.meanB))</td>"
                    + "<td class=\"num\">\(e.meanDifference.map { Format.signed($0) } ?? "–")</td><td class=\"num\">\(e.pvalue.map(Format.pvalue) ?? "–")</td>"
                    + "<td class=\"num\">\(e.pvalueHolm.map(Format.pvalue) ?? "–")</td><td>\(HTML.escape(e.verdict))</td></tr>\n"
            }
            html += "</tbody></table>\n"
        }
        return html
    }
}

/// A `scs compare --by category --json` file, as the report shows it.
public struct CategoryComparisonFile: Sendable {
    public struct Entry: Sendable {
        public let category: String
        public let nPrompts: Int
        public let meanA: Double?
        public let meanB: Double?
        public let meanDifference: Double?
        public let pvalue: Double?
        public let pvalueHolm: Double?
        public let verdict: String
    }

    public let source: String
    public let modelA: String
    public let modelB: String
    public let a: String
    public let b: String
    public let entries: [Entry]
    public let summary: String

    /// Whether `path` holds a comparison by category (`"by": "category"`), which the report shows
    /// here rather than with the whole-file comparisons.
    public static func isByCategory(_ path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path),
            let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { return false }
        return root["by"] as? String == "category"
    }

    /// `--compare` files split: those by category (read here) and the others (for `ComparisonFile`).
    public static func split(_ paths: [String]) throws -> (others: [String], byCategory: [CategoryComparisonFile]) {
        let byCategory = paths.filter(isByCategory)
        return (paths.filter { !byCategory.contains($0) }, try byCategory.map(read))
    }

    public static func read(_ path: String) throws -> CategoryComparisonFile {
        guard let data = FileManager.default.contents(atPath: path) else { throw ReportError("\(path): cannot read the compare file") }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ReportInputError.notAComparison(path: path, .notAnObject)
        }
        if let metric = root["metric"] as? String, metric != "scs" {
            throw ReportError("\(path) compares \(metric) by category, and the report's category section shows SCS: give it a comparison of scs")
        }
        guard let modelA = root["model_a"] as? String, let modelB = root["model_b"] as? String,
            let categories = root["categories"] as? [[String: Any]], let summary = root["verdict"] as? String
        else { throw ReportInputError.notAComparison(path: path, .missingFields) }
        let entries = try categories.map { o -> Entry in
            guard let category = o["category"] as? String, let verdict = o["verdict"] as? String else {
                throw ReportInputError.notAComparison(path: path, .missingFields)
            }
            let n = ComparisonFile.number(o["n_prompts"])
            return Entry(
                category: category, nPrompts: n.map { Int($0) } ?? 0, meanA: ComparisonFile.number(o["mean_a"]),
                meanB: ComparisonFile.number(o["mean_b"]), meanDifference: ComparisonFile.number(o["mean_difference"]),
                pvalue: ComparisonFile.number(o["pvalue"]), pvalueHolm: ComparisonFile.number(o["pvalue_holm"]), verdict: verdict)
        }
        return CategoryComparisonFile(
            source: path, modelA: modelA, modelB: modelB, a: root["a"] as? String ?? modelA, b: root["b"] as? String ?? modelB,
            entries: entries, summary: summary)
    }
}
