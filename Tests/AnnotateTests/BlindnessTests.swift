import Crypto
import Foundation
import GRDB
@testable import SCSAnnotate
import SCSImaging
import XCTest

/// The study is blind: nothing an annotator's browser receives tells which side is model A.
///
/// Both models' galleries are made of byte-identical files (only the file names differ, and
/// model A's images are registered first, so their ids come first), so any difference between
/// the sides that a page or an image response shows is a leak, not content. Sixteen annotators
/// play the whole study through the real server; for every visible feature we could think of
/// (the tokens in the URLs and their order, alt texts, the order of images, response headers,
/// sizes and bytes of thumbnails and full images) we test whether it predicts "model A is on the
/// left" better than a coin (exact two-sided binomial test). The same test run on a feature
/// that does leak (the registered ids the URLs used to carry) must flag it, which shows it has
/// the power to.
final class BlindnessTests: XCTestCase {
    static let prompts = (1...8).map { "prompt \($0)" }
    static let perSide = 4
    static let annotators = 16

    var root: URL!

    override func setUp() async throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("blind-\(UUID().uuidString)")
        for (p, prompt) in Self.prompts.enumerated() {
            for i in 0..<Self.perSide {
                let size = 40 + 8 * i
                var pixels: [UInt8] = []
                for k in 0..<(size * size) {
                    let r = (k * 7 + p * 40) % 256, g = (k / size * 5 + i * 60) % 256, b = p * 30 % 256
                    pixels += [UInt8(r), UInt8(g), UInt8(b)]
                }
                let jpeg = Data(try JPEGEncoder.encode(RGBImage(width: size, height: size, pixels: pixels)))
                for (model, name) in [("SDXL", String(format: "%02d.jpg", i)), ("pixart", "seed-\(9000 - i).jpg")] {
                    let folder = root.appendingPathComponent("ds/\(model)/\(prompt)")
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                    try jpeg.write(to: folder.appendingPathComponent(name))
                }
            }
        }
    }

    override func tearDown() async throws { try? FileManager.default.removeItem(at: root) }

    /// What one trial showed, per side.
    struct Side {
        var tokens: [String] = []
        var alts: [String] = []
        var thumbHashes: [String] = []
        var thumbSizes: [Int] = []
        var fullHashes: [String] = []
        var headerSets: [[String]] = []
        var registeredIDs: [Int64] = []
    }

    func testNoVisibleFeaturePredictsTheSideOfModelA() async throws {
        let (study, _) = try StudySetup.create(
            at: root.appendingPathComponent("study.db").path,
            dataset: root.appendingPathComponent("ds").path,
            config: StudyConfig(modelA: "SDXL", modelB: "pixart", imagesPerSide: Self.perSide))
        let server = try await RunningServer.start(study, warmThumbnails: true)
        defer { Task { await server.stop() } }
        let queue = try DatabaseQueue(path: study.path)

        var truth: [Bool] = []
        var trials: [(left: Side, right: Side)] = []
        for a in 0..<Self.annotators {
            let annotator = try study.invite(name: "annotator \(a)")
            let link = "\(server.base)/a/\(annotator.token)"
            while true {
                let session = try await Session.open(link)
                guard let prompt = session.prompt else { break }
                let page = session.page
                XCTAssertFalse(page.contains("SDXL") || page.contains("pixart") || page.contains(".jpg"), "no model or file name on the page")
                let split = try XCTUnwrap(page.range(of: "id=\"gallery-right\""))
                var sides = (left: Side(), right: Side())
                let end = try XCTUnwrap(page.range(of: "</main>", range: split.upperBound..<page.endIndex))
                for (half, isLeft) in [(String(page[..<split.lowerBound]), true), (String(page[split.lowerBound..<end.lowerBound]), false)] {
                    var side = Side()
                    side.tokens = Self.matches(#"/image/([A-Za-z0-9_-]+)/thumb"#, in: half)
                    side.alts = Self.matches(#"alt="([^"]*)""#, in: half).map { $0.replacingOccurrences(of: isLeft ? "Left" : "Right", with: "SIDE") }
                    XCTAssertEqual(side.tokens.count, Self.perSide)
                    for token in side.tokens {
                        let thumb = try await TestHTTP.get("\(link)/image/\(token)/thumb")
                        let full = try await TestHTTP.get("\(link)/image/\(token)/full")
                        XCTAssertEqual(thumb.status, 200)
                        XCTAssertEqual(full.status, 200)
                        side.thumbHashes.append(Self.sha(thumb.body))
                        side.thumbSizes.append(thumb.body.count)
                        side.fullHashes.append(Self.sha(full.body))
                        for reply in [thumb, full] {
                            side.headerSets.append(
                                reply.headers.filter { $0.name.lowercased() != "date" }
                                    .map { "\($0.name.lowercased()): \($0.value)" }.sorted())
                        }
                        side.registeredIDs.append(
                            try await queue.read { db in
                                try Int64.fetchOne(db, sql: "SELECT image_id FROM shown_image WHERE token = ?", arguments: [token])!
                            })
                    }
                    if isLeft { sides.left = side } else { sides.right = side }
                }
                let aLeft =
                    try await queue.read { db in
                        try String.fetchOne(
                            db, sql: "SELECT left_model FROM assignment WHERE annotator_id = ? AND prompt_id = ?",
                            arguments: [annotator.id, prompt])
                    } == "SDXL"
                truth.append(aLeft)
                trials.append(sides)
                let reply = try await session.answer(prompt, Bool.random() ? "left" : "right")
                XCTAssertEqual(reply.status, 303)
            }
        }
        XCTAssertEqual(trials.count, Self.annotators * Self.prompts.count)
        XCTAssertEqual(Double(truth.filter { $0 }.count), Double(truth.count) / 2, accuracy: 1, "sides balanced")

        // Things that must be the same on both sides, whatever the side: alt texts (up to the
        // side's name), header names and values, and the set of images shown.
        for (left, right) in trials {
            XCTAssertEqual(left.alts, right.alts)
            XCTAssertEqual(Set(left.headerSets), Set(right.headerSets), "response headers differ between sides")
            XCTAssertEqual(left.thumbHashes.sorted(), right.thumbHashes.sorted(), "same images, re-encoded the same way")
            XCTAssertEqual(left.fullHashes.sorted(), right.fullHashes.sorted())
        }
        // Tokens are unguessable and unrelated to the registered ids.
        let allTokens = trials.flatMap { $0.left.tokens + $0.right.tokens }
        XCTAssertEqual(Set(allTokens).count, allTokens.count, "every image link is a fresh token")
        XCTAssertTrue(allTokens.allSatisfy { $0.count >= 22 && Int64($0) == nil })

        // Features an annotator could compute from what they see, as "A is on the left" guesses.
        typealias Feature = (String, (Side, Side) -> Bool)
        var features: [Feature] = []
        features.append(("smallest token on the left", { l, r in l.tokens.min()! < r.tokens.min()! }))
        features.append(("first token of the left smaller", { l, r in l.tokens[0] < r.tokens[0] }))
        features.append(("left's tokens in sorted order", { l, _ in l.tokens == l.tokens.sorted() }))
        features.append(("left's thumbnails larger in bytes", { l, r in l.thumbSizes.reduce(0, +) > r.thumbSizes.reduce(0, +) }))
        features.append(("left's first thumbnail larger than the right's first", { l, r in l.thumbSizes[0] > r.thumbSizes[0] }))
        features.append(("left's first image sorts before the right's", { l, r in l.thumbHashes[0] < r.thumbHashes[0] }))
        features.append(("left shown in file order", { l, _ in l.thumbSizes == l.thumbSizes.sorted() }))
        features.append(("left's first full image sorts first", { l, r in l.fullHashes[0] < r.fullHashes[0] }))
        for (name, feature) in features {
            let agree = zip(trials, truth).filter { feature($0.0.left, $0.0.right) == $0.1 }.count
            let p = Self.binomialTwoSided(agree, trials.count)
            XCTAssertGreaterThan(p, 1e-4, "\(name) predicts model A's side: \(agree) of \(trials.count)")
        }
        // The power check: the ids the URLs used to carry would have given the side away.
        let leak = zip(trials, truth).filter { ($0.0.left.registeredIDs.min()! < $0.0.right.registeredIDs.min()!) == $0.1 }.count
        XCTAssertLessThan(Self.binomialTwoSided(leak, trials.count), 1e-6, "the test must catch a leak like the old ids")

        // The old id URLs are gone.
        let someone = try study.annotators()[0]
        let old = try await TestHTTP.get("\(server.base)/a/\(someone.token)/image/1/thumb")
        XCTAssertEqual(old.status, 404)
        // Another annotator's token does not open this annotator's images.
        let other = try study.annotators()[1]
        let stolen = try await TestHTTP.get("\(server.base)/a/\(other.token)/image/\(trials[0].left.tokens[0])/thumb")
        XCTAssertEqual(stolen.status, 404)
    }

    /// The full-size view is re-encoded: a generator's notes in the file (here a JPEG comment
    /// naming the checkpoint) never reach the annotator.
    func testFullSizeImagesCarryNoMetadata() async throws {
        let file = root.appendingPathComponent("ds/SDXL/prompt 1/00.jpg")
        var bytes = [UInt8](try Data(contentsOf: file))
        let note = Array("checkpoint: sd_xl_base_1.0.safetensors".utf8)
        bytes.insert(contentsOf: [0xFF, 0xFE, UInt8((note.count + 2) >> 8), UInt8((note.count + 2) & 0xFF)] + note, at: 2)
        try Data(bytes).write(to: file)
        XCTAssertNotNil(Data(bytes).range(of: Data("sd_xl_base".utf8)))
        let (study, _) = try StudySetup.create(
            at: root.appendingPathComponent("study.db").path,
            dataset: root.appendingPathComponent("ds").path,
            config: StudyConfig(modelA: "SDXL", modelB: "pixart", imagesPerSide: Self.perSide))
        let server = try await RunningServer.start(study)
        defer { Task { await server.stop() } }
        let annotator = try study.invite(name: "ann")
        let link = "\(server.base)/a/\(annotator.token)"
        let page = try await Session.open(link).page
        var checked = 0
        for token in Self.matches(#"/image/([A-Za-z0-9_-]+)/thumb"#, in: page) {
            for size in ["thumb", "full"] {
                let reply = try await TestHTTP.get("\(link)/image/\(token)/\(size)")
                XCTAssertEqual(reply.status, 200)
                XCTAssertEqual(reply.header("Content-Type"), "image/jpeg")
                XCTAssertNil(reply.body.range(of: Data("sd_xl_base".utf8)), "metadata leaked in \(size)")
                let decoded = try ImageDecoder.decode([UInt8](reply.body))
                XCTAssertGreaterThan(decoded.width, 0)
                checked += 1
            }
        }
        XCTAssertEqual(checked, 2 * 2 * Self.perSide)
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
            String(text[Range($0.range(at: 1), in: text)!])
        }
    }

    static func sha(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    /// Exact two-sided binomial p-value of k successes in n trials at 1/2 (SciPy's binomtest:
    /// the outcomes no likelier than k, which for p = 1/2 is both tails).
    static func binomialTwoSided(_ k: Int, _ n: Int) -> Double {
        func logChoose(_ n: Int, _ k: Int) -> Double { lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1)) }
        let far = max(k, n - k)
        var tail = 0.0
        for j in far...n { tail += exp(logChoose(n, j) - Double(n) * log(2)) }
        return min(1, k * 2 == n ? 1 : 2 * tail)
    }
}
