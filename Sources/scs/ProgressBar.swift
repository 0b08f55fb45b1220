import Foundation

/// Progress on stderr: a redrawn bar with done/total, images/s and ETA on a terminal; plain
/// lines every few seconds otherwise (logs, CI); nothing with --quiet.
final class ProgressBar: @unchecked Sendable {
    private let quiet: Bool
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var label = ""
    private var start = Date()
    private var lastDraw = Date.distantPast
    private let lock = NSLock()

    init(quiet: Bool) { self.quiet = quiet }

    /// `note` is shown after the ETA (e.g. "3 retries"); unlike a new label it does not restart
    /// the clock the rate and ETA are measured from.
    func update(label: String, done: Int, total: Int, unit: String = "images", note: String = "") {
        if quiet { return }
        lock.lock()
        defer { lock.unlock() }
        if label != self.label {
            finishLine()
            self.label = label
            start = Date()
            lastDraw = .distantPast
        }
        let now = Date()
        let finished = done >= total
        guard finished || now.timeIntervalSince(lastDraw) >= (isTerminal ? 0.1 : 5) else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        // A rate over less than half a second says nothing yet.
        let rate = elapsed >= 0.5 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Self.clock(Double(total - done) / rate) : "--:--"
        let rateText = rate > 0 ? String(format: "%.1f", rate) : "-"
        let stats = String(format: "%d/%d %@  %@ %@/s  ETA %@", done, total, unit, rateText, unit, eta) + (note.isEmpty ? "" : "  \(note)")
        if isTerminal {
            let width = 28
            let filled = total > 0 ? min(width, width * done / total) : width
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            Console.drawBar("\r\(label) \(bar) \(stats)\u{1B}[K")
            if finished { finishLine() }
        } else {
            Console.note("\(label): \(stats)")
        }
    }

    /// Ends a bar that is on screen.
    func finishLine() { Console.endBar() }

    func message(_ text: String) {
        if quiet { return }
        Console.note(text)
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
