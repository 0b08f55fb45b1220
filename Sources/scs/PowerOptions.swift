import ArgumentParser
import Foundation
import SCSStats

/// `scs compare --power`: how many prompts would detect a difference, and the unequal-n guard.
struct PowerOptions: ParsableArguments {
    @Flag(help: "Estimate the number of prompts the paired test needs to detect the difference (two sides only; docs/compare.md).")
    var power = false

    @Option(
        name: .customLong("power-difference"),
        help: ArgumentHelp("The difference A − B to detect (default: the observed mean paired difference).", valueName: "D"))
    var difference: Double?

    @Option(name: .customLong("power-alpha"), help: "The test's significance level for --power.")
    var alpha: Double = 0.05

    @Option(name: .customLong("power-target"), help: "The power to reach.")
    var target: Double = 0.8

    @Option(name: .customLong("power-draws"), help: "Resamples per number of prompts tried.")
    var draws: Int = 1000

    @Flag(help: "Compare an n-dependent metric (vendi, vendi_inf, clipscore_max) across groups with different numbers of images.")
    var allowUnequalN = false

    func validate() throws {
        guard alpha > 0 && alpha < 1 else { throw ValidationError("--power-alpha must be between 0 and 1") }
        guard target > 0 && target < 1 else { throw ValidationError("--power-target must be between 0 and 1") }
        guard draws >= 1 else { throw ValidationError("--power-draws must be at least 1") }
        if let difference, !difference.isFinite { throw ValidationError("--power-difference must be a number") }
        if !power && (difference != nil || alpha != 0.05 || target != 0.8 || draws != 1000) {
            throw ValidationError("--power-difference, --power-alpha, --power-target and --power-draws go with --power")
        }
    }
}
