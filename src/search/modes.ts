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
 * Dense and BM25 weights when the question is a whole document (related, recommend, a draft
 * given as text): chosen by bench/related-mode.mjs on arXiv abstracts (see RELATED_MODE).
 */
export const DOCUMENT_WEIGHTS = [0.5, 0.5] as const;

/** The default mode of related and of a text as the question, chosen by bench/related-mode.mjs. */
export const RELATED_MODE: SearchMode = "hybrid";

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
