/**
 * Computes a generation's topic map from a MapSource (its papers' labels, vectors and texts, and a
 * nearest-neighbour search over them), or brings the previous generation's map up to date when
 * little changed (see RECOMPUTE_SHARE). Any store gives a source: the folder store its own HNSW
 * graph (folder/graph-map-source.ts), a store without one in this process a graph built in memory
 * (memoryMapSource).
 */
import { availableParallelism, tmpdir } from "node:os";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { normaliseRow, type KnnGraph } from "../../map/knn.js";
import { computeTopicMap, extendTopicMap, timed, type MapInput, type StepReport, type TopicMap } from "../../map/topic-map.js";
import { runWorkerTask } from "../../worker-task.js";
import { VectorIndex, type Neighbor } from "./vector-index.js";
import type { KnnTask, KnnRows } from "./knn-worker.js";

/** Neighbours per paper in the graph: UMAP's default n_neighbors. */
export const MAP_NEIGHBOURS = 15;
/**
 * HNSW's candidate list while building the graph: 64 rather than the 200 searches use. The
 * layout and the communities tolerate a slightly inexact neighbour; 74,728 searches do not
 * tolerate three times the cost.
 */
export const GRAPH_EF = 64;
/**
 * From this many papers a map uses two threads: half the neighbour searches in a worker thread
 * (with its own copy of the graph), and the layout in one while the topics are found. Below it,
 * starting a thread and copying the graph cost more than they save. Two, not one per core: each
 * worker holds a copy of the graph (130 MB at 75,000 papers).
 */
export const THREADS_FROM = 5_000;

/** What the map is computed from: papers only (no passages), labels ascending, arrays aligned. */
export interface MapSource extends MapInput {
  /** The k papers nearest a vector (papers only), best first, cosine similarity as score. */
  search(vector: Float32Array, k: number): Neighbor[];
  /** The graph `search` reads, as a file a worker thread can open: its path, or how to write it to a path. */
  graphFile: string | ((path: string) => void);
  /** Labels in that graph that are not papers (passages), which `search` never returns: the keys. */
  notPapers: ReadonlySet<number> | ReadonlyMap<number, unknown>;
  /** Lets go of what the source holds open; buildTopicMap calls it when done. */
  close?(): void;
}

export interface BuildTopicMapOptions {
  /** The previous generation's map, extended instead of recomputed when little changed. */
  previous?: TopicMap | null;
  /** Labels of papers whose text changed since `previous` (new papers are found by their label). */
  fresh?: ReadonlySet<number>;
  /** Told how long each step took (ms). */
  onStep?: StepReport;
  /** Only bring `previous` up to date: null rather than a computation from scratch (minutes at 100,000 papers). */
  extendOnly?: boolean;
  /** Threads to use (1 or 2): by default 2 from THREADS_FROM papers on a machine of 2 cores or more. */
  threads?: number;
}

/**
 * Papers read from anywhere (a database), searched in an HNSW graph built here over their vectors,
 * against a database round trip per paper. Building it is most of such a map's time: 60 s of 108 s
 * at 74,728 papers (hash vectors, 2-vCPU Xeon), the rest as in a folder store.
 */
export function memoryMapSource(papers: readonly { label: number; vector: Float32Array; text: string }[], onStep?: StepReport): MapSource {
  const sorted = [...papers].sort((a, b) => a.label - b.label);
  const dimension = sorted[0]?.vector.length ?? 1;
  const graph = timed("graph", onStep, () => {
    const index = VectorIndex.create(dimension, sorted.length);
    for (const paper of sorted) index.add(paper.label, paper.vector);
    index.setEf(GRAPH_EF);
    return index;
  });
  return {
    labels: sorted.map((p) => p.label),
    vector: (i) => sorted[i]!.vector,
    texts: sorted.map((p) => p.text),
    search: (vector, k) => graph.search(vector, k),
    graphFile: (path) => graph.save(path),
    notPapers: new Set(),
  };
}

export function buildTopicMap(source: MapSource, options: BuildTopicMapOptions & { extendOnly: true }): Promise<TopicMap | null>;
export function buildTopicMap(source: MapSource, options?: BuildTopicMapOptions): Promise<TopicMap>;
export async function buildTopicMap(source: MapSource, options: BuildTopicMapOptions = {}): Promise<TopicMap | null> {
  try {
    return await mapOf(source, options);
  } finally {
    source.close?.();
  }
}

async function mapOf(source: MapSource, options: BuildTopicMapOptions): Promise<TopicMap | null> {
  if (options.extendOnly && !options.previous) return null;
  const { onStep } = options;
  const { labels } = source;
  const position = new Map(labels.map((label, i) => [label, i]));
  const positions = (found: Neighbor[]) =>
    found.flatMap(({ label, score }) => (position.has(label) ? [{ index: position.get(label)!, distance: 1 - score }] : []));
  const nearest = (i: number) => source.search(source.vector(i), MAP_NEIGHBOURS + 1);
  const neighbours = (i: number) => positions(nearest(i));
  if (options.previous) {
    const extended = extendTopicMap(options.previous, source, options.fresh ?? new Set(), (i) => neighbours(i).map((n) => n.index));
    if (extended) return extended;
  }
  if (options.extendOnly) return null;
  const k = Math.min(MAP_NEIGHBOURS, labels.length - 1);
  const threads = options.threads ?? (labels.length >= THREADS_FROM ? Math.min(2, availableParallelism()) : 1);
  const graph: KnnGraph = { indices: [], distances: [] };
  const started = performance.now();
  // The first half of the rows in a worker thread (when there is one), the rest here meanwhile.
  const half = threads > 1 ? Math.floor(labels.length / 2) : 0;
  const elsewhere = half > 0 ? searchInWorker(source, 0, half, MAP_NEIGHBOURS + 1, onStep) : null;
  const here = Array.from({ length: labels.length - half }, (_, r) => nearest(half + r));
  const fromWorker = elsewhere ? await elsewhere : null;
  const rows = [...(fromWorker ?? Array.from({ length: half }, (_, i) => nearest(i))), ...here];
  rows.forEach((found, i) => {
    const row = normaliseRow(i, positions(found), k);
    graph.indices.push(row.indices);
    graph.distances.push(row.distances);
  });
  onStep?.("knn", performance.now() - started);
  return computeTopicMap(source, graph, { onStep, layoutInWorker: threads > 1 });
}

/**
 * The k nearest of papers from..to−1 (positions in the source), searched by a worker thread in
 * its own copy of the graph; null when no worker could do it (none to start, or it failed), so
 * the caller searches them itself. The same graph at the same ef gives the same neighbours.
 */
async function searchInWorker(source: MapSource, from: number, to: number, k: number, onStep?: StepReport): Promise<Neighbor[][] | null> {
  const dimension = source.vector(from).length;
  const vectors = new Float32Array((to - from) * dimension);
  for (let i = from; i < to; i++) vectors.set(source.vector(i), (i - from) * dimension);
  let scratch: string | null = null;
  try {
    let file: string;
    if (typeof source.graphFile === "string") file = source.graphFile;
    else {
      scratch = mkdtempSync(join(tmpdir(), "papers-map-"));
      file = join(scratch, "graph.hnsw");
      source.graphFile(file);
    }
    const task: KnnTask = { file, dimension, ef: GRAPH_EF, k, vectors, notPapers: Float64Array.from(source.notPapers.keys()) };
    const done = await runWorkerTask<KnnRows>(new URL("./knn-worker.js", import.meta.url), task, [vectors.buffer]);
    if (!done) return null;
    onStep?.("knn in worker", done.ms);
    const found = done.result;
    return Array.from({ length: to - from }, (_, r) => {
      const row: Neighbor[] = [];
      for (let j = r * k; j < (r + 1) * k && found.labels[j]! >= 0; j++) row.push({ label: found.labels[j]!, score: found.scores[j]! });
      return row;
    });
  } catch {
    return null;
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}
