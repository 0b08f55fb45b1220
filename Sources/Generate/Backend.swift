import Foundation
import SCSImaging

/// The servers `scs generate` speaks to.
public enum BackendKind: String, Sendable, CaseIterable {
    /// Replicate's predictions API (the paper's).
    case replicate
    /// AUTOMATIC1111's `/sdapi/v1/txt2img`, also served by Forge and stable-diffusion.cpp's server.
    case a1111
    /// ComfyUI with an API-format workflow.
    case comfyui
    /// OpenAI's `/v1/images/generations` (and servers that copy it).
    case openai

    public var defaultURL: URL {
        switch self {
        case .replicate: return URL(string: "https://api.replicate.com")!
        case .a1111: return URL(string: "http://127.0.0.1:7860")!
        case .comfyui: return URL(string: "http://127.0.0.1:8188")!
        case .openai: return URL(string: "https://api.openai.com")!
        }
    }

    /// The token the backend needs, read from the environment or `.env`.
    public var secretName: String? {
        switch self {
        case .replicate: return "REPLICATE_API_TOKEN"
        case .openai: return "OPENAI_API_KEY"
        case .a1111, .comfyui: return nil
        }
    }

    /// Requests in flight at once unless `--concurrency` says otherwise: a hosted API takes
    /// several; a local server has one GPU and queues them anyway.
    public var defaultConcurrency: Int {
        switch self {
        case .replicate, .openai: return 4
        case .a1111, .comfyui: return 1
        }
    }
}

/// The generation settings every backend understands in its own words. `nil` leaves the backend's
/// default (see each backend for what is sent).
public struct GenerationSettings: Sendable, Equatable {
    public var width: Int?
    public var height: Int?
    public var steps: Int?
    public var guidance: Double?
    public var negativePrompt: String?
    /// The sampler or scheduler: Replicate's `scheduler` (K_EULER), A1111's `sampler_name`
    /// (Euler), ComfyUI's `{{sampler}}` (euler).
    public var sampler: String?
    /// Further inputs, merged into the request as they are (`--extra JSON`).
    public var extra: [String: JSONValue]

    public init(
        width: Int? = nil, height: Int? = nil, steps: Int? = nil, guidance: Double? = nil,
        negativePrompt: String? = nil, sampler: String? = nil, extra: [String: JSONValue] = [:]
    ) {
        self.width = width
        self.height = height
        self.steps = steps
        self.guidance = guidance
        self.negativePrompt = negativePrompt
        self.sampler = sampler
        self.extra = extra
    }

    /// The paper's settings: 768 × 768, 20 steps, guidance 7.5, no negative prompt.
    public static let paperDefaults = (width: 768, height: 768, steps: 20, guidance: 7.5)
}

/// Which backend, where, and with what.
public struct BackendConfiguration: Sendable {
    public var kind: BackendKind
    public var url: URL
    public var settings: GenerationSettings
    public var secret: Secret?
    /// The `.env` file secrets were looked for in (named when one is missing).
    public var envFile: String = ".env"

    /// Replicate: a preset, or a model (`owner/name`) and/or a version id.
    public var preset: ReplicatePreset?
    public var replicateModel: String?
    public var replicateVersion: String?
    /// Replicate: seconds the create request waits for the output (`Prefer: wait=N`, 1–60).
    public var replicateWait: Int = 60

    /// ComfyUI: the workflow with placeholders.
    public var workflow: ComfyWorkflow?

    /// OpenAI: the image model.
    public var openAIModel: String = "gpt-image-1"

    /// Seconds between two status polls (Replicate predictions, ComfyUI history).
    public var pollInterval: Double = 1
    /// Seconds one image may take in all, polling included, before it counts as failed.
    public var jobTimeout: Double = 1800

    public init(kind: BackendKind, url: URL? = nil, settings: GenerationSettings = .init(), secret: Secret? = nil) {
        self.kind = kind
        self.url = url ?? kind.defaultURL
        self.settings = settings
        self.secret = secret
    }
}

/// What a backend hands back for one image.
struct BackendImage: Sendable {
    var image: PreparedImage
    /// Identifiers worth keeping in the manifest (prediction id, ComfyUI prompt id, OpenAI's
    /// revised prompt…).
    var info: [String: JSONValue]
}

/// Turns a prompt and a seed into an image over one server protocol. Each HTTP step retries on
/// its own (a failed download does not re-run a prediction that succeeded).
protocol ImageBackend: Sendable {
    var kind: BackendKind { get }
    /// Whether the seed reaches the model. OpenAI's API has no seed: there the seed only names
    /// the file, and the manifest says so.
    var sendsSeed: Bool { get }
    /// The endpoint the first request of an image goes to.
    var endpoint: URL { get }
    /// The request body for one image, exactly as sent (for the manifest and `--dry-run`).
    func request(for job: GenerationJob) -> JSONValue
    func generate(_ job: GenerationJob, http: GenerationHTTP, format: OutputFormat) async throws -> BackendImage
}

extension ImageBackend {
    /// Validates image bytes inside an HTTP step, so that a truncated or garbled image makes that
    /// step try again.
    func prepare(_ bytes: [UInt8], format: OutputFormat) throws -> PreparedImage {
        do {
            return try PreparedImage(backendBytes: bytes, format: format)
        } catch let e as ImageDecodingError {
            throw TransientFailure(reason: "the image received is unusable (\(e.description), \(bytes.count) bytes)")
        }
    }

    /// Decodes a base64 image, with or without a `data:image/...;base64,` prefix.
    func base64Image(_ text: String) throws -> [UInt8] {
        var payload = Substring(text)
        if payload.hasPrefix("data:"), let comma = payload.firstIndex(of: ",") { payload = payload[payload.index(after: comma)...] }
        guard let data = Data(base64Encoded: String(payload), options: .ignoreUnknownCharacters) else {
            throw TransientFailure(reason: "the image is not valid base64")
        }
        return [UInt8](data)
    }
}

/// Builds the backend a configuration describes, checking what can be checked before any request
/// (all but the token, whose absence `--dry-run` reports instead of failing).
func makeBackend(_ config: BackendConfiguration) throws -> any ImageBackend {
    let s = config.settings
    for (setting, value, range) in [(GenerationSetting.width, s.width, 1...16384), (.height, s.height, 1...16384), (.steps, s.steps, 1...10000)] {
        if let value, !range.contains(value) {
            throw GenerateError.setting(.outOfRange(setting, value: Int64(value), range: Int64(range.lowerBound)...Int64(range.upperBound)))
        }
    }
    if let g = s.guidance, !g.isFinite { throw GenerateError.setting(.notANumber(.guidance)) }
    if config.preset != nil && config.kind != .replicate { throw GenerateError.setting(.onlyFor([.preset], backend: .replicate)) }
    if config.workflow != nil && config.kind != .comfyui { throw GenerateError.setting(.onlyFor([.workflow], backend: .comfyui)) }
    if (config.replicateModel != nil || config.replicateVersion != nil) && config.kind != .replicate {
        throw GenerateError.setting(.onlyFor([.replicateModel, .replicateVersion], backend: .replicate))
    }
    switch config.kind {
    case .replicate: return try ReplicateBackend(config)
    case .a1111: return try A1111Backend(config)
    case .comfyui: return try ComfyUIBackend(config)
    case .openai: return try OpenAIBackend(config)
    }
}
