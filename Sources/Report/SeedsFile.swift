import Foundation
import SCSScoring
import SCSStats

/// The one owner of `scs seeds`'s files: the CSV (one row per group and n) and the JSON (the
/// parameters, each model's averaged curve and summary, each group's curve), and reading the
/// JSON back for the report.
public enum SeedsFile {
    public static let csvColumns = [
        "model", "prompt", "n_images", "n", "subsets", "exhaustive", "scs_mean", "scs_low", "scs_high", "within_delta", "scs_full",
        "n_needed", "n_needed_projected"
    ]

    /// The CSV text: a header, then for each group in the scores' order its rows n = 2 … N.
    public static func csv(_ result: SeedsStudy.Result) -> String {
        var text = CSV.row(csvColumns)
        for g in result.groups {
            for p in g.curve.points {
                let fields = [
                    g.model, g.prompt, "\(g.curve.total)", "\(p.n)", "\(p.subsets)", p.exhaustive ? "true" : "false", "\(p.mean)",
                    "\(p.low)", "\(p.high)", "\(p.withinDelta)", "\(g.curve.full)", "\(g.nNeeded)", g.nNeededProjected.map { "\($0)" } ?? ""
                ]
                text += CSV.row(fields)
            }
        }
        return text
    }

    /// The JSON document.
    public static func json(_ result: SeedsStudy.Result) -> JSONValue {
        let r = result.request
        let models: [JSONValue] = result.models.map { m in
            .object([
                ("model", .string(m.model)), ("prompts", .integer(m.prompts)), ("fewest_images", .integer(m.fewestImages)),
                ("most_images", .integer(m.mostImages)), ("pinned", .integer(m.pinned)), ("median_n_needed", .double(m.medianNeeded)),
                ("median_n_needed_projected", .double(m.medianNeededProjected)),
                ("summary", .string(SeedsStudy.summary(m, delta: r.delta))),
                (
                    "curve",
                    .array(
                        m.curve.points.map { p in
                            .object([
                                ("n", .integer(p.n)), ("prompts", .integer(p.prompts)), ("mean", .double(p.mean)), ("low", .double(p.low)),
                                ("high", .double(p.high)), ("within_delta", .double(p.withinDelta))
                            ])
                        })
                )
            ])
        }
        let groups: [JSONValue] = result.groups.map { g in
            .object([
                ("model", .string(g.model)), ("prompt", .string(g.prompt)), ("n_images", .integer(g.curve.total)),
                ("scs", .double(g.curve.full)), ("n_needed", .integer(g.nNeeded)),
                ("n_needed_projected", g.nNeededProjected.map { .integer($0) } ?? .null), ("standard_error", .double(g.standardError)),
                (
                    "curve",
                    .array(
                        g.curve.points.map { p in
                            .object([
                                ("n", .integer(p.n)), ("subsets", .integer(p.subsets)), ("exhaustive", .bool(p.exhaustive)),
                                ("mean", .double(p.mean)), ("low", .double(p.low)), ("high", .double(p.high)),
                                ("within_delta", .double(p.withinDelta))
                            ])
                        })
                )
            ])
        }
        return .object([
            ("delta", .double(r.delta)), ("draws", .integer(r.draws)), ("seed", .string(String(r.seed))),
            ("confidence", .double(SubsetCurve.confidence)), ("projected_se_at_most", .double(r.delta / 1.96)),
            ("models", .array(models)), ("groups", .array(groups))
        ])
    }

    /// What the report draws from a seeds JSON.
    public struct Figure: Sendable {
        public struct ModelCurve: Sendable {
            public let model: String
            public let n: [Int]
            public let mean: [Double]
            public let low: [Double]
            public let high: [Double]
            /// Prompts averaged at each n (those with at least n images).
            public let prompts: [Int]
            public let summary: String
        }

        public struct Needed: Sendable {
            public let model: String
            public let prompt: String
            public let images: Int
            public let nNeeded: Int
            public let nNeededProjected: Int?
        }

        public let source: String
        public let delta: Double
        public let models: [ModelCurve]
        public let groups: [Needed]
    }

    /// Reads a seeds JSON; a file that is not one is an error naming it.
    public static func read(_ path: String) throws -> Figure {
        guard let data = FileManager.default.contents(atPath: path) else { throw ReportError("\(path): cannot read the seeds file") }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let delta = ComparisonFile.number(root["delta"]), let models = root["models"] as? [[String: Any]],
            let groups = root["groups"] as? [[String: Any]]
        else { throw ReportError("\(path): not the JSON of a seeds study (no delta, models or groups)") }
        let curves = try models.map { m -> Figure.ModelCurve in
            guard let name = m["model"] as? String, let points = m["curve"] as? [[String: Any]] else {
                throw ReportError("\(path): a model without a name or a curve")
            }
            let values = { (key: String) in points.compactMap { ComparisonFile.number($0[key]) } }
            for key in ["n", "prompts", "mean", "low", "high"] where values(key).count != points.count {
                throw ReportError("\(path): \(name)'s curve has a point without \(key)")
            }
            return Figure.ModelCurve(
                model: name, n: values("n").map { Int($0) }, mean: values("mean"), low: values("low"), high: values("high"),
                prompts: values("prompts").map { Int($0) }, summary: m["summary"] as? String ?? "")
        }
        let needed = try groups.map { g -> Figure.Needed in
            guard let model = g["model"] as? String, let prompt = g["prompt"] as? String, let images = ComparisonFile.number(g["n_images"]),
                let n = ComparisonFile.number(g["n_needed"])
            else { throw ReportError("\(path): a group without a model, prompt, n_images or n_needed") }
            return Figure.Needed(
                model: model, prompt: prompt, images: Int(images), nNeeded: Int(n),
                nNeededProjected: ComparisonFile.number(g["n_needed_projected"]).map { Int($0) })
        }
        return Figure(source: path, delta: delta, models: curves, groups: needed)
    }
}
