/**
 * The library API: everything the CLI and the server do goes through these functions.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { contentHash, documentText, type Paper, type Skipped } from "./corpus/paper.js";
import { readCorpus, type ReadOptions } from "./corpus/read-corpus.js";
import { readZotero, type ZoteroLibrary } from "./corpus/zotero.js";
import type { Embedder, EmbedderLoader } from "./embed/embedder.js";
import { modelId, type ModelLocation } from "./embed/locate.js";
import { DEFAULT_DTYPE, DEFAULT_MODEL, specDifferences, type Dtype } from "./embed/models.js";
import { QueryEmbeddings } from "./embed/query-embeddings.js";
import { transformersLoader } from "./embed/transformers-embedder.js";
import { PapersError } from "./errors.js";
import { currentGeneration } from "./store/folder/generations.js";
import type { Manifest } from "./store/shared/manifest.js";
import { isCompleteGeneration } from "./store/folder/manifest-file.js";
import { openStore } from "./store/open-store.js";
import type { GenerationReader, IndexStore, UpdateOptions, UpdateSummary } from "./store/store.js";
import { indexPapers } from "./library/indexing/index-papers.js";
import { isStoreEmpty, storeLocation } from "./library/indexing/store-facts.js";
import { checkFilter, hasConditions, type PaperFilter } from "./search/filter.js";
import type { Scored } from "./search/fusion.js";
import { bestEvidence, PASSAGE_DEPTH_FACTOR } from "./search/evidence.js";
import { bm25Ceiling } from "./search/bm25.js";
import { queryTerms } from "./search/analyzer.js";
import { CALIBRATION, relevance, type MatchFeatures } from "./search/calibration.js";
import { closest, matchedTerms, splitSentences, type Explanation } from "./search/explain.js";
import { recommend, type RecommendSource, type Seed, type WeightedWord } from "./search/recommend.js";
import { DEFAULT_MODE, DOCUMENT_WEIGHTS, FUSION_DEPTH, RELATED_MODE, rankByMode, type SearchMode } from "./search/modes.js";
import type { TopicMap } from "./map/topic-map.js";
import { paperMapView, topicSummaries, type PaperMap, type TopicSummary } from "./map/views.js";
import { renderMapPng, renderMapSvg, type ImageFormat, type RenderOptions } from "./map/render.js";
import { buildTopicMap } from "./store/shared/topic-map-build.js";
import { TOPIC_MAP_FILE, parseTopicMap } from "./store/shared/topic-map-store.js";

export type { Paper, Source } from "./corpus/paper.js";
export { MAX_ID_LENGTH, PAPER_FIELDS, paperJson } from "./corpus/paper.js";
export type { Manifest } from "./store/shared/manifest.js";
export { indexPapers, indexPaperList } from "./library/indexing/index-papers.js";
export { indexZotero, type ZoteroSummary } from "./library/indexing/index-zotero.js";
export { removePapers } from "./library/indexing/remove-papers.js";
export { copyIndex } from "./library/indexing/copy-index.js";
export { paperListFingerprint, storeLocation } from "./library/indexing/store-facts.js";
export { isPostgresUrl } from "./store/open-store.js";
export { DEFAULT_DTYPE, DEFAULT_MODEL } from "./embed/models.js";
export { SEARCH_MODES, DEFAULT_MODE, RELATED_MODE, parseMode, type SearchMode } from "./search/modes.js";
export { parseYearRange, type PaperFilter } from "./search/filter.js";
export { PapersError, isPapersError, type ErrorCode } from "./errors.js";
export { parseFieldOptions, formatSkipped, type Skipped } from "./corpus/read-corpus.js";
export { DEFAULT_ZOTERO_DIR } from "./corpus/zotero.js";

export { snippet, SNIPPET_CHARS } from "./search/snippet.js";
export type { McpIndexSource, McpServerOptions } from "./mcp/server.js";

export type { Embedder, EmbedderLoader } from "./embed/embedder.js";
export { EXPORT_FORMATS, EXPORT_CONTENT_TYPES, exportPapers, parseExportFormat, type ExportFormat } from "./export/formats.js";
export type { ExportItem } from "./export/exportable.js";
export type { ModelSpec, Dtype } from "./embed/models.js";
export type { PaperMap, TopicSummary } from "./map/views.js";
export { imageFormatOf, type ImageFormat } from "./map/render.js";
export { RECOMPUTE_SHARE } from "./map/topic-map.js";

export interface PapersOptions extends ModelLocation {
  /** Folder that holds the index (CURRENT + generations). */
  indexDir: string;
  /**
   * Where the index is kept instead of `indexDir`: a PostgreSQL connection string
   * (postgres://, postgresql://, libpq's `?host=/socket/dir`, `?schema=`), or a folder.
   */
  store?: string;
  /**
   * Model alias, Hub id or folder path; for queries it must match the index's model.
   * Default: the index's model, else all-MiniLM-L6-v2.
   */
  model?: string;
  /** Weights: q8 (default, shipped) or fp32. */
  dtype?: Dtype;
  /** Brings your own embedding model; default: transformers.js, looked up as `modelsDir` and `offline` say. */
  embedder?: EmbedderLoader;
  /**
   * Whether openOrBuildIndex may build an index from its corpus paths when the folder has none.
   * Front ends set it only for the default location: a folder the user named (--index,
   * PAPERS_INDEX) that holds no index is a mistake to report, never a place to build the seeds.
   */
  buildIfMissing?: boolean;
}

/** Options of an indexing run. */
export type IndexOptions = PapersOptions & Omit<UpdateOptions, "onProgress" | "removeIf">;

export interface SearchHit extends Paper {
  /** Cosine similarity between question and paper, in [-1, 1]. */
  score: number;
  /** The passage of the paper's full text that matched best, when it beat the abstract. */
  passage?: HitPassage;
}

/** Where in a paper's full text a hit was found. */
export interface HitPassage {
  text: string;
  /** 1-based page the passage starts on. */
  page: number;
  /** Its section heading, as printed ("4.2 Results"), or null. */
  section: string | null;
}

/** A passage found by `searchPassages`, with the paper it belongs to. */
export interface PassageHit extends HitPassage {
  /** The page the passage ends on. */
  lastPage: number;
  id: string;
  title: string | null;
  score: number;
}

/** A paper's place in one retriever's ranking. */
export interface RankedId extends Scored {
  id: string;
}

export interface IndexSummary extends UpdateSummary {
  files: string[];
  /** Records and files left out while reading (file, line, reason), and replaced duplicates. */
  skipped: Skipped[];
  seconds: number;
}

export interface IndexInfo {
  model: string;
  dtype: Dtype;
  dimension: number;
  count: number;
  /** Passages of full text (from PDFs) besides the papers' abstracts. */
  passages: number;
  builtAt: string;
  fingerprint: string;
  indexPath: string;
  sizeBytes: number;
}

/** What `recommend` is asked: papers liked and not liked (ids), and a text (a draft), at least one like or a text. */
export interface RecommendRequest {
  like?: readonly string[];
  unlike?: readonly string[];
  text?: string;
  k?: number;
  /** Score every paper instead of the candidates retrieval brings (slow: for measuring what the pool misses). */
  exhaustive?: boolean;
}

export interface Recommendations {
  hits: SearchHit[];
  /** "centroid": closeness to the likes (likes or text only); "classifier": a model trained on likes against unlikes. */
  method: "centroid" | "classifier";
  /** The words that weigh most for and against; with a classifier, the share of its weight on the embedding. */
  why: { words: WeightedWord[]; against: WeightedWord[]; embeddingShare?: number };
  /** Papers the method scored. */
  candidates: number;
}

export type { WeightedWord } from "./search/recommend.js";
export type { Explanation, MatchedTerm } from "./search/explain.js";
export type { MatchFeatures } from "./search/calibration.js";

/** How sure the index is that papers answer a question (see src/search/calibration.ts). */
export interface Confidence {
  /** Each paper's calibrated relevance, 0–1, comparable across questions. */
  relevance: number[];
  /** Whether the best of them reaches the threshold; false is "no confident match". */
  confident: boolean;
  threshold: number;
}

/** Sentence embeddings kept for explanations, by paper (id and text), at most this many papers. */
const EXPLAIN_CACHE_PAPERS = 2_000;

/** At most this many likes and this many unlikes in one request, and this long a text. */
export const MAX_SEEDS = 100;
export const MAX_TEXT_LENGTH = 20_000;

export type ProgressListener = (done: number, total: number) => void;

export const MAX_K = 1000;

/** Whether a committed index exists in the folder. */
export function hasIndex(indexDir: string): boolean {
  return currentGeneration(indexDir, isCompleteGeneration) !== null;
}

/** The folder of the generation openIndex would open now, or null: how a server notices a new one. */
export function currentGenerationDir(indexDir: string): string | null {
  return currentGeneration(indexDir, isCompleteGeneration);
}

/**
 * The name of the generation openIndex would open now in the store the options name (folder or
 * database), or null when none is committed: how a server notices a new one.
 */
export async function liveGenerationName(options: PapersOptions): Promise<string | null> {
  const store = await openStore(options);
  try {
    return await store.liveGeneration();
  } finally {
    await store.close();
  }
}

/** Opens the index; the model is loaded only when a question needs embedding. */
export async function openIndex(options: PapersOptions): Promise<PaperIndex> {
  const store = await openStore(options);
  let generation: GenerationReader | undefined;
  try {
    generation = await store.open((manifest) => {
      if (!options.model) return;
      const wanted = modelId(options.model);
      if (wanted.toLowerCase() !== manifest.model.id.toLowerCase()) {
        throw new PapersError(
          "MODEL_MISMATCH",
          `index at ${store.location} was built with ${manifest.model.id}, not ${wanted}: query without --model, or rebuild with \`papers index --rebuild --model ${wanted}\``,
        );
      }
    });
    const { manifest } = generation;
    const info: IndexInfo = {
      model: manifest.model.id,
      dtype: manifest.model.dtype,
      dimension: manifest.model.dimension,
      count: manifest.count,
      passages: (await generation.passageOwners()).size,
      builtAt: manifest.builtAt,
      fingerprint: manifest.fingerprint,
      indexPath: generation.location,
      sizeBytes: await generation.sizeBytes(),
    };
    return new PaperIndex(generation, store, options, info);
  } catch (error) {
    await generation?.close();
    await store.close();
    throw error;
  }
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

/** Ranks as rankByMode does, with retrievers that answer asynchronously (a store may be a database). */
async function rankAsync(
  mode: SearchMode,
  k: number,
  dense: (depth: number) => Promise<Scored[]>,
  lexical: (depth: number) => Promise<Scored[]>,
  weights?: readonly [number, number],
): Promise<Scored[]> {
  const depth = mode === "hybrid" ? Math.max(k, FUSION_DEPTH) : k;
  const [denseList, lexicalList] = await Promise.all([mode === "lexical" ? [] : dense(depth), mode === "dense" ? [] : lexical(depth)]);
  return rankByMode(mode, k, () => denseList, () => lexicalList, weights);
}

/** The promise, with `forget` called if it fails (so a cached failure is not kept). */
function forgetOnFailure<T>(promise: Promise<T>, forget: () => void): Promise<T> {
  promise.catch(forget);
  return promise;
}

export class PaperIndex {
  /**
   * Set when CURRENT was missing or named no generation, and this, the newest complete one, was
   * opened instead: says so, for the front end to pass on. Readers never write: the next
   * `papers index` or `papers remove` points CURRENT at it again.
   */
  readonly recovered: string | null;
  private embedder: Promise<Embedder> | undefined;
  private readonly queries = new QueryEmbeddings(() => this.loadEmbedder());
  /** Sentences and their embeddings by paper id + content hash; oldest dropped first (a Map keeps insertion order). */
  private readonly sentenceCache = new Map<string, { sentences: string[]; vectors: Float32Array[] }>();

  /** Where the index is: its generation's folder, or the database (without password). */
  readonly dir: string;
  /** The generation answering: the folder's name (`gen-…`), or the database's generation. */
  readonly generation: string;
  readonly manifest: Manifest;

  /** @internal Use openIndex. */
  constructor(
    private readonly reader: GenerationReader,
    private readonly store: IndexStore,
    private readonly options: PapersOptions,
    private readonly opened: IndexInfo,
  ) {
    ({ location: this.dir, generation: this.generation, manifest: this.manifest, recovered: this.recovered } = reader);
  }

  /** What the index is, as it was when opened (a generation never changes while it is open). */
  info(): IndexInfo {
    return { ...this.opened };
  }

  /**
   * The corpus's topics, largest first: label, size, 3 representative papers. Stored with the
   * generation; an index written before topics existed (or with `computeMap: false`) computes them
   * here (not stored: readers never write) until the next `papers index` stores them.
   */
  async topics(): Promise<TopicSummary[]> {
    const map = await this.topicMap();
    const labels = map.topics.flatMap((t) => t.representatives);
    const papers = await this.reader.byLabels(labels);
    const byLabel = new Map(labels.map((label, i) => [label, papers[i]]));
    return topicSummaries(map, (label) => byLabel.get(label));
  }

  /** Every paper's place on the 2-D map and its topic (see topics()). */
  async map(): Promise<PaperMap> {
    const map = await this.topicMap();
    const ids = new Map((await this.reader.labelled()).map(({ label, paper }) => [label, paper.id]));
    return paperMapView(map, (label) => ids.get(label));
  }

  /** Whether topics() and map() answer from the stored map, rather than computing it first. */
  async hasStoredTopicMap(): Promise<boolean> {
    return (await this.storedTopicMap()) !== null;
  }

  /** The map as a picture (SVG text, or PNG bytes) for papers and slides. */
  async mapImage(format: ImageFormat, options: RenderOptions = {}): Promise<string | Buffer> {
    const title = options.title ?? `${this.manifest.count} papers · ${(await this.topicMap()).topics.length} topics`;
    const args = [await this.map(), await this.topics(), { ...options, title }] as const;
    return format === "png" ? renderMapPng(...args) : renderMapSvg(...args);
  }

  private storedMap: Promise<TopicMap | null> | undefined;
  private computedMap: Promise<TopicMap> | undefined;

  private storedTopicMap(): Promise<TopicMap | null> {
    return (this.storedMap ??= forgetOnFailure(this.reader.artifact(TOPIC_MAP_FILE).then((data) => data && parseTopicMap(data, this.dir)), () => (this.storedMap = undefined)));
  }

  /** @internal The stored map, or one computed now (onStep told each step's time, for bench/map.mjs). */
  async topicMap(onStep?: (step: string, ms: number) => void): Promise<TopicMap> {
    const stored = await this.storedTopicMap();
    if (stored) return stored;
    // Computed once per open index, however many requests ask at once; a failure (a database gone) is tried again next time.
    return (this.computedMap ??= forgetOnFailure(this.reader.mapSource(onStep).then((source) => buildTopicMap(source, { onStep })), () => (this.computedMap = undefined)));
  }

  /** A paper by id, arXiv id, `arXiv:` id or arxiv.org link; versions (`v2`) are ignored. */
  async get(id: string): Promise<Paper> {
    return (await this.lookup(id)).paper;
  }

  list(): Promise<Paper[]> {
    return this.reader.all();
  }

  /** One page of `list()`, and how many papers there are in all: for clients that page. */
  async listPage(offset: number, limit: number): Promise<{ total: number; papers: Paper[] }> {
    if (!Number.isInteger(offset) || offset < 0) {
      throw new PapersError("BAD_OPTION", `offset must be a whole number of at least 0, not ${offset}`);
    }
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_K) {
      throw new PapersError("BAD_OPTION", `limit must be a whole number from 1 to ${MAX_K}, not ${limit}`);
    }
    return { total: await this.reader.count(), papers: await this.reader.page(offset, limit) };
  }

  /**
   * The k papers that best answer a question: by meaning (dense), by its words (lexical, BM25),
   * or both fused (hybrid).
   */
  async search(question: string, k = 10, mode: SearchMode = DEFAULT_MODE, filter?: PaperFilter): Promise<SearchHit[]> {
    const text = checkQuestion(question);
    checkK(k);
    checkFilter(filter);
    const vector = mode === "lexical" ? undefined : await this.embedQuery(text);
    // One scope object for both retrievers: a store resolves its filter once.
    const scope = hasConditions(filter) ? { filter } : undefined;
    const dense = (depth: number) => this.reader.denseSearch(vector!, depth, scope);
    const lexical = (depth: number) => this.reader.lexicalSearch(text, depth, scope);
    const owners = await this.reader.passageOwners();
    // Abstract-only indexes search exactly as before; with passages, papers rank by their best
    // evidence: abstracts and passages are ranked (and fused) together, each paper taking its best.
    if (owners.size === 0) return this.hits(await rankAsync(mode, k, dense, lexical));
    const evidence = new Map<number, number>();
    let ranked: Scored[] = [];
    for (let depth = k * PASSAGE_DEPTH_FACTOR; ; depth *= PASSAGE_DEPTH_FACTOR) {
      evidence.clear();
      ranked = bestEvidence(await rankAsync(mode, depth, dense, lexical), owners, k, evidence);
      if (ranked.length >= k || depth >= this.reader.vectorCount) break;
    }
    const hits = await this.hits(ranked);
    return Promise.all(
      hits.map(async (hit, i) => {
        const best = evidence.get(ranked[i]!.label)!;
        const passage = owners.has(best) ? await this.reader.passage(best) : undefined;
        return passage ? { ...hit, passage: { text: passage.text, page: passage.page, section: passage.section } } : hit;
      }),
    );
  }

  /** The k passages of full text that best answer a question, each with its paper's id and title. */
  async searchPassages(question: string, k = 10, mode: SearchMode = DEFAULT_MODE, filter?: PaperFilter): Promise<PassageHit[]> {
    const text = checkQuestion(question);
    checkK(k);
    const owners = await this.reader.passageOwners();
    if (owners.size === 0) return [];
    const scope = { filter: hasConditions(filter) ? filter : undefined, kind: "passages" as const };
    const vector = mode === "lexical" ? undefined : await this.embedQuery(text);
    const ranked = await rankAsync(
      mode,
      k,
      (depth) => this.reader.denseSearch(vector!, depth, scope),
      (depth) => this.reader.lexicalSearch(text, depth, scope),
    );
    const found = await Promise.all(
      ranked.map(async ({ label, score }) => {
        const passage = await this.reader.passage(label);
        const [paper] = passage ? await this.reader.byLabels([passage.paperLabel]) : [undefined];
        if (!passage || !paper) return [];
        return [{ id: paper.id, title: paper.title, text: passage.text, page: passage.page, lastPage: passage.lastPage, section: passage.section, score }];
      }),
    );
    return found.flat();
  }

  /** Both ranked lists that hybrid search fuses, `depth` deep: for tuning fusion and for inspection. */
  async rankings(question: string, depth: number): Promise<{ dense: RankedId[]; lexical: RankedId[] }> {
    const text = checkQuestion(question);
    const vector = await this.embedQuery(text);
    return { dense: await this.withIds(await this.reader.denseSearch(vector, depth)), lexical: await this.withIds(await this.reader.lexicalSearch(text, depth)) };
  }

  /** The k papers closest to one already in the index, itself left out. */
  async related(id: string, k = 10, mode: SearchMode = RELATED_MODE): Promise<SearchHit[]> {
    checkK(k);
    const { dense, lexical } = await this.relatedRetrievers(id);
    return this.hits(await rankAsync(mode, k, dense, lexical, DOCUMENT_WEIGHTS));
  }

  /** Both ranked lists that related fuses, `depth` deep: for choosing its mode (bench/related-mode.mjs). */
  async relatedRankings(id: string, depth: number): Promise<{ dense: RankedId[]; lexical: RankedId[] }> {
    const { dense, lexical } = await this.relatedRetrievers(id);
    return { dense: await this.withIds(await dense(depth)), lexical: await this.withIds(await lexical(depth)) };
  }

  /**
   * The k papers closest to a text that is not in the index (a draft abstract): the text is the
   * question, ranked as related ranks a paper's neighbours.
   */
  async relatedToText(text: string, k = 10, mode: SearchMode = RELATED_MODE): Promise<SearchHit[]> {
    const question = checkQuestion(text);
    checkK(k);
    const vector = mode === "lexical" ? undefined : await this.embedQuery(question);
    const { dense, lexical } = await this.documentRetrievers(vector, question);
    return this.hits(await rankAsync(mode, k, dense, lexical, DOCUMENT_WEIGHTS));
  }

  /**
   * Papers like the liked ones (and the text) and unlike the unliked ones, seeds left out: see
   * src/search/recommend.ts for the method.
   */
  async recommend(request: RecommendRequest): Promise<Recommendations> {
    const k = request.k ?? 20;
    checkK(k);
    const likeIds = request.like ?? [];
    const unlikeIds = request.unlike ?? [];
    const text = request.text?.trim();
    if (likeIds.length === 0 && !text) throw new PapersError("BAD_OPTION", "say what you like: at least one --like ID or a --text");
    if (likeIds.length > MAX_SEEDS || unlikeIds.length > MAX_SEEDS) throw new PapersError("BAD_OPTION", `at most ${MAX_SEEDS} likes and ${MAX_SEEDS} unlikes`);
    if (text && text.length > MAX_TEXT_LENGTH) throw new PapersError("BAD_OPTION", `the text must be at most ${MAX_TEXT_LENGTH} characters, not ${text.length}`);
    const seedOf = async (id: string): Promise<Seed> => {
      const { label, paper } = await this.lookup(id);
      return { label, vector: await this.reader.vector(label), text: documentText(paper) };
    };
    const likes = await Promise.all(likeIds.map(seedOf));
    const unlikes = await Promise.all(unlikeIds.map(seedOf));
    const both = likes.find((like) => unlikes.some((u) => u.label === like.label));
    if (both) {
      const [paper] = await this.reader.byLabels([both.label!]);
      throw new PapersError("BAD_OPTION", `paper "${paper?.id}" is both liked and unliked: keep it on one side`);
    }
    if (text) likes.push({ vector: await this.embedQuery(text), text });
    const result = await this.reader.withRecommendSource((source) => recommend(source, likes, unlikes, k, DOCUMENT_WEIGHTS, request.exhaustive));
    return { hits: await this.hits(result.ranked), method: result.method, why: result.why, candidates: result.candidates };
  }

  /**
   * Why each paper answers the question: its abstract's sentence closest to the question (the
   * sentences embedded now, for these papers only, and cached), and the question's terms it
   * matched with their share of its BM25 score.
   */
  async explain(question: string, papers: readonly Paper[]): Promise<Explanation[]> {
    const text = checkQuestion(question);
    const vector = await this.embedQuery(text);
    const keys = papers.map((p) => `${p.id}\n${contentHash(p)}`);
    const missing = papers.filter((p, i) => !this.sentenceCache.has(keys[i]!));
    if (missing.length > 0) {
      const split = missing.map((p) => splitSentences(p.abstract));
      const embedder = await this.loadEmbedder();
      const vectors = await embedder.embedDocuments(split.flat());
      let at = 0;
      missing.forEach((p, i) => {
        const sentences = split[i]!;
        this.sentenceCache.set(`${p.id}\n${contentHash(p)}`, { sentences, vectors: vectors.slice(at, at + sentences.length) });
        at += sentences.length;
      });
      while (this.sentenceCache.size > EXPLAIN_CACHE_PAPERS) this.sentenceCache.delete(this.sentenceCache.keys().next().value!);
    }
    return Promise.all(
      papers.map(async (paper, i) => {
        const { sentences, vectors } = this.sentenceCache.get(keys[i]!)!;
        const best = closest(vector, vectors);
        const [label] = await this.reader.labelsOf([paper.id]);
        const scores = label === undefined ? [] : (await this.reader.termScores(text, [label]))[0]!;
        return {
          sentence: sentences[best.index] ?? paper.abstract,
          sentenceScore: Math.round(best.score * 1e4) / 1e4,
          terms: matchedTerms(scores, documentText(paper)),
        };
      }),
    );
  }

  /** The two raw signals the calibration reads, for each paper: its cosine with the question and its share of the BM25 ceiling. */
  async matchFeatures(question: string, ids: readonly string[]): Promise<MatchFeatures[]> {
    const text = checkQuestion(question);
    const vector = await this.embedQuery(text);
    const terms = queryTerms(text);
    const { documents, frequencies } = await this.reader.documentFrequencies(terms);
    const ceiling = bm25Ceiling(documents, frequencies.values());
    // Exact ids (a search's hits) in one call; any other form through lookup.
    const exact = await this.reader.labelsOf(ids);
    const labels = await Promise.all(ids.map(async (id, i) => exact[i] ?? (await this.lookup(id)).label));
    const [vectors, scores] = await Promise.all([this.reader.vectors(labels), this.reader.termScores(text, labels)]);
    return labels.map((_, i) => {
      const other = vectors[i]!;
      let cosine = 0;
      for (let j = 0; j < other.length; j++) cosine += other[j]! * vector[j]!;
      const bm25 = scores[i]!.reduce((sum, t) => sum + t.score, 0);
      return { cosine, lexical: ceiling > 0 ? bm25 / ceiling : 0 };
    });
  }

  /** Calibrated relevance of each paper to the question, and whether any is a confident match. */
  async confidence(question: string, papers: readonly Paper[]): Promise<Confidence> {
    const features = await this.matchFeatures(question, papers.map((p) => p.id));
    const scores = features.map((f) => Math.round(relevance(f) * 1e4) / 1e4);
    return { relevance: scores, confident: scores.some((s) => s >= CALIBRATION.threshold), threshold: CALIBRATION.threshold };
  }

  /**
   * The name of the store's live generation now (null: none committed), through this index's own
   * connection: how a server notices a newer one than `generation`.
   */
  latestGeneration(): Promise<string | null> {
    return this.store.liveGeneration();
  }

  /** Named data kept with the open generation (see GenerationReader.artifact), or null. */
  artifact(name: string): Promise<Buffer | null> {
    return this.reader.artifact(name);
  }

  private async relatedRetrievers(id: string) {
    const { label, paper } = await this.lookup(id);
    return this.documentRetrievers(await this.reader.vector(label), documentText(paper), label);
  }

  /**
   * Dense and lexical retrievers over papers for a whole document as the question. With passages
   * in the index, papers rank by their best evidence; `self` (a paper in the index) and its own
   * passages are left out.
   */
  private async documentRetrievers(
    vector: Float32Array | undefined,
    text: string,
    self?: number,
  ): Promise<{ dense: (depth: number) => Promise<Scored[]>; lexical: (depth: number) => Promise<Scored[]> }> {
    const owners = await this.reader.passageOwners();
    const other = (hit: number) => self === undefined || (hit !== self && owners.get(hit) !== self);
    const exclude = self === undefined ? undefined : new Set([self, ...[...owners].filter(([, owner]) => owner === self).map(([label]) => label)]);
    const deeper = owners.size === 0 ? 1 : PASSAGE_DEPTH_FACTOR;
    const papers = (hits: Scored[], depth: number) => bestEvidence(hits.filter((h) => other(h.label)), owners, depth, new Map());
    return {
      dense: async (depth) => papers(await this.reader.denseSearch(vector!, depth * deeper, exclude && { exclude }), depth),
      lexical: async (depth) => papers(await this.reader.lexicalSearch(text, depth * deeper + 1), depth),
    };
  }

  async close(): Promise<void> {
    await this.reader.close();
    await this.store.close();
    if (this.embedder) await (await this.embedder.catch(() => undefined))?.dispose();
  }

  /** Cached for repeated questions, and batched when many arrive at once (see QueryEmbeddings). */
  private embedQuery(text: string): Promise<Float32Array> {
    return this.queries.embed(text);
  }

  private loadEmbedder(): Promise<Embedder> {
    if (!this.embedder) {
      this.embedder = this.openEmbedder();
      // A failed load (missing model) must not stick: the next question tries again.
      this.embedder.catch(() => (this.embedder = undefined));
    }
    return this.embedder;
  }

  /** The index's model, refused if its files now embed differently from when the index was built. */
  private async openEmbedder(): Promise<Embedder> {
    const loader = embedderLoader(this.options);
    const dtype = this.options.dtype ?? this.manifest.model.dtype;
    const spec = await loader.describe(this.manifest.model.id, dtype);
    const differences = specDifferences(this.manifest.model, spec);
    if (differences.length > 0) {
      throw new PapersError(
        "MODEL_MISMATCH",
        `index at ${this.store.location} was built with ${this.manifest.model.id} embedding differently from its files now (${differences.join("; ")}): rebuild it with \`papers index --rebuild [paths...]\``,
      );
    }
    return loader.load(spec, dtype);
  }

  private async lookup(id: string): Promise<{ label: number; paper: Paper }> {
    const wanted = id.trim();
    const bare = wanted.replace(/^https?:\/\/arxiv\.org\/(abs|pdf)\//i, "").replace(/^arxiv:/i, "");
    const found = (await this.reader.byId(wanted)) ?? (await this.reader.byId(bare)) ?? (await this.reader.byId(bare.replace(/v\d+$/, "")));
    if (!found) {
      throw new PapersError("UNKNOWN_ID", `no paper with id "${wanted}" in the index: \`papers list\` shows the ids`);
    }
    return found;
  }

  private async withIds(list: Scored[]): Promise<RankedId[]> {
    const papers = await this.reader.byLabels(list.map((s) => s.label));
    return list.map((s, i) => ({ ...s, id: papers[i]?.id ?? "" }));
  }

  private async hits(neighbors: { label: number; score: number }[]): Promise<SearchHit[]> {
    const papers = await this.reader.byLabels(neighbors.map((n) => n.label));
    return neighbors.map(({ label, score }, i) => {
      const paper = papers[i];
      if (!paper) throw new PapersError("INDEX_DAMAGED", `index at ${this.dir} is damaged (vector ${label} has no paper): run \`papers index\` to rebuild it`);
      return { ...paper, score };
    });
  }
}

/**
 * The MCP server over an index (src/mcp/server.ts), for the MCP front ends. Loaded on first use:
 * the MCP SDK takes longer to load than a search takes, and most commands never need it.
 */
export async function createMcpServer(...args: Parameters<typeof import("./mcp/server.js").createMcpServer>) {
  return (await import("./mcp/server.js")).createMcpServer(...args);
}

function embedderLoader(options: PapersOptions): EmbedderLoader {
  return options.embedder ?? transformersLoader(options);
}

function checkQuestion(question: string): string {
  const text = question.trim();
  if (!text) throw new PapersError("EMPTY_QUERY", "the question is empty: say what you are looking for");
  return text;
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) {
    throw new PapersError("BAD_OPTION", `k must be a whole number from 1 to ${MAX_K}, not ${k}`);
  }
}
