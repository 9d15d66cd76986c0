/**
 * Recommendations from a set of papers (and a text): papers like the liked ones, unlike the
 * disliked ones. The index is reached through RecommendSource, so this module holds only the
 * method:
 *
 * - likes (and a text) only: closeness to the mean of their embeddings, fused with BM25 over
 *   their words, as related fuses one paper's neighbours;
 * - with unlikes: a logistic-regression classifier trained for the request (arxiv-sanity's SVM per
 *   tag): features are the embedding plus tf-idf over the seeds' terms, positives the likes (and
 *   the text), negatives the unlikes and a random sample of the index. It scores the candidates
 *   that dense and BM25 retrieval around the likes bring (bench/recommend.mjs measures how many of
 *   the top 20 of scoring every paper this pool keeps, and the time), seeds left out.
 */
import { documentTerms, queryTerms, wordStems } from "./analyzer.js";
import { normalizedScoreFusion, type Scored } from "./fusion.js";
import { linearScore, sigmoid, trainLogistic, type Example, type LinearModel } from "./linear-model.js";
import { idfWeights, tfidfVector } from "./tfidf.js";

export interface Seed {
  /** The paper's label, or undefined for a text. */
  label?: number;
  vector: Float32Array;
  text: string;
}

export interface RecommendSource {
  vector(label: number): Float32Array;
  text(label: number): string | undefined;
  denseSearch(vector: Float32Array, depth: number, exclude: ReadonlySet<number>): Scored[];
  lexicalSearch(text: string, depth: number): Scored[];
  documentFrequencies(terms: Iterable<string>): { documents: number; frequencies: Map<string, number> };
  /** Every paper's label: for scoring all of them (RecommendOptions.exhaustive). */
  allLabels(): number[];
  /** n labels of papers in the index, drawn by a seeded generator (the same seed, the same draw). */
  randomLabels(n: number, seed: number): number[];
}

export interface WeightedWord {
  word: string;
  weight: number;
}

export interface RecommendResult {
  ranked: Scored[];
  method: "centroid" | "classifier";
  /** The words that weigh most for ("words") and against ("against") a recommendation. */
  why: { words: WeightedWord[]; against: WeightedWord[]; embeddingShare?: number };
  candidates: number;
}

export const RECOMMEND_SETTINGS = {
  /** Random papers added to the unlikes as negatives. */
  randomNegatives: 200,
  /** Candidates from dense search around the likes' mean, and around each like. */
  poolAroundMean: 400,
  poolAroundEach: 100,
  /** Candidates from BM25 over the likes' words. */
  poolLexical: 400,
  /** Vocabulary cap: the seeds' terms with the highest tf-idf. */
  vocabulary: 3000,
  iterations: 300,
  /**
   * Strong enough that five likes do not make the model lean on their rarest words: on 180 arXiv
   * abstracts (cs.CV, cs.CL, cs.LG) with cs.CL unliked, the mean rank of cs.CL papers went 90 -> 95
   * (of 150) from 0.001 to 0.1, and collapsed at 1 (test/recommend.test.ts's set-up).
   */
  l2: 0.1,
} as const;

const WHY_WORDS = 10;

export function recommend(
  source: RecommendSource,
  likes: readonly Seed[],
  unlikes: readonly Seed[],
  k: number,
  weights: readonly [number, number],
  exhaustive = false,
): RecommendResult {
  const exclude = new Set([...likes, ...unlikes].flatMap((s) => (s.label === undefined ? [] : [s.label])));
  const mean = meanVector(likes.map((s) => s.vector));
  const likedText = likes.map((s) => s.text).join(" ");
  const notSeed = (list: Scored[]) => list.filter((s) => !exclude.has(s.label));
  const lexicalDepth = (depth: number) => notSeed(source.lexicalSearch(likedText, depth + exclude.size)).slice(0, depth);

  if (unlikes.length === 0) {
    const depth = Math.max(k, 100);
    const ranked = normalizedScoreFusion([source.denseSearch(mean, depth, exclude), lexicalDepth(depth)], weights).slice(0, k);
    const { vocabulary, idfs, surface } = buildVocabulary(source, likes);
    const sum = new Float64Array(vocabulary.length);
    for (const seed of likes) {
      const v = tfidfVector(documentTerms(seed.text), new Map(vocabulary.map((t, i) => [t, i])), idfs);
      v.indices.forEach((i, n) => (sum[i]! += v.values[n]!));
    }
    const words = topWords(vocabulary, sum, surface, 1);
    return { ranked, method: "centroid", why: { words, against: [] }, candidates: depth * 2 };
  }

  // Candidates: around the likes' mean, around each like, and by the likes' words.
  const pool = new Set<number>(exhaustive ? source.allLabels().filter((label) => !exclude.has(label)) : []);
  if (!exhaustive) for (const s of source.denseSearch(mean, RECOMMEND_SETTINGS.poolAroundMean, exclude)) pool.add(s.label);
  if (!exhaustive) {
    for (const like of likes) for (const s of source.denseSearch(like.vector, RECOMMEND_SETTINGS.poolAroundEach, exclude)) pool.add(s.label);
    for (const s of lexicalDepth(RECOMMEND_SETTINGS.poolLexical)) pool.add(s.label);
  }

  const { model, features } = fitClassifier(source, likes, unlikes, exclude);
  const ranked = [...pool]
    .map((label) => {
      const text = source.text(label);
      return { label, score: text === undefined ? -Infinity : sigmoid(linearScore(model.model, source.vector(label), features(text))) };
    })
    .sort((a, b) => b.score - a.score || a.label - b.label)
    .slice(0, k);
  return { ranked, method: "classifier", why: model.why, candidates: pool.size };
}

/** Trains the request's classifier; `features` turns a paper's text into its tf-idf part. */
export function fitClassifier(source: RecommendSource, likes: readonly Seed[], unlikes: readonly Seed[], exclude: ReadonlySet<number>) {
  const { vocabulary, idfs, surface } = buildVocabulary(source, [...likes, ...unlikes]);
  const positions = new Map(vocabulary.map((term, i) => [term, i]));
  const features = (text: string) => tfidfVector(documentTerms(text), positions, idfs);
  const examples: Example[] = [];
  for (const seed of likes) examples.push({ dense: seed.vector, sparse: features(seed.text), positive: true });
  for (const seed of unlikes) examples.push({ dense: seed.vector, sparse: features(seed.text), positive: false });
  const seed = hashSeed([...likes, ...unlikes].map((s) => s.label ?? s.text).join("\n"));
  for (const label of source.randomLabels(RECOMMEND_SETTINGS.randomNegatives, seed)) {
    if (exclude.has(label)) continue;
    const text = source.text(label);
    if (text !== undefined) examples.push({ dense: source.vector(label), sparse: features(text), positive: false });
  }
  const dimension = likes[0]?.vector.length ?? 0;
  const model: LinearModel = trainLogistic(examples, dimension, vocabulary.length, {
    iterations: RECOMMEND_SETTINGS.iterations,
    l2: RECOMMEND_SETTINGS.l2,
  });
  const denseNorm = model.dense.reduce((sum, w) => sum + w * w, 0);
  const sparseNorm = model.sparse.reduce((sum, w) => sum + w * w, 0);
  const why = {
    words: topWords(vocabulary, model.sparse, surface, 1),
    against: topWords(vocabulary, model.sparse, surface, -1),
    embeddingShare: denseNorm + sparseNorm > 0 ? denseNorm / (denseNorm + sparseNorm) : 0,
  };
  return { model: { model, why }, features };
}

/** The seeds' content terms, the highest-weighted first, capped; with idf and a word to show for each. */
function buildVocabulary(source: RecommendSource, seeds: readonly Seed[]) {
  const counts = new Map<string, number>();
  const surface = new Map<string, Map<string, number>>();
  for (const seed of seeds) {
    const content = new Set(queryTerms(seed.text));
    for (const [word, stem] of wordStems(seed.text)) {
      if (!content.has(stem) || stem.length < 2 || /^\d+$/.test(stem)) continue;
      counts.set(stem, (counts.get(stem) ?? 0) + 1);
      const forms = surface.get(stem) ?? new Map<string, number>();
      forms.set(word, (forms.get(word) ?? 0) + 1);
      surface.set(stem, forms);
    }
  }
  const { documents, frequencies } = source.documentFrequencies(counts.keys());
  const all = [...counts.keys()];
  const allIdfs = idfWeights(all, documents, frequencies);
  const vocabulary = all
    .map((term, i) => ({ term, weight: (1 + Math.log(counts.get(term)!)) * allIdfs[i]! }))
    .sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : 1))
    .slice(0, RECOMMEND_SETTINGS.vocabulary)
    .map((t) => t.term);
  const shown = new Map<string, string>();
  for (const term of vocabulary) {
    const forms = [...surface.get(term)!].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    shown.set(term, forms[0]![0]);
  }
  return { vocabulary, idfs: idfWeights(vocabulary, documents, frequencies), surface: shown };
}

function topWords(vocabulary: readonly string[], weights: ArrayLike<number>, surface: ReadonlyMap<string, string>, sign: 1 | -1): WeightedWord[] {
  return vocabulary
    .map((term, i) => ({ word: surface.get(term) ?? term, weight: weights[i]! }))
    .filter((w) => sign * w.weight > 0)
    .sort((a, b) => sign * (b.weight - a.weight) || (a.word < b.word ? -1 : 1))
    .slice(0, WHY_WORDS)
    .map((w) => ({ word: w.word, weight: Math.round(w.weight * 1e4) / 1e4 }));
}

/** The normalised mean of unit vectors: the direction they share. */
export function meanVector(vectors: readonly Float32Array[]): Float32Array {
  const mean = new Float32Array(vectors[0]?.length ?? 0);
  for (const v of vectors) for (let i = 0; i < v.length; i++) mean[i]! += v[i]!;
  const norm = Math.hypot(...mean) || 1;
  for (let i = 0; i < mean.length; i++) mean[i]! /= norm;
  return mean;
}

/** A 32-bit seed from a string (FNV-1a): the same request draws the same random negatives. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
