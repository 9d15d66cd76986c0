import { PapersError } from "../errors.js";
import { normalizedScoreFusion, type Scored } from "./fusion.js";

export const SEARCH_MODES = ["dense", "lexical", "hybrid"] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];
export const DEFAULT_MODE: SearchMode = "hybrid";

/** How deep each retriever looks before fusion: fusion can only promote what one of them found. */
export const FUSION_DEPTH = 100;

/**
 * Dense and BM25 weights for hybrid search. Min-max fusion at 0.5/0.5 scored best on SciFact
 * train (nDCG@10 0.7333, against 0.7263 for the best reciprocal rank fusion): bench/tune-fusion.mjs.
 */
export const HYBRID_WEIGHTS = [0.5, 0.5] as const;

/**
 * Dense and BM25 weights when the question is a whole document (hybrid related, a draft given as
 * text, recommend from likes): the best fusion on the tuning papers of bench/related-mode.mjs.
 */
export const DOCUMENT_WEIGHTS = [0.9, 0.1] as const;

/**
 * The default mode of related and of a text as the question. With a whole abstract as the
 * question, BM25 matches its many common words and drags hybrid down: over 3,000 arXiv abstracts,
 * the share of the 10 related papers sharing the paper's primary category was, on 200 tuning /
 * 200 other papers, dense 0.676 / 0.728, lexical 0.582 / 0.602, hybrid 0.5-0.5 0.655 / 0.685,
 * hybrid 0.9-0.1 0.677 / 0.726 (bench/related-mode.mjs). The best fusion only ties dense, so dense,
 * which needs no BM25 over a whole abstract.
 */
export const RELATED_MODE: SearchMode = "dense";

export function parseMode(value: string): SearchMode {
  if ((SEARCH_MODES as readonly string[]).includes(value)) return value as SearchMode;
  throw new PapersError("BAD_OPTION", `unknown search mode "${value}": choose one of ${SEARCH_MODES.join(", ")}`);
}

/** Runs the retrievers a mode needs and returns the k best, fused when there are two. */
export function rankByMode(
  mode: SearchMode,
  k: number,
  dense: (depth: number) => Scored[],
  lexical: (depth: number) => Scored[],
  weights: readonly [number, number] = HYBRID_WEIGHTS,
): Scored[] {
  if (mode === "dense") return dense(k);
  if (mode === "lexical") return lexical(k);
  const depth = Math.max(k, FUSION_DEPTH);
  return normalizedScoreFusion([dense(depth), lexical(depth)], weights).slice(0, k);
}
