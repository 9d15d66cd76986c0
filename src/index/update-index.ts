import { copyFileSync, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { createHash } from "node:crypto";
import { contentHash, documentText, passageText, type Paper } from "../corpus/paper.js";
import type { Passage } from "../corpus/passages.js";
import type { Embedder } from "../embed/embedder.js";
import { specDifferences, specFacts, type Dtype, type ModelSpec } from "../embed/models.js";
import { PapersError } from "../errors.js";
import { Checkpoint } from "./checkpoint.js";
import { checksumFiles } from "./checksums.js";
import { diskError, isDiskFull } from "./disk-errors.js";
import { commitGeneration, liveGeneration, removeStale, setCurrent } from "./generations.js";
import { withWriterLock } from "./lock.js";
import {
  DATA_FILES,
  FORMAT_VERSION,
  HNSW_FILE,
  MANIFEST_FILE,
  STORE_FILE,
  UPGRADABLE_FORMAT,
  corpusFingerprint,
  isCompleteGeneration,
  readManifest,
  verifyGeneration,
  type Manifest,
} from "./manifest.js";
import { PaperStore } from "./paper-store.js";
import { DEFAULT_HNSW, VectorIndex } from "./vector-index.js";
import { buildTopicMap, graphMapSource } from "./topic-map-build.js";
import { TOPIC_MAP_FILE, readTopicMap, writeTopicMap } from "./topic-map-store.js";

export interface UpdateOptions {
  /** Start from nothing instead of updating the current index. */
  rebuild?: boolean;
  /** Papers embedded between checkpoints. */
  checkpointEvery?: number;
  /** Wait for another writer of the index to finish instead of failing with INDEX_BUSY. */
  wait?: boolean;
  /**
   * false: no topic map computed from scratch in this run (it takes minutes past 50,000 papers);
   * a stored one is still brought up to date when little changed. Without one, topics and the map
   * are computed when asked for, and stored by the next run that computes them.
   */
  computeMap?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface UpdateSummary {
  manifest: Manifest;
  added: number;
  /** Papers whose text changed: embedded again. */
  updated: number;
  /** Papers whose text did not change: not embedded (their other fields may be refreshed). */
  unchanged: number;
  removed: number;
  /** Papers whose vectors an interrupted earlier run had already embedded. */
  resumed: number;
  /** Papers embedded by this run. */
  embedded: number;
  /** Set when CURRENT was missing or named no generation and was pointed back at the newest complete one. */
  recovered: string | null;
}

export const DEFAULT_CHECKPOINT_EVERY = 512;
/** Compact the HNSW graph when this share of its vectors are deleted ones. */
const COMPACT_AT = 0.2;

/**
 * Brings an index up to date with `papers`: embeds new papers and papers whose text changed,
 * leaves the rest alone, and commits a new generation. Embedding is checkpointed, so a killed
 * run resumes where it stopped, and the current generation answers queries meanwhile.
 */
export async function updateIndex(
  indexDir: string,
  papers: readonly Paper[],
  model: { spec: ModelSpec; dtype: Dtype },
  loadEmbedder: () => Promise<Embedder>,
  options: UpdateOptions = {},
): Promise<UpdateSummary> {
  try {
    return await withWriterLock(indexDir, options, () => updateLocked(indexDir, papers, model, loadEmbedder, options));
  } catch (error) {
    const mapped = diskError(error, indexDir);
    // The checkpoint only saves work; on a full disk it is what fills it.
    if (isDiskFull(mapped)) removeCheckpointQuietly(indexDir);
    throw mapped;
  }
}

/**
 * Under the writer lock: clears what killed writers left, and when CURRENT is missing or names no
 * generation, points it back at the newest complete one (said in the summary). Never removes a
 * generation: replaced ones go only once a new one is committed and verified.
 */
function recoverLive(indexDir: string): { dir: string | null; recovered: string | null } {
  removeStale(indexDir);
  const live = liveGeneration(indexDir, isCompleteGeneration);
  if (live?.recovered) setCurrent(indexDir, basename(live.dir));
  return { dir: live?.dir ?? null, recovered: live?.recovered ? `${live.recovered}: CURRENT now names it again` : null };
}

/** Checks a generation just written as a reader would, before it goes live. */
function verifyWritten(dir: string): void {
  verifyGeneration(dir, readManifest(dir));
}

/**
 * Runs `write` on a store of the generation being written, closing it if `write` fails: an open
 * handle would keep the removed staging file's blocks allocated (on a full disk, the very space
 * the user needs back) and a read-only remount busy.
 */
function closingOnFailure<T>(store: PaperStore, write: () => T): T {
  try {
    return write();
  } catch (error) {
    store.close();
    throw error;
  }
}

function removeCheckpointQuietly(indexDir: string): void {
  try {
    Checkpoint.remove(indexDir);
  } catch {
    // Nothing more to free.
  }
}

async function updateLocked(
  indexDir: string,
  papers: readonly Paper[],
  model: { spec: ModelSpec; dtype: Dtype },
  loadEmbedder: () => Promise<Embedder>,
  options: UpdateOptions,
): Promise<UpdateSummary> {
  const live = recoverLive(indexDir);
  const current = options.rebuild ? null : live.dir;
  const recovered = options.rebuild ? null : live.recovered;
  const previous = current ? readManifest(current, { upgradable: true }) : null;
  const upgrade = !!previous && previous.formatVersion !== FORMAT_VERSION;
  const differences = previous ? specDifferences(previous.model, model.spec) : [];
  if (previous && previous.model.dtype !== model.dtype) differences.push(`dtype ${previous.model.dtype} vs ${model.dtype}`);
  if (differences.length > 0) {
    throw new PapersError(
      "MODEL_MISMATCH",
      `index at ${indexDir} was built with ${previous!.model.id} (${previous!.model.dtype}), which embeds differently from ${model.spec.id} (${model.dtype}) now (${differences.join("; ")}): add --rebuild to re-embed everything`,
    );
  }
  if (current) verifyGeneration(current, previous!);
  const { entries: stored, nextLabel: firstFree } = current ? readEntries(current) : { entries: new Map<string, StoredPaper>(), nextLabel: 0 };

  const { changed, added, updated, unchanged, nextLabel } = diffPapers(papers, stored, firstFree);
  const summary = { added, updated, unchanged, removed: 0 };
  // An index written before topics existed gets its topic map now, with nothing else changed.
  const mapDone = () => options.computeMap === false || existsSync(join(current!, TOPIC_MAP_FILE));
  if (previous && changed.length === 0 && !upgrade && mapDone()) return { manifest: previous, ...summary, resumed: 0, embedded: 0, recovered };

  const { passages, texts } = toEmbed(changed, nextLabel);
  const vectors = await embedChanged(indexDir, texts, model.spec.id + "/" + model.dtype, loadEmbedder, options);
  const manifest = await commitGeneration(indexDir, async (dir) => {
    const index = current
      ? VectorIndex.load(join(current, HNSW_FILE), model.spec.dimension, DEFAULT_HNSW.efSearch)
      : VectorIndex.create(model.spec.dimension, texts.size);
    const store = openNextStore(current, dir);
    return closingOnFailure(store, () => {
      if (upgrade && previous.formatVersion === UPGRADABLE_FORMAT) store.upgradeFromFormat2();
      else if (upgrade) store.reanalyse();
      for (const { label, hash, embed } of changed) if (embed) index.add(label, vectors.get(hash)!);
      store.upsert(changed);
      let deleted = previous?.deletedVectors ?? 0;
      for (const { passages: list } of passages) for (const { label, hash } of list) index.add(label, vectors.get(hash)!);
      const gone = store.replacePassagesOf(passages);
      for (const label of gone) index.remove(label);
      deleted += gone.length;
      const info = { ...specFacts(model.spec), dtype: model.dtype };
      const fresh = new Set(changed.filter((c) => c.embed).map((c) => c.label));
      writeGenerationMap(dir, index, store, current, fresh, options.computeMap !== false);
      return finishGeneration(dir, index, store, info, deleted);
    });
  }, { verify: verifyWritten });
  Checkpoint.remove(indexDir);
  return { manifest, ...summary, resumed: vectors.resumed, embedded: vectors.embedded, recovered };
}

/** Removes papers by id; unknown ids are an error, and nothing is removed then. */
export async function removeFromIndex(
  indexDir: string,
  ids: readonly string[],
  options: { wait?: boolean } = {},
): Promise<{ manifest: Manifest; removed: number; recovered: string | null }> {
  // Checked before locking, so that a mistyped --index does not create a folder.
  if (!liveGeneration(indexDir, isCompleteGeneration)) throw new PapersError("NO_INDEX", `no index at ${indexDir}: nothing to remove`);
  try {
    return await withWriterLock(indexDir, options, () => removeLocked(indexDir, ids));
  } catch (error) {
    throw diskError(error, indexDir);
  }
}

async function removeLocked(indexDir: string, ids: readonly string[]): Promise<{ manifest: Manifest; removed: number; recovered: string | null }> {
  const { dir: current, recovered } = recoverLive(indexDir);
  if (!current) throw new PapersError("NO_INDEX", `no index at ${indexDir}: nothing to remove`);
  const previous = readManifest(current);
  verifyGeneration(current, previous);
  const { entries: stored } = readEntries(current);
  const labels = ids.map((id) => {
    const entry = stored.get(id.toLowerCase());
    if (!entry) throw new PapersError("UNKNOWN_ID", `no paper with id "${id}" in the index: nothing was removed`);
    return entry.label;
  });
  const manifest = await commitGeneration(indexDir, async (dir) => {
    let index = VectorIndex.load(join(current, HNSW_FILE), previous.model.dimension, previous.hnsw.efSearch);
    const store = openNextStore(current, dir);
    return closingOnFailure(store, () => {
      // A format 3 store's postings are re-analysed first, so the removed texts' terms are found.
      if (previous.formatVersion !== FORMAT_VERSION) store.reanalyse();
      for (const label of labels) index.remove(label);
      // A removed paper takes its passages with it.
      const passages = store.remove(labels);
      for (const label of passages) index.remove(label);
      let deleted = previous.deletedVectors + labels.length + passages.length;
      const live = store.liveLabels();
      if (deleted > COMPACT_AT * (live.length + deleted)) {
        index = index.compacted(live);
        deleted = 0;
      }
      writeGenerationMap(dir, index, store, current, new Set(), true);
      return finishGeneration(dir, index, store, previous.model, deleted);
    });
  }, { verify: verifyWritten });
  return { manifest, removed: labels.length, recovered };
}

/** A paper to write: new, re-embedded (its text changed), or with only other fields changed. */
export interface PaperChange {
  label: number;
  paper: Paper;
  hash: string;
  embed: boolean;
  /** The stored text it replaces, when the store keeps it (for BM25 postings to drop). */
  before?: string;
}

/**
 * What an update changes, by comparing each paper with what is stored under its id (content hash
 * for the text, the other fields as JSON); new papers get labels from `nextLabel` on.
 */
export function diffPapers(
  papers: readonly Paper[],
  stored: ReadonlyMap<string, { label: number; hash: string; json: string; text?: string }>,
  nextLabel: number,
): { changed: PaperChange[]; added: number; updated: number; unchanged: number; nextLabel: number } {
  const changed: PaperChange[] = [];
  let added = 0;
  let updated = 0;
  let unchanged = 0;
  for (const paper of papers) {
    const hash = contentHash(paper);
    const entry = stored.get(paper.id.toLowerCase());
    if (!entry) {
      added++;
      changed.push({ label: nextLabel++, paper, hash, embed: true });
    } else if (entry.hash !== hash) {
      updated++;
      changed.push({ label: entry.label, paper, hash, embed: true, before: entry.text });
    } else {
      unchanged++;
      if (entry.json !== paperFieldsJson(paper)) changed.push({ label: entry.label, paper, hash, embed: false, before: entry.text });
    }
  }
  return { changed, added, updated, unchanged, nextLabel };
}

/**
 * What an update embeds: the texts of re-embedded papers and of their passages, by hash. A
 * re-embedded paper's passages are all replaced: new labels from `nextLabel` on, new vectors (the
 * store deletes the old ones).
 */
export function toEmbed(changed: readonly PaperChange[], nextLabel: number): {
  passages: { paperLabel: number; passages: { label: number; passage: Passage; hash: string }[] }[];
  texts: Map<string, string>;
} {
  const passages = changed.filter((c) => c.embed).map((c) => ({
    paperLabel: c.label,
    passages: (c.paper.passages ?? []).map((passage) => ({ label: nextLabel++, passage, hash: passageHash(passage) })),
  }));
  const texts = new Map<string, string>();
  for (const c of changed) if (c.embed) texts.set(c.hash, documentText(c.paper));
  for (const p of passages) for (const { hash, passage } of p.passages) texts.set(hash, passageText(passage));
  return { passages, texts };
}

/** Bytes on disk of an index generation's files. */
export function generationSize(dir: string): number {
  const files = [HNSW_FILE, STORE_FILE, MANIFEST_FILE, ...(existsSync(join(dir, TOPIC_MAP_FILE)) ? [TOPIC_MAP_FILE] : [])];
  return files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

interface StoredPaper {
  label: number;
  hash: string;
  json: string;
}

function readEntries(generation: string): { entries: Map<string, StoredPaper>; nextLabel: number } {
  const store = PaperStore.open(join(generation, STORE_FILE));
  try {
    const entries = new Map<string, StoredPaper>();
    for (const [key, entry] of store.entries()) entries.set(key, { ...entry, json: paperFieldsJson(store.byLabel(entry.label)!) });
    return { entries, nextLabel: store.nextLabel() };
  } finally {
    store.close();
  }
}

/** A paper's stored fields as JSON: what tells whether to rewrite it (passages count in its hash instead). */
export function paperFieldsJson({ passages: _passages, ...fields }: Paper): string {
  return JSON.stringify(fields);
}

/** A passage's key in the checkpoint: its text, section and pages. */
export function passageHash(passage: Passage): string {
  return "p" + createHash("sha256").update(`${passage.page}-${passage.lastPage}\t${passageText(passage)}`).digest("hex").slice(0, 16);
}

function openNextStore(current: string | null, dir: string): PaperStore {
  if (!current) return PaperStore.create(join(dir, STORE_FILE));
  copyFileSync(join(current, STORE_FILE), join(dir, STORE_FILE));
  return PaperStore.openWritable(join(dir, STORE_FILE));
}

/**
 * Topics and the map of the generation being written: the previous generation's, brought up to
 * date, or computed again when enough changed (see RECOMPUTE_SHARE in map/topic-map.ts).
 */
function writeGenerationMap(dir: string, index: VectorIndex, store: PaperStore, current: string | null, fresh: ReadonlySet<number>, compute: boolean): void {
  let previous = null;
  try {
    previous = current ? readTopicMap(current) : null;
  } catch {
    // A damaged map is computed again rather than extended.
  }
  if (!compute && !previous) return;
  const map = buildTopicMap(graphMapSource(index, store, DEFAULT_HNSW.efSearch), { previous, fresh, extendOnly: !compute });
  if (map) writeTopicMap(dir, map);
}

function finishGeneration(
  dir: string,
  index: VectorIndex,
  store: PaperStore,
  model: Manifest["model"],
  deletedVectors: number,
): Manifest {
  index.save(join(dir, HNSW_FILE));
  const entries = store.entries();
  // Checksums are taken once both files are closed: nothing writes to them after this.
  store.close();
  const manifest: Manifest = {
    formatVersion: FORMAT_VERSION,
    model,
    count: entries.size,
    builtAt: new Date().toISOString(),
    fingerprint: corpusFingerprint([...entries].map(([id, e]) => [id, e.hash] as const)),
    hnsw: DEFAULT_HNSW,
    deletedVectors,
    files: checksumFiles(dir, existsSync(join(dir, TOPIC_MAP_FILE)) ? [...DATA_FILES, TOPIC_MAP_FILE] : DATA_FILES),
  };
  writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n");
  return manifest;
}

/**
 * Embeds the texts of `wanted` (by hash) that `vectors` (what a checkpoint kept) lacks, a
 * checkpoint's worth at a time, handing each batch to `save` before the next, so a killed run
 * resumes from them. Both stores embed through this; they differ in where `save` writes.
 */
export async function embedMissing(
  wanted: ReadonlyMap<string, string>,
  vectors: Map<string, Float32Array>,
  loadEmbedder: () => Promise<Embedder>,
  options: Pick<UpdateOptions, "checkpointEvery" | "onProgress">,
  save: (pairs: (readonly [string, Float32Array])[]) => void | Promise<void>,
): Promise<Map<string, Float32Array> & { resumed: number; embedded: number }> {
  const resumed = vectors.size;
  const todo = [...wanted].filter(([hash]) => !vectors.has(hash));
  const total = wanted.size;
  options.onProgress?.(resumed, total);
  if (todo.length > 0) {
    const embedder = await loadEmbedder();
    try {
      const every = options.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
      for (let start = 0; start < todo.length; start += every) {
        const batch = todo.slice(start, start + every);
        const done = resumed + start;
        const embedded = await embedder.embedDocuments(batch.map(([, text]) => text), (n) => options.onProgress?.(done + n, total));
        const pairs = batch.map(([hash], i) => [hash, embedded[i]!] as const);
        await save(pairs);
        for (const [hash, vector] of pairs) vectors.set(hash, vector);
      }
    } finally {
      await embedder.dispose();
    }
  }
  return Object.assign(vectors, { resumed, embedded: todo.length });
}

/** Embeds what needs embedding, reusing and extending the folder's checkpoint. */
async function embedChanged(
  indexDir: string,
  wanted: ReadonlyMap<string, string>,
  modelKey: string,
  loadEmbedder: () => Promise<Embedder>,
  options: UpdateOptions,
): Promise<Map<string, Float32Array> & { resumed: number; embedded: number }> {
  mkdirSync(indexDir, { recursive: true });
  const checkpoint = Checkpoint.open(indexDir, modelKey);
  try {
    return await embedMissing(wanted, checkpoint.lookup(wanted.keys()), loadEmbedder, options, (pairs) => checkpoint.save(pairs));
  } finally {
    checkpoint.close();
  }
}
