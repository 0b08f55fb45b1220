import Foundation

/// CLIP vision towers with weights drawn from a seeded generator, written as a Hugging Face model
/// folder (config.json + model.safetensors). `scs doctor` checks the arithmetic on one whose
/// embeddings PyTorch computed (scripts/oracle/make_doctor_reference.py draws the same weights),
/// and times the engine on one of ViT-B/32's shape, offline, with no download.
///
/// The draw: SplitMix64 from `seed`; each uniform u = (z >> 40) / 2²⁴ · 2 − 1 is exact in float32.
/// Tensors are drawn in the order of their sorted names, elements in row-major order:
/// layer-norm weights 1 + 0.1·u, other vectors 0.1·u (class embedding 0.5·u), matrices
/// u · (1.5 / √fan-in) with fan-in the product of all but the first dimension; all in float32.
public enum SyntheticCLIP {
    /// A generator both this file and the oracle script implement.
    public struct Generator {
        var state: UInt64
        public init(seed: UInt64) { state = seed }
        public mutating func uniform() -> Float {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Float(z >> 40) / 16_777_216 * 2 - 1
        }
    }

    /// The tensors of a vision tower with `config`, by name, with shapes (transformers' names).
    public static func tensorShapes(_ c: CLIPVisionConfig) -> [(name: String, shape: [Int])] {
        let d = c.hiddenSize, i = c.intermediateSize, p = c.patchSize, v = "vision_model."
        var list: [(String, [Int])] = [
            (v + "embeddings.patch_embedding.weight", [d, c.channels, p, p]),
            (v + "embeddings.class_embedding", [d]),
            (v + "embeddings.position_embedding.weight", [c.tokens, d]),
            (v + "pre_layrnorm.weight", [d]), (v + "pre_layrnorm.bias", [d]),
            (v + "post_layernorm.weight", [d]), (v + "post_layernorm.bias", [d]),
            ("visual_projection.weight", [c.projectionDim, d])
        ]
        for n in 0..<c.layers {
            let l = v + "encoder.layers.\(n)."
            for proj in ["q_proj", "k_proj", "v_proj", "out_proj"] {
                list += [(l + "self_attn.\(proj).weight", [d, d]), (l + "self_attn.\(proj).bias", [d])]
            }
            list += [
                (l + "layer_norm1.weight", [d]), (l + "layer_norm1.bias", [d]),
                (l + "layer_norm2.weight", [d]), (l + "layer_norm2.bias", [d]),
                (l + "mlp.fc1.weight", [i, d]), (l + "mlp.fc1.bias", [i]),
                (l + "mlp.fc2.weight", [d, i]), (l + "mlp.fc2.bias", [d])
            ]
        }
        return list.sorted { $0.0 < $1.0 }
    }

    /// Writes config.json and model.safetensors for `config` into `directory` (created).
    public static func write(config c: CLIPVisionConfig, seed: UInt64, to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var generator = Generator(seed: seed)
        let tensors = tensorShapes(c)
        var header: [String: Any] = [:]
        var offset = 0
        for t in tensors {
            let bytes = t.shape.reduce(1, *) * 4
            header[t.name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + bytes]]
            offset += bytes
        }
        var headerData = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while (headerData.count + 8) % 8 != 0 { headerData.append(0x20) }
        var file = Data(capacity: 8 + headerData.count + offset)
        withUnsafeBytes(of: UInt64(headerData.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(headerData)
        for t in tensors {
            let count = t.shape.reduce(1, *)
            var values = [Float](repeating: 0, count: count)
            let isNorm = t.name.hasSuffix("norm.weight") || t.name.hasSuffix("norm1.weight") || t.name.hasSuffix("norm2.weight")
            if t.shape.count == 1 {
                let scale: Float = t.name.hasSuffix("class_embedding") ? 0.5 : 0.1
                for j in 0..<count { values[j] = isNorm ? 1 + 0.1 * generator.uniform() : scale * generator.uniform() }
            } else {
                let fanIn = t.shape.dropFirst().reduce(1, *)
                let scale = Float(1.5 / Double(fanIn).squareRoot())
                for j in 0..<count { values[j] = generator.uniform() * scale }
            }
            values.withUnsafeBytes { file.append(contentsOf: $0) }
        }
        try file.write(to: directory.appendingPathComponent("model.safetensors"))
        let config: [String: Any] = [
            "model_type": "clip", "projection_dim": c.projectionDim,
            "vision_config": [
                "hidden_size": c.hiddenSize, "intermediate_size": c.intermediateSize, "num_hidden_layers": c.layers,
                "num_attention_heads": c.heads, "image_size": c.imageSize, "patch_size": c.patchSize,
                "num_channels": c.channels, "projection_dim": c.projectionDim, "layer_norm_eps": Double(c.layerNormEps),
                "hidden_act": c.activation
            ] as [String: Any]
        ]
        try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys, .prettyPrinted])
            .write(to: directory.appendingPathComponent("config.json"))
    }

    /// `count` preprocessed inputs (`[count, 3, S, S]`), values 2·u, drawn after nothing else
    /// from their own generator.
    public static func inputs(count: Int, size: Int, seed: UInt64) -> [Float] {
        var generator = Generator(seed: seed)
        return (0..<(count * 3 * size * size)).map { _ in 2 * generator.uniform() }
    }

    /// The tower `scs doctor` checks: small enough to run in milliseconds on any path, with every
    /// operation of ViT-B/32 (two layers, two heads, quick GELU).
    public static var checkConfig: CLIPVisionConfig {
        var c = CLIPVisionConfig()
        c.shape.width = 32; c.shape.mlpWidth = 64; c.shape.layers = 2; c.shape.heads = 2
        c.imageSize = 32; c.patchSize = 8; c.projectionDim = 16
        return c
    }
    public static let checkWeightsSeed: UInt64 = 20_240_617
    public static let checkInputsSeed: UInt64 = 7
    public static let checkInputCount = 5
}
