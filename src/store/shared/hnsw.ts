/** HNSW graph parameters, both stores' (hnswlib in a folder, pgvector in PostgreSQL). */
export interface HnswParams {
  m: number;
  efConstruction: number;
  /** Candidate list size at query time; larger is slower and more exact. */
  efSearch: number;
}

/**
 * M=16 / efConstruction=200 is hnswlib's recommended all-round setting. efSearch 200: on 73,728
 * arXiv abstracts, recall@10 against exact search is 0.9821 at ef 100 and 0.9937 at 200, for well
 * under a millisecond more a query (bench/index-arxiv.mjs).
 */
export const DEFAULT_HNSW: HnswParams = { m: 16, efConstruction: 200, efSearch: 200 };

/**
 * Filtered searches over at most this many papers compare with each one exactly (about 30 µs a
 * paper, as hnswlib hands vectors out one at a time); larger subsets search the graph with a
 * filter. On 73,728 arXiv abstracts the two cost the same near 1,300 papers (32.6 vs 33.4 ms);
 * at 10,823 the graph took 4.8 ms against 270 ms, with recall@10 1.0 against the exact answer
 * (bench/filtered-search.mjs).
 */
export const EXACT_SCAN_LIMIT = 1_000;
