/**
 * Why a paper answers a question: the sentence of its abstract closest in meaning to the question,
 * and the question's terms that matched with their share of the paper's BM25 score. Pure
 * functions; the index supplies the embeddings and the BM25 parts.
 */
import { wordStems } from "./analyzer.js";
import type { TermScore } from "./bm25.js";

export interface MatchedTerm {
  /** The analysed term (a Porter stem). */
  term: string;
  /** The words of the paper (title and abstract) that reduce to it, as written there: what to highlight. */
  words: string[];
  /** Its part of the paper's BM25 score for the question, 0–1; the shares add up to 1. */
  share: number;
}

export interface Explanation {
  /** The sentence of the abstract closest to the question (cosine of the embeddings). */
  sentence: string;
  /** That cosine. */
  sentenceScore: number;
  terms: MatchedTerm[];
}

const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });

/** The abstract's sentences (Unicode sentence boundaries), trimmed, empty ones dropped. */
export function splitSentences(text: string): string[] {
  return [...segmenter.segment(text)].map((s) => s.segment.trim()).filter((s) => s !== "");
}

/** The index of the vector closest to the question's (unit vectors: the dot product is the cosine). */
export function closest(question: Float32Array, vectors: readonly Float32Array[]): { index: number; score: number } {
  let best = { index: -1, score: -Infinity };
  vectors.forEach((v, index) => {
    let dot = 0;
    for (let i = 0; i < v.length; i++) dot += v[i]! * question[i]!;
    if (dot > best.score) best = { index, score: dot };
  });
  return best;
}

/** The terms that matched, largest share first, each with the paper's words for it. */
export function matchedTerms(scores: readonly TermScore[], paperText: string): MatchedTerm[] {
  const total = scores.reduce((sum, s) => sum + s.score, 0);
  if (total <= 0) return [];
  const forms = new Map<string, Set<string>>();
  for (const [, stem] of wordStems(paperText)) forms.set(stem, new Set());
  // The words as written (case kept), found by position: wordStems lower-cases them.
  for (const match of paperText.matchAll(/[\p{L}\p{N}]+/gu)) {
    const pairs = wordStems(match[0]);
    if (pairs.length === 1) forms.get(pairs[0]![1])?.add(match[0]);
  }
  return scores
    .filter((s) => s.score > 0)
    .map((s) => ({ term: s.term, words: [...(forms.get(s.term) ?? [])], share: Math.round((s.score / total) * 1e4) / 1e4 }))
    .sort((a, b) => b.share - a.share || (a.term < b.term ? -1 : 1));
}
