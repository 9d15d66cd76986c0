/**
 * The options that name an index and its model, what an open index says about itself, and what
 * an indexing run is told and answers: shared by openIndex, PaperIndex and the indexing functions
 * (re-exported by src/papers.ts, which they must not import: no cycle through the facade).
 */
import type { Skipped } from "../corpus/paper.js";
import type { EmbedderLoader } from "../embed/embedder.js";
import type { ModelLocation } from "../embed/locate.js";
import type { Dtype } from "../embed/models.js";
import type { UpdateOptions, UpdateSummary } from "../store/store.js";

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
  /** What the store's server could change for speed (PostgreSQL's shared_buffers); empty when nothing. */
  advice: string[];
}

/** Options of an indexing run. */
export type IndexOptions = PapersOptions & Omit<UpdateOptions, "onProgress" | "removeIf" | "keepStored" | "state">;

export interface IndexSummary extends UpdateSummary {
  files: string[];
  /** Records and files left out while reading (file, line, reason), and replaced duplicates. */
  skipped: Skipped[];
  seconds: number;
  /** Files not opened at all: size, modification time and inode as the last run saw them. */
  filesUnchanged: number;
  /** Files whose stamp changed (or new ones) that were hashed; those whose content had not changed were not parsed. */
  filesHashed: number;
  /** Files parsed into papers (new, changed content, or sharing a paper with one that changed). */
  filesRead: number;
  /** Papers removed because every file they were read from under the paths is gone (`prune`). */
  pruned: number;
  /** Papers whose files under the paths are all gone, left in the index (no `prune`). */
  prunable: number;
  /**
   * Seconds by phase of the run (read, model load, tokenize, inference, pooling, checkpoint, hnsw,
   * papers and postings, topic map, checksums, verify, …; see src/phases.ts), with `other` for the
   * rest; checking and reading the files count.
   */
  phases?: Record<string, number>;
}

/** Options of `indexPapers`: an indexing run's, and whether to prune. */
export type IndexPapersOptions = IndexOptions & {
  /**
   * Remove, in the same commit, the papers whose every source file under the paths is gone (a
   * paper also read from a file still there, or from outside the paths, stays). Without it, they
   * are counted in IndexSummary.prunable.
   */
  prune?: boolean;
};

export type ProgressListener = (done: number, total: number) => void;
