import Foundation

/// The per-prompt measures `scs score --metrics` can add to scores.csv, one column each, in this
/// order after the SCS columns. Each definition is the one its reference implements.
public enum Metric: String, CaseIterable, Sendable, Codable {
    /// The paper's score (always written): mean over pairs i < j of max(100·cos(e_i, e_j), 0).
    case scs
    /// The SCS's jackknife standard error over images, and its 95% interval (`ScoreUncertainty`);
    /// asking for scs_se writes all three.
    case scsSE = "scs_se", scsLow = "scs_lo", scsHigh = "scs_hi"
    /// Vendi Score, q = 1 (Friedman & Dieng 2023): exp of the Shannon entropy of the eigenvalues
    /// of K/n, K_ij = cos(e_i, e_j); the effective number of distinct images, 1 to n.
    case vendi
    /// Vendi Score, q = ∞: 1 / (largest eigenvalue of K/n).
    case vendiInf = "vendi_inf"
    /// torchmetrics' CLIPScore: max(mean over the images of 100·cos(text, image), 0).
    case clipscore
    /// The best-aligned image: max over the images of 100·cos(text, image), floored at 0.
    case clipscoreMax = "clipscore_max"
    /// CLIPScore as Hessel et al. (2021) define it: the mean over the images of 2.5·max(cos, 0).
    case clipscoreHessel = "clipscore_hessel"
    /// DreamSim backbone only: the mean over pairs of the DreamSim distance 1 − cos(e_i, e_j).
    case dreamsim
    /// DreamSim backbone only: W1KP (Tang et al. 2024), 1 − F(mean squared L2 distance between the
    /// embeddings, pairs above 1e-4), F the authors' calibration CDF; higher is more alike.
    case w1kp

    /// Metrics that compare the images with the prompt's text (they need a text tower).
    public var needsText: Bool { [.clipscore, .clipscoreMax, .clipscoreHessel].contains(self) }

    /// False where a lower value marks the more consistent group: the Vendi Score counts distinct
    /// images, the DreamSim distance is a distance. (W1KP, 1 − F(distance), is higher for the
    /// more alike group, as the SCS is.)
    public var higherIsConsistent: Bool { ![.vendi, .vendiInf, .dreamsim].contains(self) }

    /// Whether the value depends on the number of images n, so that groups of different n are not
    /// comparable (`scs compare` refuses them unless allowed). Means over pairs or images
    /// estimate the same quantity at every n (W1KP and CLIPScore are fixed maps of such means);
    /// a count of distinct images, a maximum over images and a standard error do not.
    public var dependsOnImageCount: Bool {
        switch self {
        case .scs, .dreamsim, .clipscore, .clipscoreHessel, .w1kp: return false
        case .vendi, .vendiInf, .clipscoreMax, .scsSE, .scsLow, .scsHigh: return true
        }
    }

    /// Metrics only a DreamSim backbone's embeddings define.
    public var needsDreamSim: Bool { [.dreamsim, .w1kp].contains(self) }

    /// One line for `--help` and the README.
    public var definition: String {
        switch self {
        case .scs: return "mean over image pairs of max(100·cos, 0) (the paper's; always written)"
        case .scsSE: return "the SCS's standard error: jackknife over images (3 or more), with scs_lo and scs_hi, its 95% interval"
        case .scsLow, .scsHigh: return "the SCS's 95% interval, scs ± t(0.975, n−1)·scs_se clipped to [0, 100] (written with scs_se)"
        case .vendi: return "Vendi Score, q=1: exp(entropy of the eigenvalues of K/n), K = cosine similarity matrix (vendi-score's score_K)"
        case .vendiInf: return "Vendi Score, q=∞: 1/(largest eigenvalue of K/n)"
        case .clipscore: return "max(mean over images of 100·cos(text, image), 0) (torchmetrics' CLIPScore)"
        case .clipscoreMax: return "max over images of 100·cos(text, image), floored at 0"
        case .clipscoreHessel: return "mean over images of 2.5·max(cos(text, image), 0) (Hessel et al. 2021)"
        case .dreamsim: return "mean over image pairs of the DreamSim distance 1 − cos (DreamSim backbones)"
        case .w1kp: return "W1KP: 1 − F(mean squared L2 of DreamSim embeddings), F its authors' calibration; higher = more alike (DreamSim)"
        }
    }

    /// Parses `--metrics`: comma-separated names, `scs` implied; an unknown name is an error
    /// that lists the known ones.
    public static func parseList(_ text: String) throws -> [Metric] {
        var chosen: Set<Metric> = [.scs]
        for raw in text.split(separator: ",") {
            let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
            guard let metric = Metric(rawValue: name) else {
                throw MetricError("unknown metric \"\(name)\": choose from " + allCases.map(\.rawValue).joined(separator: ", "))
            }
            chosen.formUnion(metric.companions)
        }
        return allCases.filter(chosen.contains)
    }
}

/// A metric asked for that cannot be computed (an unknown name, no text tower): one line.
public struct MetricError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A metric only its own backbone computes (the DreamSim distance needs DreamSim's), asked of
/// another. `example` is a model name that has it; the caller words how to choose it.
public struct MetricBackboneError: Error, CustomStringConvertible, Equatable, Sendable {
    public let metric: Metric
    public let example: String

    public init(metric: Metric, example: String) {
        self.metric = metric
        self.example = example
    }

    /// One line, naming how to choose a model as `choosing` does (the command line names its flag).
    public func describe(choosing: (String) -> String) -> String {
        "metric \(metric.rawValue) needs a DreamSim backbone (\(choosing(example)) or another variant)"
    }

    public var description: String { describe { "model \($0)" } }
}
