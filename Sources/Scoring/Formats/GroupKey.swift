import Foundation

/// What names a group: the model (folder) and the prompt (group name). Every file keyed by group
/// (scores.csv, its alignment file, shard records) and every table built from one uses it.
public struct GroupKey: Hashable, Sendable, CustomStringConvertible {
    public var model: String
    public var prompt: String

    public init(model: String, prompt: String) { (self.model, self.prompt) = (model, prompt) }

    /// "model/prompt", as messages name a group.
    public var description: String { "\(model)/\(prompt)" }

    /// The key as hashes and digests take it: model, NUL, prompt. NUL cannot be in a folder name,
    /// so no two groups share it; shard placement and listing digests of files already written
    /// depend on these exact bytes.
    public var digestText: String { model + "\u{0}" + prompt }
}

extension GroupScore { public var group: GroupKey { GroupKey(model: model, prompt: prompt) } }
extension ExcludedGroup { public var group: GroupKey { GroupKey(model: model, prompt: prompt) } }
extension ImageAlignment { public var group: GroupKey { GroupKey(model: model, prompt: prompt) } }
extension ShardUnit { public var group: GroupKey { GroupKey(model: model, prompt: prompt) } }
extension ImageItem { public var group: GroupKey { GroupKey(model: model, prompt: prompt) } }
