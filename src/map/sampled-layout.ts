/**
 * UMAP for many points at a fraction of the cost: the layout of a random sample first (its own
 * fuzzy graph, from the full one's paths of one and two steps), the other points then placed
 * among their neighbours, and a few epochs over the whole graph to settle them. The many epochs
 * a random start needs are spent on the sample only.
 */
import { seededRandom, type KnnGraph } from "./knn.js";
import { defaultEpochs, fuzzyGraph, optimizeLayout, randomEmbedding, type FuzzyGraph, type Kernel } from "./umap.js";

export interface SampledLayoutOptions {
  /** Points in the sample laid out first. */
  sample: number;
  /** Epochs over the whole graph once every point is placed. */
  refineEpochs: number;
  /** The learning rate of those epochs (UMAP starts at 1; placed points need only settling). */
  refineRate?: number;
  seed?: number;
  minDist?: number;
  kernel?: Kernel;
}

/** The fuzzy graph's edges by their head: row i's neighbours are cols[start[i]..start[i+1]). */
export interface Adjacency {
  start: Int32Array;
  cols: Int32Array;
  weights: Float32Array;
}

export function adjacencyOf(graph: FuzzyGraph): Adjacency {
  const start = new Int32Array(graph.n + 1);
  for (const h of graph.head) start[h + 1]!++;
  for (let i = 0; i < graph.n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, graph.n);
  const cols = new Int32Array(graph.head.length), weights = new Float32Array(graph.head.length);
  graph.head.forEach((h, e) => {
    const at = fill[h]!++;
    cols[at] = graph.tail[e]!;
    weights[at] = graph.weight[e]!;
  });
  return { start, cols, weights };
}

/**
 * Places every point not yet `placed` (x, y in `xy`, moved in place) at the weighted mean of its
 * placed neighbours, in rounds: a point none of whose neighbours is placed waits for the next
 * round (so the result does not depend on the order points are visited). Points never reached
 * (no path to a placed one) go to the mean of all placed points. Marks them all placed.
 */
export function placeByNeighbours(adjacency: Adjacency, xy: Float64Array, placed: Uint8Array): void {
  const n = placed.length;
  let waiting: number[] = [];
  for (let i = 0; i < n; i++) if (!placed[i]) waiting.push(i);
  while (waiting.length > 0) {
    const now: number[] = [];
    const next: number[] = [];
    for (const i of waiting) {
      let sx = 0, sy = 0, sw = 0;
      for (let e = adjacency.start[i]!; e < adjacency.start[i + 1]!; e++) {
        const j = adjacency.cols[e]!;
        if (!placed[j]) continue;
        const w = adjacency.weights[e]!;
        sx += w * xy[2 * j]!;
        sy += w * xy[2 * j + 1]!;
        sw += w;
      }
      if (sw > 0) {
        xy[2 * i] = sx / sw;
        xy[2 * i + 1] = sy / sw;
        now.push(i);
      } else next.push(i);
    }
    if (now.length === 0) break;
    for (const i of now) placed[i] = 1;
    waiting = next;
  }
  if (waiting.length === 0) return;
  let mx = 0, my = 0, count = 0;
  for (let i = 0; i < n; i++) if (placed[i]) [mx, my, count] = [mx + xy[2 * i]!, my + xy[2 * i + 1]!, count + 1];
  for (const i of waiting) {
    xy[2 * i] = count > 0 ? mx / count : 0;
    xy[2 * i + 1] = count > 0 ? my / count : 0;
    placed[i] = 1;
  }
}

/**
 * The fuzzy graph among `members` (positions in the full graph), numbered by their place in
 * `members`: for each member, the k strongest of its links to other members directly or through
 * one other point (a path weighs the product of its edges; the strongest path counts), then the
 * union of both directions (the stronger weight).
 */
export function sampleGraph(adjacency: Adjacency, members: readonly number[], n: number, k: number): FuzzyGraph {
  const position = new Int32Array(n).fill(-1);
  members.forEach((p, s) => (position[p] = s));
  const best = new Map<number, number>();
  const edges = new Map<number, number>();
  const m = members.length;
  for (let s = 0; s < m; s++) {
    best.clear();
    const p = members[s]!;
    const offer = (target: number, w: number) => {
      const t = position[target]!;
      if (t < 0 || t === s) return;
      if (w > (best.get(t) ?? 0)) best.set(t, w);
    };
    for (let e = adjacency.start[p]!; e < adjacency.start[p + 1]!; e++) {
      const q = adjacency.cols[e]!, w = adjacency.weights[e]!;
      offer(q, w);
      for (let f = adjacency.start[q]!; f < adjacency.start[q + 1]!; f++) offer(adjacency.cols[f]!, w * adjacency.weights[f]!);
    }
    const strongest = [...best].sort((x, y) => y[1] - x[1] || x[0] - y[0]).slice(0, k);
    for (const [t, w] of strongest) {
      const key = s < t ? s * m + t : t * m + s;
      if (w > (edges.get(key) ?? 0)) edges.set(key, w);
    }
  }
  const head = new Int32Array(2 * edges.size), tail = new Int32Array(2 * edges.size), weight = new Float32Array(2 * edges.size);
  let e = 0;
  for (const [key, w] of edges) {
    const s = Math.floor(key / m), t = key % m;
    [head[e], tail[e], weight[e]] = [s, t, w];
    [head[e + 1], tail[e + 1], weight[e + 1]] = [t, s, w];
    e += 2;
  }
  return { n: m, head, tail, weight };
}

/** The layout (x0, y0, …, unscaled) of the whole graph (rows of at least k entries), from a sample's. */
export function sampledUmapLayout(graph: KnnGraph, k: number, options: SampledLayoutOptions): Float64Array {
  const n = graph.indices.length;
  const random = seededRandom(options.seed ?? 42);
  const fuzzy = fuzzyGraph(graph, k);
  const adjacency = adjacencyOf(fuzzy);
  // A seeded partial shuffle: the first m of `order` are the sample.
  const m = Math.min(n, options.sample);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(random() * (n - i));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const members = Array.from(order.subarray(0, m)).sort((a, b) => a - b);
  const small = randomEmbedding(m, random);
  optimizeLayout(small, sampleGraph(adjacency, members, n, k - 1), { epochs: defaultEpochs(m), random, minDist: options.minDist, kernel: options.kernel });
  const xy = new Float64Array(2 * n);
  const placed = new Uint8Array(n);
  members.forEach((p, s) => {
    [xy[2 * p], xy[2 * p + 1], placed[p]] = [small[2 * s]!, small[2 * s + 1]!, 1];
  });
  placeByNeighbours(adjacency, xy, placed);
  // Points placed at the same mean would stay together: a nudge far below a cluster's size apart.
  for (let i = 0; i < 2 * n; i++) xy[i] = xy[i]! + (random() - 0.5) * 0.01;
  if (options.refineEpochs > 0) {
    optimizeLayout(xy, fuzzy, { epochs: options.refineEpochs, random, minDist: options.minDist, kernel: options.kernel, learningRate: options.refineRate });
  }
  return xy;
}
