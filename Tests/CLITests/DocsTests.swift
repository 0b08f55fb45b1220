import Foundation
import TestSupport
import XCTest

/// The docs (README.md and docs/*.md) held to the program: every relative link resolves, every
/// `scs` command they show names a subcommand and flags that `scs … --help` lists, the README's
/// command-line example prints what the README says, and the README stays one or two screens.
///
/// Commands are collected from lines starting with `scs ` (or `$ scs `) in fenced or indented
/// (4 spaces after a blank line) code blocks, and from inline code spans starting with `scs `.
/// `\` continues a line; a shell comment (` # …`) ends it; `[`…`]` around optional parts are
/// dropped; `|` between options is an alternative, a `|` followed by anything else is a pipe and
/// ends the command. Only `--long` flags are checked (short ones are rare and listed beside them).
final class DocsTests: XCTestCase {
    /// Commands shown on purpose with something that does not exist, and placeholders for a
    /// subcommand. Keep it short: every entry is a line the test does not check.
    static let allowlist: Set<String> = [
        "scs --no-such-flag",  // docs/exit-codes.md: the example of a usage error (exit code 64)
        "scs 0.1.0 (engine 3, commit 59b82e7444dc)"  // docs/exit-codes.md: what `scs --version` prints
    ]
    static let placeholderSubcommands: Set<String> = ["...", "…", "<subcommand>"]

    static var root: URL { TestPaths.repoRoot }

    /// README.md, then docs/*.md by name.
    static func docFiles() throws -> [URL] {
        let docs = root.appendingPathComponent("docs")
        let pages = try FileManager.default.contentsOfDirectory(at: docs, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "md" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        return [root.appendingPathComponent("README.md")] + pages
    }

    static func relative(_ url: URL) -> String {
        String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
    }

    // MARK: Markdown, as much of it as the docs use

    struct Line { let number: Int; let text: String; let isCode: Bool }

    /// Each line, and whether it is inside a fenced or an indented code block.
    static func lines(of text: String) -> [Line] {
        var result: [Line] = []
        var inFence = false
        var previousBlank = true, previousCode = false
        for (i, raw) in text.components(separatedBy: "\n").enumerated() {
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") {
                inFence.toggle()
                result.append(Line(number: i + 1, text: raw, isCode: false))
                previousBlank = false; previousCode = false
                continue
            }
            let indented = raw.hasPrefix("    ") && !trimmed.isEmpty && (previousBlank || previousCode)
            let isCode = inFence || indented
            result.append(Line(number: i + 1, text: raw, isCode: isCode))
            previousBlank = trimmed.isEmpty
            previousCode = isCode || (previousCode && trimmed.isEmpty)
        }
        return result
    }

    /// The contents of `…` spans on a prose line.
    static func inlineCode(_ line: String) -> [String] {
        var spans: [String] = []
        var rest = Substring(line)
        while let open = rest.firstIndex(of: "`") {
            var ticks = 0, i = open
            while i < rest.endIndex, rest[i] == "`" { ticks += 1; i = rest.index(after: i) }
            let fence = String(repeating: "`", count: ticks)
            guard let close = rest[i...].range(of: fence) else { break }
            spans.append(String(rest[i..<close.lowerBound]).trimmingCharacters(in: .whitespaces))
            rest = rest[close.upperBound...]
        }
        return spans
    }

    /// A prose line without its code spans (so `[x](y)` inside code is not a link).
    static func withoutInlineCode(_ line: String) -> String {
        var out = line
        for span in inlineCode(line) { out = out.replacingOccurrences(of: "`\(span)`", with: "") }
        return out
    }

    /// GitHub's heading anchor: markup dropped, lower case, spaces to '-', punctuation other than
    /// '-' and '_' dropped; a repeated heading gets -1, -2, ….
    static func slug(_ heading: String) -> String {
        var text = heading
        // [text](target) → text
        if let link = try? NSRegularExpression(pattern: #"\[([^\]]*)\]\([^)]*\)"#) {
            text = link.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "$1")
        }
        var slug = ""
        for ch in text.lowercased() {
            if ch == " " { slug.append("-") } else if ch == "-" || ch == "_" || ch.isLetter || ch.isNumber { slug.append(ch) }
        }
        return slug
    }

    static func anchors(of text: String) -> Set<String> {
        var seen: [String: Int] = [:]
        var result: Set<String> = []
        for line in lines(of: text) where !line.isCode {
            guard let match = line.text.range(of: #"^#{1,6} +"#, options: .regularExpression) else { continue }
            var title = String(line.text[match.upperBound...]).trimmingCharacters(in: .whitespaces)
            while title.hasSuffix("#") { title.removeLast() }
            let base = slug(title.trimmingCharacters(in: .whitespaces))
            let n = seen[base, default: 0]
            seen[base] = n + 1
            result.insert(n == 0 ? base : "\(base)-\(n)")
        }
        return result
    }

    // MARK: Links

    func testEveryRelativeLinkResolves() throws {
        let linkPattern = try NSRegularExpression(pattern: #"\[[^\]]*\]\(([^)\s]+)\)"#)
        var problems: [String] = []
        var checked = 0
        for file in try Self.docFiles() {
            let text = try String(contentsOf: file, encoding: .utf8)
            for line in Self.lines(of: text) where !line.isCode {
                let prose = Self.withoutInlineCode(line.text)
                for m in linkPattern.matches(in: prose, range: NSRange(prose.startIndex..., in: prose)) {
                    let target = String(prose[Range(m.range(at: 1), in: prose)!])
                    if target.contains("://") || target.hasPrefix("mailto:") { continue }
                    checked += 1
                    let where_ = "\(Self.relative(file)):\(line.number): \(target)"
                    let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                    let path = String(parts[0]), anchor = parts.count > 1 ? String(parts[1]) : nil
                    let resolved =
                        path.isEmpty
                        ? file
                        : file.deletingLastPathComponent().appendingPathComponent(path).standardizedFileURL
                    guard FileManager.default.fileExists(atPath: resolved.path) else {
                        problems.append("\(where_): no such file"); continue
                    }
                    guard let anchor else { continue }
                    guard resolved.pathExtension == "md" else {
                        problems.append("\(where_): an anchor into a file that is not Markdown"); continue
                    }
                    let headings = Self.anchors(of: try String(contentsOf: resolved, encoding: .utf8))
                    if !headings.contains(anchor) {
                        problems.append("\(where_): no heading with anchor #\(anchor) in \(Self.relative(resolved))")
                    }
                }
            }
        }
        XCTAssertGreaterThan(checked, 50, "the link scan found too few links: is it reading the docs?")
        XCTAssertTrue(problems.isEmpty, "broken links:\n" + problems.joined(separator: "\n"))
    }

    func testSlugsFollowGitHub() {
        XCTAssertEqual(Self.slug("`scs score` — score a dataset"), "scs-score--score-a-dataset")
        XCTAssertEqual(Self.slug("Beyond one number: `--metrics`"), "beyond-one-number---metrics")
        XCTAssertEqual(Self.slug("Robustness: the fuzz harness"), "robustness-the-fuzz-harness")
        XCTAssertEqual(Self.slug("How reduced precision moves the score"), "how-reduced-precision-moves-the-score")
        XCTAssertEqual(Self.slug("vendi_inf and PixArt-α"), "vendi_inf-and-pixart-α")
        XCTAssertEqual(Self.anchors(of: "# A\n\n## A\n\n    # not a heading\n"), ["a", "a-1"])
    }

    // MARK: Commands

    struct Command: CustomStringConvertible {
        let file: String, line: Int, text: String
        var description: String { "\(file):\(line): \(text)" }
    }

    /// Every `scs …` command the docs show.
    static func commands() throws -> [Command] {
        var result: [Command] = []
        for file in try docFiles() {
            let name = relative(file)
            let all = lines(of: try String(contentsOf: file, encoding: .utf8))
            var i = 0
            while i < all.count {
                let line = all[i]
                defer { i += 1 }
                if line.isCode {
                    var text = line.text.trimmingCharacters(in: .whitespaces)
                    if text.hasPrefix("$ ") { text.removeFirst(2) }
                    guard text == "scs" || text.hasPrefix("scs ") else { continue }
                    var joined = stripComment(text)
                    while joined.hasSuffix("\\"), i + 1 < all.count, all[i + 1].isCode {
                        joined.removeLast()
                        i += 1
                        joined += " " + stripComment(all[i].text.trimmingCharacters(in: .whitespaces))
                    }
                    result.append(Command(file: name, line: line.number, text: joined))
                } else {
                    for span in inlineCode(line.text) where span.hasPrefix("scs ") {
                        result.append(Command(file: name, line: line.number, text: span))
                    }
                }
            }
        }
        return result
    }

    /// A shell comment: ` #` followed by a space or the end.
    static func stripComment(_ text: String) -> String {
        guard let r = text.range(of: #"\s#(\s.*)?$"#, options: .regularExpression) else { return text }
        return String(text[..<r.lowerBound]).trimmingCharacters(in: .whitespaces)
    }

    /// The words of a command, up to a pipe, with the optional-part brackets dropped.
    static func words(_ command: String) -> [String] {
        let raw = command.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        var words: [String] = []
        var depth = 0
        for (k, token) in raw.enumerated() {
            if token == "|" {
                let next = k + 1 < raw.count ? raw[k + 1].trimmingCharacters(in: CharacterSet(charactersIn: "[(")) : ""
                if depth > 0 || next.hasPrefix("-") { continue }  // an alternative: [--a X | --b Y]
                break  // a pipe: `scs compare … | tail -1`
            }
            depth += token.filter { $0 == "[" }.count - token.filter { $0 == "]" }.count
            let word = token.trimmingCharacters(in: CharacterSet(charactersIn: "[]()"))
            if !word.isEmpty { words.append(word) }
        }
        return words
    }

    /// `scs <path> --help`, read once: the subcommands it lists and its options' long flags.
    struct Help { let subcommands: Set<String>; let flags: Set<String> }
    private static var helpCache: [[String]: Help] = [:]

    static func help(_ path: [String]) throws -> Help {
        if let cached = helpCache[path] { return cached }
        let r = try CLIRunner.run(path + ["--help"])
        precondition(r.status == 0, "scs \(path.joined(separator: " ")) --help failed: \(r.stderr)")
        var section = "", subcommands: Set<String> = [], flags: Set<String> = []
        let flag = try NSRegularExpression(pattern: #"--[A-Za-z0-9][A-Za-z0-9-]*"#)
        for line in r.stdout.components(separatedBy: "\n") {
            if let first = line.first, first != " ", line.hasSuffix(":") { section = line; continue }
            if section == "SUBCOMMANDS:", line.hasPrefix("  "), !line.hasPrefix("   "),
                let word = line.split(separator: " ").first, !line.contains("See 'scs help")
            {
                subcommands.insert(String(word))
            }
            if section == "OPTIONS:", line.hasPrefix("  -") {
                // The option column: up to the gap before its description.
                let spec = line.dropFirst(2).components(separatedBy: "  ").first ?? ""
                for m in flag.matches(in: spec, range: NSRange(spec.startIndex..., in: spec)) {
                    flags.insert(String(spec[Range(m.range, in: spec)!]))
                }
            }
        }
        let help = Help(subcommands: subcommands, flags: flags)
        helpCache[path] = help
        return help
    }

    /// What is wrong with one command, if anything: an unknown subcommand or flag.
    static func problems(_ command: Command) throws -> [String] {
        if allowlist.contains(command.text) { return [] }
        var words = words(command.text)
        guard words.first == "scs" else { return [] }
        words.removeFirst()
        var path: [String] = []
        while let next = words.first, !next.hasPrefix("-") {
            let known = try help(path).subcommands
            if known.isEmpty { break }  // a leaf: the rest are arguments
            if placeholderSubcommands.contains(next) { return [] }
            guard known.contains(next) else {
                return ["\(command): `\(next)` is not a subcommand of `\((["scs"] + path).joined(separator: " "))`"]
            }
            path.append(next)
            words.removeFirst()
        }
        let listed = try help(path).flags
        var result: [String] = []
        for word in words where word.hasPrefix("--") && word.count > 2 {
            let name = String(word.split(separator: "=", maxSplits: 1)[0])
            if !listed.contains(name) {
                result.append("\(command): `\((["scs"] + path).joined(separator: " ")) --help` does not list \(name)")
            }
        }
        return result
    }

    func testEveryCommandShownNamesRealSubcommandsAndFlags() throws {
        let commands = try Self.commands()
        XCTAssertGreaterThan(commands.count, 40, "the command scan found too few commands: is it reading the docs?")
        // Every subcommand scs has is shown somewhere in the docs (a new one needs its page).
        let shown = Set(commands.compactMap { Self.words($0.text).dropFirst().first })
        for sub in try Self.help([]).subcommands.subtracting(["worker", "help"]) {
            XCTAssertTrue(shown.contains(sub), "no doc shows `scs \(sub)`")
        }
        var problems: [String] = []
        for command in commands { problems += try Self.problems(command) }
        XCTAssertTrue(problems.isEmpty, "docs that do not match scs:\n" + problems.joined(separator: "\n"))
    }

    /// Flags other programs take, named in the docs beside scs's own: Chromium's (report.md),
    /// scripts/bench/run.sh's (speed.md), swift-argument-parser's hidden built-in (exit-codes.md),
    /// and the usage error exit-codes.md shows on purpose.
    static let otherProgramsFlags: Set<String> = ["--dump-dom", "--big", "--repeat", "--generate-completion-script", "--no-such-flag"]

    /// Every `scs` command path (`score`, `cache merge`, …) and the root.
    static func allCommandPaths() throws -> [[String]] {
        var paths: [[String]] = [[]], queue: [[String]] = [[]]
        while let path = queue.popLast() {
            for sub in try help(path).subcommands.sorted() where sub != "help" {
                paths.append(path + [sub]); queue.append(path + [sub])
            }
        }
        return paths
    }

    /// A `--flag` named in prose (`--max-pixels N` (on `score`, …), the options table) is one some
    /// scs command's `--help` lists: a flag renamed or removed leaves no stale mention behind.
    func testEveryFlagNamedInProseExists() throws {
        var known = Self.otherProgramsFlags
        for path in try Self.allCommandPaths() { known.formUnion(try Self.help(path).flags) }
        XCTAssertTrue(known.contains("--max-pixels") && known.contains("--into"), "the help scan found too few flags")
        let flag = try NSRegularExpression(pattern: #"(?<![A-Za-z0-9-])--[A-Za-z0-9][A-Za-z0-9-]*"#)
        var problems: [String] = []
        for file in try Self.docFiles() {
            for line in Self.lines(of: try String(contentsOf: file, encoding: .utf8)) where !line.isCode {
                for span in Self.inlineCode(line.text) {
                    for m in flag.matches(in: span, range: NSRange(span.startIndex..., in: span)) {
                        let name = String(span[Range(m.range, in: span)!])
                        if !known.contains(name) { problems.append("\(Self.relative(file)):\(line.number): \(name) in `\(span)`") }
                    }
                }
            }
        }
        XCTAssertTrue(problems.isEmpty, "flags no scs command lists:\n" + problems.joined(separator: "\n"))
    }

    /// The checker itself: a flag or subcommand that does not exist is caught, alternatives,
    /// brackets, continuations, comments and pipes are read as the docs mean them.
    func testTheCommandCheckCatchesWhatDoesNotExist() throws {
        func check(_ text: String) throws -> [String] { try Self.problems(Command(file: "t", line: 1, text: text)) }
        XCTAssertEqual(try check("scs score study/ --out s.csv [--batch-size 8] [--trust-me X]").count, 1)
        XCTAssertEqual(try check("scs annotate serve db [--trust-proxy IP | --public-url URL]"), [])
        XCTAssertEqual(try check("scs annotate serve db [--trust-proxy IP | --no-such URL]").count, 1)
        XCTAssertEqual(try check("scs compare scores.csv --a A --b B | tail --lines 1"), [])
        XCTAssertEqual(try check("scs cache merge a.sqlite --into b.sqlite"), [])
        XCTAssertEqual(try check("scs cache merge a.sqlite --out b.sqlite").count, 1)
        XCTAssertEqual(try check("scs no-such-command --out x").count, 1)
        XCTAssertEqual(Self.stripComment("scs score a   # --not-read"), "scs score a")
        let doc = "Text\n\n    scs compare s.csv --a A \\\n        --b B   # the paper's\n\nand `scs embed x --out e.npy` here.\n"
        XCTAssertEqual(Self.lines(of: doc).filter(\.isCode).count, 2)
    }

    // MARK: The README

    func testReadmeIsOneOrTwoScreens() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let count = readme.split(separator: "\n", omittingEmptySubsequences: false).count - (readme.hasSuffix("\n") ? 1 : 0)
        XCTAssertLessThan(count, 200, "README.md has \(count) lines: move the detail to docs/")
        for page in try Self.docFiles().dropFirst() {
            XCTAssertTrue(readme.contains("](docs/\(page.lastPathComponent)"), "README.md does not link docs/\(page.lastPathComponent)")
        }
    }

    /// The README's command-line example, run: the study it describes (two models, two prompts,
    /// three of the shared test photos each) and the tiny random-weight model; what scs prints
    /// must be the lines the README shows.
    func testReadmeCommandLineExampleIsWhatScsPrints() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        // The code block that starts with `$ scs score`, to its end.
        let all = Self.lines(of: readme)
        guard let start = all.firstIndex(where: { $0.isCode && $0.text.trimmingCharacters(in: .whitespaces).hasPrefix("$ scs score ") }) else {
            return XCTFail("README.md shows no `$ scs score` example")
        }
        let block = all[start...].prefix(while: \.isCode).map { $0.text.trimmingCharacters(in: .whitespaces) }
        let work = try makeTemporaryDirectory("scs-docs")
        try PhotoStudy.make(
            at: work.appendingPathComponent("study"),
            [
                ("SDXL", "a red fox in the snow", ["chelsea.png", "coffee.png", "camera.png"]),
                ("SDXL", "a rocket at dawn", ["rocket.jpg", "astronaut.png", "hubble_deep_field.jpg"]),
                ("pixart", "a red fox in the snow", ["chelsea.png", "astronaut.png", "coffee.png"]),
                ("pixart", "a rocket at dawn", ["rocket.jpg", "camera.png", "franz-kafka.jpg"])
            ], numbered: false)
        var i = 0, ran = 0
        while i < block.count, block[i].hasPrefix("$ scs ") {
            let shown = String(block[i].dropFirst(2))
            var expected: [String] = []
            i += 1
            while i < block.count, !block[i].hasPrefix("$ ") { expected.append(block[i]); i += 1 }
            var text = shown, tail: Int? = nil
            if let pipe = shown.range(of: " | tail -") {
                tail = Int(shown[pipe.upperBound...])
                text = String(shown[..<pipe.lowerBound])
            }
            let args = text.split(separator: " ").dropFirst().map { arg -> String in
                arg.hasPrefix("Tests/Fixtures/") ? Self.root.appendingPathComponent(String(arg)).path : String(arg)
            }
            let r = try CLIRunner.run(
                args, environment: ["SCS_CACHE_DIR": work.appendingPathComponent("cache").path],
                directory: work)
            XCTAssertEqual(r.status, 0, "\(shown): \(r.stderr)")
            var printed = r.stdout.split(separator: "\n").map { String($0).trimmingCharacters(in: .whitespaces) }
            if let tail { printed = Array(printed.suffix(tail)) }
            XCTAssertEqual(printed, expected, "README.md shows other output for `\(shown)` than scs prints")
            ran += 1
        }
        XCTAssertGreaterThanOrEqual(ran, 2)
    }
}
