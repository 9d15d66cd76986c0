/**
 * Retrieval metrics as trec_eval / pytrec_eval compute them (ndcg_cut, recall, recip_rank with a
 * cut-off): linear gain, log2 discount, ideal ranking from the judged documents.
 */

/** Relevance judgments of one query: document id → grade (> 0 is relevant). */
export type Judgments = ReadonlyMap<string, number>;

/**
 * The first k documents, each once: a run names a document at most once (trec_eval keys runs by
 * document), so a repeat must not count twice and push a metric past 1.
 */
function topK(ranked: readonly string[], k: number): string[] {
  return [...new Set(ranked)].slice(0, k);
}

/** A grade as a gain: negative grades (TREC's "judged harmful") count as not relevant, as in the ideal. */
function gain(judged: Judgments, id: string): number {
  return Math.max(0, judged.get(id) ?? 0);
}

export function ndcgAt(ranked: readonly string[], judged: Judgments, k: number): number {
  let dcg = 0;
  topK(ranked, k).forEach((id, i) => (dcg += gain(judged, id) / Math.log2(i + 2)));
  const ideal = [...judged.values()]
    .filter((g) => g > 0)
    .sort((a, b) => b - a)
    .slice(0, k)
    .reduce((sum, g, i) => sum + g / Math.log2(i + 2), 0);
  return ideal > 0 ? dcg / ideal : 0;
}

export function recallAt(ranked: readonly string[], judged: Judgments, k: number): number {
  const relevant = [...judged.values()].filter((g) => g > 0).length;
  if (relevant === 0) return 0;
  return topK(ranked, k).filter((id) => gain(judged, id) > 0).length / relevant;
}

export function reciprocalRankAt(ranked: readonly string[], judged: Judgments, k: number): number {
  const first = topK(ranked, k).findIndex((id) => gain(judged, id) > 0);
  return first === -1 ? 0 : 1 / (first + 1);
}

export interface RetrievalScores {
  ndcg_at_10: number;
  recall_at_100: number;
  mrr_at_10: number;
  queries: number;
}

/** Means over queries; every judged query counts, including those where nothing was found. */
export function scoreRuns(runs: ReadonlyMap<string, readonly string[]>, qrels: ReadonlyMap<string, Judgments>): RetrievalScores {
  let ndcg = 0;
  let recall = 0;
  let mrr = 0;
  for (const [query, judged] of qrels) {
    const ranked = runs.get(query) ?? [];
    ndcg += ndcgAt(ranked, judged, 10);
    recall += recallAt(ranked, judged, 100);
    mrr += reciprocalRankAt(ranked, judged, 10);
  }
  const n = qrels.size;
  return { ndcg_at_10: n && ndcg / n, recall_at_100: n && recall / n, mrr_at_10: n && mrr / n, queries: n };
}
