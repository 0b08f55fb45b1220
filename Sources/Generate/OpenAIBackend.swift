import Foundation

/// OpenAI's image API: `POST /v1/images/generations` with `model`, `prompt`, `n` 1, `size` "WxH"
/// and, for the DALL·E models, `response_format` "b64_json" (the GPT image models always answer
/// in base64 and refuse the field), `Authorization: Bearer $OPENAI_API_KEY`; the image is
/// `data[0].b64_json` (or, from servers that ignore the format, `data[0].url`, downloaded).
///
/// The API has no seed: each call draws anew. The seed then only names the file, and every
/// manifest line says `"seed_sent": false`. Sizes are the model's (1024 × 1024 by default, since
/// 768 × 768 is not one of them); steps, guidance, sampler and negative prompt do not exist here
/// and are refused.
struct OpenAIBackend: ImageBackend {
    let kind = BackendKind.openai
    let sendsSeed = false
    let base: URL
    let body: [String: JSONValue]

    init(_ config: BackendConfiguration) throws {
        base = config.url
        let s = config.settings
        let unsupported = [
            (GenerationSetting.steps, s.steps != nil), (.guidance, s.guidance != nil), (.sampler, s.sampler != nil),
            (.negativePrompt, s.negativePrompt != nil)
        ].filter(\.1).map(\.0)
        if !unsupported.isEmpty { throw GenerateError.setting(.unsupported(unsupported, backend: .openai)) }
        if s.extra["prompt"] != nil { throw GenerateError.setting(.reservedExtraKey("prompt", backend: .openai)) }
        var body: [String: JSONValue] = [
            "model": .string(config.openAIModel),
            "n": 1,
            "size": .string("\(s.width ?? 1024)x\(s.height ?? 1024)")
        ]
        if config.openAIModel.hasPrefix("dall-e") { body["response_format"] = "b64_json" }
        body.merge(s.extra) { $1 }
        self.body = body
    }

    /// `--url` is the server (https://api.openai.com) or its API root (…/v1), as OpenAI's own
    /// clients take it.
    var endpoint: URL {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return URL(string: text + (text.hasSuffix("/v1") ? "" : "/v1") + "/images/generations")!
    }

    func request(for job: GenerationJob) -> JSONValue {
        var body = self.body
        body["prompt"] = .string(job.prompt)
        return .object(body)
    }

    func generate(_ job: GenerationJob, http: GenerationHTTP, format: OutputFormat) async throws -> BackendImage {
        let name = "\(job.folder)/\(job.seed)"
        enum Answer { case image(PreparedImage, [String: JSONValue]), url(URL, [String: JSONValue]) }
        let answer = try await http.exchange(.POST, endpoint, json: request(for: job), image: name, step: "generate image") { answer -> Answer in
            guard let json = answer.json, case .object = json else {
                throw TransientFailure(reason: "the answer is not JSON (\(answer.body.count) bytes)")
            }
            guard let first = json["data"]?.arrayValue?.first else { throw TransientFailure(reason: "the answer has no data") }
            var info: [String: JSONValue] = [:]
            if let revised = first["revised_prompt"]?.stringValue { info["revised_prompt"] = .string(revised) }
            if let b64 = first["b64_json"]?.stringValue {
                return .image(try prepare(try base64Image(b64), format: format), info)
            }
            if let text = first["url"]?.stringValue, let url = URL(string: text) { return .url(url, info) }
            throw TransientFailure(reason: "the answer's data has neither b64_json nor url")
        }
        switch answer {
        case .image(let image, let info):
            return BackendImage(image: image, info: info)
        case .url(let url, let info):
            let image = try await http.exchange(.GET, url, image: name, step: "download image") { answer in
                try prepare([UInt8](answer.body), format: format)
            }
            return BackendImage(image: image, info: info)
        }
    }
}
