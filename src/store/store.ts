/**
 * What an index store does, whatever holds the index: a folder of generations on disk
 * (folder/folder-store.ts) or a PostgreSQL database with pgvector (postgres/postgres-store.ts). PaperIndex and the
 * indexing functions of src/papers.ts talk only to these two interfaces, so the CLI, the server
 * and MCP never know which store they hold.
 */
import type { Paper } from "../corpus/paper.js";
import type { Passage } from "../corpus/passages.js";
import type { Embedder } from "../embed/embedder.js";
import type { Dtype, ModelSpec } from "../embed/models.js";
import type { IndexState, IndexStateChanges } from "./shared/index-state.js";
import type { SavedLikes } from "./shared/likes.js";
import type { Manifest } from "./shared/manifest.js";
import type { MapSource } from "./shared/topic-map-build.js";
import type { StepReport } from "../map/topic-map.js";
import type { TermScore } from "../ranking/bm25.js";
import type { PaperFilter } from "../ranking/filter.js";
import type { Scored } from "../ranking/fusion.js";
import type { RecommendSource } from "../ranking/recommend.js";

/** Which labels a search may return: papers a filter allows, papers or passages only, some left out. */
export interface SearchScope {
  filter?: PaperFilter;
  /** Only papers (no passages of full text), or only passages. */
  kind?: "papers" | "passages";
  /** Labels never returned (a paper asking for its own neighbours, and its passages). */
  exclude?: ReadonlySet<number>;
}

/** What one search reads: the hits of both retrievers, `depth` deep, in one scope. */
export interface RetrievalRequest {
  /** The question's embedding, when dense hits are wanted. */
  vector?: Float32Array;
  /** The question, when lexical (BM25) hits are wanted. */
  text?: string;
  depth: number;
  scope?: SearchScope;
  /** Read with the hits the papers of the first this many dense hits (the likely answers). */
  prefetch: number;
}

/**
 * One generation's answers to a RetrievalRequest, and its papers and passages read on demand from
 * that same generation: a store that cannot promise it any more (a database whose generation moved
 * on between two reads) throws GenerationMovedError, and the caller starts the search again.
 */
export interface Retrieval {
  dense: Scored[];
  lexical: Scored[];
  /** Paper label by passage label, as this generation has them. */
  owners: ReadonlyMap<number, number>;
  papers(labels: readonly number[]): Promise<(Paper | undefined)[]>;
  passages(labels: readonly number[]): Promise<((Passage & { paperLabel: number }) | undefined)[]>;
}

/** A read found another generation than the one its retrieval came from (see Retrieval). */
export class GenerationMovedError extends Error {
  constructor(location: string) {
    super(`the index at ${location} changed during a search`);
  }
}

/** One committed generation of an index, opened for reading; it never changes while open. */
export interface GenerationReader {
  /** The generation's name: what a follower compares to tell a new one (`gen-…`). */
  readonly generation: string;
  /** Where the index is, for messages: a folder, or a connection string without its password. */
  readonly location: string;
  readonly manifest: Manifest;
  /** Why another generation than the live pointer names was opened, or null (folders only). */
  readonly recovered: string | null;
  /** Vectors in the index, papers and passages (an upper bound for search depth). */
  readonly vectorCount: number;

  sizeBytes(): Promise<number>;
  /** What the store's server could change for speed (PostgreSQL's shared_buffers), or nothing. */
  advice(): Promise<string[]>;
  byLabels(labels: readonly number[]): Promise<(Paper | undefined)[]>;
  /** A paper and its label by id, case-insensitive. */
  byId(id: string): Promise<{ label: number; paper: Paper } | undefined>;
  /** Every paper, in index (label) order; with a filter, the papers it lets through. */
  all(filter?: PaperFilter): Promise<Paper[]>;
  page(offset: number, limit: number): Promise<Paper[]>;
  /** The n newest distinct paper dates ("YYYY-MM-DD"), none after `until`, newest first: a feed's listing days. */
  newestDates(n: number, until?: string): Promise<string[]>;
  count(): Promise<number>;

  vector(label: number): Promise<Float32Array>;
  /** Several papers' (or passages') vectors at once, in the order asked (moving an index between stores). */
  vectors(labels: readonly number[]): Promise<Float32Array[]>;
  /** Every paper with its label, in label order. */
  labelled(): Promise<{ label: number; paper: Paper }[]>;
  /** The k nearest labels within the scope, best first; exactly k when k are in scope. */
  denseSearch(vector: Float32Array, k: number, scope?: SearchScope): Promise<Scored[]>;
  /** The k best labels by BM25 within the scope. */
  lexicalSearch(text: string, k: number, scope?: SearchScope): Promise<Scored[]>;
  documentFrequencies(terms: Iterable<string>): Promise<{ documents: number; frequencies: Map<string, number> }>;
  /** Each question term's part of each paper's BM25 score, by label. */
  termScores(question: string, labels: readonly number[]): Promise<TermScore[][]>;
  /** The labels of papers by their exact ids (case-insensitive), undefined for unknown ones. */
  labelsOf(ids: readonly string[]): Promise<(number | undefined)[]>;

  /**
   * Optional: a search's reads in as few round trips as the store can (a database: one statement
   * for the facts, the hits and the likely papers); without it the query layer reads through the
   * methods here (src/query/retrieve.ts).
   */
  retrieve?(request: RetrievalRequest): Promise<Retrieval>;

  /** Paper label by passage label; empty when the index holds no passages. */
  passageOwners(): Promise<ReadonlyMap<number, number>>;
  passage(label: number): Promise<(Passage & { paperLabel: number }) | undefined>;
  /** Several passages at once, in the order asked, undefined for labels that are no passage (moving an index). */
  passagesByLabels(labels: readonly number[]): Promise<((Passage & { paperLabel: number }) | undefined)[]>;

  /** Runs `compute` (recommend, src/ranking/recommend.ts) over this generation's papers. */
  withRecommendSource<T>(compute: (source: RecommendSource) => T): Promise<T>;
  /**
   * Named data kept with this generation besides papers and vectors (topics, a map layout, …),
   * or null when the generation has none of that name.
   */
  artifact(name: string): Promise<Buffer | null>;
  /**
   * The papers (not passages) with their vectors, texts and a nearest-neighbour search, to compute
   * the topic map in memory when the generation has none stored.
   */
  mapSource(onStep?: StepReport): Promise<MapSource>;
  /**
   * The likes and unlikes saved with this generation, as saved (ids of papers that may since have
   * left the index): read when it was opened, so they never change while it is open.
   */
  likes(): Promise<SavedLikes>;

  close(): Promise<void>;
}

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
  /**
   * Stored papers to remove in the same commit (a Zotero sync: items gone from the library being
   * read); never one of the papers written. Removed ones are counted in UpdateSummary.removed.
   */
  removeIf?: (paper: Paper) => boolean;
  /**
   * A stored paper to leave as it is rather than replace with the paper of the same id given (arXiv
   * metadata never overwrites a paper read from a file): that given paper is not written, and its
   * id is listed in UpdateSummary.kept.
   */
  keepStored?: (stored: Paper, given: Paper) => boolean;
  /**
   * Named state saved in the same commit (shared/index-state.ts: an arXiv harvest's datestamp per
   * endpoint and set): each name set to its value, or removed when null; other names are kept.
   * State outlives `rebuild` and moves between stores. A change of state alone still commits.
   * A function gets the state as the update finds it, under the writer lock.
   */
  state?: IndexStateChanges;
  onProgress?: (done: number, total: number) => void;
}

export interface UpdateSummary {
  manifest: Manifest;
  added: number;
  /** Papers whose text changed: embedded again. */
  updated: number;
  /** Papers whose text did not change: not embedded (their other fields may be refreshed). */
  unchanged: number;
  /** Of the unchanged papers, those whose other fields changed and were rewritten (absent from older summaries). */
  refreshed?: number;
  removed: number;
  /** Ids of papers given but not written, as UpdateOptions.keepStored chose (absent when none was asked). */
  kept?: string[];
  /** Papers whose vectors an interrupted earlier run had already embedded. */
  resumed: number;
  /** Papers embedded by this run. */
  embedded: number;
  /** Set when CURRENT was missing or named no generation and was pointed back at the newest complete one. */
  recovered: string | null;
}


/** A model as an indexing run uses it: its facts, the weights, and how to load it when needed. */
export interface StoreModel {
  spec: ModelSpec;
  dtype: Dtype;
}

/** Removing papers: the new manifest, how many went, and what was repaired on the way. */
export interface RemoveSummary {
  manifest: Manifest;
  removed: number;
  recovered: string | null;
}

/** What a likes update makes of the saved likes; `find` gives a paper's id as the index holds it, or undefined. */
export type LikesUpdate = (saved: SavedLikes, find: (id: string) => Promise<string | undefined>) => Promise<SavedLikes>;

export interface IndexStore {
  /** Where the index is, for messages (no password). */
  readonly location: string;
  /** The live generation's name, or null when there is no committed index: cheap, polled by servers. */
  liveGeneration(): Promise<string | null>;
  /** Whether nothing at all is there, not even a damaged generation: only then may seeds be built. */
  isEmpty(): Promise<boolean>;
  /** The live generation's model as written (an index of an older format too), or undefined. */
  builtModel(): Promise<Manifest["model"] | undefined>;
  /**
   * The live generation's manifest and named state, read without opening its papers or vectors
   * (cheap: what a rerun checks its file stamps against), or null when there is no index.
   */
  liveState(): Promise<{ manifest: Manifest; state: IndexState } | null>;
  /**
   * Opens the live generation for reading; readers never wait for a writer. `check` sees the
   * manifest before anything else is read (to refuse another model).
   */
  open(check?: (manifest: Manifest) => void): Promise<GenerationReader>;
  /**
   * Under the store's writer lock: embeds new and changed papers (checkpointed, so a killed run
   * resumes) and commits them as one new generation, all or nothing.
   */
  update(
    papers: readonly Paper[],
    model: StoreModel,
    loadEmbedder: () => Promise<Embedder>,
    options: UpdateOptions,
  ): Promise<UpdateSummary>;
  /** Removes papers by id under the writer lock, with `state` changes in the same commit; an unknown id removes nothing. */
  remove(ids: readonly string[], options: { wait?: boolean; state?: IndexStateChanges }): Promise<RemoveSummary>;
  /**
   * Under the writer lock: gives `change` the saved likes and a finder of paper ids in the live
   * generation (exact id, case-insensitive), and commits the likes it returns as one new
   * generation (papers, vectors and map shared with the one before, not rewritten); nothing when
   * they are unchanged. Answers the likes now saved.
   */
  updateLikes(change: LikesUpdate, options: { wait?: boolean }): Promise<SavedLikes>;
  /** Lets go of connections; open readers stay usable until closed. */
  close(): Promise<void>;
}
