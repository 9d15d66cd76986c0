/**
 * What every store keeps about a library: the manifest (model, format, count, fingerprint, graph
 * parameters) and the rules both stores apply to it. How a folder store keeps it on disk, and
 * checks it, is folder/manifest-file.ts.
 */
import { createHash } from "node:crypto";
import type { Dtype, ModelSpec } from "../../embed/models.js";
import type { HnswParams } from "./hnsw.js";
import { PapersError } from "../../errors.js";

/**
 * Format 3 replaced format 2's FTS5 table with the BM25 index of folder/lexical-index.ts; format 4 splits
 * Chinese, Japanese and Korean text into character bigrams (analyzer.ts), where format 3 kept a
 * whole run of them as one term. A format 2 or 3 index is upgraded by the next `papers index` run,
 * which embeds nothing for it. A format 3 index still answers meanwhile, analysing questions as it
 * analysed its abstracts (so CJK questions find nothing lexically there, as before). Format 4 also
 * added passages (a table a format 3 store lacks): a format 3 index opens as one without any.
 */
export const FORMAT_VERSION = 4;
export const UPGRADABLE_FORMAT = 2;
/** Formats queries can read as they are. */
export const READABLE_FORMATS: readonly number[] = [3, FORMAT_VERSION];

/** Size and SHA-256 of one file of an index generation, as recorded in its manifest. */
export interface FileChecksum {
  size: number;
  sha256: string;
}

export type FileChecksums = Record<string, FileChecksum>;

/** What an index was built from and with; written last, so a generation without one is incomplete. */
export interface Manifest {
  formatVersion: number;
  /** The model's embedding facts (see ModelSpec) and the weights used. */
  model: ModelSpec & { dtype: Dtype };
  count: number;
  builtAt: string;
  /** Changes whenever the set of papers or any abstract changes. */
  fingerprint: string;
  hnsw: HnswParams;
  /** Vectors marked deleted in the HNSW graph but not yet compacted away. */
  deletedVectors: number;
  /** Size and SHA-256 of papers.hnsw and papers.db, taken after both were closed; see verifyGeneration. */
  files: FileChecksums;
}

/** Where a generation keeps its topics and map: a file of a folder, an artifact of a database (topic-map-store.ts). */
export const TOPIC_MAP_FILE = "topics-map.json";

export const REBUILD_HINT = "run `papers index --rebuild [paths...]` to rebuild it";

/**
 * A JSON artifact of a generation (the topic map, the citation links; any store's: `where` names
 * it in errors), parsed and checked by `problemOf` before use: INDEX_DAMAGED if either fails.
 */
export function parseArtifact<T>(data: Buffer | string, where: string, name: string, problemOf: (value: unknown) => string | null): T {
  let value: unknown;
  try {
    value = JSON.parse(data.toString());
  } catch {
    throw new PapersError("INDEX_DAMAGED", `index at ${where} is damaged (${name} unreadable): ${REBUILD_HINT}`);
  }
  const problem = problemOf(value);
  if (problem) throw new PapersError("INDEX_DAMAGED", `index at ${where} is damaged (${name}: ${problem}): ${REBUILD_HINT}`);
  return value as T;
}

/** Changes whenever a paper is added, removed or its text changes: over (id, content hash) pairs. */
export function corpusFingerprint(entries: Iterable<readonly [id: string, hash: string]>): string {
  const hash = createHash("sha256");
  for (const line of [...entries].map(([id, h]) => `${id.toLowerCase()}\t${h}`).sort()) hash.update(line + "\n");
  return hash.digest("hex").slice(0, 16);
}

/** Whether an index's BM25 terms split CJK text into bigrams (format 4 on). */
export function usesCjkBigrams(manifest: Pick<Manifest, "formatVersion">): boolean {
  return manifest.formatVersion >= 4;
}

/** Far above any sentence-embedding model (the largest common ones have 4,096). */
export const MAX_DIMENSION = 65_536;
