import type { Dtype, ModelSpec } from "./models.js";

/**
 * Turns text into unit-length vectors. The seam between search and any particular model runtime:
 * papers ships one on transformers.js (transformers-embedder.ts), and a library user can bring
 * their own through PapersOptions.embedder.
 */
export interface Embedder {
  readonly model: ModelSpec;
  readonly dtype: Dtype;
  /** Embeds documents in batches; `onProgress` gets the number embedded so far. */
  embedDocuments(texts: string[], onProgress?: (done: number) => void): Promise<Float32Array[]>;
  embedQuery(text: string): Promise<Float32Array>;
  /** Embeds several questions in one model run. */
  embedQueries(texts: string[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

/** Finds and opens embedders: what PapersOptions.embedder takes. */
export interface EmbedderLoader {
  /**
   * The facts of the model `name` (an alias, a Hub id or a folder path), read without loading its
   * weights: an index records them, and checks them before it is updated or queried.
   */
  describe(name: string, dtype: Dtype): Promise<ModelSpec>;
  /** Loads the model `describe` returned; its vectors must have `spec.dimension` entries. */
  load(spec: ModelSpec, dtype: Dtype): Promise<Embedder>;
}

/**
 * The embedder itself under a dispose that does nothing: handed to each of many updates (a watch's
 * batches, a harvest's pages), so the model is loaded once and its owner disposes it at the end.
 */
export function borrowedEmbedder(embedder: Embedder): Embedder {
  return {
    model: embedder.model,
    dtype: embedder.dtype,
    embedDocuments: (texts, progress) => embedder.embedDocuments(texts, progress),
    embedQuery: (text) => embedder.embedQuery(text),
    embedQueries: (texts) => embedder.embedQueries(texts),
    dispose: async () => {},
  };
}

/** Scales a vector to unit length in place (a zero vector stays zero). */
export function normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const x of vector) sum += x * x;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}

/**
 * Pools token embeddings [batch, seq, dim] into one vector per text. Mean pooling counts only
 * real tokens (attention mask 1), as sentence-transformers does; CLS takes the first token, and
 * lasttoken the last real one (padding is on the right). Vectors always leave at unit length:
 * the index compares by cosine, which a model's own Normalize module does not change.
 */
export function poolTokens(
  hidden: Float32Array,
  mask: ArrayLike<number | bigint>,
  [batch, seq, dim]: [number, number, number],
  pooling: ModelSpec["pooling"],
): Float32Array[] {
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const vector = new Float32Array(dim);
    if (pooling === "cls") {
      vector.set(hidden.subarray(b * seq * dim, b * seq * dim + dim));
    } else if (pooling === "lasttoken") {
      let last = 0;
      for (let t = 0; t < seq; t++) if (Number(mask[b * seq + t]) !== 0) last = t;
      vector.set(hidden.subarray((b * seq + last) * dim, (b * seq + last + 1) * dim));
    } else {
      let count = 0;
      for (let t = 0; t < seq; t++) {
        if (Number(mask[b * seq + t]) === 0) continue;
        count++;
        const offset = (b * seq + t) * dim;
        for (let d = 0; d < dim; d++) vector[d]! += hidden[offset + d]!;
      }
      if (count > 0) for (let d = 0; d < dim; d++) vector[d]! /= count;
    }
    out.push(normalize(vector));
  }
  return out;
}
