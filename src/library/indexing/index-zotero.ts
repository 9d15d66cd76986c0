import { join, resolve } from "node:path";
import type { Paper } from "../../corpus/paper.js";
import { readZotero, type ZoteroLibrary } from "../../corpus/zotero.js";
import type { IndexOptions, IndexSummary, ProgressListener } from "../types.js";
import { updateStore } from "./index-papers.js";

export interface ZoteroSummary extends IndexSummary {
  /** Papers of items no longer in the library (deleted, or in the trash) removed from the index. */
  removed: number;
  zotero: ZoteroLibrary["counts"];
}

/**
 * Indexes a Zotero library (see corpus/zotero.ts): its items, with their PDFs' passages, as papers
 * `zotero:KEY`. Items changed since the last run are embedded again (by content hash); items
 * gone from the library or moved to the trash leave the index, in the same commit. `collection`
 * limits the import to one collection and its subcollections (items outside it are neither added
 * nor removed). Papers of another library (another data folder) are never removed.
 */
export async function indexZotero(
  dataDir: string,
  options: IndexOptions & { collection?: string; baseDir?: string },
  onProgress?: ProgressListener,
): Promise<ZoteroSummary> {
  const library = await readZotero(dataDir, { collection: options.collection, baseDir: options.baseDir });
  const database = join(dataDir, "zotero.sqlite");
  const summary = await updateStore(library.papers, [database], options, onProgress, goneFrom(library, database));
  return { ...summary, skipped: library.skipped, zotero: library.counts };
}

/**
 * Whether a stored paper is an item of this library that is gone from it: a `zotero:` paper read
 * from this library's database (its source), not among the library's live items.
 */
function goneFrom(library: ZoteroLibrary, database: string): (paper: Paper) => boolean {
  const file = resolve(database);
  return (paper) => paper.id.startsWith("zotero:") && !library.liveIds.has(paper.id) && paper.sources.some((source) => resolve(source.file) === file);
}
