/**
 * What the index remembers of each file it read, so that a rerun opens only what changed: the
 * file's stamp (size, modification time, inode), a hash of its bytes, and the ids of the papers it
 * gave. Kept as the named index state FILES_STATE (store/shared/index-state.ts), committed with
 * the papers those files gave, so a run killed before its commit leaves stamps that still describe
 * the index as it is. Pure: no file is touched here (index-papers.ts stats, hashes and reads).
 *
 * Stored compactly, one entry a file by resolved path: [size, mtimeMs, ino, sha256 (32 hex), ids,
 * fields?] (fields: the --field mapping the file was read with, when one was given), about 150
 * bytes a file (1.5 MB of JSON at 10,000 files).
 */
import { isAbsolute, relative, resolve, sep } from "node:path";
import { isRacy } from "../../corpus/inputs.js";
import type { IndexState } from "../../store/shared/index-state.js";

/** The named state the file stamps are kept under. */
export const FILES_STATE = "files";
/** The named state Zotero syncs keep their item stamps under (index-zotero.ts): database path → item key → stamp. */
export const ZOTERO_STATE = "zotero";

/**
 * The state changes of a rebuild besides its own stamps: every other kind of stamp is dropped, as
 * the papers they describe are (a stamp left would keep its file or item from being read again).
 */
export function rebuildDrops(keep: string): Record<string, null> {
  return Object.fromEntries([FILES_STATE, ZOTERO_STATE].filter((name) => name !== keep).map((name) => [name, null]));
}

export interface FileEntry {
  size: number;
  mtimeMs: number;
  ino: number;
  /** The first 128 bits of the file's SHA-256, hex. */
  sha256: string;
  /** Ids of the papers the file gave when it was last read. */
  ids: string[];
  /** The field mapping it was read with ("" for none): another mapping reads it again. */
  fields: string;
}

/** What a stat says about a file now. */
export interface Stamp {
  size: number;
  mtimeMs: number;
  ino: number;
}

export type FileEntries = Map<string, FileEntry>;

/** The saved entries (an absent or malformed state value reads as none: every file is read again). */
export function parseFileEntries(value: unknown): FileEntries {
  const entries: FileEntries = new Map();
  if (typeof value !== "object" || value === null || Array.isArray(value)) return entries;
  for (const [path, raw] of Object.entries(value)) {
    if (!Array.isArray(raw) || raw.length < 5) continue;
    const [size, mtimeMs, ino, sha256, ids, fields] = raw as unknown[];
    if (typeof size !== "number" || typeof mtimeMs !== "number" || typeof ino !== "number" || typeof sha256 !== "string") continue;
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === "string")) continue;
    entries.set(path, { size, mtimeMs, ino, sha256, ids: ids as string[], fields: typeof fields === "string" ? fields : "" });
  }
  return entries;
}

export function serializeFileEntry(entry: FileEntry): unknown[] {
  const row: unknown[] = [entry.size, entry.mtimeMs, entry.ino, entry.sha256, entry.ids];
  if (entry.fields !== "") row.push(entry.fields);
  return row;
}

/** Whether a file's stamp and the mapping it is read with are those of its entry: then it is not opened. */
export function sameStamp(entry: FileEntry | undefined, stamp: Stamp, fields: string): boolean {
  return entry !== undefined && entry.size === stamp.size && entry.mtimeMs === stamp.mtimeMs && entry.ino === stamp.ino && entry.fields === fields;
}

/** A stamp as saved: an untrusted (racy) modification time is saved as -1, which no file has. */
export function savedStamp(stamp: Stamp, checkedAt: number): Stamp {
  return isRacy(stamp.mtimeMs, checkedAt) ? { ...stamp, mtimeMs: -1 } : stamp;
}

/** The --field mapping as entries keep it. */
export function fieldsKey(fields: Readonly<Record<string, string>> | undefined): string {
  if (!fields || Object.keys(fields).length === 0) return "";
  return JSON.stringify(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Whether `file` (resolved) is one of `paths` (resolved) or inside one of them. */
export function isUnder(file: string, paths: readonly string[]): boolean {
  return paths.some((path) => {
    const rel = relative(path, file);
    return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
  });
}

/** Ids as the index compares them: case-insensitive. */
function idKey(id: string): string {
  return id.toLowerCase();
}

/**
 * The files to parse besides `reading`: every other file of the run (`candidates`) whose saved
 * entry shares a paper with a file being read or with `extraIds`. A paper merged from two files
 * is rebuilt from both, so re-reading one never drops the other's source or fields. Repeats until
 * nothing more joins (a chain of shared papers).
 */
export function sharingFiles(reading: ReadonlySet<string>, candidates: Iterable<string>, entries: FileEntries, extraIds: Iterable<string> = []): Set<string> {
  const ids = new Set<string>([...extraIds].map(idKey));
  for (const path of reading) for (const id of entries.get(path)?.ids ?? []) ids.add(idKey(id));
  const waiting = new Set([...candidates].filter((path) => !reading.has(path)));
  const joined = new Set<string>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const path of waiting) {
      const held = entries.get(path)?.ids ?? [];
      if (!held.some((id) => ids.has(idKey(id)))) continue;
      waiting.delete(path);
      joined.add(path);
      for (const id of held) ids.add(idKey(id));
      grew = true;
    }
  }
  return joined;
}

/**
 * The ids (lower case) of papers whose every file is gone: ids the `gone` files gave that no other
 * entry (a file still there, read now or not, under the paths or outside them) gives.
 */
export function prunableIds(gone: ReadonlySet<string>, entries: FileEntries): Set<string> {
  const candidates = new Set<string>();
  for (const path of gone) for (const id of entries.get(path)?.ids ?? []) candidates.add(idKey(id));
  for (const [path, entry] of entries) {
    if (gone.has(path)) continue;
    for (const id of entry.ids) candidates.delete(idKey(id));
  }
  return candidates;
}

/** The resolved path a source names (as given, relative to where papers runs). */
export function sourcePath(file: string): string {
  return resolve(file);
}

/**
 * The stamp states without what describes papers removed by hand (`papers remove`): the entries of
 * files that gave one, and the stamps of Zotero items that were one, so the next run reads them
 * again and the paper comes back while its file or item is there (as before stamps existed).
 */
export function forgetPapers(ids: readonly string[], state: Readonly<IndexState>): IndexState {
  const removed = new Set(ids.map(idKey));
  const changes: IndexState = {};
  const files = state[FILES_STATE];
  if (typeof files === "object" && files !== null && !Array.isArray(files)) {
    const kept = Object.fromEntries(Object.entries(files).filter(([, row]) => !(Array.isArray(row) && Array.isArray(row[4]) && (row[4] as unknown[]).some((id) => typeof id === "string" && removed.has(idKey(id))))));
    if (Object.keys(kept).length !== Object.keys(files).length) changes[FILES_STATE] = Object.keys(kept).length > 0 ? kept : null;
  }
  const libraries = state[ZOTERO_STATE];
  if (typeof libraries === "object" && libraries !== null && !Array.isArray(libraries)) {
    const next: Record<string, unknown> = {};
    let changed = false;
    for (const [database, stamps] of Object.entries(libraries)) {
      if (typeof stamps !== "object" || stamps === null) continue;
      const kept = Object.fromEntries(Object.entries(stamps).filter(([key]) => !removed.has(idKey(`zotero:${key}`))));
      changed ||= Object.keys(kept).length !== Object.keys(stamps).length;
      next[database] = kept;
    }
    if (changed) changes[ZOTERO_STATE] = next;
  }
  return changes;
}
