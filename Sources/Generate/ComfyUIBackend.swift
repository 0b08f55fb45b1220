import Foundation

/// ComfyUI's HTTP API: `POST /prompt` with `{"prompt": <workflow>, "client_id": <uuid>}` →
/// `{"prompt_id"}`; poll `GET /history/{prompt_id}` (an empty object until the job is done); then
/// `GET /view?filename=…&subfolder=…&type=output` for the image.
///
/// The image taken is the first one of the output nodes in node-id order, saved images
/// (`type` "output", a SaveImage node) before previews. A job whose status is "error" fails that
/// image with ComfyUI's exception message. The manifest records the substituted workflow as
/// sent, less the random `client_id`.
struct ComfyUIBackend: ImageBackend {
    let kind = BackendKind.comfyui
    let sendsSeed = true
    let base: URL
    let workflow: ComfyWorkflow
    /// Values of every placeholder but prompt and seed.
    let fixedValues: [String: JSONValue]
    let pollInterval: Double
    let jobTimeout: Double
    let clientID = UUID().uuidString.lowercased()

    init(_ config: BackendConfiguration) throws {
        guard let workflow = config.workflow else {
            throw GenerateError.setting(.backendNeeds(.comfyui, oneOf: [.workflow]))
        }
        base = config.url
        self.workflow = workflow
        let s = config.settings
        let d = GenerationSettings.paperDefaults
        var values: [String: JSONValue] = [
            "negative_prompt": .string(s.negativePrompt ?? ""),
            "width": .int(Int64(s.width ?? d.width)),
            "height": .int(Int64(s.height ?? d.height)),
            "steps": .int(Int64(s.steps ?? d.steps)),
            "guidance": .double(s.guidance ?? d.guidance),
            "sampler": .string(s.sampler ?? "euler")
        ]
        // An option the workflow has no place for would be silently ignored: refuse it.
        let given: [(String, GenerationSetting, Bool)] = [
            ("negative_prompt", .negativePrompt, s.negativePrompt != nil), ("width", .width, s.width != nil),
            ("height", .height, s.height != nil), ("steps", .steps, s.steps != nil),
            ("guidance", .guidance, s.guidance != nil), ("sampler", .sampler, s.sampler != nil)
        ]
        for (name, setting, isGiven) in given where isGiven && !workflow.placeholders.contains(name) {
            throw GenerateError.setting(.noPlaceholder(workflow: workflow.path, setting: setting, placeholder: name))
        }
        for key in s.extra.keys.sorted() {
            if ComfyWorkflow.requiredNames.contains(key) { throw GenerateError.setting(.reservedExtraKey(key, backend: .comfyui)) }
            guard workflow.placeholders.contains(key) else {
                throw GenerateError.setting(.noPlaceholder(workflow: workflow.path, setting: .extra, placeholder: key))
            }
        }
        values.merge(s.extra) { $1 }
        let unknown = workflow.placeholders.subtracting(ComfyWorkflow.builtInNames).subtracting(s.extra.keys)
        if !unknown.isEmpty {
            throw GenerateError.setting(.unknownPlaceholders(workflow: workflow.path, unknown.sorted()))
        }
        fixedValues = values.filter { workflow.placeholders.contains($0.key) }
        pollInterval = config.pollInterval
        jobTimeout = config.jobTimeout
    }

    var endpoint: URL { GenerationHTTP.endpoint(base, "/prompt") }

    func request(for job: GenerationJob) -> JSONValue {
        var values = fixedValues
        values["prompt"] = .string(job.prompt)
        values["seed"] = .int(job.seed)
        return ["prompt": workflow.substituted(values)]
    }

    func generate(_ job: GenerationJob, http: GenerationHTTP, format: OutputFormat) async throws -> BackendImage {
        let started = Date()
        let name = "\(job.folder)/\(job.seed)"
        var body = request(for: job).objectValue ?? [:]
        body["client_id"] = .string(clientID)
        let promptID = try await http.exchange(.POST, endpoint, json: .object(body), image: name, step: "queue prompt") { answer in
            guard let json = answer.json else { throw TransientFailure(reason: "the answer is not JSON (\(answer.body.count) bytes)") }
            guard let id = json["prompt_id"]?.stringValue, !id.isEmpty else {
                throw TransientFailure(reason: "the answer has no prompt_id")
            }
            return id
        }
        let historyURL = GenerationHTTP.endpoint(
            base, "/history/\(promptID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? promptID)")
        var file: (filename: String, subfolder: String, type: String, node: String)?
        while file == nil {
            if Date().timeIntervalSince(started) > jobTimeout {
                throw GenerateError.imageFailed(backend: kind.rawValue, reason: "prompt \(promptID) did not finish within \(Int(jobTimeout)) s")
            }
            try await Task.sleep(nanoseconds: UInt64(pollInterval * 1e9))
            file = try await http.exchange(.GET, historyURL, image: name, step: "poll history") { answer in
                guard let json = answer.json, case .object(let history) = json else {
                    throw TransientFailure(reason: "the answer is not JSON (\(answer.body.count) bytes)")
                }
                guard let entry = history[promptID] else { return nil }
                return try outputFile(entry, promptID: promptID)
            }
        }
        let f = file!
        var view = URLComponents(url: GenerationHTTP.endpoint(base, "/view"), resolvingAgainstBaseURL: false)!
        view.queryItems = [
            URLQueryItem(name: "filename", value: f.filename), URLQueryItem(name: "subfolder", value: f.subfolder),
            URLQueryItem(name: "type", value: f.type)
        ]
        let image = try await http.exchange(.GET, view.url!, image: name, step: "download image") { answer in
            try prepare([UInt8](answer.body), format: format)
        }
        return BackendImage(image: image, info: ["prompt_id": .string(promptID), "output_node": .string(f.node)])
    }

    /// The image a finished history entry points to; `nil` while it is still running.
    private func outputFile(_ entry: JSONValue, promptID: String) throws -> (String, String, String, String)? {
        let status = entry["status"]
        if status?["status_str"]?.stringValue == "error" {
            var reason = "ComfyUI failed to run prompt \(promptID)"
            for message in status?["messages"]?.arrayValue ?? [] {
                guard let pair = message.arrayValue, pair.count == 2, pair[0].stringValue == "execution_error" else { continue }
                let node = pair[1]["node_type"]?.stringValue ?? pair[1]["node_id"]?.stringValue ?? "?"
                reason += ": \(node): " + (pair[1]["exception_message"]?.stringValue ?? "no message")
            }
            throw GenerateError.imageFailed(backend: kind.rawValue, reason: GenerationHTTP.oneLine(reason, max: 500))
        }
        let outputs = entry["outputs"]?.objectValue ?? [:]
        if outputs.isEmpty {
            if status?["completed"]?.boolValue == true {
                throw GenerateError.imageFailed(
                    backend: kind.rawValue, reason: "prompt \(promptID) finished without an image: the workflow needs a SaveImage node")
            }
            return nil
        }
        // Node ids are numbers in text: order "9" before "10".
        let nodes = outputs.keys.sorted { (Int($0) ?? Int.max, $0) < (Int($1) ?? Int.max, $1) }
        var candidates: [(String, String, String, String)] = []
        for node in nodes {
            for image in outputs[node]?["images"]?.arrayValue ?? [] {
                guard let name = image["filename"]?.stringValue else { continue }
                candidates.append((name, image["subfolder"]?.stringValue ?? "", image["type"]?.stringValue ?? "output", node))
            }
        }
        guard let chosen = candidates.first(where: { $0.2 == "output" }) ?? candidates.first else {
            throw GenerateError.imageFailed(
                backend: kind.rawValue, reason: "prompt \(promptID) finished without an image: the workflow needs a SaveImage node")
        }
        return chosen
    }
}
