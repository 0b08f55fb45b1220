import Foundation

/// Replicate's HTTP API, as the paper used it through `replicate.run`:
///
/// 1. `POST /v1/predictions` with `{"version": V, "input": {...}}` (or, for a model without a
///    version, `POST /v1/models/{owner}/{name}/predictions` with `{"input": {...}}`),
///    `Authorization: Bearer $REPLICATE_API_TOKEN`, and `Prefer: wait=N` so that the answer
///    usually already holds the output;
/// 2. if it does not, poll the prediction (`urls.get`) until it succeeds, fails or is canceled;
/// 3. download the output URL (the first, for a list), without the token unless it is on the
///    API's own origin. `data:` URIs are decoded in place.
///
/// What is sent: a preset's inputs, or only the options given on the command line (so a model's
/// own defaults apply), then `--extra`, then `prompt` and `seed`.
struct ReplicateBackend: ImageBackend {
    let kind = BackendKind.replicate
    let sendsSeed = true
    let base: URL
    let model: String?
    let version: String?
    let input: [String: JSONValue]
    let wait: Int
    let pollInterval: Double
    let jobTimeout: Double

    init(_ config: BackendConfiguration) throws {
        base = config.url
        var model = config.preset?.model
        var version = config.preset?.version
        if let given = config.replicateModel {
            let parts = given.split(separator: ":", maxSplits: 1).map(String.init)
            model = parts[0]
            if parts.count == 2 { version = parts[1] }
        }
        if let v = config.replicateVersion { version = v }
        if let model, model.split(separator: "/").count != 2 || model.hasPrefix("/") || model.hasSuffix("/") {
            throw GenerateError.setting(.malformed(.replicateModel, value: model, expected: "owner/name or owner/name:version"))
        }
        if let version, version.count != 64 || !version.allSatisfy(\.isHexDigit) {
            throw GenerateError.invalidOption("a Replicate version id is 64 hexadecimal digits, not \"\(version)\"")
        }
        if model == nil && version == nil {
            throw GenerateError.setting(.backendNeeds(.replicate, oneOf: [.preset, .replicateModel]))
        }
        guard (1...60).contains(config.replicateWait) else {
            throw GenerateError.setting(.outOfRange(.replicateWait, value: Int64(config.replicateWait), range: 1...60, unit: "seconds"))
        }
        self.model = model
        self.version = version
        var input = config.preset?.input ?? [:]
        let s = config.settings
        if let w = s.width { input["width"] = .int(Int64(w)) }
        if let h = s.height { input["height"] = .int(Int64(h)) }
        if let n = s.steps { input["num_inference_steps"] = .int(Int64(n)) }
        if let g = s.guidance { input["guidance_scale"] = .double(g) }
        if let neg = s.negativePrompt { input["negative_prompt"] = .string(neg) }
        if let sampler = s.sampler { input["scheduler"] = .string(sampler) }
        for key in ["prompt", "seed"] where s.extra[key] != nil {
            throw GenerateError.setting(.reservedExtraKey(key, backend: .replicate))
        }
        input.merge(s.extra) { $1 }
        self.input = input
        wait = config.replicateWait
        pollInterval = config.pollInterval
        jobTimeout = config.jobTimeout
    }

    var endpoint: URL {
        if version == nil, let model { return GenerationHTTP.endpoint(base, "/v1/models/\(model)/predictions") }
        return GenerationHTTP.endpoint(base, "/v1/predictions")
    }

    func request(for job: GenerationJob) -> JSONValue {
        var input = self.input
        input["prompt"] = .string(job.prompt)
        input["seed"] = .int(job.seed)
        if let version { return ["version": .string(version), "input": .object(input)] }
        return ["input": .object(input)]
    }

    /// The fields of a prediction object that matter here.
    struct Prediction {
        var id: String
        var status: String
        var output: JSONValue?
        var error: String?
        var getURL: URL?
        var cancelURL: URL?
    }

    func generate(_ job: GenerationJob, http: GenerationHTTP, format: OutputFormat) async throws -> BackendImage {
        let started = Date()
        let name = "\(job.folder)/\(job.seed)"
        var prediction = try await http.exchange(
            .POST, endpoint, json: request(for: job), headers: [("Prefer", "wait=\(wait)")],
            image: name, step: "create prediction"
        ) { answer in
            try parsePrediction(answer, http: http)
        }
        // Replicate answers with the files as soon as they exist, sometimes before the status
        // turns "succeeded"; a non-empty output is the image.
        while Self.outputURL(prediction.output) == nil {
            switch prediction.status {
            case "succeeded":
                throw GenerateError.protocolViolation(
                    backend: kind.rawValue, url: GenerationHTTP.display(endpoint),
                    reason: "prediction \(prediction.id) succeeded without an output")
            case "failed":
                let message = prediction.error ?? "no message"
                throw GenerateError.imageFailed(
                    backend: kind.rawValue,
                    reason: "prediction \(prediction.id) failed: "
                        + GenerationHTTP.oneLine(http.auth?.secret.redact(message) ?? message, max: 400))
            case "canceled", "aborted":
                throw GenerateError.imageFailed(backend: kind.rawValue, reason: "prediction \(prediction.id) was \(prediction.status)")
            default:
                break
            }
            if Date().timeIntervalSince(started) > jobTimeout {
                await cancel(prediction, http: http, image: name)
                throw GenerateError.imageFailed(
                    backend: kind.rawValue,
                    reason: "prediction \(prediction.id) did not finish within \(Int(jobTimeout)) s (canceled)")
            }
            try await Task.sleep(nanoseconds: UInt64(pollInterval * 1e9))
            let pollURL = prediction.getURL ?? GenerationHTTP.endpoint(base, "/v1/predictions/\(prediction.id)")
            prediction = try await http.exchange(.GET, pollURL, image: name, step: "poll prediction") { answer in
                try parsePrediction(answer, http: http)
            }
        }
        let output = Self.outputURL(prediction.output)!
        let info: [String: JSONValue] = ["prediction_id": .string(prediction.id)]
        if output.hasPrefix("data:") {
            let bytes = try base64Image(output)
            do {
                return BackendImage(image: try prepare(bytes, format: format), info: info)
            } catch let t as TransientFailure {
                throw GenerateError.imageFailed(backend: kind.rawValue, reason: "prediction \(prediction.id): \(t.reason)")
            }
        }
        guard let url = URL(string: output), ["http", "https"].contains(url.scheme?.lowercased() ?? "") else {
            throw GenerateError.protocolViolation(
                backend: kind.rawValue, url: GenerationHTTP.display(endpoint),
                reason: "prediction \(prediction.id) output is not a URL")
        }
        let image = try await http.exchange(.GET, url, image: name, step: "download image") { answer in
            try prepare([UInt8](answer.body), format: format)
        }
        return BackendImage(image: image, info: info)
    }

    /// Reads a prediction object; anything else (an HTML error page, cut-off JSON) is worth
    /// asking again.
    private func parsePrediction(_ answer: HTTPAnswer, http: GenerationHTTP) throws -> Prediction {
        guard let json = answer.json, case .object = json else {
            throw TransientFailure(reason: "the answer is not JSON (\(answer.body.count) bytes)")
        }
        guard let id = json["id"]?.stringValue, let status = json["status"]?.stringValue else {
            throw TransientFailure(reason: "the answer is not a prediction (no id or status)")
        }
        func sameOrigin(_ text: String?) -> URL? {
            guard let text, let url = URL(string: text), GenerationHTTP.sameOrigin(url, base) else { return nil }
            return url
        }
        let location = answer.headers.first(name: "Location").flatMap { URL(string: $0, relativeTo: answer.url)?.absoluteString }
        return Prediction(
            id: id, status: status, output: json["output"], error: json["error"]?.stringValue ?? json["error"].map(\.description),
            getURL: sameOrigin(json["urls"]?["get"]?.stringValue) ?? sameOrigin(location),
            cancelURL: sameOrigin(json["urls"]?["cancel"]?.stringValue))
    }

    /// The first output file: a URL or data URI, alone or first in a list.
    static func outputURL(_ output: JSONValue?) -> String? {
        switch output {
        case .string(let s)? where !s.isEmpty: return s
        case .array(let items)?: return items.lazy.compactMap(\.stringValue).first { !$0.isEmpty }
        default: return nil
        }
    }

    /// Asks Replicate to stop a prediction that ran out of time, once, ignoring the outcome:
    /// it costs money while it runs.
    private func cancel(_ prediction: Prediction, http: GenerationHTTP, image: String) async {
        var once = http
        once.policy.retries = 0
        let url = prediction.cancelURL ?? GenerationHTTP.endpoint(base, "/v1/predictions/\(prediction.id)/cancel")
        _ = try? await once.exchange(.POST, url, image: image, step: "cancel prediction") { _ in () }
    }
}
