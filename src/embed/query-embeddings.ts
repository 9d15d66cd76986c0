import type { Embedder } from "./embedder.js";

export const QUERY_CACHE_SIZE = 1024;
export const QUERY_BATCH_SIZE = 32;

interface Waiting {
  text: string;
  resolve: (vector: Float32Array) => void;
  reject: (error: unknown) => void;
}

/**
 * Question vectors for an index that stays open (the server): recent questions come from an LRU
 * cache, the same question asked twice at once is embedded once, and questions that arrive while
 * the model is busy are embedded together in the next batch. One model run at a time: concurrent
 * runs only fight over the same cores, and a batch costs far less than its questions one by one.
 *
 * The vectors handed out are shared with the cache: callers must not change them.
 */
export class QueryEmbeddings {
  private readonly cache = new Map<string, Float32Array>();
  private readonly inFlight = new Map<string, Promise<Float32Array>>();
  private queue: Waiting[] = [];
  private running = false;

  constructor(
    private readonly embedder: () => Promise<Embedder>,
    private readonly capacity = QUERY_CACHE_SIZE,
    private readonly batchSize = QUERY_BATCH_SIZE,
  ) {}

  embed(text: string): Promise<Float32Array> {
    const cached = this.cache.get(text);
    if (cached) {
      // Most recently used goes last; the first key is the one to evict.
      this.cache.delete(text);
      this.cache.set(text, cached);
      return Promise.resolve(cached);
    }
    let vector = this.inFlight.get(text);
    if (!vector) {
      vector = new Promise<Float32Array>((resolve, reject) => this.queue.push({ text, resolve, reject }));
      this.inFlight.set(text, vector);
      vector.then(
        (v) => this.remember(text, v),
        () => {},
      ).finally(() => this.inFlight.delete(text));
      void this.drain();
    }
    return vector;
  }

  get size(): number {
    return this.cache.size;
  }

  private remember(text: string, vector: Float32Array): void {
    if (this.capacity <= 0) return;
    this.cache.set(text, vector);
    if (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value!);
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.batchSize);
        try {
          const embedder = await this.embedder();
          const vectors = await embedder.embedQueries(batch.map((w) => w.text));
          batch.forEach((w, i) => w.resolve(vectors[i]!));
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
