/** Sentence embeddings for `ask`, by text: those of recent answers are kept, the rest embedded in one batch. */
import type { Embedder } from "../embed/embedder.js";

/** Sentences kept (about 1.5 KB each with MiniLM's 384 dimensions): the sentences of a few hundred answers. */
export const SENTENCE_CACHE_SIZE = 20_000;

export class SentenceVectors {
  private readonly cache = new Map<string, Float32Array>();

  constructor(
    private readonly embedder: () => Promise<Embedder>,
    private readonly capacity = SENTENCE_CACHE_SIZE,
  ) {}

  /** Each text's vector, in order; those not cached embedded now, together. */
  async of(texts: readonly string[]): Promise<Float32Array[]> {
    const missing = [...new Set(texts.filter((t) => !this.cache.has(t)))];
    if (missing.length > 0) {
      const vectors = await (await this.embedder()).embedDocuments(missing);
      missing.forEach((text, i) => this.cache.set(text, vectors[i]!));
    }
    const found = texts.map((text) => {
      const vector = this.cache.get(text)!;
      // Most recently used goes last; the first key is the one to evict.
      this.cache.delete(text);
      this.cache.set(text, vector);
      return vector;
    });
    while (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value!);
    return found;
  }
}
