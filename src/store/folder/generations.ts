import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GENERATION_MARK } from "./ownership.js";

/**
 * An index folder holds complete generations (`gen-…/`) and a CURRENT file naming the live one.
 * A writer builds a new generation under a `.tmp` name, renames it into place, then swaps CURRENT
 * with an atomic rename: a crash at any point leaves CURRENT on a complete generation, and readers
 * never see a half-written index.
 */
const CURRENT = "CURRENT";
/** A committed generation's folder: `gen-…`, a plain name (never a path), not a staging `.tmp` one. */
const GENERATION = /^gen-[^/\\]+$/;
/**
 * How commitGeneration names them: `gen-<ms since 1970, base 36>-<pid>-<n>`, newest by the time,
 * then by n, a count of this process's commits, so two commits in one millisecond never share a
 * name. Generations from before the count are `gen-<ms>-<pid>`.
 */
const COMMITTED_AT = /^gen-([0-9a-z]+)-\d+(?:-(\d+))?$/;
/** Commits made by this process (see COMMITTED_AT). */
let commits = 0;

/** The live generation and, when CURRENT could not say which it is, how it was found instead. */
export interface LiveGeneration {
  dir: string;
  /** Set when CURRENT is missing or names no folder and the newest complete generation stood in. */
  recovered: string | null;
}

/**
 * The live generation's folder, or null when the folder holds no committed index. When CURRENT
 * is missing or names a folder that does not exist, the newest complete generation (one whose
 * manifest `isComplete` accepts) is live: a typo in CURRENT or a lost file never hides an index.
 */
export function liveGeneration(indexDir: string, isComplete: (dir: string) => boolean = hasManifest): LiveGeneration | null {
  const name = readCurrentName(indexDir);
  if (name && isGenerationName(name) && existsSync(join(indexDir, name))) return { dir: join(indexDir, name), recovered: null };
  const newest = completeGenerations(indexDir, isComplete)[0];
  if (!newest) return null;
  const why = name === null ? `${CURRENT} is missing` : `${CURRENT} names "${name}", which does not exist`;
  return { dir: join(indexDir, newest), recovered: `${why} in ${indexDir}; the newest complete generation, ${newest}, stands in` };
}

/** The live generation's folder (see liveGeneration), or null. */
export function currentGeneration(indexDir: string, isComplete?: (dir: string) => boolean): string | null {
  return liveGeneration(indexDir, isComplete)?.dir ?? null;
}

/** Committed generations that `isComplete` accepts, newest first. */
export function completeGenerations(indexDir: string, isComplete: (dir: string) => boolean = hasManifest): string[] {
  let entries: string[];
  try {
    entries = readdirSync(indexDir);
  } catch {
    return [];
  }
  return entries
    .filter((e) => isGenerationName(e) && isDirectory(join(indexDir, e)) && isComplete(join(indexDir, e)))
    .sort((a, b) => committedAt(b) - committedAt(a) || commitNumber(b) - commitNumber(a) || (a < b ? 1 : -1));
}

/** Points CURRENT at a generation, atomically; callers hold the writer lock. */
export function setCurrent(indexDir: string, name: string): void {
  const pointer = join(indexDir, `${CURRENT}.${process.pid}.tmp`);
  writeFileSync(pointer, name + "\n");
  renameSync(pointer, join(indexDir, CURRENT));
}

export interface CommitOptions {
  /** Checks the written generation before it goes live; throwing keeps the old one live. */
  verify?: (dir: string) => void;
}

/**
 * Builds a new generation with `write(dir)` and makes it the live one; callers hold the writer
 * lock. The generations it replaces are removed only once the new one is written, verified and
 * named by CURRENT.
 */
export async function commitGeneration<T>(indexDir: string, write: (dir: string) => Promise<T>, options: CommitOptions = {}): Promise<T> {
  mkdirSync(indexDir, { recursive: true });
  const name = `gen-${Date.now().toString(36)}-${process.pid}-${++commits}`;
  const staging = join(indexDir, `${name}.tmp`);
  mkdirSync(staging);
  let result: T;
  try {
    // First, so that whatever happens next, the folder says papers made it (removeStale).
    writeFileSync(join(staging, GENERATION_MARK), "");
    result = await write(staging);
    options.verify?.(staging);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  renameSync(staging, join(indexDir, name));
  setCurrent(indexDir, name);
  removeReplaced(indexDir, name);
  return result;
}

/**
 * Removes what killed writers leave behind: staging folders papers made (they hold its mark, or
 * nothing yet) and its half-written `CURRENT.<pid>.tmp` and `writer.pid.<pid>.tmp` files. Never a
 * committed generation: those go only when a newer one has been committed (commitGeneration), and
 * never anything papers did not make, whatever its name. Callers hold the writer lock (lock.ts),
 * so no other writer is writing any of them now.
 */
export function removeStale(indexDir: string): void {
  for (const entry of readdirSync(indexDir)) {
    const path = join(indexDir, entry);
    const halfWritten = /^(CURRENT|writer\.pid)\.\d+\.tmp$/.test(entry) && !isDirectory(path);
    const staging = /^gen-[^/\\]+\.tmp$/.test(entry) && isDirectory(path) && (existsSync(join(path, GENERATION_MARK)) || readdirSync(path).length === 0);
    if (halfWritten || staging) rmSync(path, { recursive: true, force: true });
  }
}

/**
 * After `live` is committed and named by CURRENT: removes the generations it replaced (folders
 * that papers' own mark or manifest says are generations), and leftovers.
 */
export function removeReplaced(indexDir: string, live: string): void {
  removeStale(indexDir);
  for (const entry of readdirSync(indexDir)) {
    const path = join(indexDir, entry);
    if (isGenerationName(entry) && entry !== live && isDirectory(path) && (existsSync(join(path, GENERATION_MARK)) || hasManifest(path))) {
      rmSync(path, { recursive: true, force: true });
    }
  }
}

function readCurrentName(indexDir: string): string | null {
  try {
    return readFileSync(join(indexDir, CURRENT), "utf8").trim() || null;
  } catch {
    return null;
  }
}

function hasManifest(dir: string): boolean {
  return existsSync(join(dir, "manifest.json"));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isGenerationName(name: string): boolean {
  return GENERATION.test(name) && !name.endsWith(".tmp");
}

function committedAt(name: string): number {
  return parseInt(COMMITTED_AT.exec(name)?.[1] ?? "0", 36);
}

function commitNumber(name: string): number {
  return Number(COMMITTED_AT.exec(name)?.[2] ?? 0);
}
