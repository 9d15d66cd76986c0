import type { Scored } from "./fusion.js";

/**
 * Okapi BM25 over postings lists: pure functions, no I/O.
 * k1 and b are the usual defaults (Lucene's and SQLite FTS5's); idf is Lucene's, which stays
 * positive for words in more than half the documents instead of turning into a penalty.
 */
export const BM25 = { k1: 1.2, b: 0.75 } as const;

/** The documents one term occurs in, with how often it occurs in each. */
export interface Postings {
  labels: Uint32Array;
  counts: Uint8Array;
}

/** Per-document length normalisation, k1 · (1 − b + b · length / average length), by label. */
export function lengthNorms(lengths: ArrayLike<number>, documents: number, totalLength: number): Float32Array {
  const average = documents > 0 ? totalLength / documents : 1;
  const norms = new Float32Array(lengths.length);
  for (let i = 0; i < lengths.length; i++) norms[i] = BM25.k1 * (1 - BM25.b + (BM25.b * lengths[i]!) / average);
  return norms;
}

export function idf(documents: number, documentFrequency: number): number {
  return Math.log(1 + (documents - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

/**
 * The k best documents for a question whose terms have these postings: term at a time into one
 * score per label, so the cost is the postings read, not the size of the collection.
 * `allowed`, when given, restricts the result to those labels.
 */
export function bm25TopK(
  postings: readonly Postings[],
  norms: Float32Array,
  documents: number,
  k: number,
  allowed?: ReadonlySet<number>,
): Scored[] {
  const scores = new Float32Array(norms.length);
  const touched: number[] = [];
  for (const { labels, counts } of postings) {
    const weight = idf(documents, labels.length) * (BM25.k1 + 1);
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i]!;
      if (allowed && !allowed.has(label)) continue;
      const count = counts[i]!;
      const score = scores[label]!;
      if (score === 0) touched.push(label);
      scores[label] = score + (weight * count) / (count + norms[label]!);
    }
  }
  return topK(touched, scores, k);
}

/** The most any document could score for terms with these document frequencies: Σ idf · (k1 + 1). */
export function bm25Ceiling(documents: number, frequencies: Iterable<number>): number {
  let sum = 0;
  for (const df of frequencies) sum += idf(documents, df) * (BM25.k1 + 1);
  return sum;
}

/** One question term's part of a document's BM25 score. */
export interface TermScore {
  term: string;
  score: number;
}

/**
 * Each question term's contribution to one document's BM25 score, the same sum bm25TopK makes
 * (so they add up to it); a term the document lacks, or that no document has, scores 0.
 */
export function bm25TermScores(
  terms: readonly { term: string; postings: Postings | undefined }[],
  label: number,
  norms: Float32Array,
  documents: number,
): TermScore[] {
  return terms.map(({ term, postings }) => {
    if (!postings) return { term, score: 0 };
    const at = postings.labels.indexOf(label);
    if (at < 0) return { term, score: 0 };
    const count = postings.counts[at]!;
    return { term, score: (idf(documents, postings.labels.length) * (BM25.k1 + 1) * count) / (count + norms[label]!) };
  });
}

/** The k labels with the highest scores, best first, ties by label; a bounded min-heap. */
function topK(labels: readonly number[], scores: Float32Array, k: number): Scored[] {
  // "a is worse than b": lower score, or the same score and a larger label.
  const worse = (a: number, b: number) => scores[a]! < scores[b]! || (scores[a] === scores[b] && a > b);
  const heap: number[] = [];
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && worse(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (const label of labels) {
    if (heap.length < k) {
      heap.push(label);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!worse(heap[i]!, heap[parent]!)) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    } else if (k > 0 && worse(heap[0]!, label)) {
      heap[0] = label;
      down(0);
    }
  }
  return heap.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0)).map((label) => ({ label, score: scores[label]! }));
}
