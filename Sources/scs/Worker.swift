import ArgumentParser
import Foundation
import SCSModels
import SCSScoring
import SCSTensor

/// `scs worker`: one model loaded once, then requests answered one line at a time, so that a
/// program calling scs many times (the Python package `semantic_consistency`) pays the model's
/// loading once, not per call.
///
/// The protocol, on stdin and stdout, UTF-8, until stdin ends:
/// - each request is one line holding one JSON object; blank lines are ignored;
/// - each request gets exactly one response line, a JSON object, in order; `id` is the request's
///   `id` echoed back (any JSON value; null when the request had none); `ok` is true or false;
/// - a failed request answers `{"id": …, "ok": false, "error": "<scs's one-line message>"}` (the
///   text `scs` prints after `Error: `) and the worker goes on with the next line;
/// - nothing else is ever written to stdout: progress and notes go to stderr (stdout's descriptor
///   is pointed at stderr while the worker runs; responses go to a private copy of it).
///
/// Requests (`op`):
/// - `{"op": "ping"}` → `{"ok": true, "op": "pong"}`
/// - `{"op": "info"}` → model (as given), path, kind, fingerprint, precision, preprocessing,
///   kernels, engine, version, cache (null without one), load_seconds, packed_weights ("mapped"
///   from an earlier load's packed-weights file, "written" when this load packed and stored them,
///   "unwritten" when storing failed, null without a cache)
/// - `{"op": "embed", "paths": [...], "out": "x.npy"}` → writes float32 (N, D) as `scs embed`
///   does; `{"out", "shape": [N, D], "embedded", "from_cache", "seconds"}`
/// - `{"op": "score", "dataset": DIR | "manifest": FILE, "layout": "model-prompt"|"prompt",
///   "metrics": ["scs", …] or "scs,vendi", "out": CSV, "json": optional path,
///   "skip_unreadable": false}` → writes what `scs score` writes (scores.csv, scores.meta.json,
///   the JSON summary, scores.alignment.csv with alignment metrics);
///   `{"out", "meta", "alignment" (or null), "groups", "images", "embedded", "from_cache",
///   "excluded", "skipped", "seconds"}`
///
/// If the model cannot be loaded, the worker writes nothing on stdout and exits 1 with
/// `Error: <message>` on stderr, as every scs command does.
struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a model once, then embed and score on request: a line-based JSON protocol on stdin/stdout (for the Python package).",
        discussion: """
            One request per line on stdin, one JSON response line per request on stdout, in order, until \
            stdin ends. Every response has "id" (the request's, echoed; null without one) and "ok". A \
            failed request answers {"id":…,"ok":false,"error":"<the one-line message scs prints after Error:>"} \
            and the worker goes on. Nothing else is written to stdout: progress and notes go to stderr.

            Requests (one line each) and what their responses hold:
              {"id":1,"op":"ping"}
                  {"id":1,"ok":true,"op":"pong"}
              {"id":2,"op":"info"}
                  model, path, kind, fingerprint, precision, preprocessing,
                  kernels, engine, version, cache, load_seconds,
                  packed_weights ("mapped", "written", "unwritten" or null)
              {"id":3,"op":"embed","paths":["a.jpg","b.png"],"out":"x.npy"}
                  writes float32 (N, D) as scs embed does; "out",
                  "shape":[N,D], "embedded", "from_cache", "seconds"
              {"id":4,"op":"score","dataset":"DIR","out":"scores.csv"}
                  optional: "manifest":"FILE" (instead of "dataset"),
                  "metrics":["scs","vendi"], "layout":"prompt",
                  "json":"summary.json", "skip_unreadable":true;
                  writes what scs score writes (scores.csv, scores.meta.json,
                  the JSON summary, scores.alignment.csv); "out", "meta",
                  "alignment", "groups", "images", "embedded", "from_cache",
                  "excluded", "skipped", "seconds"
            "seconds" is the request's own time in the worker.

            The model is loaded before the first request; if it cannot be, the worker exits 1 with \
            "Error: …" on stderr and nothing on stdout. The options are those of scs score.
            """
    )

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var cacheOptions: CacheOptions
    @OptionGroup var imageOptions: ImageOptions

    func run() async throws {
        // Responses go to a private copy of stdout; whatever else writes to stdout lands on stderr.
        let responseFD = dup(STDOUT_FILENO)
        guard responseFD >= 0, dup2(STDERR_FILENO, STDOUT_FILENO) >= 0 else {
            throw WorkerError("cannot set up stdout for the protocol: \(String(cString: strerror(errno)))")
        }
        let responses = FileHandle(fileDescriptor: responseFD, closeOnDealloc: true)
        imageOptions.apply()
        let started = Date()
        let modelURL = try await modelOptions.resolve(progress: ProgressBar(quiet: false))
        let embedder = try Embedder(modelDirectory: modelURL, cache: try cacheOptions.open(), setup: modelOptions.setup)
        _ = try embedder.model()
        let session = WorkerSession(
            model: modelOptions.name, modelURL: modelURL, embedder: embedder,
            loadSeconds: Date().timeIntervalSince(started))
        while let line = readLine(strippingNewline: true) {
            if line.allSatisfy(\.isWhitespace) { continue }
            responses.write(Data((session.respond(to: line) + "\n").utf8))
        }
    }
}

/// A request the worker cannot answer; its description is the response's `error`.
struct WorkerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The worker's state between requests: the loaded model, and the text tower once a request
/// needed it.
final class WorkerSession {
    let model: String
    let modelURL: URL
    let embedder: Embedder
    let loadSeconds: Double
    private var text: (any TextEncoder)?

    init(model: String, modelURL: URL, embedder: Embedder, loadSeconds: Double) {
        self.model = model
        self.modelURL = modelURL
        self.embedder = embedder
        self.loadSeconds = loadSeconds
    }

    /// The response line to one request line (never throws: errors become `"ok": false`).
    func respond(to line: String) -> String {
        var id: Any = NSNull()
        var fields: [String: Any]
        do {
            guard let request = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw WorkerError("a request is one JSON object on one line, got: \(line.prefix(80))")
            }
            id = request["id"] ?? NSNull()
            fields = try handle(request)
            fields["ok"] = true
        } catch {
            fields = ["ok": false, "error": Self.oneLine(Worker.message(for: ErrorWording.worded(error)))]
        }
        fields["id"] = id
        let data =
            (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data(#"{"ok":false,"error":"the response could not be written as JSON"}"#.utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// scs's messages are one line; a message from elsewhere is made one.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    func handle(_ request: [String: Any]) throws -> [String: Any] {
        guard let op = request["op"] as? String else { throw WorkerError("a request needs \"op\": ping, info, embed or score") }
        switch op {
        case "ping": return ["op": "pong"]
        case "info": return info()
        case "embed": return try embed(request)
        case "score": return try score(request)
        default: throw WorkerError("unknown op \"\(op)\": ping, info, embed or score")
        }
    }

    func info() -> [String: Any] {
        [
            "model": model, "path": modelURL.path, "kind": embedder.kind?.rawValue ?? NSNull(), "fingerprint": embedder.fingerprint,
            "precision": embedder.precision.rawValue, "preprocessing": embedder.preprocessing.versionedName,
            "kernels": KernelPath.current.rawValue, "engine": Embedder.engineVersion, "version": BuildInfo.version,
            "cache": embedder.cache?.path ?? NSNull(), "load_seconds": loadSeconds,
            "packed_weights": embedder.packedWeights?.outcome.rawValue ?? NSNull()
        ]
    }

    func embed(_ request: [String: Any]) throws -> [String: Any] {
        guard let paths = request["paths"] as? [String], !paths.isEmpty else {
            throw WorkerError("embed needs \"paths\": a non-empty list of image files")
        }
        let out = try string(request, "out", for: "embed")
        let started = Date()
        let outcome = try embedder.embed(paths: paths, skipUnreadable: false)
        let (rows, dim) = try OutputFiles.writeEmbeddingsNpy(outcome.embeddings.compactMap { $0 }, to: out)
        return [
            "out": out, "shape": [rows, dim], "embedded": outcome.embeddedCount, "from_cache": outcome.cachedCount,
            "seconds": Date().timeIntervalSince(started)
        ]
    }

    func score(_ request: [String: Any]) throws -> [String: Any] {
        let dataset = request["dataset"] as? String, manifest = request["manifest"] as? String
        guard (dataset == nil) != (manifest == nil) else {
            throw WorkerError("score needs \"dataset\" (a folder) or \"manifest\" (a file), not both")
        }
        let out = try string(request, "out", for: "score")
        let json = request["json"] as? String
        let skipUnreadable = request["skip_unreadable"] as? Bool ?? false
        var layout = DatasetLayout.modelPrompt
        if let name = request["layout"] as? String {
            guard let l = DatasetLayout(rawValue: name) else {
                throw WorkerError("layout \"\(name)\": choose from " + DatasetLayout.allCases.map(\.rawValue).joined(separator: ", "))
            }
            layout = l
        }
        let list: String
        switch request["metrics"] {
        case nil, is NSNull: list = "scs"
        case let names as [String]: list = names.joined(separator: ",")
        case let names as String: list = names
        default: throw WorkerError("\"metrics\" is a list of names or a comma-separated string")
        }
        let metrics: [Metric]
        do { metrics = try Metric.parseList(list) } catch { throw WorkerError("metrics: \(error)") }
        let started = Date()
        let listing =
            try manifest.map { try Dataset.manifest(at: $0) }
            ?? Dataset.scan(root: dataset!, layout: layout, allowEmptyGroups: skipUnreadable)
        if metrics.contains(where: \.needsText), text == nil {
            text = try TextEncoders.load(modelURL, kind: embedder.kind ?? .clip)
        }
        let (result, alignment) = try Score.scoreAndWrite(
            data: listing, listing: listing, shard: nil, model: model, embedder: embedder,
            text: metrics.contains(where: \.needsText) ? text : nil, metrics: metrics,
            skipUnreadable: skipUnreadable, out: out, json: json)
        return [
            "out": out, "meta": ScoresMeta.path(forScores: out), "alignment": alignment ?? NSNull(),
            "groups": result.scores.count, "images": listing.items.count, "embedded": result.embedded,
            "from_cache": result.fromCache, "excluded": result.excluded.count, "skipped": result.skipped.count,
            "seconds": Date().timeIntervalSince(started)
        ]
    }

    private func string(_ request: [String: Any], _ key: String, for op: String) throws -> String {
        guard let value = request[key] as? String, !value.isEmpty else { throw WorkerError("\(op) needs \"\(key)\": a file path") }
        return value
    }
}
