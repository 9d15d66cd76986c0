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
import { hasConditions, type PaperFilter } from "./filter.js";
import { normalizedScoreFusion, type Scored } from "./fusion.js";
import { linearScore, sigmoid, trainLogistic, type Example, type LinearModel } from "./linear-model.js";
import { idfWeights, tfidfVector } from "./tfidf.js";

export interface Seed {
  /** The paper's label, or undefined for a text. */
  label?: number;
  vector: Float32Array;
  text: string;
}

/**
 * The index as recommend reads it. A `within` filter restricts a search (and allLabels) to the
 * papers it allows, as a search's filter does (a feed's window of dates): a store answers it
 * exactly, still returning `depth` papers when that many are allowed.
 */
export interface RecommendSource {
  vector(label: number): Float32Array;
  text(label: number): string | undefined;
  denseSearch(vector: Float32Array, depth: number, exclude: ReadonlySet<number>, within?: PaperFilter): Scored[];
  lexicalSearch(text: string, depth: number, within?: PaperFilter): Scored[];
  documentFrequencies(terms: Iterable<string>): { documents: number; frequencies: Map<string, number> };
  /** Every paper's label (the ones `within` allows): for scoring all of them (RecommendOptions.exhaustive). */
  allLabels(within?: PaperFilter): number[];
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
  /** Every word of the vocabulary with the weight recommend gave it, by stem: what wordsFor reads. */
  weights: ReadonlyMap<string, WeightedWord>;
}

/** Where recommend looks: every paper, or the papers a filter allows; scoring all of them or the candidates retrieval brings. */
export interface RecommendScope {
  /** Only papers this filter allows are recommended (a feed's window). */
  within?: PaperFilter;
  /**
   * Score every paper in scope instead of the candidates retrieval brings (with unlikes: the
   * classifier). Unset: only when a `within` scope holds at most RECOMMEND_SETTINGS.exhaustiveUpTo
   * papers (a feed's few days), where it costs little and misses nothing.
   */
  exhaustive?: boolean;
}

export const RECOMMEND_SETTINGS = {
  // Sizes and steps: on 3,000 arXiv abstracts these took a request from about 1,100 to 400 ms on
  // a loaded machine, with the cs.CV share of the top 20 at 0.933 (against 0.917 with 200
  // negatives, pools of 400/100/400 and 300 steps).
  /** Random papers added to the unlikes as negatives. */
  randomNegatives: 100,
  /** Candidates from dense search around the likes' mean, and around each like. */
  poolAroundMean: 300,
  poolAroundEach: 50,
  /** Candidates from BM25 over the likes' words. */
  poolLexical: 100,
  /** Vocabulary cap: the seeds' terms with the highest tf-idf. */
  vocabulary: 3000,
  /** A term enters the vocabulary when at least this many seeds have it, and this many papers of the index. */
  minSeeds: 2,
  minDocumentFrequency: 5,
  /** The embedding's features are multiplied by this before training and scoring (the tf-idf part has length 1). */
  embeddingScale: 1,
  /** Weight of closeness to the likes' mean next to the classifier, both min-max normalised over the candidates. */
  centroidWeight: 0.5,
  iterations: 150,
  /**
   * With the vocabulary limits above and half the weight on closeness to the likes, on 3,000 arXiv
   * abstracts (6 draws of 5 cs.CV likes, 5 cs.CL unlikes) the share of cs.CV in the top 20 was
   * 0.917 at l2 0.01, against 0.850 at 0.001 and 0.892 at 0.1 without the closeness term; the
   * likes' centroid alone scored 0.958 there (README, bench/recommend.mjs).
   */
  l2: 0.01,
  /**
   * A `within` scope this small is scored whole with a classifier (see RecommendScope.exhaustive):
   * on the 996 papers of three arXiv listing days that was faster than the candidates retrieval
   * brings within the window (0.40 s against 1.1 s) and better (precision@20 0.82 against 0.80;
   * bench/feed-quality.mjs, docs/feed.md); its cost grows with the window, past this the pool.
   */
  exhaustiveUpTo: 5_000,
} as const;

const WHY_WORDS = 10;

export function recommend(
  source: RecommendSource,
  likes: readonly Seed[],
  unlikes: readonly Seed[],
  k: number,
  weights: readonly [number, number],
  scope: RecommendScope = {},
): RecommendResult {
  const within = hasConditions(scope.within) ? scope.within : undefined;
  const exclude = new Set([...likes, ...unlikes].flatMap((s) => (s.label === undefined ? [] : [s.label])));
  const mean = meanVector(likes.map((s) => s.vector));
  const likedText = likes.map((s) => s.text).join(" ");
  const notSeed = (list: Scored[]) => list.filter((s) => !exclude.has(s.label));
  const lexicalDepth = (depth: number) => notSeed(source.lexicalSearch(likedText, depth + exclude.size, within)).slice(0, depth);

  if (unlikes.length === 0) {
    const depth = Math.max(k, 100);
    const ranked = normalizedScoreFusion([source.denseSearch(mean, depth, exclude, within), lexicalDepth(depth)], weights).slice(0, k);
    const { vocabulary, idfs, surface } = buildVocabulary(source, likes);
    const sum = new Float64Array(vocabulary.length);
    for (const seed of likes) {
      const v = tfidfVector(documentTerms(seed.text), new Map(vocabulary.map((t, i) => [t, i])), idfs);
      v.indices.forEach((i, n) => (sum[i]! += v.values[n]!));
    }
    const words = topWords(vocabulary, sum, surface, 1);
    return { ranked, method: "centroid", why: { words, against: [] }, candidates: depth * 2, weights: wordWeights(vocabulary, sum, surface) };
  }

  // Candidates: every paper in scope, or those around the likes' mean, around each like, and by the likes' words.
  const inScope = within && scope.exhaustive === undefined ? source.allLabels(within) : undefined;
  const exhaustive = scope.exhaustive ?? (inScope !== undefined && inScope.length <= RECOMMEND_SETTINGS.exhaustiveUpTo);
  const pool = new Set<number>(exhaustive ? (inScope ?? source.allLabels(within)).filter((label) => !exclude.has(label)) : []);
  if (!exhaustive) {
    for (const s of source.denseSearch(mean, RECOMMEND_SETTINGS.poolAroundMean, exclude, within)) pool.add(s.label);
    for (const like of likes) for (const s of source.denseSearch(like.vector, RECOMMEND_SETTINGS.poolAroundEach, exclude, within)) pool.add(s.label);
    for (const s of lexicalDepth(RECOMMEND_SETTINGS.poolLexical)) pool.add(s.label);
  }

  const { model, features, vocabulary } = fitClassifier(source, likes, unlikes, exclude);
  const scored: Scored[] = [];
  const closeness: Scored[] = [];
  for (const label of pool) {
    const text = source.text(label);
    if (text === undefined) continue;
    const vector = source.vector(label);
    scored.push({ label, score: sigmoid(linearScore(model.model, scaled(vector), features(text))) });
    let dot = 0;
    for (let i = 0; i < vector.length; i++) dot += vector[i]! * mean[i]!;
    closeness.push({ label, score: dot });
  }
  const w = RECOMMEND_SETTINGS.centroidWeight;
  const ranked = (w > 0 ? normalizedScoreFusion([scored, closeness], [1 - w, w]) : scored.sort((a, b) => b.score - a.score || a.label - b.label)).slice(0, k);
  return { ranked, method: "classifier", why: model.why, candidates: pool.size, weights: wordWeights(vocabulary.terms, model.model.sparse, vocabulary.surface) };
}

/** The words of a text that weigh most for it in a recommendation (RecommendResult.weights), heaviest first. */
export function wordsFor(text: string, weights: ReadonlyMap<string, WeightedWord>, n = 5): WeightedWord[] {
  const found = new Map<string, WeightedWord>();
  for (const term of documentTerms(text)) {
    const weighed = weights.get(term);
    if (weighed && weighed.weight > 0) found.set(term, weighed);
  }
  return [...found.values()].sort((a, b) => b.weight - a.weight || (a.word < b.word ? -1 : 1)).slice(0, n);
}

function wordWeights(vocabulary: readonly string[], weights: ArrayLike<number>, surface: ReadonlyMap<string, string>): Map<string, WeightedWord> {
  return new Map(vocabulary.map((term, i) => [term, { word: surface.get(term) ?? term, weight: Math.round(weights[i]! * 1e4) / 1e4 }]));
}

/** Trains the request's classifier; `features` turns a paper's text into its tf-idf part. */
export function fitClassifier(source: RecommendSource, likes: readonly Seed[], unlikes: readonly Seed[], exclude: ReadonlySet<number>) {
  const { vocabulary, idfs, surface } = buildVocabulary(source, [...likes, ...unlikes]);
  const positions = new Map(vocabulary.map((term, i) => [term, i]));
  const features = (text: string) => tfidfVector(documentTerms(text), positions, idfs);
  const examples: Example[] = [];
  for (const seed of likes) examples.push({ dense: scaled(seed.vector), sparse: features(seed.text), positive: true });
  for (const seed of unlikes) examples.push({ dense: scaled(seed.vector), sparse: features(seed.text), positive: false });
  const seed = hashSeed([...likes, ...unlikes].map((s) => s.label ?? s.text).join("\n"));
  for (const label of source.randomLabels(RECOMMEND_SETTINGS.randomNegatives, seed)) {
    if (exclude.has(label)) continue;
    const text = source.text(label);
    if (text !== undefined) examples.push({ dense: scaled(source.vector(label)), sparse: features(text), positive: false });
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
  return { model: { model, why }, features, vocabulary: { terms: vocabulary, surface } };
}

/** The seeds' content terms, the highest-weighted first, capped; with idf and a word to show for each. */
function buildVocabulary(source: RecommendSource, seeds: readonly Seed[]) {
  const counts = new Map<string, number>();
  const seedCounts = new Map<string, number>();
  const surface = new Map<string, Map<string, number>>();
  for (const seed of seeds) {
    const content = new Set(queryTerms(seed.text));
    for (const term of content) seedCounts.set(term, (seedCounts.get(term) ?? 0) + 1);
    for (const [word, stem] of wordStems(seed.text)) {
      if (!content.has(stem) || stem.length < 2 || /^\d+$/.test(stem)) continue;
      counts.set(stem, (counts.get(stem) ?? 0) + 1);
      const forms = surface.get(stem) ?? new Map<string, number>();
      forms.set(word, (forms.get(word) ?? 0) + 1);
      surface.set(stem, forms);
    }
  }
  // Rare words of a single seed would let a few likes be told apart by their quirks, not their topic.
  const minSeeds = seeds.length >= 2 * RECOMMEND_SETTINGS.minSeeds ? RECOMMEND_SETTINGS.minSeeds : 1;
  const { documents, frequencies } = source.documentFrequencies(counts.keys());
  const all = [...counts.keys()].filter(
    (term) => (seedCounts.get(term) ?? 0) >= minSeeds && (frequencies.get(term) ?? 0) >= Math.min(RECOMMEND_SETTINGS.minDocumentFrequency, documents / 100),
  );
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

function scaled(vector: Float32Array): Float32Array {
  const scale = RECOMMEND_SETTINGS.embeddingScale;
  return scale === 1 ? vector : vector.map((x) => x * scale);
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
