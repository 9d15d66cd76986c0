/**
 * Merging ranked lists from different retrievers (dense vectors, BM25) into one ranking.
 * Pure functions: no I/O, no state.
 */

export interface Scored {
  label: number;
  score: number;
}

/**
 * Reciprocal rank fusion (Cormack et al., 2009): each list adds weight / (k + rank) for each
 * item, rank starting at 1. Only ranks matter, so scores on different scales mix safely.
 */
export function reciprocalRankFusion(lists: readonly (readonly Scored[])[], weights?: readonly number[], k = 60): Scored[] {
  const fused = new Map<number, number>();
  lists.forEach((list, i) => {
    const weight = weights?.[i] ?? 1;
    list.forEach(({ label }, rank) => fused.set(label, (fused.get(label) ?? 0) + weight / (k + rank + 1)));
  });
  return sortByScore(fused);
}

/**
 * Convex combination of min-max normalised scores: each list's scores are scaled to [0, 1]
 * (best 1, worst 0) and summed with its weight; an item missing from a list gets 0 there.
 */
export function normalizedScoreFusion(lists: readonly (readonly Scored[])[], weights?: readonly number[]): Scored[] {
  const fused = new Map<number, number>();
  lists.forEach((list, i) => {
    const weight = weights?.[i] ?? 1;
    // A loop, not Math.min(...scores): spreading a list of 100,000+ overflows the call stack.
    let min = Infinity;
    let max = -Infinity;
    for (const { score } of list) {
      if (score < min) min = score;
      if (score > max) max = score;
    }
    const span = max - min;
    for (const { label, score } of list) {
      const normalized = span > 0 ? (score - min) / span : 1;
      fused.set(label, (fused.get(label) ?? 0) + weight * normalized);
    }
  });
  return sortByScore(fused);
}

/** Highest score first; ties broken by label so results are deterministic. */
function sortByScore(scores: Map<number, number>): Scored[] {
  return [...scores]
    .map(([label, score]) => ({ label, score }))
    .sort((a, b) => b.score - a.score || a.label - b.label);
}
