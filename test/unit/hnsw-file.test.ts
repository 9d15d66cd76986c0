/** Vectors read straight from hnswlib's saved file are the ones the graph holds. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { seededRandom } from "../../src/map/knn.js";
import { HnswFileVectors } from "../../src/store/shared/hnsw-file.js";
import { storedDimension, VectorIndex } from "../../src/store/shared/vector-index.js";

describe("HnswFileVectors", () => {
  const dir = mkdtempSync(join(tmpdir(), "papers-hnsw-file-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads every label's vector as getPoint gives it, beside deleted ones, with sparse labels", () => {
    const random = seededRandom(3);
    const index = VectorIndex.create(24, 200);
    // Labels with gaps, as a store's are once papers are removed.
    const labels = Array.from({ length: 150 }, (_, i) => i * 7 + (i % 3));
    for (const label of labels) index.add(label, Float32Array.from({ length: 24 }, () => random() - 0.5));
    for (const label of labels.slice(0, 10)) index.remove(label);
    const path = join(dir, "graph.hnsw");
    index.save(path);
    const file = HnswFileVectors.open(path);
    try {
      expect(file.dimension).toBe(24);
      for (const label of labels.slice(10)) expect(file.vector(label)).toEqual(index.vector(label));
      expect(() => file.vector(5)).toThrow(/no vector for label 5/);
    } finally {
      file.close();
    }
    expect(storedDimension(path)).toBe(24);
  });

  it("refuses a file that is not a graph, or is cut short", () => {
    const junk = join(dir, "junk.hnsw");
    writeFileSync(junk, Buffer.alloc(40));
    expect(() => HnswFileVectors.open(junk)).toThrow(/not an hnswlib graph/);
    expect(storedDimension(junk)).toBeNull();
    const index = VectorIndex.create(8, 10);
    for (let label = 0; label < 10; label++) index.add(label, Float32Array.from({ length: 8 }, (_, d) => (d === label % 8 ? 1 : 0.1)));
    const whole = join(dir, "whole.hnsw");
    index.save(whole);
    const cut = join(dir, "cut.hnsw");
    writeFileSync(cut, readFileSync(whole).subarray(0, 300));
    expect(() => HnswFileVectors.open(cut)).toThrow(/cut short/);
  });
});
