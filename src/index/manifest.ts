import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { PapersError } from "../errors.js";
import { DTYPES, knownModel, type Dtype, type ModelSpec } from "../embed/models.js";
import { checksumProblem, type FileChecksums } from "./checksums.js";
import type { HnswParams } from "./vector-index.js";

/**
 * Format 3 replaced format 2's FTS5 table with the BM25 index of lexical-index.ts; format 4 splits
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
  files: FileChecksums;
}

/** The files a generation's manifest vouches for. */
export const DATA_FILES = [HNSW_FILE, STORE_FILE] as const;
/** The data file generations written since topics existed have (src/index/topic-map-store.ts). */
export const TOPIC_MAP_FILE = "topics-map.json";

export const REBUILD_HINT = "run `papers index --rebuild [paths...]` to rebuild it";

/** Changes whenever a paper is added, removed or its text changes: over (id, content hash) pairs. */
export function corpusFingerprint(entries: Iterable<readonly [id: string, hash: string]>): string {
  const hash = createHash("sha256");
  for (const line of [...entries].map(([id, h]) => `${id.toLowerCase()}\t${h}`).sort()) hash.update(line + "\n");
  return hash.digest("hex").slice(0, 16);
}

/**
 * A generation's manifest, checked against MANIFEST_SCHEMA before anything else reads the index;
 * one of an upgradable format only when `upgradable` (for the indexer).
 */
export function readManifest(dir: string, options: { upgradable?: boolean } = {}): Manifest {
  const path = join(dir, MANIFEST_FILE);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(path, "utf8")) as Manifest;
  } catch (error) {
    throw new PapersError("INDEX_DAMAGED", `index at ${dir} is damaged (${MANIFEST_FILE} unreadable): ${REBUILD_HINT}`);
  }
  if (isObject(manifest) && isObject(manifest.model) && !("pooling" in manifest.model)) manifest.model = withDefaultFacts(manifest.model);
  const problem = manifestProblem(manifest);
  if (problem) throw new PapersError("INDEX_DAMAGED", `index at ${dir} is damaged (${MANIFEST_FILE}: ${problem}): ${REBUILD_HINT}`);
  const readable = READABLE_FORMATS.includes(manifest.formatVersion);
  if (options.upgradable && (readable || manifest.formatVersion === UPGRADABLE_FORMAT)) return manifest;
  if (manifest.formatVersion === UPGRADABLE_FORMAT) {
    throw new PapersError(
      "INDEX_OUTDATED",
      `index at ${dir} was written by an older papers (format ${UPGRADABLE_FORMAT}): run \`papers index [paths...]\` once to upgrade it; nothing is embedded again`,
    );
  }
  if (!readable) {
    throw new PapersError(
      "INDEX_DAMAGED",
      `index at ${dir} has format ${manifest.formatVersion}, this version reads ${FORMAT_VERSION}: ${REBUILD_HINT}`,
    );
  }
  return manifest;
}

/** Whether a generation folder holds a manifest this version can read or upgrade: a complete generation. */
export function isCompleteGeneration(dir: string): boolean {
  try {
    readManifest(dir, { upgradable: true });
    return true;
  } catch {
    return false;
  }
}

/** Whether an index's BM25 terms split CJK text into bigrams (format 4 on). */
export function usesCjkBigrams(manifest: Pick<Manifest, "formatVersion">): boolean {
  return manifest.formatVersion >= 4;
}

/** Far above any sentence-embedding model (the largest common ones have 4,096). */
export const MAX_DIMENSION = 65_536;

const positiveInteger = { type: "integer", minimum: 1 } as const;
const count = { type: "integer", minimum: 0 } as const;
const checksum = {
  type: "object",
  properties: { size: count, sha256: { type: "string", pattern: "^[0-9a-f]{64}$" } },
  required: ["size", "sha256"],
} as const;

/**
 * What a manifest must hold. It is JSON Schema (draft 7) checked by Ajv, the validator Fastify
 * already uses for the server's requests: one language for every schema in papers. Keys it does
 * not name are allowed, so a newer papers may add some.
 */
export const MANIFEST_SCHEMA = {
  type: "object",
  properties: {
    formatVersion: positiveInteger,
    model: {
      type: "object",
      properties: {
        id: { type: "string", minLength: 1 },
        dimension: { type: "integer", minimum: 1, maximum: MAX_DIMENSION },
        pooling: { enum: ["mean", "cls", "lasttoken"] },
        maxTokens: positiveInteger,
        queryPrefix: { type: "string" },
        documentPrefix: { type: "string" },
        normalize: { type: "boolean" },
        dtype: { enum: [...DTYPES] },
      },
      required: ["id", "dimension", "pooling", "maxTokens", "queryPrefix", "documentPrefix", "normalize", "dtype"],
    },
    count,
    builtAt: { type: "string", minLength: 1 },
    fingerprint: { type: "string", pattern: "^[0-9a-f]{16}$" },
    hnsw: {
      type: "object",
      properties: {
        m: { type: "integer", minimum: 2, maximum: 1024 },
        efConstruction: { type: "integer", minimum: 1, maximum: 100_000 },
        efSearch: { type: "integer", minimum: 1, maximum: 100_000 },
      },
      required: ["m", "efConstruction", "efSearch"],
    },
    deletedVectors: count,
    files: {
      type: "object",
      properties: { [HNSW_FILE]: checksum, [STORE_FILE]: checksum },
      required: [HNSW_FILE, STORE_FILE],
    },
  },
  required: ["formatVersion", "model", "count", "builtAt", "fingerprint", "hnsw", "deletedVectors", "files"],
} as const;

const validateManifest = new Ajv({ allErrors: false, strict: true }).compile(MANIFEST_SCHEMA);

/** What is wrong with a manifest, in words, or null when nothing is. */
export function manifestProblem(manifest: unknown): string | null {
  if (!validateManifest(manifest)) {
    const error = validateManifest.errors?.[0];
    const where = error?.instancePath ? error.instancePath.slice(1).replaceAll("/", ".") : "the manifest";
    const what = error?.keyword === "required" ? `${where === "the manifest" ? "" : `${where}.`}${String(error.params.missingProperty)} is missing` : `${where} ${error?.message ?? "is not valid"}`;
    return what;
  }
  const { model } = manifest as Manifest;
  const known = knownModel(model.id);
  if (known && known.id.toLowerCase() === model.id.toLowerCase() && known.dimension !== model.dimension) {
    return `model.dimension is ${model.dimension}, but ${model.id} embeds in ${known.dimension}`;
  }
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks a generation's data files against its manifest before anything loads them: a truncated
 * or changed file is one clear error, never a crash inside hnswlib or wrong answers.
 */
export function verifyGeneration(dir: string, manifest: Manifest): void {
  // The topic map (topics-map.json) is checked when the manifest vouches for it: older ones do not.
  for (const file of manifest.files[TOPIC_MAP_FILE] ? [...DATA_FILES, TOPIC_MAP_FILE] : DATA_FILES) {
    // readManifest made sure every data file has its checksum.
    const problem = checksumProblem(dir, file, manifest.files[file]!);
    if (problem) throw new PapersError("INDEX_DAMAGED", `index at ${dir} is damaged (${problem}): ${REBUILD_HINT}`);
  }
}

/**
 * Manifests written before the embedding facts were recorded name only the model, which was then
 * always a built-in one: its facts were the table's.
 */
function withDefaultFacts(model: Record<string, unknown>): Manifest["model"] {
  const known = typeof model.id === "string" ? knownModel(model.id) : undefined;
  if (!known) return model as unknown as Manifest["model"];
  const { aliases: _aliases, ...facts } = known;
  return { ...facts, ...model } as Manifest["model"];
}
