import Foundation

/// AUTOMATIC1111's web UI API, which Forge and stable-diffusion.cpp's server also speak:
/// `POST /sdapi/v1/txt2img` with `prompt`, `negative_prompt`, `seed`, `steps`, `cfg_scale`,
/// `width`, `height`, `sampler_name`, `batch_size` 1 and `n_iter` 1, answered with
/// `{"images": [base64 PNG], "parameters": {...}, "info": "<JSON text>"}`.
///
/// Every field is sent, the paper's values where no option is given (768 × 768, 20 steps,
/// CFG 7.5, sampler "Euler", the A1111 name of K_EULER, no negative prompt), since the server's
/// own defaults (512 × 512, 20 steps, CFG 7) are not the paper's. When the answer's `info` names
/// the seed used and it is not the one sent, the run stops: the server is not honouring seeds.
struct A1111Backend: ImageBackend {
    let kind = BackendKind.a1111
    let sendsSeed = true
    let base: URL
    let body: [String: JSONValue]

    init(_ config: BackendConfiguration) throws {
        base = config.url
        let s = config.settings
        let d = GenerationSettings.paperDefaults
        var body: [String: JSONValue] = [
            "negative_prompt": .string(s.negativePrompt ?? ""),
            "steps": .int(Int64(s.steps ?? d.steps)),
            "cfg_scale": .double(s.guidance ?? d.guidance),
            "width": .int(Int64(s.width ?? d.width)),
            "height": .int(Int64(s.height ?? d.height)),
            "sampler_name": .string(s.sampler ?? "Euler"),
            "batch_size": 1,
            "n_iter": 1
        ]
        for key in ["prompt", "seed"] where s.extra[key] != nil {
            throw GenerateError.setting(.reservedExtraKey(key, backend: .a1111))
        }
        body.merge(s.extra) { $1 }
        self.body = body
    }

    var endpoint: URL { GenerationHTTP.endpoint(base, "/sdapi/v1/txt2img") }

    func request(for job: GenerationJob) -> JSONValue {
        var body = self.body
        body["prompt"] = .string(job.prompt)
        body["seed"] = .int(job.seed)
        return .object(body)
    }

    func generate(_ job: GenerationJob, http: GenerationHTTP, format: OutputFormat) async throws -> BackendImage {
        let url = endpoint
        return try await http.exchange(.POST, url, json: request(for: job), image: "\(job.folder)/\(job.seed)", step: "txt2img") { answer in
            guard let json = answer.json, case .object = json else {
                throw TransientFailure(reason: "the answer is not JSON (\(answer.body.count) bytes)")
            }
            guard let first = json["images"]?.arrayValue?.first?.stringValue, !first.isEmpty else {
                throw TransientFailure(reason: "the answer has no images")
            }
            var info: [String: JSONValue] = [:]
            // `info` is JSON inside a string; it names the seed the server actually used.
            if let text = json["info"]?.stringValue, let details = JSONValue.parse(Data(text.utf8)),
                let used = details["seed"]?.intValue
            {
                guard used == job.seed else {
                    throw GenerateError.protocolViolation(
                        backend: kind.rawValue, url: GenerationHTTP.display(url),
                        reason: "asked for seed \(job.seed) and the server used \(used)")
                }
                info["seed_used"] = .int(used)
            }
            return BackendImage(image: try prepare(try base64Image(first), format: format), info: info)
        }
    }
}
