/** Vectors as PostgreSQL holds them: pgvector's text form, and bytea in the checkpoint table. */
import { PapersError } from "../../errors.js";
import { REBUILD_HINT } from "../shared/manifest.js";

/** pgvector's text form; a float32 printed as a JS number reads back as the same float32. */
export function vectorLiteral(vector: Float32Array): string {
  return `[${Array.prototype.join.call(vector, ",")}]`;
}

/** A vector read back; a missing one (NULL) is a damaged library, said so. */
export function parseVector(text: string | null, label: number, location: string): Float32Array {
  if (text === null) throw new PapersError("INDEX_DAMAGED", `index at ${location} is damaged (the paper or passage labelled ${label} has no vector): ${REBUILD_HINT}`);
  return Float32Array.from(text.slice(1, -1).split(","), Number);
}

export function vectorToBuffer(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer.slice(vector.byteOffset, vector.byteOffset + vector.byteLength));
}

export function bufferToVector(buffer: Buffer): Float32Array {
  return new Float32Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
}

