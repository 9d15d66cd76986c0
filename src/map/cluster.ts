/**
 * Topics as communities of the kNN graph (Louvain, graphology-communities-louvain): the graph
 * the layout needs anyway, with the number of topics found by modularity rather than chosen.
 */
import { createRequire } from "node:module";
import { UndirectedGraph } from "graphology";
import type louvainType from "graphology-communities-louvain";
import { seededRandom, type KnnGraph } from "./knn.js";

// A CommonJS module whose types declare an ES default export: required, so both agree.
const louvain = createRequire(import.meta.url)("graphology-communities-louvain") as (typeof louvainType)["default"];

export interface ClusterOptions {
  /** Louvain's resolution: higher gives more, smaller communities. */
  resolution?: number;
  /** Communities smaller than this join the topic their papers are closest to. */
  minSize?: number;
  /** At most this many topics: the smallest are merged into their closest until it holds. */
  maxTopics?: number;
  seed?: number;
}

/** Default smallest topic: 0.5% of the papers, at least 3 (and never more than 100). */
export function defaultMinSize(n: number): number {
  return Math.min(100, Math.max(3, Math.ceil(n * 0.005)));
}
export const DEFAULT_MAX_TOPICS = 40;

/**
 * Each point's topic, 0 the largest topic, 1 the next, …: Louvain communities of the kNN graph
 * (edges weighted by cosine similarity), small ones merged into the community their points link
 * to most, then the smallest merged the same way until at most maxTopics remain.
 */
export function clusterKnn(graph: KnnGraph, options: ClusterOptions = {}): Int32Array {
  const n = graph.indices.length;
  if (n === 0) return new Int32Array(0);
  const g = new UndirectedGraph({ allowSelfLoops: false });
  for (let i = 0; i < n; i++) g.addNode(i);
  for (let i = 0; i < n; i++) {
    const row = graph.indices[i]!;
    for (let j = 1; j < row.length; j++) {
      const other = row[j]!;
      if (other === i) continue;
      const weight = Math.max(1e-6, 1 - graph.distances[i]![j]!);
      if (!g.hasEdge(i, other)) g.addEdge(i, other, { weight });
    }
  }
  let community: Int32Array;
  if (g.size === 0) community = new Int32Array(n);
  else {
    const found = louvain(g, { resolution: options.resolution ?? 1, rng: seededRandom(options.seed ?? 42), getEdgeWeight: "weight" });
    community = Int32Array.from({ length: n }, (_, i) => found[String(i)] ?? 0);
  }
  const merged = mergeSmall(graph, community, options.minSize ?? defaultMinSize(n), options.maxTopics ?? DEFAULT_MAX_TOPICS);
  return bySize(merged);
}

/**
 * Merges communities below minSize, then the smallest while more than maxTopics remain, each into
 * the community its points' neighbours belong to most (by kNN links). A graph with no links
 * elsewhere keeps its community.
 */
export function mergeSmall(graph: KnnGraph, community: Int32Array, minSize: number, maxTopics: number): Int32Array {
  const out = Int32Array.from(community);
  for (;;) {
    const sizes = counts(out);
    const live = [...sizes].filter(([, size]) => size > 0);
    if (live.length <= 1) return out;
    live.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    const [smallest, size] = live[0]!;
    if (size >= minSize && live.length <= maxTopics) return out;
    const links = new Map<number, number>();
    for (let i = 0; i < out.length; i++) {
      if (out[i] !== smallest) continue;
      const row = graph.indices[i]!;
      for (let j = 1; j < row.length; j++) {
        const other = out[row[j]!]!;
        if (other !== smallest) links.set(other, (links.get(other) ?? 0) + 1);
      }
    }
    // No link out (an island): into the largest, so every topic still ends up big enough.
    const target = links.size > 0 ? [...links].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0] : live[live.length - 1]![0];
    for (let i = 0; i < out.length; i++) if (out[i] === smallest) out[i] = target;
  }
}

/** Renumbers communities 0, 1, … by size, largest first (ties by first appearance). */
export function bySize(community: Int32Array): Int32Array {
  const sizes = counts(community);
  const order = [...sizes.keys()].sort((a, b) => sizes.get(b)! - sizes.get(a)! || a - b);
  const rank = new Map(order.map((c, i) => [c, i]));
  return community.map((c) => rank.get(c)!);
}

function counts(community: Int32Array): Map<number, number> {
  const sizes = new Map<number, number>();
  for (const c of community) sizes.set(c, (sizes.get(c) ?? 0) + 1);
  return sizes;
}
