import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PapersError } from "../errors.js";
import { knownModel, type Dtype, type ModelSpec } from "../embed/models.js";
import { checksumProblem, type FileChecksums } from "./checksums.js";
import type { HnswParams } from "./vector-index.js";

/**
 * Manifests written before checksums existed lack `files`; they still open, unverified.
 * Format 3 replaced format 2's FTS5 table with the BM25 index of lexical-index.ts. A format 2 index
 * is upgraded by the next `papers index` run, which embeds nothing for it.
 */
export const FORMAT_VERSION = 4;
/** Format 4 added passages (a table a format 3 store lacks): a format 3 index opens as one without any. */
export const READABLE_FORMATS: readonly number[] = [3, FORMAT_VERSION];
export const UPGRADABLE_FORMAT = 2;
export const MANIFEST_FILE = "manifest.json";
export const HNSW_FILE = "papers.hnsw";
export const STORE_FILE = "papers.db";

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
  files?: FileChecksums;
}

/** The files a generation's manifest vouches for. */
export const DATA_FILES = [HNSW_FILE, STORE_FILE] as const;

export const REBUILD_HINT = "run `papers index --rebuild [paths...]` to rebuild it";

/** Changes whenever a paper is added, removed or its text changes: over (id, content hash) pairs. */
export function corpusFingerprint(entries: Iterable<readonly [id: string, hash: string]>): string {
  const hash = createHash("sha256");
  for (const line of [...entries].map(([id, h]) => `${id.toLowerCase()}\t${h}`).sort()) hash.update(line + "\n");
  return hash.digest("hex").slice(0, 16);
}

/** A generation's manifest; one of the upgradable format only when `upgradable` (for the indexer). */
export function readManifest(dir: string, options: { upgradable?: boolean } = {}): Manifest {
  const path = join(dir, MANIFEST_FILE);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(path, "utf8")) as Manifest;
  } catch (error) {
    throw new PapersError("INDEX_DAMAGED", `index at ${dir} is damaged (${MANIFEST_FILE} unreadable): ${REBUILD_HINT}`);
  }
  if (manifest?.model && !("pooling" in manifest.model)) manifest.model = withDefaultFacts(manifest.model);
  if (manifest?.formatVersion === UPGRADABLE_FORMAT && options.upgradable) return manifest;
  if (manifest?.formatVersion === UPGRADABLE_FORMAT) {
    throw new PapersError(
      "INDEX_OUTDATED",
      `index at ${dir} was written by an older papers (format ${UPGRADABLE_FORMAT}): run \`papers index [paths...]\` once to upgrade it; nothing is embedded again`,
    );
  }
  if (!READABLE_FORMATS.includes(manifest?.formatVersion)) {
    throw new PapersError(
      "INDEX_DAMAGED",
      `index at ${dir} has format ${manifest?.formatVersion}, this version reads ${FORMAT_VERSION}: ${REBUILD_HINT}`,
    );
  }
  return manifest;
}

/**
 * Checks a generation's data files against its manifest before anything loads them: a truncated
 * or changed file is one clear error, never a crash inside hnswlib or wrong answers.
 */
export function verifyGeneration(dir: string, manifest: Manifest): void {
  for (const file of DATA_FILES) {
    const expected = manifest.files?.[file];
    const problem = expected ? checksumProblem(dir, file, expected) : existsSync(join(dir, file)) ? null : `${file} missing`;
    if (problem) throw new PapersError("INDEX_DAMAGED", `index at ${dir} is damaged (${problem}): ${REBUILD_HINT}`);
  }
}

/**
 * Manifests written before the embedding facts were recorded name only the model, which was then
 * always a built-in one: its facts were the table's.
 */
function withDefaultFacts(model: { id: string; dimension: number; dtype: Dtype }): Manifest["model"] {
  const known = knownModel(model.id);
  if (!known) return model as Manifest["model"];
  const { aliases: _aliases, ...facts } = known;
  return { ...facts, ...model };
}
