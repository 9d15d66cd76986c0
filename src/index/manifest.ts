import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PapersError } from "../errors.js";
import type { Dtype } from "../embed/models.js";
import type { HnswParams } from "./vector-index.js";

export const FORMAT_VERSION = 2;
export const MANIFEST_FILE = "manifest.json";
export const HNSW_FILE = "papers.hnsw";
export const STORE_FILE = "papers.db";

/** What an index was built from and with; written last, so a generation without one is incomplete. */
export interface Manifest {
  formatVersion: number;
  model: { id: string; dimension: number; dtype: Dtype };
  count: number;
  builtAt: string;
  /** Changes whenever the set of papers or any abstract changes. */
  fingerprint: string;
  hnsw: HnswParams;
  /** Vectors marked deleted in the HNSW graph but not yet compacted away. */
  deletedVectors: number;
}

/** Changes whenever a paper is added, removed or its text changes: over (id, content hash) pairs. */
export function corpusFingerprint(entries: Iterable<readonly [id: string, hash: string]>): string {
  const hash = createHash("sha256");
  for (const line of [...entries].map(([id, h]) => `${id.toLowerCase()}\t${h}`).sort()) hash.update(line + "\n");
  return hash.digest("hex").slice(0, 16);
}

export function readManifest(dir: string): Manifest {
  const path = join(dir, MANIFEST_FILE);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(path, "utf8")) as Manifest;
  } catch (error) {
    throw new PapersError("INDEX_DAMAGED", `index at ${dir} is damaged (${MANIFEST_FILE} unreadable): run \`papers index\` to rebuild it`);
  }
  if (manifest.formatVersion !== FORMAT_VERSION) {
    throw new PapersError(
      "INDEX_DAMAGED",
      `index at ${dir} has format ${manifest.formatVersion}, this version reads ${FORMAT_VERSION}: run \`papers index\` to rebuild it`,
    );
  }
  return manifest;
}
