import Database from "better-sqlite3";
import { rmSync } from "node:fs";
import { join } from "node:path";

const FILE = "checkpoint.db";

/**
 * Vectors embedded by an indexing run that has not committed yet, by content hash. Each batch is
 * one SQLite transaction, so a run killed at any moment keeps every batch it finished, and the
 * next run over the same papers embeds only the rest. Removed once the run commits.
 */
export class Checkpoint {
  private constructor(private readonly db: Database.Database) {}

  /**
   * Opens the folder's checkpoint for a model and dtype; one left by another model, or one that is
   * not a readable database, is discarded (it only saves work; the caller holds the writer lock).
   */
  static open(indexDir: string, model: string): Checkpoint {
    try {
      return Checkpoint.openFile(indexDir, model);
    } catch {
      Checkpoint.remove(indexDir);
      return Checkpoint.openFile(indexDir, model);
    }
  }

  private static openFile(indexDir: string, model: string): Checkpoint {
    const path = join(indexDir, FILE);
    let db = new Database(path);
    try {
      const stored = tryRead(() => (db.prepare("SELECT value FROM meta WHERE key = 'model'").get() as { value: string } | undefined)?.value);
      if (stored !== undefined && stored !== model) {
        db.close();
        // With its -wal too: a killed run's WAL must not be replayed into the new database.
        Checkpoint.remove(indexDir);
        db = new Database(path);
      }
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      db.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      db.exec("CREATE TABLE IF NOT EXISTS vectors (hash TEXT PRIMARY KEY, vector BLOB NOT NULL)");
      db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('model', ?)").run(model);
      return new Checkpoint(db);
    } catch (error) {
      if (db.open) db.close();
      throw error;
    }
  }

  static remove(indexDir: string): void {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(join(indexDir, FILE + suffix), { force: true });
  }

  /** The vectors already embedded for these hashes. */
  lookup(hashes: Iterable<string>): Map<string, Float32Array> {
    const get = this.db.prepare("SELECT vector FROM vectors WHERE hash = ?");
    const found = new Map<string, Float32Array>();
    for (const hash of hashes) {
      const row = get.get(hash) as { vector: Buffer } | undefined;
      if (row) found.set(hash, new Float32Array(row.vector.buffer.slice(row.vector.byteOffset, row.vector.byteOffset + row.vector.byteLength)));
    }
    return found;
  }

  save(batch: readonly (readonly [hash: string, vector: Float32Array])[]): void {
    const put = this.db.prepare("INSERT OR REPLACE INTO vectors (hash, vector) VALUES (?, ?)");
    this.db.transaction(() => {
      for (const [hash, vector] of batch) put.run(hash, Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
    })();
  }

  close(): void {
    this.db.close();
  }
}

function tryRead<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
