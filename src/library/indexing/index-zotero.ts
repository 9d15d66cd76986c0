import { join, resolve } from "node:path";
import type { Paper } from "../../corpus/paper.js";
import { readZotero, type ZoteroLibrary } from "../../corpus/zotero.js";
import { openStore } from "../../store/open-store.js";
import type { IndexState, IndexStateChanges } from "../../store/shared/index-state.js";
import type { IndexOptions, IndexSummary, ProgressListener } from "../types.js";
import { updateOpenStore, wholeReadSummary } from "./index-papers.js";
import { rebuildDrops, ZOTERO_STATE } from "./file-stamps.js";

export interface ZoteroSummary extends IndexSummary {
  /** Papers of items no longer in the library (deleted, or in the trash) removed from the index. */
  removed: number;
  zotero: ZoteroLibrary["counts"];
}

/**
 * Indexes a Zotero library (see corpus/zotero.ts): its items, with their PDFs' passages, as papers
 * `zotero:KEY`. Only items changed since the last sync are read again (by Zotero's version and
 * modification times, and their PDFs' file stamps: corpus/zotero.ts itemStamp), and of those only
 * the ones whose text changed are embedded again; items gone from the library or moved to the
 * trash leave the index, in the same commit. `collection` limits the import to one collection and
 * its subcollections (items outside it are neither added nor removed). Papers of another library
 * (another data folder) are never removed. `rebuild` reads every item again.
 */
export async function indexZotero(
  dataDir: string,
  options: IndexOptions & { collection?: string; baseDir?: string },
  onProgress?: ProgressListener,
): Promise<ZoteroSummary> {
  const started = performance.now();
  const database = resolve(join(dataDir, "zotero.sqlite"));
  const store = await openStore(options);
  try {
    const live = options.rebuild ? null : await store.liveState();
    const known = savedStamps(live?.state, database);
    const library = await readZotero(dataDir, { collection: options.collection, baseDir: options.baseDir, known });
    // Nothing changed still goes through the store's update, under its writer lock: no commit then.
    const stamps = sameStamps(known, library) ? undefined : stampChanges(database, library, !!options.rebuild);
    const updated = await updateOpenStore(store, library.papers, options, onProgress, goneFrom(library, database), stamps);
    const summary = { ...updated, unchanged: updated.unchanged + library.unchangedPapers };
    return { ...wholeReadSummary(summary, [join(dataDir, "zotero.sqlite")], library.skipped, started), zotero: library.counts };
  } finally {
    await store.close();
  }
}

/** The item stamps saved for the library whose database is `database`. */
function savedStamps(state: IndexState | undefined, database: string): Map<string, string> {
  const libraries = state?.[ZOTERO_STATE];
  const saved = typeof libraries === "object" && libraries !== null ? (libraries as Record<string, unknown>)[database] : undefined;
  if (typeof saved !== "object" || saved === null) return new Map();
  return new Map(Object.entries(saved).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

/** Whether the stamps read are exactly those saved (nothing to save). */
function sameStamps(known: ReadonlyMap<string, string>, library: ZoteroLibrary): boolean {
  if (known.size !== library.stamps.size) return false;
  for (const [key, stamp] of library.stamps) if (known.get(key) !== stamp) return false;
  return true;
}

/**
 * The library's stamps after this sync, applied to the state as the update finds it: items read
 * now take their new stamps, items gone from the library lose theirs, items outside a --collection
 * keep theirs; other libraries' are left alone. A rebuild keeps only this sync's.
 */
function stampChanges(database: string, library: ZoteroLibrary, rebuild: boolean): IndexStateChanges {
  return (previous) => {
    const saved = previous[ZOTERO_STATE];
    const libraries: Record<string, Record<string, string>> = rebuild || typeof saved !== "object" || saved === null || Array.isArray(saved) ? {} : { ...(saved as Record<string, Record<string, string>>) };
    const stamps: Record<string, string> = {};
    for (const [key, stamp] of Object.entries(libraries[database] ?? {})) if (library.liveIds.has(`zotero:${key}`)) stamps[key] = stamp;
    for (const [key, stamp] of library.stamps) stamps[key] = stamp;
    libraries[database] = stamps;
    return { ...(rebuild ? rebuildDrops(ZOTERO_STATE) : {}), [ZOTERO_STATE]: libraries };
  };
}

/**
 * Whether a stored paper is an item of this library that is gone from it: a `zotero:` paper read
 * from this library's database (its source), not among the library's live items.
 */
function goneFrom(library: ZoteroLibrary, database: string): (paper: Paper) => boolean {
  return (paper) => paper.id.startsWith("zotero:") && !library.liveIds.has(paper.id) && paper.sources.some((source) => resolve(source.file) === database);
}
