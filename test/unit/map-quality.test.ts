/** The topic map's quality measures (bench/map-quality.mjs) and the typed-array UMAP under the layout. */
import { describe, expect, it } from "vitest";
import { seededRandom, type KnnGraph } from "../../src/map/knn.js";
import { adjustedRandIndex, normalisedMutualInformation, trustworthiness } from "../../src/map/quality.js";
import { fuzzyGraph, optimizeLayout, randomEmbedding, umapLayout } from "../../src/map/umap.js";

/** n unit vectors at angles spread over a half circle in the plane of the first two of 8 dimensions. */
function arc(n: number): Float32Array[] {
  return Array.from({ length: n }, (_, i) => {
    const v = new Float32Array(8);
    v[0] = Math.cos((Math.PI * i) / n);
    v[1] = Math.sin((Math.PI * i) / n);
    return v;
  });
}

describe("trustworthiness", () => {
  it("is 1 for a layout that keeps every neighbourhood, less when points are shuffled", () => {
    const vectors = arc(40);
    const faithful = Float64Array.from(vectors.flatMap((v) => [v[0]! * 3, v[1]! * 3]));
    expect(trustworthiness(vectors, faithful, 5)).toBeCloseTo(1, 10);
    const random = seededRandom(3);
    const shuffled = Float64Array.from({ length: 80 }, () => random());
    const t = trustworthiness(vectors, shuffled, 5);
    expect(t).toBeLessThan(0.8);
    expect(t).toBeGreaterThan(0);
  });

  it("agrees with scikit-learn's trustworthiness (metric cosine) where no distances tie", () => {
    // numpy default_rng(7): 12 normal 4-d vectors and 12 normal 2-d points, rounded to 2 places.
    const vectors = [
      [0.0, 0.3, -0.27, -0.89], [-0.45, -0.99, 0.06, 1.34], [-0.49, -0.62, 0.49, 0.36], [0.11, -0.93, -0.03, 0.7],
      [-1.34, -0.46, -1.9, -1.29], [-1.84, -0.24, -1.27, 0.27], [0.16, -0.19, -2.52, -0.54], [-0.05, 0.11, -1.53, -0.48],
      [-0.98, -0.81, 1.06, -0.81], [-0.03, 0.88, -0.58, -0.11], [0.11, 0.06, -1.23, 0.08], [1.36, -1.55, 0.86, 0.12],
    ];
    const layout = [-0.64, 2.0, 0.76, -1.2, 0.07, 0.58, -0.19, 0.68, -0.07, 0.67, 1.44, -0.68, 0.2, -0.46, 0.13, -1.19, -0.58, -0.2, 0.9, 1.15, -1.32, -0.79, 0.65, -1.99];
    // scikit-learn 1.9.1: trustworthiness(X, Y, n_neighbors=3, metric="cosine")
    expect(trustworthiness(vectors, layout, 3)).toBeCloseTo(0.4563492063492064, 12);
  });

  it("refuses k of half the points or more", () => {
    expect(() => trustworthiness(arc(6), new Float64Array(12), 3)).toThrow(RangeError);
  });
});

describe("adjustedRandIndex and normalisedMutualInformation", () => {
  it("are 1 for the same partition under other names", () => {
    expect(adjustedRandIndex([0, 0, 1, 1, 2], [5, 5, 3, 3, 9])).toBeCloseTo(1, 12);
    expect(normalisedMutualInformation([0, 0, 1, 1, 2], [5, 5, 3, 3, 9])).toBeCloseTo(1, 12);
  });

  it("give scikit-learn's values for a split cluster", () => {
    // adjusted_rand_score([0,0,1,1],[0,0,1,2]) = 4/7; normalized_mutual_info_score(...) = 0.8
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(4 / 7, 12);
    expect(normalisedMutualInformation([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(0.8, 12);
  });

  it("are near 0 for unrelated partitions", () => {
    const random = seededRandom(5);
    const a = Array.from({ length: 5000 }, () => Math.floor(random() * 10));
    const b = Array.from({ length: 5000 }, () => Math.floor(random() * 10));
    expect(Math.abs(adjustedRandIndex(a, b))).toBeLessThan(0.01);
    expect(normalisedMutualInformation(a, b)).toBeLessThan(0.01);
  });
});

/** Two groups of `size` points, each point's 5 nearest in its own group. */
function twoGroups(size: number): KnnGraph {
  const indices: number[][] = [], distances: number[][] = [];
  for (let g = 0; g < 2; g++) {
    for (let i = 0; i < size; i++) {
      const row = [g * size + i];
      for (let s = 1; s <= 5; s++) row.push(g * size + ((i + s) % size));
      indices.push(row);
      distances.push(row.map((_, r) => (r === 0 ? 0 : 0.1 * r)));
    }
  }
  return { indices, distances };
}

describe("fuzzyGraph", () => {
  it("is symmetric, weights in (0, 1], each point's nearest neighbour at 1, no self loops", () => {
    const graph = twoGroups(20);
    const fuzzy = fuzzyGraph(graph, 6);
    const weightOf = new Map<string, number>();
    fuzzy.head.forEach((h, e) => weightOf.set(`${h}:${fuzzy.tail[e]}`, fuzzy.weight[e]!));
    expect(weightOf.size).toBe(fuzzy.head.length);
    for (const [key, w] of weightOf) {
      const [h, t] = key.split(":");
      expect(h).not.toBe(t);
      expect(w).toBeGreaterThan(0);
      expect(w).toBeLessThanOrEqual(1);
      expect(weightOf.get(`${t}:${h}`)).toBe(w);
    }
    expect(weightOf.get("0:1")).toBe(1);
    // No edge between the groups.
    for (const [key] of weightOf) {
      const [h, t] = key.split(":").map(Number) as [number, number];
      expect(h < 20).toBe(t < 20);
    }
  });
});

describe("optimizeLayout", () => {
  it("pulls each group together and pushes the groups apart from a random start", () => {
    const graph = twoGroups(30);
    const random = seededRandom(1);
    const xy = randomEmbedding(60, random);
    const spread = (from: number, points: Float64Array) => {
      const c = centre(points, from);
      return Array.from({ length: 30 }, (_, i) => Math.hypot(points[2 * (from + i)]! - c[0], points[2 * (from + i) + 1]! - c[1])).reduce((s, d) => s + d, 0) / 30;
    };
    const before = spread(0, xy);
    optimizeLayout(xy, fuzzyGraph(graph, 6), { epochs: 200, random });
    expect(spread(0, xy)).toBeLessThan(before / 2);
    const [a, b] = [centre(xy, 0), centre(xy, 30)];
    expect(Math.hypot(a[0] - b[0], a[1] - b[1])).toBeGreaterThan(2 * Math.max(spread(0, xy), spread(30, xy)));
  });

  it("gives the same layout for the same seed", () => {
    const graph = twoGroups(10);
    expect(umapLayout(graph, 6, { seed: 9, epochs: 50 })).toEqual(umapLayout(graph, 6, { seed: 9, epochs: 50 }));
  });
});

function centre(points: Float64Array, from: number): [number, number] {
  let x = 0, y = 0;
  for (let i = 0; i < 30; i++) [x, y] = [x + points[2 * (from + i)]!, y + points[2 * (from + i) + 1]!];
  return [x / 30, y / 30];
}
