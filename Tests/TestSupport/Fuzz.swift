import Foundation

/// A small mutation fuzzer for scs's input parsers (scripts/fuzz/run.sh drives the long runs).
///
/// Each target takes seed inputs (real files), mutates them deterministically from a seed, and
/// feeds each mutant to the code under test, which must either accept it or throw an error whose
/// description is one line (naming the file or field). A trap or signal kills the test process:
/// the input being run is always on disk first (`.build/fuzz/current-<target>`), so
/// scripts/fuzz/run.sh can move it into the regression corpus (`Tests/Fixtures/fuzz/<target>/`),
/// which every run replays before mutating.
public struct FuzzReport: CustomStringConvertible {
    public var target: String
    public var inputs = 0
    public var accepted = 0
    public var refused = 0
    /// Inputs whose error was not one line, with the error.
    public var badErrors: [(file: String, error: String)] = []
    public init(target: String) { self.target = target }
    public var description: String {
        "fuzz \(target): \(inputs) inputs, \(accepted) accepted, \(refused) refused with one line, \(badErrors.count) bad errors"
    }
}

public enum Fuzz {
    /// Mutants per target: SCS_FUZZ_ITERATIONS, or `fallback` (the short run of `make test`).
    public static func iterations(fallback: Int) -> Int {
        ProcessInfo.processInfo.environment["SCS_FUZZ_ITERATIONS"].flatMap(Int.init) ?? fallback
    }

    /// SCS_FUZZ_SEED, or a fixed seed so the short run is the same every time.
    public static var seed: UInt64 { ProcessInfo.processInfo.environment["SCS_FUZZ_SEED"].flatMap(UInt64.init) ?? 20_261_202 }

    static var work: URL { TestPaths.repoRoot.appendingPathComponent(".build/fuzz") }

    /// Keeps the input about to run where scripts/fuzz/run.sh looks after a crash.
    public static func recordCurrent(_ target: String, _ bytes: [UInt8]) {
        try? FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try? Data(bytes).write(to: work.appendingPathComponent("current-\(target)"))
    }

    /// The run ended normally: nothing to keep.
    public static func clearCurrent(_ target: String) {
        try? FileManager.default.removeItem(at: work.appendingPathComponent("current-\(target)"))
    }
    public static func corpus(_ target: String) -> URL { TestPaths.fixtures.appendingPathComponent("fuzz/\(target)") }

    /// Runs the regression corpus of `target`, then `iterations` mutants of `seeds`. `body` gets
    /// each input written to a file named `name` (its extension matters to some parsers).
    public static func run(
        _ target: String, seeds: [[UInt8]], iterations: Int, name: String,
        body: (URL, [UInt8]) throws -> Void
    ) throws -> FuzzReport {
        // Inputs are written under a folder of this process's own: two runs at once never read
        // each other's files. The crash record (`current-<target>`) stays where run.sh looks.
        let dir = work.appendingPathComponent("run-\(getpid())/\(target)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let current = work.appendingPathComponent("current-\(target)")
        let file = dir.appendingPathComponent(name)
        var report = FuzzReport(target: target)
        var regressions: [[UInt8]] = []
        if let names = try? FileManager.default.contentsOfDirectory(atPath: corpus(target).path) {
            for n in names.sorted() where !n.hasPrefix(".") {
                regressions.append([UInt8](try Data(contentsOf: corpus(target).appendingPathComponent(n))))
            }
        }
        var mutator = Mutator(seed: seed ^ stableHash(target))
        for i in 0..<(regressions.count + seeds.count + iterations) {
            let input: [UInt8]
            if i < regressions.count {
                input = regressions[i]
            } else if i < regressions.count + seeds.count {
                input = seeds[i - regressions.count]
            } else {
                input = mutator.mutate(seeds[Int(mutator.next() % UInt64(seeds.count))], others: seeds)
            }
            try Data(input).write(to: current)
            try Data(input).write(to: file)
            report.inputs += 1
            do {
                try body(file, input)
                report.accepted += 1
            } catch {
                let text = "\(error)"
                if text.isEmpty || text.contains("\n") {
                    let saved = work.appendingPathComponent("bad-errors/\(target)-\(report.badErrors.count)")
                    try? FileManager.default.createDirectory(at: saved.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try? Data(input).write(to: saved)
                    report.badErrors.append((saved.path, text))
                } else {
                    report.refused += 1
                }
            }
        }
        try? FileManager.default.removeItem(at: current)
        try? FileManager.default.removeItem(at: dir)
        return report
    }

    static func stableHash(_ text: String) -> UInt64 {
        text.utf8.reduce(14_695_981_039_346_656_037) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
    }
}

/// Deterministic mutations: bit flips, interesting bytes, chunk deletion, duplication and
/// insertion, truncation, splicing with another seed, and text edits (digits, separators).
public struct Mutator {
    var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }

    static let interesting: [[UInt8]] = [
        [0], [0xFF], [0x7F], [0x80], [0xFF, 0xFF, 0xFF, 0xFF], [0, 0, 0, 0], [0x7F, 0xFF, 0xFF, 0xFF], [0x80, 0, 0, 0],
        Array("-1".utf8), Array("NaN".utf8), Array("1e309".utf8), Array("9999999999999999999999".utf8), Array("\"".utf8),
        Array(",".utf8), Array("\n".utf8), Array("\r\n".utf8), Array("{".utf8), Array("}".utf8), Array("[".utf8),
        Array("null".utf8), Array("%".utf8), Array("%ZZ".utf8), Array("\u{FEFF}".utf8), [0xC3], [0xED, 0xA0, 0x80]
    ]

    public mutating func mutate(_ seed: [UInt8], others: [[UInt8]]) -> [UInt8] {
        var bytes = seed
        for _ in 0...below(4) {
            // Parsers check headers first: half the edits land in the first 512 bytes.
            let span = bytes.isEmpty ? 0 : (next() & 1 == 0 ? min(bytes.count, 512) : bytes.count)
            switch below(9) {
            case 0 where span > 0:
                bytes[below(span)] ^= UInt8(1 << below(8))
            case 1 where span > 0:
                bytes[below(span)] = UInt8(truncatingIfNeeded: next())
            case 2:
                let piece = Self.interesting[below(Self.interesting.count)]
                let at = below(span + 1)
                if next() & 1 == 0 || at + piece.count > bytes.count {
                    bytes.insert(contentsOf: piece, at: at)
                } else {
                    bytes.replaceSubrange(at..<(at + piece.count), with: piece)
                }
            case 3 where span > 1:
                let a = below(span), n = 1 + below(min(64, bytes.count - a))
                bytes.removeSubrange(a..<(a + n))
            case 4 where span > 1:
                let a = below(span), n = 1 + below(min(64, bytes.count - a))
                bytes.insert(contentsOf: bytes[a..<(a + n)], at: below(bytes.count))
            case 5 where !bytes.isEmpty:
                bytes.removeLast(below(bytes.count))
            case 6 where !others.isEmpty:
                let other = others[below(others.count)]
                let cut = below(bytes.count + 1), from = below(other.count + 1)
                bytes = Array(bytes[..<cut]) + Array(other[from...])
            case 7 where span > 0:
                // A digit changed: sizes, counts and offsets in text formats.
                if let i = (0..<span).shuffled(using: &self).first(where: { (48...57).contains(bytes[$0]) }) {
                    bytes[i] = UInt8(48 + below(10))
                }
            default:
                if span > 0 { bytes[below(span)] = [0x00, 0xFF, 0x22, 0x2C, 0x0A][below(5)] }
            }
        }
        return bytes
    }
}

extension Mutator: RandomNumberGenerator {}
