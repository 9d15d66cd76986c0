/** A k-nearest-neighbour graph over points 0..n-1: the input of clustering and layout. */
export interface KnnGraph {
  /** indices[i]: point i itself first, then its neighbours, nearest first. */
  indices: number[][];
  /** distances[i][j]: cosine distance (1 − cosine) from i to indices[i][j]; 0 for itself. */
  distances: number[][];
}

/** mulberry32: small and seeded, so the same papers give the same topics and the same map. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Puts point i first in its own row (HNSW may return a duplicate first instead) and keeps k
 * neighbours after it, so every row has the shape UMAP expects.
 */
export function normaliseRow(i: number, neighbours: readonly { index: number; distance: number }[], k: number): { indices: number[]; distances: number[] } {
  const indices = [i];
  const distances = [0];
  for (const { index, distance } of neighbours) {
    if (index === i || indices.length > k) continue;
    indices.push(index);
    distances.push(Math.max(0, distance));
  }
  return { indices, distances };
}
