import Foundation
import SCSScoring

/// How the pages show a group's standard error (scs_se, with its interval scs_lo–scs_hi):
/// beside the SCS, as "± se (95% lo–hi)", rather than as three more metric names.
enum UncertaintyText {
    static let columns = Set([Metric.scsSE, .scsLow, .scsHigh].map(\.rawValue))

    /// " ± 1.20 (95% 48.1–53.0)" when the group has a standard error, else "".
    static func suffix(_ metrics: [String: Double]) -> String {
        guard let se = metrics[Metric.scsSE.rawValue] else { return "" }
        let interval = metrics[Metric.scsLow.rawValue].flatMap { lo in metrics[Metric.scsHigh.rawValue].map { (lo, $0) } }
        return " ± \(Pages.f(se))" + (interval.map { " (95% \(Pages.f($0.0, 1))–\(Pages.f($0.1, 1)))" } ?? "")
    }

    /// The other metrics, without the three the suffix shows.
    static func others(_ metrics: [String: Double]) -> [(key: String, value: Double)] {
        metrics.filter { !columns.contains($0.key) }.sorted { $0.key < $1.key }
    }
}
