import hnswlib from "hnswlib-node";
import { closeSync, openSync } from "node:fs";
import { basename, dirname } from "node:path";
import { PapersError } from "../../errors.js";
import { DEFAULT_HNSW, type HnswParams } from "./hnsw.js";
import { readHnswLayout } from "./hnsw-file.js";
import { REBUILD_HINT } from "./manifest.js";

export interface Neighbor {
  label: number;
  /** Cosine similarity, 1 for the same direction. */
  score: number;
}

/** Approximate nearest-neighbour search over unit vectors, cosine space, integer labels. */
export class VectorIndex {
  private constructor(
    private readonly hnsw: hnswlib.HierarchicalNSW,
    readonly dimension: number,
  ) {}

  static create(dimension: number, capacity: number, params: HnswParams = DEFAULT_HNSW): VectorIndex {
    const hnsw = new hnswlib.HierarchicalNSW("cosine", dimension);
    hnsw.initIndex({ maxElements: Math.max(1, capacity), m: params.m, efConstruction: params.efConstruction, randomSeed: 100 });
    hnsw.setEf(params.efSearch);
    return new VectorIndex(hnsw, dimension);
  }

  static load(path: string, dimension: number, efSearch: number): VectorIndex {
    const stored = storedDimension(path);
    if (stored !== null && stored !== dimension) {
      throw new PapersError(
        "INDEX_DAMAGED",
        `index at ${dirname(path)} is damaged (${basename(path)} holds ${stored}-dimensional vectors, the manifest says ${dimension}): ${REBUILD_HINT}`,
      );
    }
    const hnsw = new hnswlib.HierarchicalNSW("cosine", dimension);
    try {
      hnsw.readIndexSync(path);
    } catch (error) {
      // Checksums catch this first; an index written before them can still get here.
      const reason = error instanceof Error ? error.message : String(error);
      throw new PapersError("INDEX_DAMAGED", `index at ${dirname(path)} is damaged (${basename(path)}: ${reason}): ${REBUILD_HINT}`);
    }
    // hnswlib-node resets ef to 10 on every load, which loses recall: set it again.
    hnsw.setEf(efSearch);
    return new VectorIndex(hnsw, dimension);
  }

  /** Candidate list size at query time (hnswlib's ef). */
  setEf(ef: number): void {
    this.hnsw.setEf(ef);
  }

  get size(): number {
    return this.hnsw.getCurrentCount();
  }

  add(label: number, vector: Float32Array): void {
    if (this.size >= this.hnsw.getMaxElements()) this.hnsw.resizeIndex(Math.max(16, this.size * 2));
    this.hnsw.addPoint(Array.from(vector), label);
  }

  /** Marks a vector deleted: searches skip it, and it keeps its place until compaction. */
  remove(label: number): void {
    this.hnsw.markDelete(label);
  }

  /** A new graph holding only the given labels' vectors: deleted ones stop costing memory and time. */
  compacted(labels: readonly number[]): VectorIndex {
    const next = VectorIndex.create(this.dimension, labels.length);
    next.hnsw.setEf(this.hnsw.getEf());
    for (const label of labels) next.add(label, this.vector(label));
    return next;
  }

  vector(label: number): Float32Array {
    return Float32Array.from(this.hnsw.getPoint(label));
  }

  /** The k nearest labels, best first; `accept` can rule labels out. */
  search(vector: Float32Array, k: number, accept?: (label: number) => boolean): Neighbor[] {
    const n = Math.min(k, this.size);
    if (n <= 0) return [];
    const { neighbors, distances } = this.hnsw.searchKnn(Array.from(vector), n, accept);
    return neighbors.map((label, i) => ({ label, score: 1 - distances[i]! }));
  }

  /** The exact k nearest among the given labels, by comparing with each: for small subsets. */
  exactSearch(vector: Float32Array, k: number, labels: Iterable<number>): Neighbor[] {
    const scored = Array.from(labels, (label) => {
      const other = this.hnsw.getPoint(label);
      let dot = 0;
      for (let i = 0; i < other.length; i++) dot += vector[i]! * other[i]!;
      return { label, score: dot };
    });
    return scored.sort((a, b) => b.score - a.score || a.label - b.label).slice(0, k);
  }

  save(path: string): void {
    this.hnsw.writeIndexSync(path);
  }
}

/**
 * The vector dimension an hnswlib file was written with, from its header (hnsw-file.ts), or null
 * when the header cannot be read. hnswlib itself trusts the dimension it is given, and reads a
 * file of another one into garbage.
 */
export function storedDimension(path: string): number | null {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    return readHnswLayout(fd)?.dimension ?? null;
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
