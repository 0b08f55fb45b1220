import Foundation
import GRDB

/// A study in its SQLite database: the prompts and images registered at `init`, the annotators
/// and their side assignments, and every answer.
///
/// The database runs in WAL mode with `synchronous = FULL`: each answer is its own transaction,
/// on disk before the browser hears back, so a crash or restart loses nothing that was
/// acknowledged. Writes are serialised by GRDB's pool; a UNIQUE (annotator, prompt) key makes a
/// repeated submit a no-op.
public final class Study: Sendable {
    public let path: String
    let pool: DatabasePool

    private init(path: String, pool: DatabasePool) {
        self.path = path
        self.pool = pool
    }

    static func configuration() -> Configuration {
        var config = Configuration()
        config.busyMode = .timeout(30)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        return config
    }

    /// Opens an existing study.
    public static func open(at path: String) throws -> Study {
        guard FileManager.default.fileExists(atPath: path) else {
            throw AnnotateError.study(path: path, reason: "no such study (run `scs annotate init` first)")
        }
        do {
            let pool = try DatabasePool(path: path, configuration: configuration())
            let study = Study(path: path, pool: pool)
            guard try pool.read({ db in try db.tableExists("meta") }) else {
                throw AnnotateError.study(path: path, reason: "not a study database")
            }
            // A study made before image tokens existed gets their table; its annotators get
            // tokens the next time a prompt is shown to them.
            try pool.write { db in
                if try !db.tableExists("shown_image") { try Schema.createShownImages(db) }
            }
            return study
        } catch let error as AnnotateError {
            throw error
        } catch {
            throw AnnotateError.study(path: path, reason: "\(error)")
        }
    }

    /// Creates the database and its schema; fails if the file exists, so a study is never
    /// overwritten by accident.
    static func create(at path: String) throws -> Study {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw AnnotateError.study(path: path, reason: "already exists; a study is never overwritten")
        }
        do {
            let pool = try DatabasePool(path: path, configuration: configuration())
            try pool.write { db in try Schema.create(db) }
            return Study(path: path, pool: pool)
        } catch {
            throw AnnotateError.study(path: path, reason: "\(error)")
        }
    }

    /// Wraps database errors with the study's path.
    func guarded<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as AnnotateError { throw error } catch {
            throw AnnotateError.study(path: path, reason: "\(error)")
        }
    }

    // MARK: Set-up

    public func config() throws -> StudyConfig {
        try guarded {
            try pool.read { db in
                let meta = try Schema.meta(db)
                return StudyConfig(
                    modelA: meta["model_a"] ?? "", modelB: meta["model_b"] ?? "",
                    imagesPerSide: Int(meta["images_per_side"] ?? "") ?? 0,
                    allowCantTell: meta["allow_cant_tell"] == "1",
                    question: meta["question"] ?? StudyConfig.paperQuestion,
                    dataset: meta["dataset"] ?? "")
            }
        }
    }

    /// The secret of the admin pages, made at `init`.
    public func adminToken() throws -> String {
        try guarded { try pool.read { db in try Schema.meta(db)["admin_token"] ?? "" } }
    }

    /// The secret under which CSRF tokens are made; never sent to a browser.
    func formSecret() throws -> String {
        try guarded { try pool.read { db in try Schema.meta(db)["form_secret"] ?? "" } }
    }

    public func prompts() throws -> [StudyPrompt] {
        try guarded {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT id, position, text FROM prompt ORDER BY position").map {
                    StudyPrompt(id: $0["id"], position: $0["position"], text: $0["text"])
                }
            }
        }
    }

    public func images(promptID: Int64) throws -> [StudyImage] {
        try guarded { try pool.read { db in try Self.images(db, promptID: promptID) } }
    }

    static func images(_ db: Database, promptID: Int64) throws -> [StudyImage] {
        try Row.fetchAll(
            db, sql: "SELECT id, prompt_id, model, position, path FROM image WHERE prompt_id = ? ORDER BY model, position",
            arguments: [promptID]
        ).map(StudyImage.init(row:))
    }

    /// The registered image an annotator was shown under `token`, or `nil`: the only way a file
    /// path is ever chosen for serving. A token is good for its annotator only.
    public func image(annotator: Annotator, token: String) async throws -> StudyImage? {
        guard Tokens.plausible(token) else { return nil }
        return try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT i.id, i.prompt_id, i.model, i.position, i.path
                    FROM shown_image s JOIN image i ON i.id = s.image_id
                    WHERE s.annotator_id = ? AND s.token = ?
                    """, arguments: [annotator.id, token]
            ).map(StudyImage.init(row:))
        }
    }

    /// Every registered image (for warming the thumbnail cache).
    public func allImages() async throws -> [StudyImage] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, prompt_id, model, position, path FROM image ORDER BY id").map(StudyImage.init(row:))
        }
    }

    /// The images of one prompt as `annotator` sees them, made on first showing: each side
    /// shuffled on its own (CSPRNG) and every image given a fresh random token, so neither the
    /// URLs nor the order on the page follow the registration order, which put model A first.
    static func shownImages(
        _ db: Database, annotator: Int64, promptID: Int64,
        left: String, right: String
    ) throws -> (left: [TrialImage], right: [TrialImage]) {
        func fetch() throws -> [(side: String, image: TrialImage)] {
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.side, s.token, i.id, i.prompt_id, i.model, i.position, i.path
                    FROM shown_image s JOIN image i ON i.id = s.image_id
                    WHERE s.annotator_id = ? AND s.prompt_id = ?
                    ORDER BY s.side, s.position
                    """, arguments: [annotator, promptID]
            ).map { ($0["side"], TrialImage(token: $0["token"], image: StudyImage(row: $0))) }
        }
        var shown = try fetch()
        if shown.isEmpty {
            var generator = SystemRandomNumberGenerator()
            let images = try Self.images(db, promptID: promptID)
            for (side, model) in [("left", left), ("right", right)] {
                for (position, image) in images.filter({ $0.model == model }).shuffled(using: &generator).enumerated() {
                    try db.execute(
                        sql: """
                            INSERT INTO shown_image (annotator_id, prompt_id, image_id, side, position, token)
                            VALUES (?, ?, ?, ?, ?, ?)
                            """, arguments: [annotator, promptID, image.id, side, position, Tokens.random(bytes: 16)])
                }
            }
            shown = try fetch()
        }
        return (shown.filter { $0.side == "left" }.map(\.image), shown.filter { $0.side == "right" }.map(\.image))
    }

    // MARK: Annotators

    /// Invites an annotator: a fresh token and the side assignment of every prompt. Inviting a
    /// name again returns the existing annotator (and link) unchanged.
    public func invite(name rawName: String) throws -> Annotator {
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100, !name.contains(where: { $0.isNewline || $0 == "," || $0 == "\"" }) else {
            throw AnnotateError.badAnnotatorName(rawName, reason: "give 1 to 100 characters, no comma, quote or line break")
        }
        return try guarded {
            try pool.write { db in
                if let row = try Row.fetchOne(db, sql: "SELECT id, name, token FROM annotator WHERE name = ?", arguments: [name]) {
                    return Annotator(id: row["id"], name: row["name"], token: row["token"])
                }
                let meta = try Schema.meta(db)
                let modelA = meta["model_a"]!, modelB = meta["model_b"]!
                let index = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM annotator") ?? 0
                let token = Tokens.random()
                try db.execute(
                    sql: "INSERT INTO annotator (name, token, created_at) VALUES (?, ?, ?)",
                    arguments: [name, token, Timestamp.now()])
                let id = db.lastInsertedRowID
                let prompts = try Row.fetchAll(db, sql: "SELECT id, position FROM prompt ORDER BY position")
                let aLeft = try SideAssignment.aOnLeft(db, annotatorIndex: index, promptCount: prompts.count)
                for (i, prompt) in prompts.enumerated() {
                    let (left, right) = aLeft[i] ? (modelA, modelB) : (modelB, modelA)
                    try db.execute(
                        sql: """
                            INSERT INTO assignment (annotator_id, prompt_id, position, left_model, right_model)
                            VALUES (?, ?, ?, ?, ?)
                            """, arguments: [id, prompt["id"] as Int64, prompt["position"] as Int, left, right])
                }
                return Annotator(id: id, name: name, token: token)
            }
        }
    }

    public func annotators() throws -> [Annotator] {
        try guarded {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT id, name, token FROM annotator ORDER BY id").map {
                    Annotator(id: $0["id"], name: $0["name"], token: $0["token"])
                }
            }
        }
    }

    /// The annotator whose link holds `token`, or `nil`.
    public func annotator(token: String) async throws -> Annotator? {
        guard Tokens.plausible(token) else { return nil }
        return try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT id, name, token FROM annotator WHERE token = ?", arguments: [token]).flatMap {
                let stored: String = $0["token"]
                return Tokens.equal(stored, token) ? Annotator(id: $0["id"], name: $0["name"], token: stored) : nil
            }
        }
    }

    // MARK: Annotating

    /// The first prompt the annotator has not answered, in their order, marked as shown now
    /// (the first time only); `nil` when they are done. This is what makes resuming work: the
    /// database, not the browser, knows where they are.
    public func nextTrial(for annotator: Annotator) async throws -> Trial? {
        try await pool.write { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM assignment WHERE annotator_id = ?", arguments: [annotator.id]) ?? 0
            let answered = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM answer WHERE annotator_id = ?", arguments: [annotator.id]) ?? 0
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT s.prompt_id, s.position, s.left_model, s.right_model, p.text,
                               (SELECT COUNT(*) FROM assignment t WHERE t.annotator_id = s.annotator_id AND t.position <= s.position) AS number
                        FROM assignment s JOIN prompt p ON p.id = s.prompt_id
                        WHERE s.annotator_id = ?
                          AND NOT EXISTS (SELECT 1 FROM answer a WHERE a.annotator_id = s.annotator_id AND a.prompt_id = s.prompt_id)
                        ORDER BY s.position LIMIT 1
                        """, arguments: [annotator.id])
            else { return nil }
            let promptID: Int64 = row["prompt_id"]
            try db.execute(
                sql: "UPDATE assignment SET shown_at = ? WHERE annotator_id = ? AND prompt_id = ? AND shown_at IS NULL",
                arguments: [Timestamp.now(), annotator.id, promptID])
            let left: String = row["left_model"], right: String = row["right_model"]
            let shown = try Self.shownImages(db, annotator: annotator.id, promptID: promptID, left: left, right: right)
            return Trial(
                prompt: StudyPrompt(id: promptID, position: row["position"], text: row["text"]),
                leftModel: left, rightModel: right,
                leftImages: shown.left, rightImages: shown.right,
                number: row["number"], total: total, answered: answered)
        }
    }

    /// Stores an answer the moment it is given, in its own transaction. A second answer to the
    /// same prompt by the same annotator changes nothing and reports `.duplicate`.
    public func record(annotator: Annotator, promptID: Int64, choice: Choice) async throws -> RecordOutcome {
        try await pool.write { db in
            guard
                let assignment = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT left_model, right_model, shown_at FROM assignment WHERE annotator_id = ? AND prompt_id = ?
                        """, arguments: [annotator.id, promptID])
            else {
                throw AnnotateError.invalid("prompt \(promptID) is not in this annotator's study")
            }
            if choice == .cantTell, try Schema.meta(db)["allow_cant_tell"] != "1" {
                throw AnnotateError.invalid("this study does not allow \"can't tell\"")
            }
            let left: String = assignment["left_model"], right: String = assignment["right_model"]
            let chosen: String? = choice == .left ? left : choice == .right ? right : nil
            let now = Timestamp.now()
            let shown: String = assignment["shown_at"] ?? now
            try db.execute(
                sql: """
                    INSERT INTO answer (annotator_id, prompt_id, left_model, right_model, choice, chosen_model, shown_at, answered_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (annotator_id, prompt_id) DO NOTHING
                    """, arguments: [annotator.id, promptID, left, right, choice.rawValue, chosen, shown, now])
            return db.changesCount == 1 ? .stored : .duplicate
        }
    }

    // MARK: Reading results

    public func progress() async throws -> [AnnotatorProgress] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT n.name,
                           (SELECT COUNT(*) FROM answer a WHERE a.annotator_id = n.id) AS answered,
                           (SELECT COUNT(*) FROM assignment s WHERE s.annotator_id = n.id) AS total,
                           (SELECT MAX(answered_at) FROM answer a WHERE a.annotator_id = n.id) AS last
                    FROM annotator n ORDER BY n.id
                    """
            ).map { AnnotatorProgress(name: $0["name"], answered: $0["answered"], total: $0["total"], lastAnswerAt: $0["last"]) }
        }
    }

    /// Every answer, by prompt order then annotator.
    public func answers() throws -> [AnswerRecord] {
        try guarded { try pool.read { db in try Self.answers(db) } }
    }

    public func answersAsync() async throws -> [AnswerRecord] {
        try await pool.read { db in try Self.answers(db) }
    }

    static func answers(_ db: Database) throws -> [AnswerRecord] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT n.name, p.text, p.position, a.left_model, a.right_model, a.choice, a.chosen_model, a.shown_at, a.answered_at
                FROM answer a JOIN annotator n ON n.id = a.annotator_id JOIN prompt p ON p.id = a.prompt_id
                ORDER BY p.position, n.id
                """
        ).map { row in
            AnswerRecord(
                annotator: row["name"], prompt: row["text"], promptPosition: row["position"],
                leftModel: row["left_model"], rightModel: row["right_model"],
                choice: Choice(rawValue: row["choice"]) ?? .cantTell, chosenModel: row["chosen_model"],
                shownAt: row["shown_at"], answeredAt: row["answered_at"])
        }
    }
}

extension StudyImage {
    init(row: Row) {
        self.init(id: row["id"], promptID: row["prompt_id"], model: row["model"], position: row["position"], path: row["path"])
    }
}
