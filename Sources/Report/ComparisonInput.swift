import Foundation

/// One two-sided comparison read from a `scs compare --json` file: what the index shows and
/// which models' scores Figure 2 draws.
public struct ComparisonInput: Sendable {
    /// The models compared (`model_a`/`model_b`, or `a`/`b` inside a many-model file).
    public let modelA: String
    public let modelB: String
    /// The names the comparison used (labels, e.g. "Monet LoRA").
    public let labelA: String
    public let labelB: String
    /// "prompt" (same prompt on both sides) or "lists" (pairs from prompt lists).
    public let pairingMode: String
    /// With list pairing: the prompts paired (A's, B's), as compare.json records them.
    public let listPairs: [(a: String, b: String)]
    public let nPairs: Int
    public let verdict: String
    public let meanDifference: Double?
    public let ciLow: Double?
    public let ciHigh: Double?
    public let wilcoxonP: Double?
    public let wilcoxonHolmP: Double?
    public let ksP: Double?
    /// How many prompts would detect the difference (`scs compare --power`), as printed.
    public var power: String?
    /// The file it came from.
    public let source: String
}

/// A compare JSON file: one comparison, or several with a Friedman test over all.
public struct ComparisonFile: Sendable {
    public let source: String
    public let comparisons: [ComparisonInput]
    /// The many-model verdict and Friedman p-value; nil for a two-sided file.
    public let overallVerdict: String?
    public let friedmanP: Double?
    /// Every model the file names.
    public var models: Set<String> { Set(comparisons.flatMap { [$0.modelA, $0.modelB] }) }

    /// Reads `path`; an unreadable file or one that is not `scs compare --json` output is an error.
    public static func read(_ path: String) throws -> ComparisonFile {
        guard let data = FileManager.default.contents(atPath: path) else { throw ReportError("\(path): cannot read the compare file") }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ReportInputError.notAComparison(path: path, .notAnObject)
        }
        // The report's comparison figures draw the SCS column; a comparison of another metric
        // would put its verdict beside the wrong numbers.
        if let metric = root["metric"] as? String, metric != "scs" {
            throw ReportError(
                "\(path) compares \(metric), and the report's comparisons show SCS: give it a comparison of scs (the report shows \(metric) per model when scores.csv has its column)"
            )
        }
        if let entries = root["comparisons"] as? [[String: Any]] {
            let comparisons = try entries.filter { $0["not_computable"] == nil }.map {
                try parse($0, modelA: $0["a"] as? String, modelB: $0["b"] as? String, source: path)
            }
            return ComparisonFile(
                source: path, comparisons: comparisons, overallVerdict: root["verdict"] as? String,
                friedmanP: number((root["friedmanchisquare"] as? [String: Any])?["pvalue"]))
        }
        let c = try parse(root, modelA: root["model_a"] as? String, modelB: root["model_b"] as? String, source: path)
        return ComparisonFile(source: path, comparisons: [c], overallVerdict: nil, friedmanP: nil)
    }

    private static func parse(_ o: [String: Any], modelA: String?, modelB: String?, source: String) throws -> ComparisonInput {
        guard let modelA, let modelB, let verdict = o["verdict"] as? String else {
            throw ReportInputError.notAComparison(path: source, .missingFields)
        }
        let effect = o["effect"] as? [String: Any], tests = o["tests"] as? [String: Any]
        let ci = (effect?["ci_bca"] as? [Any])?.compactMap(number)
        let wilcoxon = tests?["wilcoxon"] as? [String: Any]
        return ComparisonInput(
            modelA: modelA, modelB: modelB, labelA: o["a"] as? String ?? modelA, labelB: o["b"] as? String ?? modelB,
            pairingMode: (o["pairing"] as? [String: Any])?["mode"] as? String ?? "prompt",
            listPairs: ((o["pairing"] as? [String: Any])?["pairs"] as? [[String: Any]] ?? []).compactMap { p in
                guard let a = p["a"] as? String, let b = p["b"] as? String else { return nil }
                return (a, b)
            },
            nPairs: number(o["n_pairs"]).map { Int($0) } ?? 0, verdict: verdict,
            meanDifference: number(effect?["mean_difference"]),
            ciLow: ci?.count == 2 ? ci![0] : nil, ciHigh: ci?.count == 2 ? ci![1] : nil,
            wilcoxonP: number(wilcoxon?["pvalue"]), wilcoxonHolmP: number(wilcoxon?["pvalue_holm"]),
            ksP: number((tests?["ks_2samp"] as? [String: Any])?["pvalue"]),
            power: (o["power"] as? [String: Any])?["sentence"] as? String, source: source)
    }

    /// A JSON number. On Linux JSONSerialization gives long decimals as NSDecimalNumber, whose
    /// doubleValue is inexact: go through the text, which round-trips.
    static func number(_ value: Any?) -> Double? {
        guard let value, !(value is String), !(value is NSNull) else { return nil }
        return Double(String(describing: value))
    }
}
