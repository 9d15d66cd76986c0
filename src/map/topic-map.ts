/**
 * Topics and a 2-D layout of a set of papers, from their vectors, texts and kNN graph: pure
 * functions, nothing read or written here (src/store/shared/topic-map-store.ts and folder/topic-map-file.ts keep them with a generation).
 */
import { clusterKnn, type ClusterOptions } from "./cluster.js";
import type { KnnGraph } from "./knn.js";
import { labelTopics } from "./labels.js";
import { layoutKnn, layoutKnnInWorker, type LayoutOptions } from "./layout.js";

export const TOPIC_MAP_VERSION = 1;

/**
 * Recompute topics and layout in full once more than this share of the papers the last full
 * computation saw have been added, changed or removed since; below it, new and changed papers
 * are placed among their neighbours and given their closest topic, and the rest stay put.
 */
export const RECOMPUTE_SHARE = 0.1;

/** Representative papers per topic: those closest to its centroid. */
export const REPRESENTATIVES = 3;

export interface Topic {
  id: number;
  label: string;
  terms: string[];
  size: number;
  /** Labels (the store's) of the papers closest to the topic's centroid, closest first. */
  representatives: number[];
  /** Where the label goes on the map: the median of its papers' positions. */
  x: number;
  y: number;
}

export interface TopicMap {
  version: number;
  computedAt: string;
  /** Papers at the last full computation, and papers added, changed or removed since. */
  basis: number;
  changed: number;
  topics: Topic[];
  /** Each topic's mean unit vector (normalised), to place new papers. */
  centroids: number[][];
  /** Per paper, aligned: its store label, position in [0, 1]², topic. */
  labels: number[];
  x: number[];
  y: number[];
  topic: number[];
}

/** What the computation needs, per paper (aligned arrays). */
export interface MapInput {
  labels: readonly number[];
  /** Paper i's unit vector: a function, so a store that holds them (HNSW) need not copy them all. */
  vector(i: number): Float32Array;
  texts: readonly string[];
}

export interface TopicMapOptions {
  cluster?: ClusterOptions;
  layout?: LayoutOptions;
  /** Lay the map out in a worker thread while the topics and their labels are found in this one. */
  layoutInWorker?: boolean;
  /** Told how long each step took (ms): for bench/map.mjs. */
  onStep?: StepReport;
}

/** Told how long a step took (ms); a step run in a worker thread is named "… in worker". */
export type StepReport = (step: string, ms: number) => void;

/** Runs a step, telling onStep how long it took. */
export function timed<T>(step: string, onStep: StepReport | undefined, run: () => T): T {
  const started = performance.now();
  const result = run();
  onStep?.(step, performance.now() - started);
  return result;
}

/**
 * Topics (Louvain on the kNN graph), their c-TF-IDF labels, and the UMAP layout, all at once. The
 * layout needs only the graph, so with layoutInWorker it runs in a worker thread meanwhile (the
 * same numbers either way: it is seeded); a worker that cannot start or fails leaves it to this one.
 */
export async function computeTopicMap(input: MapInput, knn: KnnGraph, options: TopicMapOptions = {}): Promise<TopicMap> {
  const n = input.labels.length;
  const { onStep } = options;
  const laidOut = (options.layoutInWorker ? layoutKnnInWorker(knn, options.layout) : null)?.catch(() => null);
  const topic = timed("cluster", onStep, () => (n === 0 ? new Int32Array(0) : clusterKnn(knn, options.cluster)));
  // A loop, not Math.max(...topic): a spread of n arguments overflows the stack past ~125,000.
  let count = 0;
  for (const t of topic) count = Math.max(count, t + 1);
  const terms = timed("label", onStep, () => labelTopics(input.texts, topic, count));
  const inWorker = await laidOut;
  if (inWorker) onStep?.("layout in worker", inWorker.ms);
  const xy = inWorker?.result ?? timed("layout", onStep, () => layoutKnn(knn, options.layout));
  const x = Array.from({ length: n }, (_, i) => round(xy[2 * i]!));
  const y = Array.from({ length: n }, (_, i) => round(xy[2 * i + 1]!));
  const centroids = topicCentroids(input, topic, count);
  const topics = Array.from({ length: count }, (_, c) => ({ id: c, label: terms[c]!.label, terms: terms[c]!.terms, size: 0, representatives: [], x: 0, y: 0 }));
  return finish({ version: TOPIC_MAP_VERSION, computedAt: new Date().toISOString(), basis: n, changed: 0, topics, centroids, labels: [...input.labels], x, y, topic: [...topic] }, input);
}

/**
 * The previous map brought up to date with the papers now in `input`, or null when too much
 * changed (see RECOMPUTE_SHARE) and it must be computed again. `fresh` holds the labels of papers
 * new or whose text changed; `neighbours(i)` gives paper i's nearest papers (positions in input).
 */
export function extendTopicMap(previous: TopicMap, input: MapInput, fresh: ReadonlySet<number>, neighbours: (i: number) => number[]): TopicMap | null {
  if (previous.version !== TOPIC_MAP_VERSION || previous.topics.length === 0) return null;
  const before = new Map(previous.labels.map((label, i) => [label, i]));
  const now = new Set(input.labels);
  const removed = previous.labels.filter((label) => !now.has(label)).length;
  const changed = previous.changed + removed + input.labels.filter((label) => fresh.has(label) || !before.has(label)).length;
  if (changed > RECOMPUTE_SHARE * previous.basis) return null;
  const n = input.labels.length;
  const x = new Array<number>(n), y = new Array<number>(n), topic = new Array<number>(n);
  const placed = new Array<boolean>(n).fill(false);
  input.labels.forEach((label, i) => {
    const at = before.get(label);
    if (at === undefined || fresh.has(label)) return;
    [x[i], y[i], topic[i], placed[i]] = [previous.x[at]!, previous.y[at]!, previous.topic[at]!, true];
  });
  input.labels.forEach((_label, i) => {
    if (placed[i]) return;
    topic[i] = closestCentroid(input.vector(i), previous.centroids);
    // Where its nearest placed papers are; a paper with none goes to its topic's label.
    const near = neighbours(i).filter((j) => placed[j]);
    const t = previous.topics[topic[i]!]!;
    x[i] = near.length > 0 ? round(near.reduce((s, j) => s + x[j]!, 0) / near.length) : t.x;
    y[i] = near.length > 0 ? round(near.reduce((s, j) => s + y[j]!, 0) / near.length) : t.y;
  });
  const topics = previous.topics.map((t) => ({ ...t, size: 0, representatives: [] }));
  return finish({ ...previous, changed, topics, labels: [...input.labels], x, y, topic }, input);
}

/** Sizes, label positions and representatives, from the assignment. */
function finish(map: TopicMap, input: MapInput): TopicMap {
  const members = map.topics.map(() => [] as number[]);
  map.topic.forEach((c, i) => members[c]!.push(i));
  for (const t of map.topics) {
    const mine = members[t.id]!;
    t.size = mine.length;
    t.x = median(mine.map((i) => map.x[i]!));
    t.y = median(mine.map((i) => map.y[i]!));
    const centroid = map.centroids[t.id]!;
    t.representatives = mine
      .map((i) => ({ label: input.labels[i]!, score: dot(input.vector(i), centroid) }))
      .sort((a, b) => b.score - a.score || a.label - b.label)
      .slice(0, REPRESENTATIVES)
      .map((r) => r.label);
  }
  return map;
}

export function topicCentroids(input: Pick<MapInput, "vector">, topic: ArrayLike<number>, count: number): number[][] {
  const dimension = topic.length > 0 ? input.vector(0).length : 0;
  const sums = Array.from({ length: count }, () => new Float64Array(dimension));
  for (let i = 0; i < topic.length; i++) {
    const sum = sums[topic[i]!]!;
    const v = input.vector(i);
    for (let d = 0; d < dimension; d++) sum[d]! += v[d]!;
  }
  return sums.map((sum) => {
    const norm = Math.hypot(...sum) || 1;
    return Array.from(sum, (s) => Math.round((s / norm) * 1e5) / 1e5);
  });
}

export function closestCentroid(vector: Float32Array, centroids: readonly number[][]): number {
  let best = 0;
  let bestScore = -Infinity;
  centroids.forEach((c, i) => {
    const score = dot(vector, c);
    if (score > bestScore) [best, bestScore] = [i, score];
  });
  return best;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function median(values: number[]): number {
  if (values.length === 0) return 0.5;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Positions kept to 1/10,000 of the map: finer than any screen, and short in JSON. */
function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
