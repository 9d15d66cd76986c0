import { accessSync, constants, statfsSync } from "node:fs";
import { PapersError } from "../../errors.js";

/**
 * Turns what the operating system (or SQLite, which reports the same troubles its own way) says
 * when an index cannot be written into the catalog's errors, naming the path and what to do:
 * a full disk, a read-only file system, or a folder the user may not write. Anything else is
 * returned unchanged.
 */
export function diskError(error: unknown, indexDir: string): unknown {
  if (error instanceof PapersError) return error;
  const code = String((error as { code?: unknown })?.code ?? "");
  const path = typeof (error as NodeJS.ErrnoException)?.path === "string" ? (error as NodeJS.ErrnoException).path! : indexDir;
  const kind = troubleOf(code, indexDir);
  if (kind === "DISK_FULL") {
    return new PapersError(
      "DISK_FULL",
      `no space left on the disk holding ${path}, so the index at ${indexDir} was not changed (it still answers as before): free some space, or give --index a folder on another disk`,
    );
  }
  if (kind === "READ_ONLY") {
    return new PapersError(
      "READ_ONLY",
      `${path} is on a read-only file system, so the index at ${indexDir} cannot be written (searching it still works): remount it read-write, or give --index a writable folder`,
    );
  }
  if (kind === "NO_PERMISSION") {
    return new PapersError(
      "NO_PERMISSION",
      `no permission to write ${path}, so the index at ${indexDir} cannot be written: run papers as a user who may write there, change the folder's permissions, or give --index another folder`,
    );
  }
  return error;
}

export function isDiskFull(error: unknown): boolean {
  return error instanceof PapersError && error.code === "DISK_FULL";
}

type Trouble = "DISK_FULL" | "READ_ONLY" | "NO_PERMISSION" | null;

function troubleOf(code: string, indexDir: string): Trouble {
  if (code === "ENOSPC" || code === "EDQUOT" || code === "SQLITE_FULL") return "DISK_FULL";
  if (code === "EROFS" || code.startsWith("SQLITE_READONLY")) return code === "SQLITE_READONLY_DBMOVED" ? null : probe(indexDir) ?? "READ_ONLY";
  if (code === "EACCES" || code === "EPERM") return "NO_PERMISSION";
  // SQLite says only that it could not open or write a file: the folder tells why.
  if (code === "SQLITE_CANTOPEN" || code.startsWith("SQLITE_IOERR")) return probe(indexDir);
  return null;
}

/** Why the folder cannot be written, as far as a check of it tells; null when nothing is wrong. */
function probe(indexDir: string): Trouble {
  try {
    accessSync(indexDir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EROFS") return "READ_ONLY";
    if (code === "EACCES" || code === "EPERM") return "NO_PERMISSION";
  }
  try {
    if (statfsSync(indexDir).bavail === 0) return "DISK_FULL";
  } catch {
    // No answer: not known to be the disk.
  }
  return null;
}
