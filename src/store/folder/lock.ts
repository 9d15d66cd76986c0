import Database from "better-sqlite3";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PapersError } from "../../errors.js";
import { diskError } from "./disk-errors.js";
import { claimIndexFolder, isNonFolder, notAFolder } from "./ownership.js";

export const LOCK_FILE = "writer.lock";
/** Who holds the lock: written by the holder for the other writers' error message, nothing more. */
export const HOLDER_FILE = "writer.pid";

const POLL_MS = 200;

/**
 * One writer (index, remove) per index folder at a time; readers never take it.
 *
 * The lock is an exclusive SQLite transaction on `writer.lock`, that is a POSIX record lock the
 * kernel drops when its process dies however it dies. So a crashed or killed writer never leaves
 * the lock stuck, there is no staleness to judge, and no pid to confuse with a reused one. A pid
 * file with 'wx' (or proper-lockfile, whose staleness is an mtime its holder must keep touching —
 * impossible while this writer blocks the event loop building a graph) would need a takeover
 * rule, and two processes taking over the same stale lock at once can both win. SQLite also keeps
 * two connections of one process apart, so this holds within a process (a server) as well.
 */
export class WriterLock {
  private constructor(
    private readonly db: Database.Database,
    private readonly indexDir: string,
  ) {}

  /** Takes the lock; with `wait`, waits for another writer to finish instead of failing. */
  static async acquire(indexDir: string, options: { wait?: boolean } = {}): Promise<WriterLock> {
    if (isNonFolder(indexDir)) throw notAFolder(indexDir);
    try {
      mkdirSync(indexDir, { recursive: true });
      // Before the lock file: a folder that is not papers' must not get one.
      claimIndexFolder(indexDir);
    } catch (error) {
      throw diskError(error, indexDir);
    }
    for (;;) {
      const lock = WriterLock.tryAcquire(indexDir);
      if (lock) return lock;
      if (!options.wait) {
        throw new PapersError(
          "INDEX_BUSY",
          `index at ${indexDir} is being written by ${holder(indexDir)}: wait for it to finish, or add --wait`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private static tryAcquire(indexDir: string): WriterLock | null {
    const path = join(indexDir, LOCK_FILE);
    let db: Database.Database | undefined;
    try {
      db = new Database(path, { timeout: 0 });
      db.exec("BEGIN EXCLUSIVE");
    } catch (error) {
      db?.close();
      if ((error as { code?: string }).code === "SQLITE_BUSY") return null;
      const trouble = diskError(error, indexDir);
      if (trouble !== error) throw trouble;
      const reason = error instanceof Error ? error.message : String(error);
      throw new PapersError("INDEX_DAMAGED", `cannot lock the index at ${indexDir} (${path}: ${reason}): if no papers process is writing it, delete ${path}`);
    }
    const temp = join(indexDir, `${HOLDER_FILE}.${process.pid}.tmp`);
    try {
      writeFileSync(temp, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }) + "\n");
      renameSync(temp, join(indexDir, HOLDER_FILE));
    } catch (error) {
      // A folder that cannot take writer.pid (full, read-only) cannot take an index either: let go.
      try {
        rmSync(temp, { force: true });
      } catch {
        // Never written, or cannot be removed either: removeStale clears it later.
      }
      db.close();
      throw diskError(error, indexDir);
    }
    return new WriterLock(db, indexDir);
  }

  release(): void {
    rmSync(join(this.indexDir, HOLDER_FILE), { force: true });
    // Closing ends the transaction, and with it the lock.
    this.db.close();
  }
}

/** Takes the lock, runs `body`, and releases it however `body` ends. */
export async function withWriterLock<T>(indexDir: string, options: { wait?: boolean }, body: () => Promise<T>): Promise<T> {
  const lock = await WriterLock.acquire(indexDir, options);
  try {
    return await body();
  } finally {
    lock.release();
  }
}

/** "process 1234 (since …)", or vaguer when the holder has not written its file yet. */
function holder(indexDir: string): string {
  let pid: number;
  let since: string;
  try {
    ({ pid, since } = JSON.parse(readFileSync(join(indexDir, HOLDER_FILE), "utf8")) as { pid: number; since: string });
  } catch {
    return "another process";
  }
  // A file naming a dead process was left by a killed writer: the holder has only just taken the lock.
  return alive(pid) ? `process ${pid} (since ${since})` : "another process";
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
