import Foundation

/// A CLIP checkpoint in OpenAI's layout (`clip.model.CLIP`'s `state_dict()`, which open_clip
/// keeps for its OpenAI-style ViTs), seen under transformers' names so `CLIPVisionWeights` reads it
/// like any Hugging Face folder. The config is read from the tensors' shapes as
/// `clip.model.build_model` reads it; open_clip's `open_clip_config.json` beside the file, when
/// there is one, gives the head width and the activation, which the shapes cannot tell.
public final class OpenAICLIPTensors: TensorSource, @unchecked Sendable {
    public let base: any TensorSource
    /// Where the tensors start: "" for a state dict, "model." or "state_dict." for wrapped ones.
    public let prefix: String
    public let config: CLIPVisionConfig
    /// `clip.load` builds the model and then runs `convert_weights`, which rounds the conv and
    /// linear weights and biases, in_proj and `proj` to float16 (layer norms and the class and
    /// position embeddings stay float32); on the CPU it then computes in float32. So its
    /// embeddings are those of the half-rounded weights, and scs rounds the same tensors to match
    /// the paper's pipeline. open_clip does not (a file with open_clip_config.json beside it).
    public let roundsLikeClipLoad: Bool
    /// The text tower's shape, read from its tensors as `build_model` reads it, when the file has one.
    public let textConfig: CLIPTextConfig?
    private var transposed: [String: UnsafeMutableBufferPointer<Float>] = [:]
    private var rounded: [String: UnsafeMutableBufferPointer<Float>] = [:]
    private var releasedSlices = Set<String>()

    public var path: String { base.path }

    public init(base: any TensorSource & TensorShapes, openCLIPConfig: URL? = nil) throws {
        self.base = base
        guard let conv = base.names.first(where: { $0.hasSuffix("visual.conv1.weight") }) else {
            throw WeightsError.missingTensor(path: base.path, name: "visual.conv1.weight (OpenAI's CLIP layout)")
        }
        prefix = String(conv.dropLast("visual.conv1.weight".count))
        let v = prefix + "visual."
        func shape(_ name: String) throws -> [Int] {
            guard let s = base.shape(of: v + name) else { throw WeightsError.missingTensor(path: base.path, name: v + name) }
            return s
        }
        let convShape = try shape("conv1.weight")
        let positions = try shape("positional_embedding")
        let projection = try shape("proj")
        let fc = try shape("transformer.resblocks.0.mlp.c_fc.weight")
        guard convShape.count == 4, positions.count == 2, projection.count == 2, fc.count == 2 else {
            throw WeightsError.badConfig(path: base.path, reason: "visual tensors of unexpected ranks")
        }
        var c = CLIPVisionConfig()
        c.shape.width = convShape[0]
        c.channels = convShape[1]
        c.patchSize = convShape[3]
        c.shape.layers = base.names.filter { $0.hasPrefix(v + "transformer.resblocks.") && $0.hasSuffix(".attn.in_proj_weight") }.count
        let grid = Int(Double(positions[0] - 1).squareRoot().rounded())
        c.imageSize = grid * c.patchSize
        c.projectionDim = projection[1]
        c.shape.mlpWidth = fc[0]
        c.shape.heads = max(1, c.hiddenSize / 64)
        c.shape.activation = "quick_gelu"
        // OpenAI released ViTs 768 and 1024 wide; a wider tower in this layout is one of open_clip's
        // LAION models (HPSv2's checkpoint is ViT-H-14 with no config beside it): its head width and
        // GELU come from open_clip's own model configs, and it is not rounded like clip.load's.
        let openCLIPTower = Self.openCLIPHeadWidths[c.hiddenSize]
        if let headWidth = openCLIPTower, openCLIPConfig == nil {
            c.shape.heads = c.hiddenSize / headWidth
            c.shape.activation = "gelu"
        }
        roundsLikeClipLoad = openCLIPConfig == nil && openCLIPTower == nil
        if let openCLIPConfig, let data = FileManager.default.contents(atPath: openCLIPConfig.path) {
            guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
                let model = root["model_cfg"] as? [String: Any]
            else {
                throw WeightsError.badConfig(path: openCLIPConfig.path, reason: "no model_cfg object")
            }
            let vision = model["vision_cfg"] as? [String: Any] ?? [:]
            if let headWidth = vision["head_width"] as? Int, headWidth > 0, c.hiddenSize % headWidth == 0 {
                c.shape.heads = c.hiddenSize / headWidth
            }
            c.shape.activation = (model["quick_gelu"] as? Bool ?? false) ? "quick_gelu" : "gelu"
        }
        guard c.layers > 0, grid * grid == positions[0] - 1, positions[1] == c.hiddenSize, projection[0] == c.hiddenSize,
            c.hiddenSize % c.shape.heads == 0
        else {
            throw WeightsError.badConfig(path: base.path, reason: "the visual tensors' shapes do not make a ViT")
        }
        config = c
        textConfig = Self.textConfig(base, prefix: prefix, openCLIPConfig: openCLIPConfig)
    }

    /// token_embedding [V, D], positional_embedding [T, D], text_projection [D, E], the number of
    /// resblocks outside `visual.`; heads D/64 as OpenAI's build_model sets them (open_clip's
    /// config may say otherwise). nil when the file holds only an image tower.
    static func textConfig(_ base: any TensorShapes, prefix: String, openCLIPConfig: URL?) -> CLIPTextConfig? {
        guard let tokens = base.shape(of: prefix + "token_embedding.weight"), tokens.count == 2,
            let positions = base.shape(of: prefix + "positional_embedding"), positions.count == 2,
            let projection = base.shape(of: prefix + "text_projection"), projection.count == 2,
            let fc = base.shape(of: prefix + "transformer.resblocks.0.mlp.c_fc.weight"), fc.count == 2
        else { return nil }
        var c = CLIPTextConfig()
        c.vocabularySize = tokens[0]
        c.shape.width = tokens[1]
        c.contextLength = positions[0]
        c.projectionDim = projection[1]
        c.shape.mlpWidth = fc[0]
        c.shape.layers = base.names.filter { $0.hasPrefix(prefix + "transformer.resblocks.") && $0.hasSuffix(".attn.in_proj_weight") }.count
        c.shape.heads = max(1, c.hiddenSize / 64)
        c.eosTokenID = c.vocabularySize - 1
        if let openCLIPConfig, let data = FileManager.default.contents(atPath: openCLIPConfig.path),
            let model = ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any])?["model_cfg"] as? [String: Any]
        {
            let text = model["text_cfg"] as? [String: Any] ?? [:]
            if let heads = text["heads"] as? Int, heads > 0 { c.shape.heads = heads }
            c.shape.activation = (model["quick_gelu"] as? Bool ?? false) ? "quick_gelu" : "gelu"
        }
        guard c.layers > 0, positions[1] == c.hiddenSize, projection[0] == c.hiddenSize, c.hiddenSize % c.shape.heads == 0 else { return nil }
        return c
    }

    /// open_clip's ViT-H-14, ViT-g-14 and ViT-bigG-14 (model_configs/*.json): width → head width.
    static let openCLIPHeadWidths = [1280: 80, 1408: 88, 1664: 104]

    deinit {
        transposed.values.forEach { $0.deallocate() }
        rounded.values.forEach { $0.deallocate() }
    }

    public func floats(_ name: String, shape: [Int]) throws -> UnsafePointer<Float> {
        let values = try unrounded(name, shape: shape)
        guard roundsLikeClipLoad, Self.halvedByClipLoad(name) else { return values }
        if let done = rounded[name] { return UnsafePointer(done.baseAddress!) }
        let count = shape.reduce(1, *)
        let out = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(count, 1))
        for i in 0..<count { out[i] = Float(Float16(values[i])) }
        rounded[name] = out
        return UnsafePointer(out.baseAddress!)
    }

    /// The tensors `clip.model.convert_weights` turns to float16: every Conv2d and Linear weight
    /// and bias, MultiheadAttention's in_proj, and `proj`.
    static func halvedByClipLoad(_ name: String) -> Bool {
        name == "vision_model.embeddings.patch_embedding.weight" || name == "visual_projection.weight" || name == "text_projection.weight"
            || ["self_attn.", "mlp.fc1.", "mlp.fc2."].contains { name.contains($0) }
    }

    private func unrounded(_ name: String, shape: [Int]) throws -> UnsafePointer<Float> {
        let text = name.hasPrefix("text_model.") || name == "text_projection.weight"
        let d = text ? textConfig?.hiddenSize ?? 0 : config.hiddenSize
        if let source = ["visual_projection.weight": prefix + "visual.proj", "text_projection.weight": prefix + "text_projection"][name] {
            // transformers keeps [E, D] for x·Wᵀ; OpenAI keeps the projection as [D, E] for x·proj.
            if let done = transposed[name] { return UnsafePointer(done.baseAddress!) }
            let e = text ? textConfig?.projectionDim ?? 0 : config.projectionDim
            guard shape == [e, d] else {
                throw WeightsError.wrongShape(path: path, name: source, expected: [shape.last ?? 0, shape.first ?? 0], found: [d, e])
            }
            let values = try base.floats(source, shape: [d, e])
            let out = UnsafeMutableBufferPointer<Float>.allocate(capacity: d * e)
            for i in 0..<d { for j in 0..<e { out[j * d + i] = values[i * e + j] } }
            base.release(source)
            transposed[name] = out
            return UnsafePointer(out.baseAddress!)
        }
        let (mapped, slice) = try openAIName(name)
        guard let slice else { return try base.floats(mapped, shape: shape) }
        // q, k and v are one in_proj tensor, stacked in that order.
        let whole = try base.floats(mapped, shape: mapped.hasSuffix("weight") ? [3 * d, d] : [3 * d])
        guard shape == (mapped.hasSuffix("weight") ? [d, d] : [d]) else {
            throw WeightsError.wrongShape(path: path, name: name, expected: shape, found: mapped.hasSuffix("weight") ? [d, d] : [d])
        }
        return whole + slice * shape.reduce(1, *)
    }

    public func release(_ name: String) {
        rounded.removeValue(forKey: name)?.deallocate()
        guard let (mapped, slice) = try? openAIName(name) else { return }
        guard slice != nil else { return base.release(mapped) }
        releasedSlices.insert(name)
        let stem = name.dropLast("q_proj.weight".count)
        if ["q_proj", "k_proj", "v_proj"].allSatisfy({ releasedSlices.contains(stem + $0 + ".weight") }) { base.release(mapped) }
    }

    /// transformers' name → OpenAI's, and which third of in_proj for q, k, v.
    private func openAIName(_ name: String) throws -> (String, Int?) {
        let v = prefix + "visual."
        let fixed: [String: String] = [
            "vision_model.embeddings.patch_embedding.weight": "conv1.weight",
            "vision_model.embeddings.class_embedding": "class_embedding",
            "vision_model.embeddings.position_embedding.weight": "positional_embedding",
            "vision_model.pre_layrnorm.weight": "ln_pre.weight", "vision_model.pre_layrnorm.bias": "ln_pre.bias",
            "vision_model.post_layernorm.weight": "ln_post.weight", "vision_model.post_layernorm.bias": "ln_post.bias"
        ]
        if let f = fixed[name] { return (v + f, nil) }
        let textFixed: [String: String] = [
            "text_model.embeddings.token_embedding.weight": "token_embedding.weight",
            "text_model.embeddings.position_embedding.weight": "positional_embedding",
            "text_model.final_layer_norm.weight": "ln_final.weight", "text_model.final_layer_norm.bias": "ln_final.bias"
        ]
        if let f = textFixed[name] { return (prefix + f, nil) }
        // The text tower's resblocks sit at the top level, the image tower's under "visual.".
        let (layerPrefix, tower) = name.hasPrefix("text_model.") ? ("text_model.encoder.layers.", prefix) : ("vision_model.encoder.layers.", v)
        guard name.hasPrefix(layerPrefix) else { throw WeightsError.missingTensor(path: path, name: name) }
        let rest = name.dropFirst(layerPrefix.count)
        guard let dot = rest.firstIndex(of: "."), let n = Int(rest[..<dot]) else { throw WeightsError.missingTensor(path: path, name: name) }
        let field = String(rest[rest.index(after: dot)...])
        let block = tower + "transformer.resblocks.\(n)."
        let parts = field.split(separator: ".").map(String.init)
        guard parts.count >= 2, let kind = parts.last else { throw WeightsError.missingTensor(path: path, name: name) }
        let module = parts.dropLast().joined(separator: ".")
        switch module {
        case "layer_norm1": return (block + "ln_1." + kind, nil)
        case "layer_norm2": return (block + "ln_2." + kind, nil)
        case "mlp.fc1": return (block + "mlp.c_fc." + kind, nil)
        case "mlp.fc2": return (block + "mlp.c_proj." + kind, nil)
        case "self_attn.out_proj": return (block + "attn.out_proj." + kind, nil)
        case "self_attn.q_proj": return (block + "attn.in_proj_" + kind, 0)
        case "self_attn.k_proj": return (block + "attn.in_proj_" + kind, 1)
        case "self_attn.v_proj": return (block + "attn.in_proj_" + kind, 2)
        default: throw WeightsError.missingTensor(path: path, name: name)
        }
    }
}
