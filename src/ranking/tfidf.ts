/** tf-idf vectors over a fixed vocabulary: pure functions. */
import { idf } from "./bm25.js";
import type { SparseVector } from "./linear-model.js";

/** Each vocabulary term's idf (BM25's, which stays positive for common words). */
export function idfWeights(vocabulary: readonly string[], documents: number, frequencies: ReadonlyMap<string, number>): Float32Array {
  return Float32Array.from(vocabulary, (term) => idf(documents, frequencies.get(term) ?? 0));
}

/** (1 + ln tf) · idf over the vocabulary's terms, L2-normalised; terms outside it are ignored. */
export function tfidfVector(terms: readonly string[], vocabulary: ReadonlyMap<string, number>, idfs: Float32Array): SparseVector {
  const counts = new Map<number, number>();
  for (const term of terms) {
    const at = vocabulary.get(term);
    if (at !== undefined) counts.set(at, (counts.get(at) ?? 0) + 1);
  }
  const indices = [...counts.keys()].sort((a, b) => a - b);
  const values = indices.map((i) => (1 + Math.log(counts.get(i)!)) * idfs[i]!);
  const norm = Math.hypot(...values) || 1;
  return { indices, values: values.map((v) => v / norm) };
}
