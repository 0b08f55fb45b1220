import GRDB

/// The study database's tables. Answers reference the assignment they answer; the UNIQUE key on
/// (annotator, prompt) is what makes submitting idempotent.
enum Schema {
    /// 2 added `shown_image`; a version-1 study gets the table when it is opened.
    static let version = "2"

    static func create(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE prompt (
                    id INTEGER PRIMARY KEY,
                    position INTEGER NOT NULL UNIQUE,
                    text TEXT NOT NULL UNIQUE
                );
                CREATE TABLE image (
                    id INTEGER PRIMARY KEY,
                    prompt_id INTEGER NOT NULL REFERENCES prompt(id),
                    model TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    path TEXT NOT NULL,
                    UNIQUE (prompt_id, model, position)
                );
                CREATE TABLE annotator (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    token TEXT NOT NULL UNIQUE,
                    created_at TEXT NOT NULL
                );
                CREATE TABLE assignment (
                    annotator_id INTEGER NOT NULL REFERENCES annotator(id),
                    prompt_id INTEGER NOT NULL REFERENCES prompt(id),
                    position INTEGER NOT NULL,
                    left_model TEXT NOT NULL,
                    right_model TEXT NOT NULL,
                    shown_at TEXT,
                    PRIMARY KEY (annotator_id, prompt_id)
                );
                CREATE TABLE answer (
                    id INTEGER PRIMARY KEY,
                    annotator_id INTEGER NOT NULL REFERENCES annotator(id),
                    prompt_id INTEGER NOT NULL REFERENCES prompt(id),
                    left_model TEXT NOT NULL,
                    right_model TEXT NOT NULL,
                    choice TEXT NOT NULL CHECK (choice IN ('left', 'right', 'cant_tell')),
                    chosen_model TEXT,
                    shown_at TEXT NOT NULL,
                    answered_at TEXT NOT NULL,
                    UNIQUE (annotator_id, prompt_id)
                );
                """)
        try createShownImages(db)
        try db.execute(sql: "PRAGMA journal_mode = WAL")
    }

    /// What each annotator is shown: per assignment, every image under a random token, its side
    /// and its place in that side's gallery (each side shuffled on its own). Pages and image URLs
    /// carry only these tokens, never the registered ids, which follow insertion order (model A's
    /// images were registered first) and so would tell the sides apart.
    static func createShownImages(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS shown_image (
                    annotator_id INTEGER NOT NULL REFERENCES annotator(id),
                    prompt_id INTEGER NOT NULL REFERENCES prompt(id),
                    image_id INTEGER NOT NULL REFERENCES image(id),
                    side TEXT NOT NULL CHECK (side IN ('left', 'right')),
                    position INTEGER NOT NULL,
                    token TEXT NOT NULL UNIQUE,
                    PRIMARY KEY (annotator_id, image_id)
                )
                """)
    }

    static func meta(_ db: Database) throws -> [String: String] {
        var result: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT key, value FROM meta") { result[row["key"]] = row["value"] }
        return result
    }

    static func setMeta(_ db: Database, _ values: [String: String]) throws {
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", arguments: [key, value])
        }
    }
}
