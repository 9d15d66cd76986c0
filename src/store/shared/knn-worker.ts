/** Nearest-neighbour searches for the topic map in a worker thread: started by topic-map-build.ts. */
import { serveWorkerTask } from "../../worker-task.js";
import { VectorIndex } from "./vector-index.js";

export interface KnnTask {
  /** An HNSW graph's file, opened here as a copy of the caller's. */
  file: string;
  dimension: number;
  ef: number;
  k: number;
  /** The vectors to search for, one after another. */
  vectors: Float32Array;
  /** Labels no search returns (passages). */
  notPapers: Float64Array;
}

/** Per vector, k labels (−1 past the last found) and their cosine similarities, one row after another. */
export interface KnnRows {
  labels: Float64Array;
  scores: Float64Array;
}

serveWorkerTask(
  ({ file, dimension, ef, k, vectors, notPapers }: KnnTask): KnnRows => {
    const graph = VectorIndex.load(file, dimension, ef);
    const excluded = new Set(notPapers);
    const accept = excluded.size === 0 ? undefined : (label: number) => !excluded.has(label);
    const rows = vectors.length / dimension;
    const labels = new Float64Array(rows * k).fill(-1);
    const scores = new Float64Array(rows * k);
    for (let r = 0; r < rows; r++) {
      graph.search(vectors.subarray(r * dimension, (r + 1) * dimension), k, accept).forEach(({ label, score }, j) => {
        labels[r * k + j] = label;
        scores[r * k + j] = score;
      });
    }
    return { labels, scores };
  },
  ({ labels, scores }) => [labels.buffer as ArrayBuffer, scores.buffer as ArrayBuffer],
);
