/**
 * Writing a folder index: an update (add, replace, and remove in the same commit) or a removal,
 * each under the writer lock and committed as one new generation (generations.ts).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { PAPER_FIELDS, type Paper } from "../../corpus/paper.js";
import type { CitationData } from "../../citations/links.js";
import type { LinkTarget } from "../../citations/match.js";
import type { Embedder } from "../../embed/embedder.js";
import { specDifferences, specFacts, type Dtype, type ModelSpec } from "../../embed/models.js";
import { PapersError } from "../../errors.js";
import { phase } from "../../phases.js";
import { embedMissing, type EmbeddedVectors } from "../shared/embedding-loop.js";
import { DEFAULT_HNSW } from "../shared/hnsw.js";
import { CITATIONS_ARTIFACT, catalogOf, nextCitations, parseCitations, serializeCitations } from "../shared/citations-store.js";
import { STATE_ARTIFACT, mergeIndexState, parseIndexState, serializeIndexState, type IndexState, type IndexStateChanges } from "../shared/index-state.js";
import { FORMAT_VERSION, TOPIC_MAP_FILE, UPGRADABLE_FORMAT, corpusFingerprint, type Manifest } from "../shared/manifest.js";
import { diffPapers, paperFieldsJson, removalTest, toEmbed } from "../shared/paper-diff.js";
import { buildTopicMap } from "../shared/topic-map-build.js";
import { VectorIndex } from "../shared/vector-index.js";
import type { UpdateOptions, UpdateSummary } from "../store.js";
import { Checkpoint } from "./checkpoint.js";
import { checksumFiles } from "./checksums.js";
import { diskError, isDiskFull } from "./disk-errors.js";
import { commitGeneration, liveGeneration, removeReplaced, removeStale, setCurrent } from "./generations.js";
import { graphMapSource } from "./graph-map-source.js";
import { withWriterLock } from "./lock.js";
import { carryLikes } from "./likes-file.js";
import { DATA_FILES, HNSW_FILE, MANIFEST_FILE, OPTIONAL_FILES, STORE_FILE, isCompleteGeneration, readManifest, verifyGeneration } from "./manifest-file.js";
import { PaperTable } from "./paper-table.js";
import { readTopicMap, writeTopicMap } from "./topic-map-file.js";

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
export function recoverLive(indexDir: string): { dir: string | null; recovered: string | null } {
  removeStale(indexDir);
  const live = liveGeneration(indexDir, isCompleteGeneration);
  if (live?.recovered) setCurrent(indexDir, basename(live.dir));
  return { dir: live?.dir ?? null, recovered: live?.recovered ? `${live.recovered}: CURRENT now names it again` : null };
}

/**
 * Checks the live generation before a writer builds on it; once it is known good, the generations
 * it replaced go. A writer killed after naming its generation in CURRENT and before removing those
 * left them, and a run that then commits nothing (a remove of an id already gone) would keep them.
 * A damaged live generation keeps them all: the older may be the good copy.
 */
function verifyLive(indexDir: string, live: string, manifest: Manifest): void {
  verifyGeneration(live, manifest);
  removeReplaced(indexDir, basename(live));
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
async function closingOnFailure<T>(store: PaperTable, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
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
  if (current) verifyLive(indexDir, current, previous!);
  const removes = removalTest(papers, options.removeIf);
  const { entries: stored, nextLabel: firstFree, doomed } = current ? phase("read index", () => readEntries(current, removes)) : { entries: new Map<string, StoredPaper>(), nextLabel: 0, doomed: [] };
  // The named state outlives a rebuild: it is the live generation's, whatever the papers.
  const { state, changed: stateChanged } = mergeIndexState(live.dir ? readStateFile(live.dir, !!options.rebuild) : {}, options.state);

  const { changed, added, updated, unchanged, refreshed, kept, nextLabel } = diffPapers(papers, stored, firstFree, options.keepStored);
  const summary = { added, updated, unchanged, refreshed, removed: doomed.length, kept };
  const doomedIds = idsOfLabels(stored, doomed);
  const citations = nextCitations(current ? readCitationsFile(current) : null, papers, { changed, kept }, doomedIds, () => catalogOf(storedTargets(stored), changed, doomedIds));
  // An index written before topics existed gets its topic map now, with nothing else changed.
  const mapDone = () => options.computeMap === false || existsSync(join(current!, TOPIC_MAP_FILE));
  if (previous && changed.length === 0 && doomed.length === 0 && !stateChanged && !citations.changed && !upgrade && mapDone()) return { manifest: previous, ...summary, resumed: 0, embedded: 0, recovered };

  const { passages, texts } = toEmbed(changed, nextLabel);
  const vectors = await embedChanged(indexDir, texts, model.spec.id + "/" + model.dtype, loadEmbedder, options);
  const manifest = await commitGeneration(indexDir, async (dir) => {
    let index = current
      ? VectorIndex.load(join(current, HNSW_FILE), model.spec.dimension, DEFAULT_HNSW.efSearch)
      : VectorIndex.create(model.spec.dimension, texts.size);
    // Likes outlast a rebuild: they are the user's, not the papers'.
    carryLikes(live.dir, dir, current ? previous : null);
    const store = openNextStore(current, dir);
    return closingOnFailure(store, async () => {
      if (upgrade && previous.formatVersion === UPGRADABLE_FORMAT) store.upgradeFromFormat2();
      else if (upgrade) store.reanalyse();
      phase("hnsw", () => {
        for (const { label, hash, embed } of changed) if (embed) index.add(label, vectors.get(hash)!);
      });
      phase("papers and postings", () => store.upsert(changed));
      let deleted = previous?.deletedVectors ?? 0;
      for (const { passages: list } of passages) for (const { label, hash } of list) index.add(label, vectors.get(hash)!);
      const gone = store.replacePassagesOf(passages);
      for (const label of gone) index.remove(label);
      deleted += gone.length;
      ({ index, deleted } = removeLabels(index, store, doomed, deleted));
      const info = { ...specFacts(model.spec), dtype: model.dtype };
      const fresh = new Set(changed.filter((c) => c.embed).map((c) => c.label));
      await writeGraphAndMap(dir, index, store, current, fresh, options.computeMap !== false);
      writeStateFile(dir, state);
      writeCitationsFile(dir, citations.data);
      return finishGeneration(dir, index, store, info, deleted);
    });
  }, { verify: (dir) => phase("verify", () => verifyWritten(dir)) });
  Checkpoint.remove(indexDir);
  return { manifest, ...summary, resumed: vectors.resumed, embedded: vectors.embedded, recovered };
}

/** Removes papers by id; unknown ids are an error, and nothing is removed then. */
export async function removeFromIndex(
  indexDir: string,
  ids: readonly string[],
  options: { wait?: boolean; state?: IndexStateChanges } = {},
): Promise<{ manifest: Manifest; removed: number; recovered: string | null }> {
  // Checked before locking, so that a mistyped --index does not create a folder.
  if (!liveGeneration(indexDir, isCompleteGeneration)) throw new PapersError("NO_INDEX", `no index at ${indexDir}: nothing to remove`);
  try {
    return await withWriterLock(indexDir, options, () => removeLocked(indexDir, ids, options.state));
  } catch (error) {
    throw diskError(error, indexDir);
  }
}

async function removeLocked(indexDir: string, ids: readonly string[], stateChanges: IndexStateChanges | undefined): Promise<{ manifest: Manifest; removed: number; recovered: string | null }> {
  const { dir: current, recovered } = recoverLive(indexDir);
  if (!current) throw new PapersError("NO_INDEX", `no index at ${indexDir}: nothing to remove`);
  const previous = readManifest(current);
  verifyLive(indexDir, current, previous);
  const { entries: stored } = readEntries(current);
  const citations = nextCitations(readCitationsFile(current), [], { changed: [], kept: [] }, ids, () => []);
  const labels = ids.map((id) => {
    const entry = stored.get(id.toLowerCase());
    if (!entry) throw new PapersError("UNKNOWN_ID", `no paper with id "${id}" in the index: nothing was removed`);
    return entry.label;
  });
  const manifest = await commitGeneration(indexDir, async (dir) => {
    let index = VectorIndex.load(join(current, HNSW_FILE), previous.model.dimension, previous.hnsw.efSearch);
    // A removed paper's like stays: the paper may come back.
    carryLikes(current, dir, previous);
    const store = openNextStore(current, dir);
    return closingOnFailure(store, async () => {
      // A format 3 store's postings are re-analysed first, so the removed texts' terms are found.
      if (previous.formatVersion !== FORMAT_VERSION) store.reanalyse();
      let deleted: number;
      ({ index, deleted } = removeLabels(index, store, labels, previous.deletedVectors));
      await writeGraphAndMap(dir, index, store, current, new Set(), true);
      writeStateFile(dir, mergeIndexState(readStateFile(current, false), stateChanges).state);
      writeCitationsFile(dir, citations.data);
      return finishGeneration(dir, index, store, previous.model, deleted);
    });
  }, { verify: verifyWritten });
  return { manifest, removed: labels.length, recovered };
}

/**
 * Removes papers (with their passages) from a generation being written, compacting the graph when
 * enough of it is deleted vectors; returns the graph to save and its deleted count.
 */
function removeLabels(index: VectorIndex, store: PaperTable, labels: readonly number[], deletedBefore: number): { index: VectorIndex; deleted: number } {
  if (labels.length === 0) return { index, deleted: deletedBefore };
  for (const label of labels) index.remove(label);
  // A removed paper takes its passages with it.
  const passages = store.remove(labels);
  for (const label of passages) index.remove(label);
  const deleted = deletedBefore + labels.length + passages.length;
  const live = store.liveLabels();
  return deleted > COMPACT_AT * (live.length + deleted) ? { index: index.compacted(live), deleted: 0 } : { index, deleted };
}

interface StoredPaper {
  id: string;
  label: number;
  hash: string;
  json: string;
}

/** The stored papers by lower-cased id, and the labels of those `removes` picks. */
function readEntries(generation: string, removes: (paper: Paper) => boolean = () => false): { entries: Map<string, StoredPaper>; nextLabel: number; doomed: number[] } {
  const store = PaperTable.open(join(generation, STORE_FILE));
  try {
    const entries = new Map<string, StoredPaper>();
    const doomed: number[] = [];
    for (const [key, entry] of store.entries()) {
      const paper = store.byLabel(entry.label)!;
      entries.set(key, { ...entry, id: paper.id, json: paperFieldsJson(paper) });
      if (removes(paper)) doomed.push(entry.label);
    }
    return { entries, nextLabel: store.nextLabel(), doomed };
  } finally {
    store.close();
  }
}

function openNextStore(current: string | null, dir: string): PaperTable {
  if (!current) return PaperTable.create(join(dir, STORE_FILE));
  copyFileSync(join(current, STORE_FILE), join(dir, STORE_FILE));
  return PaperTable.openWritable(join(dir, STORE_FILE));
}

/**
 * The generation's graph, then its topics and map: the previous generation's, brought up to date,
 * or computed again when enough changed (see RECOMPUTE_SHARE in map/topic-map.ts). The graph is
 * saved first because a worker thread of the map opens that file.
 */
async function writeGraphAndMap(dir: string, index: VectorIndex, store: PaperTable, current: string | null, fresh: ReadonlySet<number>, compute: boolean): Promise<void> {
  phase("hnsw", () => index.save(join(dir, HNSW_FILE)));
  await phase("topic map", () => writeGenerationMap(dir, index, store, current, fresh, compute));
}

async function writeGenerationMap(dir: string, index: VectorIndex, store: PaperTable, current: string | null, fresh: ReadonlySet<number>, compute: boolean): Promise<void> {
  let previous = null;
  try {
    previous = current ? readTopicMap(current) : null;
  } catch {
    // A damaged map is computed again rather than extended.
  }
  if (!compute && !previous) return;
  const map = await buildTopicMap(graphMapSource(index, join(dir, HNSW_FILE), store, DEFAULT_HNSW.efSearch), { previous, fresh, extendOnly: !compute });
  if (map) writeTopicMap(dir, map);
}

function finishGeneration(
  dir: string,
  index: VectorIndex,
  store: PaperTable,
  model: Manifest["model"],
  deletedVectors: number,
): Manifest {
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
    files: phase("checksums", () => checksumFiles(dir, [...DATA_FILES, ...OPTIONAL_FILES.filter((name) => existsSync(join(dir, name)))])),
  };
  writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n");
  return manifest;
}

/**
 * A generation's named state ({} when it has none). A damaged one stops an update, unless the
 * update rebuilds the index anyway (`lenient`): then it is dropped.
 */
export function readStateFile(dir: string, lenient: boolean): IndexState {
  const path = join(dir, STATE_ARTIFACT);
  try {
    return parseIndexState(existsSync(path) ? readFileSync(path) : null, dir);
  } catch (error) {
    if (lenient) return {};
    throw error;
  }
}

/** Writes the named state into the generation being written (nothing when there is none). */
function writeStateFile(dir: string, state: IndexState): void {
  const data = serializeIndexState(state);
  if (data) writeFileSync(join(dir, STATE_ARTIFACT), data);
}

function readCitationsFile(dir: string): CitationData | null {
  const path = join(dir, CITATIONS_ARTIFACT);
  return parseCitations(existsSync(path) ? readFileSync(path) : null, dir);
}

function writeCitationsFile(dir: string, data: CitationData): void {
  const bytes = serializeCitations(data);
  if (bytes) writeFileSync(join(dir, CITATIONS_ARTIFACT), bytes);
}

/** The ids of stored papers by their labels. */
function idsOfLabels(stored: ReadonlyMap<string, StoredPaper>, labels: readonly number[]): string[] {
  if (labels.length === 0) return [];
  const wanted = new Set(labels);
  return [...stored.values()].filter((entry) => wanted.has(entry.label)).map((entry) => entry.id);
}

/** Stored papers as match targets, their fields read back from the JSON the diff compares. */
function* storedTargets(stored: ReadonlyMap<string, StoredPaper>): Generator<LinkTarget> {
  const at = (field: (typeof PAPER_FIELDS)[number]) => PAPER_FIELDS.indexOf(field);
  for (const entry of stored.values()) {
    const values = JSON.parse(entry.json) as unknown[];
    yield { id: values[at("id")] as string, title: values[at("title")] as string | null, year: values[at("year")] as number | null, doi: values[at("doi")] as string | null, arxivId: values[at("arxivId")] as string | null, authors: values[at("authors")] as string[] };
  }
}

/** Embeds what needs embedding, reusing and extending the folder's checkpoint. */
async function embedChanged(indexDir: string, wanted: ReadonlyMap<string, string>, modelKey: string, loadEmbedder: () => Promise<Embedder>, options: UpdateOptions): Promise<EmbeddedVectors> {
  mkdirSync(indexDir, { recursive: true });
  const checkpoint = Checkpoint.open(indexDir, modelKey);
  try {
    return await embedMissing(wanted, checkpoint.lookup(wanted.keys()), loadEmbedder, options, (pairs) => checkpoint.save(pairs));
  } finally {
    checkpoint.close();
  }
}
