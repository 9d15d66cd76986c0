import type { Dtype, ModelSpec } from "./models.js";

/** Turns text into unit-length vectors. The seam between search and any particular model runtime. */
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
 * real tokens (attention mask 1), as sentence-transformers does; CLS takes the first token.
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
