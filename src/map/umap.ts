/**
 * UMAP's layout (McInnes, Healy & Melville 2018) from a precomputed kNN graph, as umap-js 1.4
 * computes it (the same fuzzy graph, random start in [-10, 10]², 200 epochs from 500 points up, the
 * same SGD with 5 negative samples per positive), but in typed arrays: umap-js keeps its sparse
 * matrices as Maps keyed by "row:col" strings, several of them, and took 186 s of the map's
 * 246 s at 74,728 papers.
 */
import { seededRandom, type KnnGraph } from "./knn.js";

/** The symmetric fuzzy graph as directed edges (both directions of each), weights in (0, 1]. */
export interface FuzzyGraph {
  n: number;
  head: Int32Array;
  tail: Int32Array;
  weight: Float32Array;
}

// umap-js's constants (SMOOTH_K_TOLERANCE, MIN_K_DIST_SCALE) and its a, b for spread 1, min_dist 0.1.
const SMOOTH_K_TOLERANCE = 1e-5;
const MIN_K_DIST_SCALE = 1e-3;
export const DEFAULT_MIN_DIST = 0.1;
const AB_FOR_MIN_DIST_0_1 = { a: 1.5769434603113077, b: 0.8950608779109733 };

/**
 * Epochs by size: 200, as umap-js gives above 7,500 points, and 500 up to 500 points (where they
 * cost nothing). umap-js gave 300-500 between: at 3,000 arXiv abstracts 200 epochs took a fifth of
 * the time of its 400, trustworthiness T(15) 0.8884 against 0.8892, and the map is most of what
 * `papers index` spends outside the model on a small library.
 */
export function defaultEpochs(n: number): number {
  return n <= 500 ? 500 : 200;
}

/**
 * The fuzzy simplicial set of the first k entries of each row (the point itself first): each
 * point's distances smoothed to log2(k) neighbours' worth of membership, then the fuzzy union
 * a + b − ab of the two directions.
 */
export function fuzzyGraph(graph: KnnGraph, k: number): FuzzyGraph {
  const n = graph.indices.length;
  const target = Math.log2(k);
  // Per row: membership of each neighbour, aligned with graph.indices[i] (0 for itself).
  const member = new Float32Array(n * k);
  let meanAll = 0;
  for (let i = 0; i < n; i++) meanAll += mean(graph.distances[i]!, k);
  meanAll /= Math.max(1, n);
  for (let i = 0; i < n; i++) {
    const distances = graph.distances[i]!;
    let rho = 0;
    for (let j = 0; j < k; j++) if (distances[j]! > 0) { rho = distances[j]!; break; }
    let lo = 0, hi = Infinity, sigma = 1;
    for (let iter = 0; iter < 64; iter++) {
      let psum = 0;
      for (let j = 1; j < k; j++) {
        const d = distances[j]! - rho;
        psum += d > 0 ? Math.exp(-d / sigma) : 1;
      }
      if (Math.abs(psum - target) < SMOOTH_K_TOLERANCE) break;
      if (psum > target) [hi, sigma] = [sigma, (lo + sigma) / 2];
      else [lo, sigma] = [sigma, hi === Infinity ? sigma * 2 : (sigma + hi) / 2];
    }
    const floor = MIN_K_DIST_SCALE * (rho > 0 ? mean(distances, k) : meanAll);
    sigma = Math.max(sigma, floor);
    const row = graph.indices[i]!;
    for (let j = 0; j < k; j++) {
      const d = distances[j]! - rho;
      member[i * k + j] = row[j] === i ? 0 : d <= 0 ? 1 : Math.exp(-d / sigma);
    }
  }
  // Each directed entry i→j with its reverse j→i (0 when i is not in j's row): one edge each way,
  // written once, from the row that holds it (both rows when each holds the other).
  const head: number[] = [], tail: number[] = [], weight: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = graph.indices[i]!;
    for (let j = 1; j < k; j++) {
      const v = member[i * k + j]!;
      const other = row[j]!;
      if (other === i) continue;
      const back = graph.indices[other]!;
      let reverse = 0, found = false;
      for (let r = 1; r < k; r++) if (back[r] === i) { reverse = member[other * k + r]!; found = true; break; }
      const w = v + reverse - v * reverse;
      if (w <= 0) continue;
      head.push(i); tail.push(other); weight.push(w);
      if (!found) { head.push(other); tail.push(i); weight.push(w); }
    }
  }
  return { n, head: Int32Array.from(head), tail: Int32Array.from(tail), weight: Float32Array.from(weight) };
}

export interface OptimizeOptions {
  epochs: number;
  random: () => number;
  minDist?: number;
  /** The learning rate at the first epoch (UMAP's 1), falling linearly to 0. */
  learningRate?: number;
}

/**
 * UMAP's stochastic gradient descent over `embedding` (x0, y0, x1, y1, …, moved in place): each
 * edge pulls its ends together as often as its weight says, and each pull pushes the head away
 * from 5 random points.
 */
export function optimizeLayout(embedding: Float64Array, graph: FuzzyGraph, options: OptimizeOptions): void {
  const { epochs, random } = options;
  const { a, b } = abParams(options.minDist ?? DEFAULT_MIN_DIST);
  const negativeRate = 5;
  const initialAlpha = options.learningRate ?? 1;
  let maxWeight = 0;
  for (const w of graph.weight) maxWeight = Math.max(maxWeight, w);
  // Edges lighter than max/epochs would be sampled less than once: left out, as UMAP does.
  const kept: number[] = [];
  for (let e = 0; e < graph.weight.length; e++) if (graph.weight[e]! >= maxWeight / epochs) kept.push(e);
  const m = kept.length;
  const head = new Int32Array(m), tail = new Int32Array(m);
  const perSample = new Float64Array(m), nextSample = new Float64Array(m), perNegative = new Float64Array(m), nextNegative = new Float64Array(m);
  kept.forEach((e, i) => {
    head[i] = graph.head[e]!;
    tail[i] = graph.tail[e]!;
    perSample[i] = nextSample[i] = maxWeight / graph.weight[e]!;
    perNegative[i] = nextNegative[i] = perSample[i]! / negativeRate;
  });
  const n = graph.n;
  const clip = (v: number) => (v > 4 ? 4 : v < -4 ? -4 : v);
  const { attract, repel } = kernelTables(a, b);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const alpha = initialAlpha * (1 - epoch / epochs);
    for (let i = 0; i < m; i++) {
      if (nextSample[i]! > epoch) continue;
      const j = head[i]!, k = tail[i]!;
      let jx = embedding[2 * j]!, jy = embedding[2 * j + 1]!;
      const dx = jx - embedding[2 * k]!, dy = jy - embedding[2 * k + 1]!;
      const d2 = dx * dx + dy * dy;
      if (d2 > 0) {
        const coeff = lookUp(attract, d2, () => {
          const powered = Math.exp((b - 1) * Math.log(d2));
          return (-2 * a * b * powered) / (a * powered * d2 + 1);
        });
        const gx = clip(coeff * dx) * alpha, gy = clip(coeff * dy) * alpha;
        jx += gx; jy += gy;
        embedding[2 * k] = embedding[2 * k]! - gx;
        embedding[2 * k + 1] = embedding[2 * k + 1]! - gy;
      }
      nextSample[i] = nextSample[i]! + perSample[i]!;
      const negatives = Math.floor((epoch - nextNegative[i]!) / perNegative[i]!);
      for (let p = 0; p < negatives; p++) {
        const other = Math.floor(random() * n);
        if (other === j) continue;
        const ox = jx - embedding[2 * other]!, oy = jy - embedding[2 * other + 1]!;
        const o2 = ox * ox + oy * oy;
        if (o2 > 0) {
          const coeff = lookUp(repel, o2, () => (2 * b) / ((0.001 + o2) * (a * Math.exp(b * Math.log(o2)) + 1)));
          jx += clip(coeff * ox) * alpha;
          jy += clip(coeff * oy) * alpha;
        } else {
          jx += 4 * alpha;
          jy += 4 * alpha;
        }
      }
      embedding[2 * j] = jx;
      embedding[2 * j + 1] = jy;
      nextNegative[i] = nextNegative[i]! + negatives * perNegative[i]!;
    }
  }
}

// The gradient coefficients tabulated by distance r = √d², TABLE_STEPS a unit, to TABLE_REACH:
// Math.pow is ~250 ns a call on this Xeon (and exp with log ~100 ns), a look-up a few.
const TABLE_STEPS = 128;
const TABLE_REACH = 64;

function kernelTables(a: number, b: number): { attract: Float64Array; repel: Float64Array } {
  const size = TABLE_STEPS * TABLE_REACH + 2;
  const attract = new Float64Array(size), repel = new Float64Array(size);
  for (let t = 0; t < size; t++) {
    // At r = 0 the attraction is infinite (d²^(b−1)): a quarter step out instead; its pull, times
    // a distance under one step, is small either way.
    const r = t === 0 ? 0.25 / TABLE_STEPS : t / TABLE_STEPS;
    const d2 = r * r;
    attract[t] = (-2 * a * b * Math.pow(d2, b - 1)) / (a * Math.pow(d2, b) + 1);
    repel[t] = (2 * b) / ((0.001 + d2) * (a * Math.pow(d2, b) + 1));
  }
  return { attract, repel };
}

/** The tabulated coefficient at d² (linear between steps), or `exact()` beyond the table. */
function lookUp(table: Float64Array, d2: number, exact: () => number): number {
  const at = Math.sqrt(d2) * TABLE_STEPS;
  const t = Math.floor(at);
  if (t >= table.length - 1) return exact();
  const f = at - t;
  return table[t]! * (1 - f) + table[t + 1]! * f;
}

/** UMAP's curve parameters a, b: fitted once for the default min_dist, else by least squares. */
export function abParams(minDist: number): { a: number; b: number } {
  if (minDist === DEFAULT_MIN_DIST) return AB_FOR_MIN_DIST_0_1;
  // Fit 1 / (1 + a x^2b) to the min_dist curve by a coarse grid then refinement: minDist is
  // configurable but rarely changed, so a few milliseconds here are no matter.
  const xs = Array.from({ length: 300 }, (_, i) => (3 * i) / 299);
  const ys = xs.map((x) => (x < minDist ? 1 : Math.exp(-(x - minDist))));
  const error = (a: number, b: number) => xs.reduce((s, x, i) => s + (1 / (1 + a * Math.pow(x, 2 * b)) - ys[i]!) ** 2, 0);
  let best = { a: 1, b: 1, e: error(1, 1) };
  for (let step = 0.5; step > 1e-4; step /= 2) {
    for (let improved = true; improved; ) {
      improved = false;
      for (const [da, db] of [[step, 0], [-step, 0], [0, step / 4], [0, -step / 4]] as const) {
        const a = best.a + da, b = best.b + db;
        if (a <= 0 || b <= 0) continue;
        const e = error(a, b);
        if (e < best.e) [best, improved] = [{ a, b, e }, true];
      }
    }
  }
  return { a: best.a, b: best.b };
}

/** A random start in [-10, 10]², as umap-js's. */
export function randomEmbedding(n: number, random: () => number): Float64Array {
  const embedding = new Float64Array(2 * n);
  for (let i = 0; i < embedding.length; i++) embedding[i] = random() * 20 - 10;
  return embedding;
}

/** The UMAP layout of the whole graph (rows of at least k entries), unscaled. */
export function umapLayout(graph: KnnGraph, k: number, options: { epochs?: number; minDist?: number; seed?: number } = {}): Float64Array {
  const random = seededRandom(options.seed ?? 42);
  const n = graph.indices.length;
  const embedding = randomEmbedding(n, random);
  optimizeLayout(embedding, fuzzyGraph(graph, k), { epochs: options.epochs ?? defaultEpochs(n), random, minDist: options.minDist });
  return embedding;
}

function mean(values: readonly number[], k: number): number {
  let s = 0;
  for (let j = 0; j < k; j++) s += values[j]!;
  return s / k;
}
