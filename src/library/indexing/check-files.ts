/**
 * Which of a run's files changed since the last run (file-stamps.ts): a file whose stamp (size,
 * modification time, inode) is the one saved is not opened at all; one whose stamp changed is
 * hashed, and is parsed only when its bytes changed. The stat comes before the hash, so a file
 * written meanwhile is saved with its older stamp and read again by the next run.
 */
import { createHash } from "node:crypto";
import { createReadStream, statSync } from "node:fs";
import { resolve } from "node:path";
import { STDIN_PATH, type InputFile } from "../../corpus/inputs.js";
import { isUnder, sameStamp, type FileEntries, type Stamp } from "./file-stamps.js";

export interface CheckedFile {
  file: InputFile;
  /** The resolved path the file's entry is kept under; "-" for standard input. */
  path: string;
  /** null for standard input, and for a file that went between being found and stat'ed. */
  stamp: Stamp | null;
  /**
   * unchanged: same stamp, not opened; same-content: stamp changed, bytes hashed the same, not
   * parsed; changed: new, or its bytes changed (or stdin, or no longer there): parsed.
   */
  status: "unchanged" | "same-content" | "changed";
  /** The bytes' hash, when they were hashed. */
  sha256: string | null;
  /** When the stamp was taken (Date.now()), to tell a stamp too recent to trust (file-stamps.ts isRacy). */
  checkedAt: number;
}

/** Stats every file, and hashes those whose stamp is not the saved one. */
export async function checkFiles(files: readonly InputFile[], entries: FileEntries, fields: string): Promise<CheckedFile[]> {
  const checked: CheckedFile[] = [];
  for (const file of files) {
    if (file.path === STDIN_PATH) {
      checked.push({ file, path: STDIN_PATH, stamp: null, status: "changed", sha256: null, checkedAt: Date.now() });
      continue;
    }
    const path = resolve(file.path);
    const checkedAt = Date.now();
    let stamp: Stamp;
    try {
      const stat = statSync(file.path);
      stamp = { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino };
    } catch {
      // Gone since it was found: the read reports it.
      checked.push({ file, path, stamp: null, status: "changed", sha256: null, checkedAt });
      continue;
    }
    const entry = entries.get(path);
    if (sameStamp(entry, stamp, fields)) {
      checked.push({ file, path, stamp, status: "unchanged", sha256: entry!.sha256, checkedAt });
      continue;
    }
    let sha256: string | null = null;
    try {
      sha256 = await fileSha256(file.path);
    } catch {
      // Unreadable: the read reports why.
    }
    const same = sha256 !== null && entry !== undefined && entry.sha256 === sha256 && entry.fields === fields;
    checked.push({ file, path, stamp, status: same ? "same-content" : "changed", sha256, checkedAt });
  }
  return checked;
}

/** The first 128 bits of a file's SHA-256, hex, read as a stream (a snapshot may be gigabytes). */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest("hex").slice(0, 32);
}

/**
 * The saved files under `roots` that are gone: not among the files found now, and no longer there
 * at all (a file that is there but was not listed, in a folder that could not be read or under a
 * name now ignored, is not gone).
 */
export function goneFiles(entries: FileEntries, roots: readonly string[], found: ReadonlyMap<string, unknown>): Set<string> {
  const gone = new Set<string>();
  for (const path of entries.keys()) {
    if (found.has(path) || !isUnder(path, roots)) continue;
    try {
      statSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") gone.add(path);
    }
  }
  return gone;
}
