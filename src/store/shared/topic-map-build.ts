/**
 * Computes a generation's topic map from a MapSource (its papers' labels, vectors and texts, and a
 * nearest-neighbour search over them), or brings the previous generation's map up to date when
 * little changed (see RECOMPUTE_SHARE). Any store gives a source: the folder store its own HNSW
 * graph (folder/graph-map-source.ts), a store without one in this process a graph built in memory
 * (memoryMapSource).
 */
import { normaliseRow, type KnnGraph } from "../../map/knn.js";
import { computeTopicMap, extendTopicMap, timed, type MapInput, type TopicMap } from "../../map/topic-map.js";
import { VectorIndex, type Neighbor } from "./vector-index.js";

/** Neighbours per paper in the graph: UMAP's default n_neighbors. */
export const MAP_NEIGHBOURS = 15;
/**
 * HNSW's candidate list while building the graph: 64 rather than the 200 searches use. The
 * layout and the communities tolerate a slightly inexact neighbour; 74,728 searches do not
 * tolerate three times the cost.
 */
export const GRAPH_EF = 64;

/** What the map is computed from: papers only (no passages), labels ascending, arrays aligned. */
export interface MapSource extends MapInput {
  /** The k papers nearest a vector (papers only), best first, cosine similarity as score. */
  search(vector: Float32Array, k: number): Neighbor[];
}

export interface BuildTopicMapOptions {
  /** The previous generation's map, extended instead of recomputed when little changed. */
  previous?: TopicMap | null;
  /** Labels of papers whose text changed since `previous` (new papers are found by their label). */
  fresh?: ReadonlySet<number>;
  /** Told how long each step took (ms). */
  onStep?: (step: string, ms: number) => void;
  /** Only bring `previous` up to date: null rather than a computation from scratch (minutes at 100,000 papers). */
  extendOnly?: boolean;
}

/**
 * Papers read from anywhere (a database), searched in an HNSW graph built here over their vectors:
 * a few seconds at tens of thousands of papers, against a database round trip per paper.
 */
export function memoryMapSource(papers: readonly { label: number; vector: Float32Array; text: string }[], onStep?: (step: string, ms: number) => void): MapSource {
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
    vectors: sorted.map((p) => p.vector),
    texts: sorted.map((p) => p.text),
    search: (vector, k) => graph.search(vector, k),
  };
}

export function buildTopicMap(source: MapSource, options: BuildTopicMapOptions & { extendOnly: true }): TopicMap | null;
export function buildTopicMap(source: MapSource, options?: BuildTopicMapOptions): TopicMap;
export function buildTopicMap(source: MapSource, options: BuildTopicMapOptions = {}): TopicMap | null {
  if (options.extendOnly && !options.previous) return null;
  const { onStep } = options;
  const { labels } = source;
  const position = new Map(labels.map((label, i) => [label, i]));
  const neighbours = (i: number) =>
    source
      .search(source.vectors[i]!, MAP_NEIGHBOURS + 1)
      .flatMap(({ label, score }) => (position.has(label) ? [{ index: position.get(label)!, distance: 1 - score }] : []));
  if (options.previous) {
    const extended = extendTopicMap(options.previous, source, options.fresh ?? new Set(), (i) => neighbours(i).map((n) => n.index));
    if (extended) return extended;
  }
  if (options.extendOnly) return null;
  const k = Math.min(MAP_NEIGHBOURS, labels.length - 1);
  const graph: KnnGraph = { indices: [], distances: [] };
  timed("knn", onStep, () => {
    for (let i = 0; i < labels.length; i++) {
      const row = normaliseRow(i, neighbours(i), k);
      graph.indices.push(row.indices);
      graph.distances.push(row.distances);
    }
  });
  return computeTopicMap({ labels, vectors: source.vectors, texts: source.texts }, graph, { onStep });
}
