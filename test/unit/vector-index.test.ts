import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { normalize } from "../../src/embed/embedder.js";
import { VectorIndex } from "../../src/store/shared/vector-index.js";
import { tempDir } from "../helpers.js";

function randomVectors(n: number, dim: number, seed: number): Float32Array[] {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  return Array.from({ length: n }, () => normalize(Float32Array.from({ length: dim }, next)));
}

function exactTopK(vectors: Float32Array[], query: Float32Array, k: number): number[] {
  const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
  return vectors
    .map((v, label) => ({ label, score: dot(v, query) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k)
    .map((n) => n.label);
}

describe("VectorIndex", () => {
  const dim = 48;
  const vectors = randomVectors(4000, dim, 7);
  const queries = randomVectors(40, dim, 99);

  it("grows past its initial capacity and finds a stored vector first with score 1", () => {
    const index = VectorIndex.create(dim, 2);
    vectors.slice(0, 50).forEach((v, label) => index.add(label, v));
    expect(index.size).toBe(50);
    const [best] = index.search(vectors[17]!, 1);
    expect(best!.label).toBe(17);
    expect(best!.score).toBeCloseTo(1, 5);
  });

  it("keeps recall after a save and load (ef is set again after loading)", () => {
    const index = VectorIndex.create(dim, vectors.length);
    vectors.forEach((v, label) => index.add(label, v));
    const path = join(tempDir(), "test.hnsw");
    index.save(path);
    const loaded = VectorIndex.load(path, dim, 100);
    let found = 0;
    for (const q of queries) {
      const exact = new Set(exactTopK(vectors, q, 10));
      found += loaded.search(q, 10).filter((n) => exact.has(n.label)).length;
    }
    expect(found / (queries.length * 10)).toBeGreaterThanOrEqual(0.95);
  });

  it("returns at most as many neighbours as it holds, and honours the filter", () => {
    const index = VectorIndex.create(dim, 5);
    vectors.slice(0, 5).forEach((v, label) => index.add(label, v));
    expect(index.search(queries[0]!, 10)).toHaveLength(5);
    const filtered = index.search(vectors[2]!, 3, (label) => label !== 2);
    expect(filtered.map((n) => n.label)).not.toContain(2);
    expect(filtered).toHaveLength(3);
  });
});
