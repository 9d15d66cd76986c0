/**
 * A consistent private copy of zotero.sqlite. Zotero may be writing while papers copies its
 * database: a copy taken mid-commit is a mix of old and new pages, in which rows can be missing
 * (items would look deleted, and leave the index) or the file malformed; and a copy of a hot
 * rollback journal makes a read-only open fail with "attempt to write a readonly database".
 * So the database and its -journal/-wal files are copied, and the copy is kept only when none of
 * them changed while it was taken (size, time and inode before and after, and the header's change
 * counter); else it is taken again, and after a few tries the read stops with ZOTERO_BUSY.
 * The copy is then opened read-write (it is papers' own), so that SQLite rolls a copied hot
 * journal back, or applies a copied WAL, and the copy reads as the last committed state.
 */
import { closeSync, copyFileSync, existsSync, openSync, readSync, rmSync, statSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { PapersError } from "../errors.js";

const SIDE_FILES = ["-journal", "-wal"] as const;
/** Tries before giving up on a database that keeps changing, and the pause between them. */
const COPY_TRIES = 5;
const RETRY_MS = 300;

/** What changes when any of the database's files is written. */
function signature(file: string): string {
  const parts: string[] = [];
  for (const name of [file, ...SIDE_FILES.map((suffix) => file + suffix)]) {
    try {
      const stat = statSync(name, { bigint: true });
      parts.push(`${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`);
    } catch {
      parts.push("-");
    }
  }
  // Bytes 24-27: SQLite's file change counter, bumped by every commit in rollback-journal mode.
  try {
    const fd = openSync(file, "r");
    try {
      const header = Buffer.alloc(4);
      readSync(fd, header, 0, 4, 24);
      parts.push(header.toString("hex"));
    } finally {
      closeSync(fd);
    }
  } catch {
    parts.push("-");
  }
  return parts.join("|");
}

/** The database file and its -journal and -wal, copied as they are. */
function copyFiles(file: string, copy: string): void {
  for (const suffix of ["", ...SIDE_FILES]) rmSync(copy + suffix, { force: true });
  try {
    copyFileSync(file, copy);
    for (const suffix of SIDE_FILES) if (existsSync(file + suffix)) copyFileSync(file + suffix, copy + suffix);
  } catch (error) {
    // A side file Zotero removed between the check and the copy: a write in progress.
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/**
 * Copies `file` (with its -journal and -wal) to `copy`, consistently; see the module comment.
 * `copyAll` does the copying (a test's stands in for a Zotero that writes meanwhile).
 */
export async function snapshotDatabase(file: string, copy: string, copyAll: (file: string, copy: string) => void = copyFiles): Promise<void> {
  for (let attempt = 1; attempt <= COPY_TRIES; attempt++) {
    const before = signature(file);
    copyAll(file, copy);
    if (signature(file) === before) return;
    if (attempt < COPY_TRIES) await sleep(RETRY_MS);
  }
  throw zoteroBusy(file);
}

export function zoteroBusy(file: string): PapersError {
  return new PapersError(
    "ZOTERO_BUSY",
    `Zotero is writing to ${file} (it changed while papers copied it, ${COPY_TRIES} times): retry in a moment, or close Zotero first. Nothing was read or removed.`,
  );
}
