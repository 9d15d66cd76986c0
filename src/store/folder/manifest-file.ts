/**
 * A folder generation's manifest on disk: the file names it vouches for, reading and checking it
 * (JSON Schema, then the data files' checksums) before anything else of the generation is read.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { PapersError } from "../../errors.js";
import { DTYPES, knownModel } from "../../embed/models.js";
import { MAX_DIMENSION, READABLE_FORMATS, REBUILD_HINT, TOPIC_MAP_FILE, UPGRADABLE_FORMAT, FORMAT_VERSION, type Manifest } from "../shared/manifest.js";
import { LIKES_FILE } from "../shared/likes.js";
import { STATE_ARTIFACT } from "../shared/index-state.js";
import { CITATIONS_ARTIFACT } from "../shared/citations-store.js";
import { checksumProblem } from "./checksums.js";

export const MANIFEST_FILE = "manifest.json";
export const HNSW_FILE = "papers.hnsw";
export const STORE_FILE = "papers.db";
/** The files a generation's manifest vouches for. */
export const DATA_FILES = [HNSW_FILE, STORE_FILE] as const;
/** Files a generation may have besides its data files, vouched for by its manifest when it has them: the topic map, the likes, the named state, the citation links. */
export const OPTIONAL_FILES = [TOPIC_MAP_FILE, LIKES_FILE, STATE_ARTIFACT, CITATIONS_ARTIFACT] as const;

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
      properties: { [HNSW_FILE]: checksum, [STORE_FILE]: checksum, [LIKES_FILE]: checksum },
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
  // The topic map (topics-map.json), the likes (likes.json) and the state are checked when the manifest vouches for them: older ones do not.
  for (const file of [...DATA_FILES, ...OPTIONAL_FILES.filter((name) => manifest.files[name])]) {
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
