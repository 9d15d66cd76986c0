/**
 * The first two principal components of a set of vectors: UMAP's "pca" start, which gives the
 * layout its global arrangement before the first epoch, so far fewer epochs are needed than from
 * a random start.
 */
import { seededRandom } from "./knn.js";

/**
 * Each vector's coordinates on the first two principal axes (x0, y0, x1, y1, …), scaled so the
 * largest absolute coordinate is `extent`. Power iteration on the covariance of at most `sample`
 * evenly spaced vectors (never formed: two passes over them per step), the second axis kept
 * orthogonal to the first; then every vector projected.
 */
export function principalCoordinates(vectors: readonly Float32Array[], extent = 10, { iterations = 30, sample = 5000, seed = 42 } = {}): Float64Array {
  const n = vectors.length;
  const out = new Float64Array(2 * n);
  if (n === 0) return out;
  const dimension = vectors[0]!.length;
  const step = Math.max(1, n / sample);
  const fit: Float32Array[] = [];
  for (let i = 0; i < n; i += step) fit.push(vectors[Math.floor(i)]!);
  const mean = new Float64Array(dimension);
  for (const v of fit) for (let d = 0; d < dimension; d++) mean[d]! += v[d]! / fit.length;
  const random = seededRandom(seed);
  const axes: Float64Array[] = [];
  for (let c = 0; c < 2; c++) {
    let axis = Float64Array.from({ length: dimension }, () => random() - 0.5);
    for (let iter = 0; iter < iterations; iter++) {
      for (const previous of axes) subtractProjection(axis, previous);
      normalise(axis);
      // axis ← Cov · axis = Σ (v − mean)((v − mean) · axis)
      const next = new Float64Array(dimension);
      for (const v of fit) {
        let s = 0;
        for (let d = 0; d < dimension; d++) s += (v[d]! - mean[d]!) * axis[d]!;
        for (let d = 0; d < dimension; d++) next[d]! += s * (v[d]! - mean[d]!);
      }
      axis = next;
    }
    for (const previous of axes) subtractProjection(axis, previous);
    normalise(axis);
    axes.push(axis);
    for (let i = 0; i < n; i++) {
      const v = vectors[i]!;
      let s = 0;
      for (let d = 0; d < dimension; d++) s += (v[d]! - mean[d]!) * axis[d]!;
      out[2 * i + c] = s;
    }
  }
  let max = 0;
  for (const value of out) max = Math.max(max, Math.abs(value));
  if (max > 0) for (let i = 0; i < out.length; i++) out[i] = (out[i]! / max) * extent;
  return out;
}

function normalise(v: Float64Array): void {
  let s = 0;
  for (const x of v) s += x * x;
  const norm = Math.sqrt(s) || 1;
  for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
}

function subtractProjection(v: Float64Array, axis: Float64Array): void {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * axis[i]!;
  for (let i = 0; i < v.length; i++) v[i] = v[i]! - s * axis[i]!;
}
