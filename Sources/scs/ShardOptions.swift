import ArgumentParser
import SCSScoring

/// A command that can do one shard of its work; its help says what a shard of it holds.
protocol ShardedCommand {
    static var shardHelp: String { get }
    static var shardsHelp: String { get }
}

/// `--shard K/N|auto` and `--shards N`, declared and checked once for every sharded command.
/// Generic over the command only for its help text.
struct ShardOptions<Command: ShardedCommand>: ParsableArguments {
    @Option(help: ArgumentHelp(Command.shardHelp, valueName: "K/N|auto"))
    var shard: String?

    @Option(help: ArgumentHelp(Command.shardsHelp, valueName: "N"))
    var shards: Int?

    func validate() throws {
        if shards != nil && shard != "auto" { throw ValidationError("--shards N goes with --shard auto") }
        if let shard, shard != "auto" { _ = try ErrorWording.rewording { try ShardSpec.parse(shard) } }
    }

    /// The shard asked for (nil: the whole run); `auto` reads it from the job engine's environment.
    func spec() throws -> ShardSpec? {
        guard let shard else { return nil }
        return shard == "auto" ? try ShardSpec.fromEnvironment(shards: shards) : try ShardSpec.parse(shard)
    }
}
