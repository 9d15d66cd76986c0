/**
 * The library API: everything the CLI and the server do goes through these functions. What an
 * open index answers is in src/library/paper-index.ts (each query in its own src/query/ module).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { contentHash, type Paper } from "./corpus/paper.js";
import { readCorpus, type ReadOptions } from "./corpus/read-corpus.js";
import { readZotero, type ZoteroLibrary } from "./corpus/zotero.js";
import { DEFAULT_DTYPE, DEFAULT_MODEL } from "./embed/models.js";
import { PapersError } from "./errors.js";
import { corpusFingerprint, type Manifest } from "./index/manifest.js";
import { isPostgresUrl, openStore } from "./store/open-store.js";
import { redactUrl } from "./store/connection.js";
import { transferIndex } from "./store/transfer.js";
import { LIMITS } from "./limits.js";
import { embedderLoader } from "./library/embedder.js";
import { openIndex } from "./library/open-index.js";
import type { PaperIndex } from "./library/paper-index.js";
import type { IndexOptions, IndexSummary, PapersOptions, ProgressListener } from "./library/types.js";

export { openIndex } from "./library/open-index.js";
export { PaperIndex } from "./library/paper-index.js";
export type { PapersOptions, IndexInfo, IndexOptions, IndexSummary, ProgressListener } from "./library/types.js";
export type { SearchHit, HitPassage, PassageHit, RankedId, RecommendRequest, Recommendations, Confidence } from "./query/types.js";
export { LIMITS } from "./limits.js";
export type { Paper, Source } from "./corpus/paper.js";
export { MAX_ID_LENGTH, PAPER_FIELDS, paperJson } from "./corpus/paper.js";
export type { Manifest } from "./index/manifest.js";
export { DEFAULT_DTYPE, DEFAULT_MODEL } from "./embed/models.js";
export { SEARCH_MODES, DEFAULT_MODE, RELATED_MODE, parseMode, type SearchMode } from "./search/modes.js";
export { parseYearRange, type PaperFilter } from "./search/filter.js";
export { PapersError, isPapersError, type ErrorCode } from "./errors.js";
export { parseFieldOptions, formatSkipped, type Skipped } from "./corpus/read-corpus.js";
export { DEFAULT_ZOTERO_DIR } from "./corpus/zotero.js";

export { snippet, SNIPPET_CHARS } from "./search/snippet.js";
export type { Embedder, EmbedderLoader } from "./embed/embedder.js";
export { EXPORT_FORMATS, EXPORT_CONTENT_TYPES, exportPapers, parseExportFormat, type ExportFormat } from "./export/formats.js";
export type { ExportItem } from "./export/exportable.js";
export type { ModelSpec, Dtype } from "./embed/models.js";
export type { PaperMap, TopicSummary } from "./map/views.js";
export { imageFormatOf, type ImageFormat } from "./map/render.js";
export { RECOMPUTE_SHARE } from "./map/topic-map.js";
export type { WeightedWord } from "./search/recommend.js";
export type { Explanation, MatchedTerm } from "./search/explain.js";
export type { MatchFeatures } from "./search/calibration.js";
export { isPostgresUrl } from "./store/open-store.js";

/** The old names of two limits, for the front ends that still import them: read LIMITS. */

/**
 * Reads papers from files and folders into the index: new papers are added, papers whose text
 * changed are embedded again, the rest are left alone. Nothing is removed.
 */
export async function indexPapers(
  paths: readonly string[],
  options: IndexOptions & ReadOptions,
  onProgress?: ProgressListener,
): Promise<IndexSummary> {
  const corpus = await readCorpus(paths, { fields: options.fields, stdin: options.stdin });
  const summary = await indexPaperList(corpus.papers, corpus.files, options, onProgress);
  return { ...summary, skipped: corpus.skipped };
}

export interface ZoteroSummary extends IndexSummary {
  /** Papers of items no longer in the library (deleted, or in the trash) removed from the index. */
  removed: number;
  zotero: ZoteroLibrary["counts"];
}

/**
 * Indexes a Zotero library (see corpus/zotero.ts): its items, with their PDFs' passages, as papers
 * `zotero:KEY`. Items changed since the last run are embedded again (by content hash); items
 * gone from the library or moved to the trash leave the index. `collection` limits the import
 * to one collection and its subcollections (items outside it are neither added nor removed).
 */
export async function indexZotero(
  dataDir: string,
  options: IndexOptions & { collection?: string; baseDir?: string },
  onProgress?: ProgressListener,
): Promise<ZoteroSummary> {
  const library = await readZotero(dataDir, { collection: options.collection, baseDir: options.baseDir });
  const summary = await indexPaperList(library.papers, [join(dataDir, "zotero.sqlite")], options, onProgress);
  const index = await openIndex(options);
  let stale: string[];
  try {
    stale = (await index.list()).map((paper) => paper.id).filter((id) => id.startsWith("zotero:") && !library.liveIds.has(id));
  } finally {
    await index.close();
  }
  const removed = stale.length > 0 ? await removePapers(stale, { ...options, wait: options.wait }) : undefined;
  return { ...summary, manifest: removed?.manifest ?? summary.manifest, removed: stale.length, skipped: library.skipped, zotero: library.counts };
}

/** Indexes papers already read (by a reader of another format, say); see indexPapers. */
export async function indexPaperList(
  papers: readonly Paper[],
  files: string[],
  options: IndexOptions,
  onProgress?: ProgressListener,
): Promise<IndexSummary> {
  const started = performance.now();
  const store = await openStore(options);
  try {
    // An existing index keeps its model unless told otherwise (and then it needs --rebuild).
    const built = options.rebuild ? undefined : await store.builtModel();
    const dtype = options.dtype ?? built?.dtype ?? DEFAULT_DTYPE;
    const loader = embedderLoader(options);
    const spec = await loader.describe(options.model ?? built?.id ?? DEFAULT_MODEL, dtype);
    const summary = await store.update(
      papers,
      { spec, dtype },
      () => loader.load(spec, dtype),
      { rebuild: options.rebuild, checkpointEvery: options.checkpointEvery, wait: options.wait, computeMap: options.computeMap, onProgress },
    );
    return { ...summary, files, skipped: [], seconds: (performance.now() - started) / 1000 };
  } finally {
    await store.close();
  }
}

/** Removes papers from the index by id (compacting the vector graph when worthwhile). */
export async function removePapers(
  ids: readonly string[],
  options: PapersOptions & { wait?: boolean },
): Promise<{ removed: number; manifest: Manifest; recovered: string | null }> {
  const store = await openStore(options);
  try {
    return await store.remove(ids, { wait: options.wait });
  } finally {
    await store.close();
  }
}

/**
 * Copies the index the `from` options name into the store the `to` options name (a folder into
 * PostgreSQL, or back), vectors included: nothing is embedded again. The target is updated as by
 * `papers index` (only what differs is written; `rebuild` replaces what it holds).
 */
export async function copyIndex(
  from: PapersOptions,
  to: PapersOptions,
  options: { rebuild?: boolean; wait?: boolean; computeMap?: boolean } = {},
  onProgress?: ProgressListener,
): Promise<IndexSummary> {
  const started = performance.now();
  const source = await openStore(from);
  try {
    const target = await openStore(to);
    try {
      const summary = await transferIndex(source, target, { ...options, onProgress });
      return { ...summary, files: [source.location], skipped: [], seconds: (performance.now() - started) / 1000 };
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

/** Changes whenever a paper is added, removed or its text changes: the same as an index's fingerprint. */
export function paperListFingerprint(papers: readonly Paper[]): string {
  return corpusFingerprint(papers.map((p) => [p.id, contentHash(p)] as const));
}

/** Where the options' index is, for messages: the folder, or the database without its password. */
export function storeLocation(options: PapersOptions): string {
  return options.store && isPostgresUrl(options.store) ? redactUrl(options.store) : (options.store ?? options.indexDir);
}

/**
 * Opens the index, first building it from `corpusPaths` when the folder holds no generation at
 * all and `options.buildIfMissing` allows it (the default location only); otherwise as openIndex.
 */
export async function openOrBuildIndex(
  options: PapersOptions,
  corpusPaths: readonly string[],
  onProgress?: ProgressListener,
): Promise<PaperIndex> {
  // Any generation on disk, even a damaged one, is someone's index: it is opened (or refused), never replaced.
  const empty = options.buildIfMissing && (await isStoreEmpty(options));
  if (empty) {
    if (!corpusPaths.some((p) => existsSync(p))) {
      throw new PapersError(
        "NO_INDEX",
        `no index at ${storeLocation(options)} and no papers at ${corpusPaths.join(", ")} to build one from: run \`papers index PATH...\``,
      );
    }
    // Two first searches at once: the second waits for the first's build instead of failing.
    await indexPapers(corpusPaths, { ...options, wait: true }, onProgress);
  }
  return openIndex(options);
}

async function isStoreEmpty(options: PapersOptions): Promise<boolean> {
  const store = await openStore(options);
  try {
    return await store.isEmpty();
  } finally {
    await store.close();
  }
}
