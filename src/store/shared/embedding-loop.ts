/**
 * The embedding loop both stores run: what a checkpoint lacks is embedded a batch at a time, each
 * batch saved before the next (to a checkpoint file in a folder, a table in PostgreSQL).
 */
import type { Embedder } from "../../embed/embedder.js";
import { phase } from "../../phases.js";
import type { UpdateOptions } from "../store.js";

export const DEFAULT_CHECKPOINT_EVERY = 512;
/** Vectors by content hash, with how many a checkpoint held and how many this run embedded. */
export type EmbeddedVectors = Map<string, Float32Array> & { resumed: number; embedded: number };

/**
 * Embeds the texts of `wanted` (by hash) that `vectors` (what a checkpoint kept) lacks, a
 * checkpoint's worth at a time, handing each batch to `save` before the next, so a killed run
 * resumes from them. Both stores embed through this; they differ in where `save` writes.
 */
export async function embedMissing(
  wanted: ReadonlyMap<string, string>,
  vectors: Map<string, Float32Array>,
  loadEmbedder: () => Promise<Embedder>,
  options: Pick<UpdateOptions, "checkpointEvery" | "onProgress">,
  save: (pairs: (readonly [string, Float32Array])[]) => void | Promise<void>,
): Promise<EmbeddedVectors> {
  const resumed = vectors.size;
  const todo = [...wanted].filter(([hash]) => !vectors.has(hash));
  const total = wanted.size;
  options.onProgress?.(resumed, total);
  if (todo.length > 0) {
    const embedder = await phase("model load", loadEmbedder);
    try {
      const every = options.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
      for (let start = 0; start < todo.length; start += every) {
        const batch = todo.slice(start, start + every);
        const done = resumed + start;
        const embedded = await embedder.embedDocuments(batch.map(([, text]) => text), (n) => options.onProgress?.(done + n, total));
        const pairs = batch.map(([hash], i) => [hash, embedded[i]!] as const);
        await phase("checkpoint", () => save(pairs));
        for (const [hash, vector] of pairs) vectors.set(hash, vector);
      }
    } finally {
      await embedder.dispose();
    }
  }
  return Object.assign(vectors, { resumed, embedded: todo.length });
}

