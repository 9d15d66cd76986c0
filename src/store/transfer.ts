/**
 * Moves an index from one store to another (a folder into PostgreSQL, or back) without embedding
 * anything: the target is updated as by `papers index`, with an "embedder" that hands back the
 * vectors the source already holds. So the target's own rules apply as they are: incremental by
 * content hash (a second copy writes nothing), the writer lock, checkpoints, one commit.
 */
import { documentText } from "../corpus/paper.js";
import type { Embedder } from "../embed/embedder.js";
import { PapersError } from "../errors.js";
import type { UpdateSummary } from "../index/update-index.js";
import type { IndexStore } from "./store.js";

/** Papers whose vectors are read from the source at once. */
const READ_BATCH = 2000;

export interface TransferOptions {
  /** Replace whatever the target holds (needed when it was built with another model). */
  rebuild?: boolean;
  wait?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export async function transferIndex(source: IndexStore, target: IndexStore, options: TransferOptions = {}): Promise<UpdateSummary> {
  const reader = await source.open();
  try {
    const { model } = reader.manifest;
    if ((await reader.passageOwners()).size > 0) {
      // Passages would need their own vectors carried over; only a folder holds them today.
      throw new PapersError("NOT_SUPPORTED", `the index at ${source.location} holds full-text passages (PDFs), which cannot be moved between stores yet`);
    }
    const entries = await reader.labelled();
    const vectors = new Map<string, Float32Array>();
    for (let start = 0; start < entries.length; start += READ_BATCH) {
      const batch = entries.slice(start, start + READ_BATCH);
      const found = await reader.vectors(batch.map((e) => e.label));
      batch.forEach((entry, i) => vectors.set(documentText(entry.paper), found[i]!));
    }
    const { dtype, ...spec } = model;
    const carried: Embedder = {
      model: spec,
      dtype,
      async embedDocuments(texts, onProgress) {
        const found = texts.map((text) => {
          const vector = vectors.get(text);
          if (!vector) throw new PapersError("INDEX_DAMAGED", `the index at ${source.location} has a paper without its vector: rebuild it`);
          return vector;
        });
        onProgress?.(texts.length);
        return found;
      },
      async embedQuery() {
        throw new Error("moving an index embeds no question");
      },
      async embedQueries() {
        throw new Error("moving an index embeds no question");
      },
      async dispose() {},
    };
    return await target.update(
      entries.map((e) => e.paper),
      { spec, dtype },
      async () => carried,
      // Large checkpoints: nothing is computed, so there is little to save between them.
      { rebuild: options.rebuild, wait: options.wait, checkpointEvery: 8192, onProgress: options.onProgress },
    );
  } finally {
    await reader.close();
  }
}
