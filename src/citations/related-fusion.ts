/**
 * Related work by meaning and citations together: each list's scores scaled to [0, 1] (dense by
 * min-max over its list, citations over their best) and summed with CITATION_WEIGHT on the
 * citations; a paper missing from one list gets 0 there.
 */
import { PapersError } from "../errors.js";

export const RELATED_BYS = ["meaning", "citations", "both"] as const;

/**
 * How related work is found when a request does not say: see bench/related-citations.mjs. `both`
 * answers as `meaning` for a paper without citation links.
 */
export const DEFAULT_RELATED_BY: (typeof RELATED_BYS)[number] = "meaning";

/** Weight of the citation score in `both` (the dense score has 1 - this): see bench/related-citations.mjs. */
export const CITATION_WEIGHT = 0.5;

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
