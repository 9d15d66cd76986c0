import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { documentText, type Paper } from "../corpus/paper.js";
import type { Embedder } from "../embed/embedder.js";
import { commitGeneration } from "./generations.js";
import { FORMAT_VERSION, HNSW_FILE, MANIFEST_FILE, STORE_FILE, corpusFingerprint, type Manifest } from "./manifest.js";
import { PaperStore } from "./paper-store.js";
import { DEFAULT_HNSW, VectorIndex } from "./vector-index.js";

/**
 * Embeds every paper and writes a complete index generation (HNSW graph, paper records, manifest)
 * into `indexDir`, replacing the live one only once everything is on disk.
 */
export async function buildIndex(
  papers: readonly Paper[],
  embedder: Embedder,
  indexDir: string,
  onProgress?: (done: number, total: number) => void,
): Promise<Manifest> {
  const started = performance.now();
  return commitGeneration(indexDir, async (dir) => {
    const vectors = await embedder.embedDocuments(papers.map(documentText), (done) => onProgress?.(done, papers.length));
    const index = VectorIndex.create(embedder.model.dimension, papers.length, DEFAULT_HNSW);
    vectors.forEach((vector, label) => index.add(label, vector));
    index.save(join(dir, HNSW_FILE));
    const store = PaperStore.create(join(dir, STORE_FILE));
    store.insertAll(papers);
    store.close();
    const manifest: Manifest = {
      formatVersion: FORMAT_VERSION,
      model: { id: embedder.model.id, dimension: embedder.model.dimension, dtype: embedder.dtype },
      count: papers.length,
      builtAt: new Date().toISOString(),
      buildSeconds: Math.round((performance.now() - started) / 10) / 100,
      fingerprint: corpusFingerprint(papers),
      hnsw: DEFAULT_HNSW,
    };
    writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n");
    return manifest;
  });
}

/** Bytes on disk of an index generation's files. */
export function generationSize(dir: string): number {
  return [HNSW_FILE, STORE_FILE, MANIFEST_FILE].reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}
