import Foundation

/// A small scored study made from the shared photos: three models, three prompts (one with an
/// apostrophe), 2–4 images each, scored with the tiny model into a private cache and compared.
/// Here, not in ReportTests, because the report command tests (CLITests) and the browser tests
/// (ReportTests) both use it. Built once per test process; tests copy nothing and write their reports into fresh folders.
public final class ReportFixture: @unchecked Sendable {
    public let root: URL
    public var dataset: URL { root.appendingPathComponent("study") }
    public var scores: URL { root.appendingPathComponent("scores.csv") }
    public var cache: URL { root.appendingPathComponent("cache.sqlite") }
    public var compare: URL { root.appendingPathComponent("compare.json") }
    public var compareAll: URL { root.appendingPathComponent("compare-all.json") }
    public static let model = TestPaths.fixtures.appendingPathComponent("models/tiny-b32").path

    nonisolated(unsafe) private static var shared: ReportFixture?
    private static let lock = NSLock()

    public static func get() throws -> ReportFixture {
        lock.lock(); defer { lock.unlock() }
        if let shared { return shared }
        let f = try ReportFixture()
        shared = f
        return f
    }

    public static let layout: [(model: String, prompt: String, photos: [String])] = [
        ("SDXL", "a cat", ["chelsea.png", "coffee.png", "camera.png", "rocket.jpg"]),
        ("SDXL", "a rocket", ["rocket.jpg", "hubble_deep_field.jpg", "astronaut.png"]),
        ("SDXL", "a man's portrait", ["franz-kafka.jpg", "camera.png", "astronaut.png", "chelsea.png"]),
        ("pixart", "a cat", ["chelsea.png", "chelsea.png", "coffee.png"]),
        ("pixart", "a rocket", ["rocket.jpg", "rocket.jpg", "astronaut.png", "hubble_deep_field.jpg"]),
        ("pixart", "a man's portrait", ["franz-kafka.jpg", "franz-kafka.jpg", "camera.png"]),
        ("flux", "a cat", ["chelsea.png", "coffee.png"]),
        ("flux", "a rocket", ["rocket.jpg", "astronaut.png"]),
        ("flux", "a man's portrait", ["franz-kafka.jpg", "astronaut.png"])
    ]

    private init() throws {
        root = try makeTemporaryDirectory("scs-report")
        let fm = FileManager.default
        for g in Self.layout {
            let dir = root.appendingPathComponent("study/\(g.model)/\(g.prompt)")
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            for (i, photo) in g.photos.enumerated() {
                let src = TestPaths.sharedImages.appendingPathComponent(photo)
                try fm.copyItem(at: src, to: dir.appendingPathComponent("\(i + 1).\(src.pathExtension)"))
            }
        }
        try Self.check(["score", dataset.path, "--model", Self.model, "--cache", cache.path, "--out", scores.path, "--quiet"])
        try Self.check(["compare", scores.path, "--a", "pixart", "--b", "SDXL", "--json", compare.path, "--bootstrap", "999"])
        try Self.check(["compare", scores.path, "--json", compareAll.path, "--bootstrap", "999"])
    }

    @discardableResult
    public static func check(_ args: [String]) throws -> CLIResult {
        let r = try CLIRunner.run(args)
        guard r.status == 0 else {
            throw NSError(domain: "scs \(args.joined(separator: " "))", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: r.stderr])
        }
        return r
    }

    /// `scs report` on this study into `out`, with extra arguments.
    public func report(out: URL, scores: URL? = nil, compare: [URL]? = nil, dataset: URL? = nil) throws -> CLIResult {
        var args = [
            "report", (dataset ?? self.dataset).path, "--scores", (scores ?? self.scores).path, "--out", out.path,
            "--model", Self.model, "--cache", cache.path, "--quiet"
        ]
        for c in compare ?? [self.compare, compareAll] { args += ["--compare", c.path] }
        return try CLIRunner.run(args)
    }
}
