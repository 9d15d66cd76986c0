import { createHash } from "node:crypto";
import { normalize, type Embedder, type EmbedderLoader } from "../src/embed/embedder.js";
import type { Dtype, ModelSpec } from "../src/embed/models.js";

/**
 * A small deterministic embedder for tests that do not claim ranking quality (locks, kills,
 * integrity, reloads, attacks, scale): each word adds a fixed pseudo-random direction, so texts
 * that share words are close, and no model has to load. Embedding is instant.
 */
export const HASH_MODEL: ModelSpec = {
  id: "test/hash-embedder",
  dimension: 64,
  pooling: "mean",
  maxTokens: 256,
  queryPrefix: "",
  documentPrefix: "",
  normalize: true,
};

export function hashEmbedderLoader(spec: ModelSpec = HASH_MODEL): EmbedderLoader {
  return {
    describe: async () => spec,
    load: async (_spec: ModelSpec, dtype: Dtype) => new HashEmbedder(spec, dtype),
  };
}

class HashEmbedder implements Embedder {
  private readonly words = new Map<string, Float32Array>();
  constructor(
    readonly model: ModelSpec,
    readonly dtype: Dtype,
  ) {}

  async embedDocuments(texts: string[], onProgress?: (done: number) => void): Promise<Float32Array[]> {
    const vectors = texts.map((t) => this.embed(t));
    onProgress?.(texts.length);
    return vectors;
  }

  async embedQuery(text: string): Promise<Float32Array> {
    return this.embed(text);
  }

  async embedQueries(texts: string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.embed(t));
  }

  async dispose(): Promise<void> {}

  private embed(text: string): Float32Array {
    const vector = new Float32Array(this.model.dimension);
    for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
      const direction = this.direction(word);
      for (let d = 0; d < vector.length; d++) vector[d]! += direction[d]!;
    }
    if (vector.every((x) => x === 0)) vector[0] = 1;
    return normalize(vector);
  }

  private direction(word: string): Float32Array {
    let direction = this.words.get(word);
    if (!direction) {
      const bytes = createHash("sha512").update(word).digest();
      direction = Float32Array.from({ length: this.model.dimension }, (_, d) => (bytes[d % bytes.length]! - 127.5) / 127.5);
      this.words.set(word, direction);
    }
    return direction;
  }
}
