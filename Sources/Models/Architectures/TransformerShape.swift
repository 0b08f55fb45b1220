import Foundation
import SCSTensor

/// The shape every tower here shares: a stack of pre-norm encoder layers. Each architecture's
/// config holds one, read from the same config.json object as its own fields with its own
/// defaults, and checked the same way for every kind.
public struct TransformerShape: Sendable, Equatable {
    /// `hidden_size`.
    public var width: Int
    /// `intermediate_size` (DINOv2 derives it from `mlp_ratio`).
    public var mlpWidth: Int
    /// `num_hidden_layers`.
    public var layers: Int
    /// `num_attention_heads`.
    public var heads: Int
    /// `layer_norm_eps`.
    public var layerNormEps: Float
    /// `hidden_act`: one of `Activation`'s raw values.
    public var activation: String
}

extension TransformerShape {
    /// Reads the shape from one config object, taking `defaults` for absent fields, and checks it:
    /// positive sizes, a positive epsilon, an activation scs runs, a width the heads divide.
    /// `mlpWidth`, when given, computes the MLP width from the width instead of reading
    /// `intermediate_size` (DINOv2's `mlp_ratio`).
    init(from fields: ConfigFields, defaults: TransformerShape, mlpWidth: ((Int) -> Int)? = nil) throws {
        width = try fields.integer("hidden_size", default: defaults.width)
        layers = try fields.integer("num_hidden_layers", default: defaults.layers)
        heads = try fields.integer("num_attention_heads", default: defaults.heads)
        layerNormEps = Float(try fields.positiveNumber("layer_norm_eps", default: Double(defaults.layerNormEps)))
        activation = try fields.text("hidden_act", default: defaults.activation)
        if let mlpWidth {
            self.mlpWidth = mlpWidth(width)
        } else {
            self.mlpWidth = try fields.integer("intermediate_size", default: defaults.mlpWidth)
        }
        guard Activation(rawValue: activation) != nil else {
            throw fields.invalid("hidden_act", "unsupported activation \(activation)")
        }
        guard width % heads == 0 else {
            throw fields.invalid("num_attention_heads", "hidden_size \(width) is not divisible by num_attention_heads \(heads)")
        }
    }
}
