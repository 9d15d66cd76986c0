/**
 * A 2-D layout of the kNN graph with UMAP (src/map/umap.ts), fed the graph HNSW already gives,
 * so the vectors are never compared again.
 */
import { runWorkerTask, type WorkerResult } from "../worker-task.js";
import { umapLayout } from "./umap.js";
import type { KnnGraph } from "./knn.js";

export interface LayoutOptions {
  seed?: number;
  /** UMAP's optimisation epochs; default 200 (500 up to 500 points): see defaultEpochs. */
  epochs?: number;
  minDist?: number;
}

/**
 * x and y of every point, each scaled into [0, 1] (x0, y0, x1, y1, …). Fewer than 4 points, or
 * a graph with rows of fewer than 3, are laid out on a circle: UMAP needs more.
 */
export function layoutKnn(graph: KnnGraph, options: LayoutOptions = {}): Float32Array {
  const n = graph.indices.length;
  // A row holds the point itself and its neighbours (a whole small corpus is every row). A loop,
  // not Math.min(...rows): no spread of n arguments.
  let k = n - 1;
  for (const row of graph.indices) k = Math.min(k, row.length);
  if (n < 4 || k < 3) {
    return scaleToUnit(Array.from({ length: n }, (_, i) => [Math.cos((2 * Math.PI * i) / Math.max(1, n)), Math.sin((2 * Math.PI * i) / Math.max(1, n))]));
  }
  const xy = umapLayout(graph, k, options);
  return scaleToUnit(Array.from({ length: n }, (_, i) => [xy[2 * i]!, xy[2 * i + 1]!]));
}

export interface LayoutTask {
  graph: KnnGraph;
  options: LayoutOptions;
}

/** layoutKnn in a worker thread, with its time there (ms); null when this build has no worker module to start. */
export function layoutKnnInWorker(graph: KnnGraph, options: LayoutOptions = {}): Promise<WorkerResult<Float32Array>> | null {
  return runWorkerTask(new URL("./layout-worker.js", import.meta.url), { graph, options } satisfies LayoutTask);
}

/** Scales points into [0, 1]² keeping the aspect ratio, centred: NaNs (none expected) become 0.5. */
export function scaleToUnit(points: readonly (readonly number[])[]): Float32Array {
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (const [x = 0, y = 0] of points) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    minX = Math.min(minX, x); maxX = Math.max(maxX, x);
    minY = Math.min(minY, y); maxY = Math.max(maxY, y);
  }
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  const offX = (span - (maxX - minX)) / 2, offY = (span - (maxY - minY)) / 2;
  const out = new Float32Array(points.length * 2);
  points.forEach(([x = 0, y = 0], i) => {
    const ok = Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(minX);
    out[2 * i] = ok ? (x - minX + offX) / span : 0.5;
    out[2 * i + 1] = ok ? (y - minY + offY) / span : 0.5;
  });
  return out;
}
