/**
 * Related work by meaning and citations together: each list's scores scaled to [0, 1] (dense by
 * min-max over its list, citations over their best) and summed with CITATION_WEIGHT on the
 * citations; a paper missing from one list gets 0 there.
 */
import { PapersError } from "../errors.js";

export const RELATED_BYS = ["meaning", "citations", "both"] as const;

/**
 * How related work is found when a request does not say. `both` answers exactly as `meaning` for a
 * paper without citation links, and beat it where links exist: on SciFact's citing sentences
 * (bench/related-citations.mjs, held-out co-citation, 110 queries of the odd units) nDCG@10 0.7191
 * by meaning, 0.7460 both (recall@10 0.8606, 0.8833); on the 47 queries with citation evidence,
 * 0.7122 and 0.8032. Citations alone: 0.1722 (most papers have no co-citer once one is hidden).
 */
export const DEFAULT_RELATED_BY: (typeof RELATED_BYS)[number] = "both";

/**
 * Weight of the citation score in `both` (the dense score has 1 - this): the best of 0.1, 0.2,
 * 0.3, 0.5, 0.7 on the even units' 69 queries of bench/related-citations.mjs (nDCG@10 0.7934).
 */
export const CITATION_WEIGHT = 0.2;

/** Dense candidates `both` fuses: deeper than k, so citations can lift a paper the dense list ranks lower. */
export const BOTH_DEPTH = 100;

export function fuseRelated(
  dense: readonly { id: string; score: number }[],
  citations: readonly { id: string; score: number }[],
  weight = CITATION_WEIGHT,
): { id: string; score: number }[] {
  const fused = new Map<string, number>();
  const add = (id: string, value: number) => fused.set(id.toLowerCase(), (fused.get(id.toLowerCase()) ?? 0) + value);
  const ids = new Map<string, string>();
  let min = Infinity;
  let max = -Infinity;
  for (const { score } of dense) {
    min = Math.min(min, score);
    max = Math.max(max, score);
  }
  for (const { id, score } of dense) {
    ids.set(id.toLowerCase(), id);
    add(id, (1 - weight) * (max > min ? (score - min) / (max - min) : 1));
  }
  const best = citations.reduce((m, c) => Math.max(m, c.score), 0);
  for (const { id, score } of citations) {
    if (!ids.has(id.toLowerCase())) ids.set(id.toLowerCase(), id);
    add(id, best > 0 ? (weight * score) / best : 0);
  }
  return [...fused]
    .map(([key, score]) => ({ id: ids.get(key)!, score }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}

export function parseRelatedBy(value: string): (typeof RELATED_BYS)[number] {
  if ((RELATED_BYS as readonly string[]).includes(value)) return value as (typeof RELATED_BYS)[number];
  throw new PapersError("BAD_OPTION", `unknown --by "${value}": choose one of ${RELATED_BYS.join(", ")}`);
}
