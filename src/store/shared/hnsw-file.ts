/**
 * hnswlib's saved graph, read directly (the layout of hnswalg.h's saveIndex): a 96-byte header
 * (offsetLevel0, maxElements, count, sizeDataPerElement, labelOffset, offsetData as size_t;
 * maxLevel and the entry point as 32-bit; maxM, maxM0, M, mult, efConstruction as 64-bit), then
 * `count` level-0 records of sizeDataPerElement bytes: the links, the float32 vector at
 * offsetData, the label (size_t) at labelOffset.
 */
import { closeSync, openSync, readSync } from "node:fs";

const HEADER_BYTES = 96;

export interface HnswFileLayout {
  count: number;
  bytesPerElement: number;
  labelOffset: number;
  vectorOffset: number;
  dimension: number;
}

/** The layout a file's header gives, or null when it cannot be read or makes no sense. */
export function readHnswLayout(fd: number): HnswFileLayout | null {
  const header = Buffer.alloc(HEADER_BYTES);
  if (readSync(fd, header, 0, HEADER_BYTES, 0) < HEADER_BYTES) return null;
  const [count, bytesPerElement, labelOffset, vectorOffset] = [16, 24, 32, 40].map((at) => Number(header.readBigUInt64LE(at))) as [number, number, number, number];
  const bytes = labelOffset - vectorOffset;
  if (bytes <= 0 || bytes % 4 !== 0 || labelOffset + 8 > bytesPerElement) return null;
  return { count, bytesPerElement, labelOffset, vectorOffset, dimension: bytes / 4 };
}

/**
 * A saved graph's vectors by label, each read from the file when asked for. hnswlib-node's
 * getPoint builds a JavaScript array one element at a time (35 µs for 384 dimensions on this
 * Xeon); a read from the page cache takes a few, and holds no copy of every vector in memory.
 */
export class HnswFileVectors {
  private constructor(
    private readonly fd: number,
    private readonly layout: HnswFileLayout,
    private readonly elementOf: Map<number, number>,
  ) {}

  /** Opens a saved graph and reads every element's label (the file once, in large reads). */
  static open(path: string): HnswFileVectors {
    const fd = openSync(path, "r");
    try {
      const layout = readHnswLayout(fd);
      if (!layout) throw new Error(`${path} is not an hnswlib graph`);
      const elementOf = new Map<number, number>();
      const perRead = Math.max(1, Math.floor((8 << 20) / layout.bytesPerElement));
      const chunk = Buffer.alloc(perRead * layout.bytesPerElement);
      for (let first = 0; first < layout.count; first += perRead) {
        const elements = Math.min(perRead, layout.count - first);
        const bytes = elements * layout.bytesPerElement;
        if (readSync(fd, chunk, 0, bytes, HEADER_BYTES + first * layout.bytesPerElement) < bytes) throw new Error(`${path} is cut short`);
        for (let e = 0; e < elements; e++) elementOf.set(Number(chunk.readBigUInt64LE(e * layout.bytesPerElement + layout.labelOffset)), first + e);
      }
      return new HnswFileVectors(fd, layout, elementOf);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  get dimension(): number {
    return this.layout.dimension;
  }

  /** The vector stored for `label` (as hnswlib keeps it: normalised, for the cosine space). */
  vector(label: number): Float32Array {
    const element = this.elementOf.get(label);
    if (element === undefined) throw new Error(`no vector for label ${label} in the graph's file`);
    const vector = new Float32Array(this.layout.dimension);
    const bytes = new Uint8Array(vector.buffer);
    readSync(this.fd, bytes, 0, bytes.length, HEADER_BYTES + element * this.layout.bytesPerElement + this.layout.vectorOffset);
    return vector;
  }

  close(): void {
    closeSync(this.fd);
  }
}
