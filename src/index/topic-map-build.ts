/**
 * Gathers what the topic map is computed from out of one generation (vectors from HNSW, texts
 * from the store, the kNN graph by searching HNSW with each paper's own vector) and computes it,
 * or brings the previous generation's map up to date when little changed (see RECOMPUTE_SHARE).
 */
import { documentText } from "../corpus/paper.js";
import { normaliseRow, type KnnGraph } from "../map/knn.js";
import { computeTopicMap, extendTopicMap, timed, type MapInput, type TopicMap } from "../map/topic-map.js";
import type { PaperStore } from "./paper-store.js";
import type { VectorIndex } from "./vector-index.js";

/** Neighbours per paper in the graph: UMAP's default n_neighbors. */
export const MAP_NEIGHBOURS = 15;
/**
 * HNSW's candidate list while building the graph: 64 rather than the 200 searches use. The
 * layout and the communities tolerate a slightly inexact neighbour; 74,728 searches do not
 * tolerate three times the cost.
 */
const GRAPH_EF = 64;

export interface BuildTopicMapOptions {
  /** The previous generation's map, extended instead of recomputed when little changed. */
  previous?: TopicMap | null;
  /** Labels of papers whose text changed since `previous` (new papers are found by their label). */
  fresh?: ReadonlySet<number>;
  /** The ef searches use, set back once the graph is built. */
  efSearch: number;
  /** Told how long each step took (ms). */
  onStep?: (step: string, ms: number) => void;
  /** Only bring `previous` up to date: null rather than a computation from scratch (minutes at 100,000 papers). */
  extendOnly?: boolean;
}

export function buildTopicMap(vectors: VectorIndex, store: PaperStore, options: BuildTopicMapOptions & { extendOnly: true }): TopicMap | null;
export function buildTopicMap(vectors: VectorIndex, store: PaperStore, options: BuildTopicMapOptions): TopicMap;
export function buildTopicMap(vectors: VectorIndex, store: PaperStore, options: BuildTopicMapOptions): TopicMap | null {
  if (options.extendOnly && !options.previous) return null;
  const { onStep } = options;
  const input: MapInput = timed("read", onStep, () => {
    const labels = [...store.entries().values()].map((e) => e.label).sort((a, b) => a - b);
    return { labels, vectors: labels.map((label) => vectors.vector(label)), texts: store.all().map((paper) => documentText(paper)) };
  });
  const { labels } = input;
  const position = new Map(labels.map((label, i) => [label, i]));
  const passages = store.passageOwners();
  const accept = passages.size === 0 ? undefined : (label: number) => !passages.has(label);
  const neighbours = (i: number) =>
    vectors
      .search(input.vectors[i]!, MAP_NEIGHBOURS + 1, accept)
      .flatMap(({ label, score }) => (position.has(label) ? [{ index: position.get(label)!, distance: 1 - score }] : []));
  vectors.setEf(GRAPH_EF);
  try {
    if (options.previous) {
      const extended = extendTopicMap(options.previous, input, options.fresh ?? new Set(), (i) => neighbours(i).map((n) => n.index));
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
    return computeTopicMap(input, graph, { onStep });
  } finally {
    vectors.setEf(options.efSearch);
  }
}
