import GRDB

/// Which model goes on the left, per annotator and prompt: random, balanced and recorded.
///
/// Annotators are taken in pairs (1st and 2nd, 3rd and 4th, ...). The first of a pair gets a
/// fresh random arrangement with model A on the left for exactly half the prompts (the odd one
/// out, if any, by a coin flip); the second gets its mirror image. So each annotator sees each
/// model on each side equally often (±1), and each prompt is shown both ways equally often
/// across annotators (±1), which cancels any preference for a side. The result is stored in the
/// `assignment` table, never recomputed.
///
/// A study made with `--sides FILE` (the paper's fixed order) gives every annotator that file's
/// arrangement instead.
enum SideAssignment {
    static func aOnLeft(_ db: Database, annotatorIndex: Int, promptCount: Int) throws -> [Bool] {
        if let fixed = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'fixed_sides'"), fixed.count == promptCount {
            return fixed.map { $0 == "A" }
        }
        if annotatorIndex % 2 == 1 {
            let partner = try Row.fetchAll(
                db,
                sql: """
                    SELECT s.left_model = (SELECT value FROM meta WHERE key = 'model_a') AS a_left
                    FROM assignment s WHERE s.annotator_id = (SELECT id FROM annotator ORDER BY id LIMIT 1 OFFSET ?)
                    ORDER BY s.position
                    """, arguments: [annotatorIndex - 1]
            ).map { ($0["a_left"] as Bool) }
            if partner.count == promptCount { return partner.map { !$0 } }
        }
        return balanced(count: promptCount)
    }

    /// `count` booleans, half of them true, in random order (CSPRNG-backed system generator).
    static func balanced(count: Int) -> [Bool] {
        var generator = SystemRandomNumberGenerator()
        let extra = count % 2 == 1 && Bool.random(using: &generator) ? 1 : 0
        var values = [Bool](repeating: true, count: count / 2 + extra) + [Bool](repeating: false, count: count - count / 2 - extra)
        values.shuffle(using: &generator)
        return values
    }
}
