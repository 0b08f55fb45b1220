import ArgumentParser
import Foundation
import SCSScoring

/// Writes a line to stdout.
func say(_ text: String) { print(text) }

/// Writes a line to stderr.
func note(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

/// The per-model summary `scs score` and `scs merge` print: prompts, mean, median, sd.
func printModelSummary(_ models: [ModelSummary]) {
    let width = max(5, models.map(\.model.count).max() ?? 5)
    say("model".padding(toLength: width, withPad: " ", startingAt: 0) + "  prompts     mean   median       sd")
    for m in models {
        say(
            m.model.padding(toLength: width, withPad: " ", startingAt: 0)
                + String(format: "  %7d  %7.2f  %7.2f  %7.2f", m.prompts, m.mean, m.median, m.sd))
    }
}

extension DatasetLayout: ExpressibleByArgument {}
