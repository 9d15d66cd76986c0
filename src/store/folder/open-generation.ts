import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { PapersError } from "../../errors.js";
import { usesCjkBigrams, type Manifest } from "../shared/manifest.js";
import type { SavedLikes } from "../shared/likes.js";
import { VectorIndex } from "../shared/vector-index.js";
import { currentGeneration, liveGeneration } from "./generations.js";
import { readLikesFile } from "./likes-file.js";
import { HNSW_FILE, MANIFEST_FILE, OPTIONAL_FILES, STORE_FILE, isCompleteGeneration, readManifest, verifyGeneration } from "./manifest-file.js";
import { PaperTable } from "./paper-table.js";

/** One committed generation, opened for reading: what a PaperIndex answers from. */
export interface OpenGeneration {
  dir: string;
  manifest: Manifest;
  vectors: VectorIndex;
  store: PaperTable;
  /** The likes saved with it, read while opening (a commit may delete its files once it is open). */
  likes: SavedLikes;
  /**
   * Bytes on disk, taken while opening: a commit may delete this generation's files by name once
   * it is open (the open handles keep working), so a later stat would fail.
   */
  sizeBytes: number;
  /** Why another generation than CURRENT names was opened (CURRENT missing or naming none), or null. */
  recovered: string | null;
}

/**
 * Opens the live generation of an index folder for reading. Readers take no lock: a writer that
 * commits meanwhile may remove the generation being opened, and then the new one is opened
 * instead. `check` sees the manifest before any data file is read (to refuse another model).
 */
export function openCurrentGeneration(indexDir: string, check: (manifest: Manifest) => void = () => {}): OpenGeneration {
  for (let attempt = 1; ; attempt++) {
    const live = liveGeneration(indexDir, isCompleteGeneration);
    if (!live) throw new PapersError("NO_INDEX", `no index at ${indexDir}: run \`papers index [paths...]\` first`);
    try {
      return { ...openGeneration(live.dir, check), recovered: live.recovered };
    } catch (error) {
      if (attempt >= 3 || currentGeneration(indexDir, isCompleteGeneration) === live.dir) throw error;
    }
  }
}

function openGeneration(dir: string, check: (manifest: Manifest) => void): Omit<OpenGeneration, "recovered"> {
  const manifest = readManifest(dir);
  check(manifest);
  // Before loading: hnswlib trusts its file, and a damaged one could crash it or answer wrongly.
  verifyGeneration(dir, manifest);
  const vectors = VectorIndex.load(join(dir, HNSW_FILE), manifest.model.dimension, manifest.hnsw.efSearch);
  const likes = readLikesFile(dir, manifest);
  const store = PaperTable.open(join(dir, STORE_FILE), { cjkBigrams: usesCjkBigrams(manifest) });
  return { dir, manifest, vectors, store, likes, sizeBytes: generationSize(dir) };
}

/** Bytes on disk of an index generation's files. */
export function generationSize(dir: string): number {
  const files = [HNSW_FILE, STORE_FILE, MANIFEST_FILE, ...OPTIONAL_FILES.filter((name) => existsSync(join(dir, name)))];
  return files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}
