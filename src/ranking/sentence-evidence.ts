/**
 * Sentences as evidence for a question (`ask`, issue 26): each candidate sentence of the top
 * papers (their abstracts and their best PDF passages) is scored by a linear model over a few
 * features, near-duplicates are dropped, and the best are kept within a token budget. Pure
 * functions; the operation (src/query/ask.ts) supplies the vectors and term weights.
 */
import { documentTerms } from "./analyzer.js";

/** What a sentence's score is made of. */
export interface SentenceFeatures {
  /** Cosine of the question's and the sentence's embeddings. */
  cosine: number;
  /** The share of the question's idf weight whose terms the sentence holds, 0–1. */
  overlap: number;
  /** The calibrated relevance of the sentence's paper (src/ranking/calibration.ts), 0–1. */
  paper: number;
  /** 1 for the paper ranked first, 1/2 for the second, … */
  reciprocalRank: number;
  /** Where in its abstract or passage the sentence stands: 0 first, 1 last. */
  position: number;
  /** 1 when it came from a PDF passage rather than the abstract. */
  passage: number;
  /** Its length in tokens, capped at 40, over 40. */
  length: number;
  /** Cosine of the sentence's and its whole paper's embeddings: how much it says what the paper is about. */
  centrality: number;
  /** 1 when it speaks for the authors ("we", "our"): what the paper did or found, not the background. */
  firstPerson: number;
  /**
   * 1 when the question asks for ways or methods ("ways to …", "how to …") and the sentence states
   * the paper's contribution ("we propose …"): the method is the answer, the background is not.
   */
  method: number;
}

export const FEATURE_NAMES = ["cosine", "overlap", "paper", "reciprocalRank", "position", "passage", "length", "centrality", "firstPerson", "method"] as const satisfies readonly (keyof SentenceFeatures)[];

/** Weights of the linear score, one per feature (and a bias, which does not change the order). */
export type SentenceWeights = Record<keyof SentenceFeatures, number>;

/**
 * Fit by `node bench/ask-scifact.mjs --tune` on SciFact's 809 train claims only (annotated
 * rationale sentences against the other sentences of the top papers).
 */
export const SENTENCE_WEIGHTS: SentenceWeights = {
  cosine: 1,
  overlap: 1.53,
  paper: 1.35,
  reciprocalRank: 0.1,
  position: 0.5,
  // Neither SciFact (abstracts only) nor a tuning set says what a passage is worth against an abstract.
  passage: 0,
  length: 0.2,
  centrality: -0.7,
  firstPerson: 0,
  // SciFact's claims never ask for ways or methods, so this weight cannot be fit there: it is set
  // by hand, large enough that a method question's "we propose …" sentence beats a background
  // sentence closer in words (the seeds' CQIL abstract, test/ask.test.ts).
  method: 0.5,
};

export function sentenceScore(features: SentenceFeatures, weights: SentenceWeights = SENTENCE_WEIGHTS): number {
  let score = 0;
  for (const name of FEATURE_NAMES) score += weights[name] * features[name];
  return score;
}

export function featureVector(features: SentenceFeatures): Float32Array {
  return Float32Array.from(FEATURE_NAMES, (name) => features[name]);
}

/**
 * The share of the question's weight the sentence's terms cover: each distinct question term
 * weighs its idf (`weights`, by analysed term); 0 when the question has no weighted term.
 */
export function termOverlap(questionWeights: ReadonlyMap<string, number>, sentence: string): number {
  let total = 0;
  for (const w of questionWeights.values()) total += w;
  if (total <= 0) return 0;
  const terms = new Set(documentTerms(sentence));
  let found = 0;
  for (const [term, w] of questionWeights) if (terms.has(term)) found += w;
  return found / total;
}

const FIRST_PERSON = /\b(we|our|us)\b/i;
/** A question asking for ways, methods or how to do something. */
const METHOD_QUESTION = /\b(ways?|how|methods?|techniques?|approaches|strateg(y|ies)|solutions?)\s+(to|for|of|can|do|does|could|should|might)\b/i;
/** A sentence stating what the paper contributes. */
const CONTRIBUTION = /\b(we|this (paper|work|study|article))\s+(propose|present|introduce|develop|design|devise|describe|proposes|presents|introduces|develops|designs|describes)\b|\b(is|are) (proposed|introduced|presented)\b/i;

export function isMethodQuestion(question: string): boolean {
  return METHOD_QUESTION.test(question);
}

/** The `method` feature: a method question's sentence stating the paper's contribution. */
export function methodFeature(methodQuestion: boolean, sentence: string): number {
  return methodQuestion && CONTRIBUTION.test(sentence) ? 1 : 0;
}

export function firstPerson(sentence: string): number {
  return FIRST_PERSON.test(sentence) ? 1 : 0;
}

/** Words × 1.3 would count a 40-word sentence as 52 tokens; a sentence's length feature saturates here. */
const LENGTH_CAP = 40;

export function lengthFeature(tokens: number): number {
  return Math.min(tokens, LENGTH_CAP) / LENGTH_CAP;
}

/** The distinct analysed terms of a text, for near-duplicate checks. */
export function termSet(text: string): Set<string> {
  return new Set(documentTerms(text));
}

/** Jaccard similarity of two term sets: shared over all. */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const term of a) if (b.has(term)) shared++;
  return shared / (a.size + b.size - shared);
}

/** Two sentences sharing this much of their terms say the same thing (an abstract's sentence repeated in the paper's introduction). */
export const DUPLICATE_JACCARD = 0.6;

/**
 * The candidates best first, each kept only if it is no near-duplicate of one kept before it
 * (term-set Jaccard at or above `threshold`); stops at `limit` kept.
 */
export function distinctBest<T extends { score: number; text: string }>(candidates: readonly T[], limit: number, threshold = DUPLICATE_JACCARD): T[] {
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const kept: { item: T; terms: Set<string> }[] = [];
  for (const item of sorted) {
    if (kept.length >= limit) break;
    const terms = termSet(item.text);
    if (kept.some((k) => jaccard(k.terms, terms) >= threshold)) continue;
    kept.push({ item, terms });
  }
  return kept.map((k) => k.item);
}

/**
 * The longest prefix of the evidence (best first) whose cost fits the budget: each sentence costs
 * `sentenceCost`, and the first sentence of each paper also its reference's `referenceCost`;
 * `fixed` is what the answer costs with no evidence (its heading). A sentence that does not fit
 * ends the evidence (never cut mid-way, and none after it, so the order stays best first).
 */
export function withinBudget<T>(
  evidence: readonly T[],
  budget: number,
  fixed: number,
  sentenceCost: (item: T) => number,
  reference: (item: T) => { key: string; cost: number },
): T[] {
  let used = fixed;
  const cited = new Set<string>();
  const kept: T[] = [];
  for (const item of evidence) {
    const ref = reference(item);
    const cost = sentenceCost(item) + (cited.has(ref.key) ? 0 : ref.cost);
    if (used + cost > budget) break;
    used += cost;
    cited.add(ref.key);
    kept.push(item);
  }
  return kept;
}
