import Foundation
import SCSGenerate

/// ComfyUI on loopback: `POST /prompt` validates the API-format workflow as ComfyUI's
/// `validate_prompt` does for the node types it knows (400 with `error` and `node_errors`, e.g.
/// "Value not in list" for a sampler, or a placeholder left in a text); `GET /history/{id}` is
/// `{}` for `pollsBeforeDone` polls, then the finished entry with its outputs; `GET /view` serves
/// the PNG. `failSeeds` makes a job end in an execution error.
///
/// Steps for faults: "prompt", "history", "view".
public final class ComfyUIStub: ServiceStub, @unchecked Sendable {
    public let server: StubServer
    public let faults = FaultQueue()
    private let lock = NSLock()
    private var jobs: [String: (seed: Int64, polls: Int)] = [:]
    private var counter = 0
    @Locked public var pollsBeforeDone = 1
    @Locked public var failSeeds: Set<Int64> = []

    public static let samplers = ["euler", "euler_ancestral", "heun", "dpm_2", "dpmpp_2m", "dpmpp_sde", "ddim", "uni_pc"]

    /// Required inputs of the node types a text-to-image workflow uses.
    static let nodeSchemas: [String: Schema] = [
        "CheckpointLoaderSimple": Schema(fields: ["ckpt_name": .string], required: ["ckpt_name"]),
        "CLIPTextEncode": Schema(fields: ["text": .string], required: ["text"], refusesUnknown: false),
        "EmptyLatentImage": Schema(
            fields: ["width": .integer(16...16384), "height": .integer(16...16384), "batch_size": .integer(1...4096)],
            required: ["width", "height", "batch_size"]),
        "KSampler": Schema(
            fields: [
                "seed": .integer(0...Int64.max), "steps": .integer(1...10000), "cfg": .number(0...100),
                "sampler_name": .choice(samplers), "scheduler": .string, "denoise": .number(0...1)
            ],
            required: ["seed", "steps", "cfg", "sampler_name", "scheduler", "denoise"], refusesUnknown: false),
        "VAEDecode": Schema(fields: [:], required: [], refusesUnknown: false),
        "SaveImage": Schema(fields: ["filename_prefix": .string], required: ["filename_prefix"], refusesUnknown: false)
    ]

    public init(server: StubServer) { self.server = server }

    /// The workflows queued, in order.
    public var queued: [JSONValue] { server.log.filter { $0.path == "/prompt" }.compactMap { $0.json?["prompt"] } }

    public func handle(_ r: StubRequest) -> StubResponse {
        if r.method == "POST" && r.path == "/prompt" { return queue(r) }
        if r.method == "GET" && r.path.hasPrefix("/history/") { return history(String(r.path.dropFirst("/history/".count))) }
        if r.method == "GET" && r.path == "/view" { return view(r) }
        return StubResponse(status: 404)
    }

    private func faultAnswer(_ fault: Fault) -> StubResponse? {
        switch fault {
        case .pass, .truncatedImage: return nil
        case .hang: return .hung
        case .malformedJSON: return StubResponse(status: 200, headers: [("Content-Type", "application/json")], body: StubImages.malformedJSON)
        case let .status(code, retryAfter):
            return StubResponse(status: code, headers: retryAfter.map { [("Retry-After", $0)] } ?? [], body: Data("500: Internal Server Error".utf8))
        }
    }

    private func queue(_ r: StubRequest) -> StubResponse {
        if let answer = faultAnswer(faults.next("prompt")) { return answer }
        guard let graph = r.json?["prompt"]?.objectValue, r.json?["client_id"]?.stringValue != nil else {
            return .json(
                400,
                [
                    "error": [
                        "type": "invalid_prompt", "message": "Cannot execute because the prompt is not a workflow", "details": "", "extra_info": [:]
                    ],
                    "node_errors": [:]
                ])
        }
        var nodeErrors: JSONValue.Object = [:]
        var seed: Int64?
        for (id, node) in graph {
            let type = node["class_type"]?.stringValue ?? ""
            let inputs = node["inputs"]?.objectValue ?? [:]
            var errors: [JSONValue] = []
            guard let schema = Self.nodeSchemas[type] else {
                return .json(
                    400,
                    [
                        "error": [
                            "type": "invalid_prompt", "message": .string("Cannot execute because node \(type) does not exist."),
                            "details": .string("Node ID '#\(id)'"), "extra_info": [:]
                        ], "node_errors": [:]
                    ])
            }
            // Links ([node, output]) stand for inputs computed by other nodes.
            let literal = inputs.filter { $0.value.arrayValue == nil }
            for (field, problem) in schema.problems(literal) {
                errors.append([
                    "type": "value_not_valid", "message": "Value not in list", "details": .string("\(field): \(problem)"), "extra_info": [:]
                ])
            }
            for (field, value) in literal {
                if let s = value.stringValue, s.contains("{{") {
                    errors.append([
                        "type": "value_not_valid", "message": "Unsubstituted placeholder", "details": .string("\(field): \(s)"), "extra_info": [:]
                    ])
                }
            }
            if type == "KSampler" { seed = inputs["seed"]?.intValue }
            if !errors.isEmpty { nodeErrors[id] = ["errors": .array(errors), "dependent_outputs": [], "class_type": .string(type)] }
        }
        if !nodeErrors.isEmpty {
            return .json(
                400,
                [
                    "error": [
                        "type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation", "details": "", "extra_info": [:]
                    ],
                    "node_errors": .object(nodeErrors)
                ])
        }
        let id: String = lock.withLock {
            counter += 1
            let id = UUID().uuidString.lowercased()
            jobs[id] = (seed ?? 0, 0)
            return id
        }
        return .json(200, ["prompt_id": .string(id), "number": .int(Int64(counter)), "node_errors": [:]])
    }

    private func history(_ id: String) -> StubResponse {
        if let answer = faultAnswer(faults.next("history")) { return answer }
        let state: (seed: Int64, polls: Int)? = lock.withLock {
            guard var j = jobs[id] else { return nil }
            j.polls += 1
            jobs[id] = j
            return j
        }
        guard let state, state.polls > pollsBeforeDone else { return .json(200, [:]) }
        if failSeeds.contains(state.seed) {
            let failed: JSONValue = [
                "prompt": [], "outputs": [:],
                "status": [
                    "status_str": "error", "completed": false,
                    "messages": [
                        ["execution_start", ["prompt_id": .string(id)]],
                        [
                            "execution_error",
                            [
                                "prompt_id": .string(id), "node_id": "3", "node_type": "KSampler",
                                "exception_message": "CUDA error: out of memory", "exception_type": "torch.OutOfMemoryError"
                            ]
                        ]
                    ]
                ]
            ]
            return .json(200, .object([id: failed]))
        }
        let entry: JSONValue = [
            "prompt": [], "meta": [:],
            "outputs": ["9": ["images": [["filename": .string("ComfyUI_\(state.seed)_.png"), "subfolder": "", "type": "output"]]]],
            "status": ["status_str": "success", "completed": true, "messages": []]
        ]
        return .json(200, .object([id: entry]))
    }

    private func view(_ r: StubRequest) -> StubResponse {
        let fault = faults.next("view")
        if fault != .truncatedImage, let answer = faultAnswer(fault) { return answer }
        guard r.query["type"] == "output", r.query["subfolder"] != nil, let name = r.query["filename"],
            name.hasPrefix("ComfyUI_"), let seed = Int64(name.dropFirst(8).dropLast(5))
        else { return StubResponse(status: 404) }
        let png = StubImages.png(forSeed: seed)
        return .bytes(fault == .truncatedImage ? StubImages.truncated(png) : png, type: "image/png")
    }
}
