import ArgumentParser
import Foundation
import SCSScoring

/// Writes a line to stdout.
func say(_ text: String) { print(text) }

/// Writes a line to stderr (through `Console`, so it never lands in the middle of a progress bar).
func note(_ text: String) { Console.note(text) }

/// stderr, the one channel for notes and progress: a note written while a progress bar is drawn
/// on a terminal ends the bar's line first, so that the two never share a line, whichever part
/// of the program writes them.
enum Console {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var barOnScreen = false

    static func note(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        endBarLocked()
        write(text + "\n")
    }

    /// Redraws the bar in place (`line` starts with a carriage return).
    static func drawBar(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        write(line)
        barOnScreen = true
    }

    /// Ends a bar that is on screen.
    static func endBar() {
        lock.lock()
        defer { lock.unlock() }
        endBarLocked()
    }

    private static func endBarLocked() {
        if barOnScreen { write("\n") }
        barOnScreen = false
    }

    private static func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}

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
