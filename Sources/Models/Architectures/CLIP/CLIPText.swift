import Foundation
import SCSTensor

/// CLIP's text tower in float32: token and position embeddings, the pre-norm transformer with a
/// causal mask, the final layer norm at the pooled token, the text projection. The whole forward
/// pass is in this file; the layer is the shared one (`Layers/EncoderLayer.swift`).
///
/// Notation: T = 77 positions, D width, H heads, I MLP width, E embedding width, V vocabulary.
/// The output is transformers' `get_text_features` (OpenAI's `encode_text`).
public final class CLIPTextModel: TextEncoder, @unchecked Sendable {
    public let config: CLIPTextConfig
    public let tokenizer: CLIPTokenizer
    private let weights: CLIPTextWeights
    private let pool: WorkspacePool

    /// Loads the text tower of a Hugging Face `CLIPModel` folder (`config.json` with a
    /// `text_config`, the weights) and its tokenizer (`vocab.json`, `merges.txt`; scs's copy of
    /// OpenAI's vocabulary when the folder has none), or of a checkpoint file in OpenAI's layout
    /// (`clip.load`'s `.pt`, an open_clip file; weights rounded as `clip.load` rounds them, like the
    /// image tower's). `convention` picks whose tokenizer to follow; by default transformers' for a
    /// folder (`CLIPProcessor`'s) and OpenAI's `clip.tokenize` for a checkpoint file.
    public init(directory: URL, convention: CLIPTokenizer.Convention? = nil) throws {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: directory.path, isDirectory: &isFolder)
        if exists, !isFolder.boolValue {
            let source: any TensorSource & TensorShapes =
                directory.pathExtension.lowercased() == "safetensors"
                ? try SafetensorsFile(path: directory.path) : try TorchCheckpoint(path: directory.path)
            let sidecar = directory.deletingLastPathComponent().appendingPathComponent("open_clip_config.json")
            let layout = try OpenAICLIPTensors(base: source, openCLIPConfig: FileManager.default.fileExists(atPath: sidecar.path) ? sidecar : nil)
            guard let text = layout.textConfig else {
                throw WeightsError.missingTensor(path: directory.path, name: "token_embedding.weight (the checkpoint holds no text tower)")
            }
            config = text
            tokenizer = try CLIPTokenizer.bundled(convention ?? .openAI)
            weights = try CLIPTextWeights(file: layout, config: config)
        } else {
            config = try CLIPTextConfig.load(from: directory.appendingPathComponent("config.json"))
            let folderTokenizer = FileManager.default.fileExists(atPath: directory.appendingPathComponent("vocab.json").path)
            var tokenizer = folderTokenizer ? try CLIPTokenizer.load(folder: directory) : try CLIPTokenizer.bundled(.transformers)
            if let convention, tokenizer.convention != convention {
                tokenizer = try CLIPTokenizer(vocabulary: tokenizer.vocabulary, convention: convention)
            }
            self.tokenizer = tokenizer
            weights = try CLIPTextWeights(file: try FolderWeights.open(directory), config: config)
        }
        guard config.contextLength == tokenizer.contextLength else {
            throw WeightsError.badConfig(
                path: directory.path,
                reason:
                    "text_config.max_position_embeddings is \(config.contextLength); CLIP's tokenizer makes \(tokenizer.contextLength) tokens (longer-context CLIP variants are not supported)"
            )
        }
        guard tokenizer.vocabulary.count <= config.vocabularySize else {
            throw WeightsError.badConfig(
                path: directory.path,
                reason: "the tokenizer has \(tokenizer.vocabulary.count) tokens, the tower's vocab_size is \(config.vocabularySize)")
        }
        let c = config
        pool = WorkspacePool(
            Workspace.Layout(
                tokens: c.contextLength, width: c.hiddenSize, heads: c.heads,
                mlpWidth: c.intermediateSize, patches: 0, patchLength: 0))
    }

    public var embeddingWidth: Int { config.projectionDim }
    public var summary: String {
        "CLIP text, \(config.layers) layers, width \(config.hiddenSize) → \(config.projectionDim), \(tokenizer.convention.rawValue) tokenizer"
    }

    public func tokenize(_ text: String) -> [Int] { tokenizer.tokenize(text) }

    public func embed(texts: [String]) -> [Float] {
        embedEach(texts, width: config.projectionDim, pool: pool) { embed(ids: tokenize($0), into: $1, $2) }
    }

    /// One sequence of T ids → `[E]`.
    func embed(ids: [Int], into output: UnsafeMutablePointer<Float>, _ w: Workspace) {
        precondition(ids.count == config.contextLength, "\(ids.count) ids for a context of \(config.contextLength)")
        weights.embedding.apply(ids, into: w.x)  // x [T, D] = token + position
        for layer in weights.layers { layer.forward(batch: 1, w, causal: true) }
        pooledProjection(at: pooledPosition(ids), w, into: output)  // → [E]
    }

    // MARK: - Stages

    /// The first `<|endoftext|>`, or for configs of old transformers (eos_token_id 2) the first
    /// largest id, which is `<|endoftext|>` in OpenAI's vocabulary.
    func pooledPosition(_ ids: [Int]) -> Int {
        if config.eosTokenID == 2 { return ids.indices.max { ids[$0] < ids[$1] || (ids[$0] == ids[$1] && $0 > $1) } ?? 0 }
        return ids.firstIndex(of: config.eosTokenID) ?? ids.count - 1
    }

    /// final_layer_norm of the pooled token, then the projection without bias: [D] → [E].
    private func pooledProjection(at position: Int, _ w: Workspace, into output: UnsafeMutablePointer<Float>) {
        let d = config.hiddenSize
        weights.finalNorm.apply(w.x + position * d, rows: 1, width: d, into: w.h)
        linear(w.h, rows: 1, weight: weights.projection, bias: nil, into: output, scratch: w.gemm)
    }
}

/// The text tower's tensors under transformers' `CLIPModel` names, checked against the config.
struct CLIPTextWeights: @unchecked Sendable {
    let embedding: TokenEmbedding  // [V, D] tokens, [T, D] positions
    let layers: [EncoderLayer]
    let finalNorm: LayerNormWeights
    let projection: PackedMatrix  // [E, D]
    private let vectors: VectorArena

    init(file: any TensorSource, config c: CLIPTextConfig) throws {
        let read = WeightReader(file)
        vectors = read.arena
        let d = c.hiddenSize, t = "text_model."
        guard let activation = Activation(rawValue: c.activation) else {
            throw WeightsError.badConfig(path: file.path, reason: "unknown activation \(c.activation)")
        }
        embedding = try TokenEmbedding(read, t + "embeddings.", vocabulary: c.vocabularySize, positions: c.contextLength, width: d)
        layers = try (0..<c.layers).map { n in
            try EncoderLayer.clipNamed(
                read, t + "encoder.layers.\(n).", width: d, mlp: c.intermediateSize, eps: c.layerNormEps,
                activation: activation, precision: .fp32)
        }
        finalNorm = try LayerNormWeights(read, t + "final_layer_norm", width: d, eps: c.layerNormEps)
        projection = try read.packed("text_projection.weight", c.projectionDim, d, .fp32)
    }
}
