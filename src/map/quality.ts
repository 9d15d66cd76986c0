/**
 * How good a topic map is, for bench/map-quality.mjs: the layout's trustworthiness (Venna &
 * Kaski 2001, as scikit-learn computes it) and the agreement of two topic assignments (adjusted
 * Rand index, normalised mutual information).
 */

/**
 * Trustworthiness T(k) of a 2-D layout (x0, y0, x1, y1, …) of `vectors`: 1 when each point's k
 * nearest on the map (Euclidean) are among its k nearest by cosine, less for every intruder,
 * weighted by how far down the cosine ranking it is. Needs k < n / 2; O(n²) time, so callers pass
 * a sample of a few thousand points.
 */
export function trustworthiness(vectors: readonly ArrayLike<number>[], layout: ArrayLike<number>, k: number): number {
  const n = vectors.length;
  if (k >= n / 2) throw new RangeError(`trustworthiness needs k < n/2 (k ${k}, n ${n})`);
  const norms = vectors.map((v) => Math.sqrt(dot(v, v)) || 1);
  const rank = new Int32Array(n);
  const similarity = new Float64Array(n);
  const order = new Int32Array(n);
  const mapDistance = new Float64Array(n);
  let penalty = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) similarity[j] = j === i ? Infinity : dot(vectors[i]!, vectors[j]!) / (norms[i]! * norms[j]!);
    for (let j = 0; j < n; j++) order[j] = j;
    order.sort((p, q) => similarity[q]! - similarity[p]! || p - q);
    // order[0] is i itself: rank r means the r-th nearest other point.
    for (let r = 0; r < n; r++) rank[order[r]!] = r;
    for (let j = 0; j < n; j++) mapDistance[j] = j === i ? -1 : (layout[2 * i]! - layout[2 * j]!) ** 2 + (layout[2 * i + 1]! - layout[2 * j + 1]!) ** 2;
    for (let j = 0; j < n; j++) order[j] = j;
    order.sort((p, q) => mapDistance[p]! - mapDistance[q]! || p - q);
    for (let r = 1; r <= k; r++) {
      const high = rank[order[r]!]!;
      if (high > k) penalty += high - k;
    }
  }
  return 1 - (2 / (n * k * (2 * n - 3 * k - 1))) * penalty;
}

/** Adjusted Rand index of two assignments of the same points: 1 identical, about 0 at random. */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { table, rows, cols, n } = contingency(a, b);
  const pairs = (x: number) => (x * (x - 1)) / 2;
  let sumCells = 0;
  for (const count of table.values()) sumCells += pairs(count);
  let sumRows = 0, sumCols = 0;
  for (const count of rows.values()) sumRows += pairs(count);
  for (const count of cols.values()) sumCols += pairs(count);
  const expected = (sumRows * sumCols) / pairs(n);
  const max = (sumRows + sumCols) / 2;
  return max === expected ? 1 : (sumCells - expected) / (max - expected);
}

/** Normalised mutual information (arithmetic mean of the entropies, scikit-learn's default). */
export function normalisedMutualInformation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { table, rows, cols, n } = contingency(a, b);
  const entropy = (counts: Map<number, number>) => {
    let h = 0;
    for (const c of counts.values()) h -= (c / n) * Math.log(c / n);
    return h;
  };
  let mutual = 0;
  for (const [key, c] of table) {
    const [r, s] = key.split(":").map(Number) as [number, number];
    mutual += (c / n) * Math.log((c * n) / (rows.get(r)! * cols.get(s)!));
  }
  const [ha, hb] = [entropy(rows), entropy(cols)];
  return ha + hb === 0 ? 1 : mutual / ((ha + hb) / 2);
}

function contingency(a: ArrayLike<number>, b: ArrayLike<number>) {
  if (a.length !== b.length) throw new RangeError(`assignments differ in length (${a.length}, ${b.length})`);
  const table = new Map<string, number>(), rows = new Map<number, number>(), cols = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    const key = `${a[i]}:${b[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    rows.set(a[i]!, (rows.get(a[i]!) ?? 0) + 1);
    cols.set(b[i]!, (cols.get(b[i]!) ?? 0) + 1);
  }
  return { table, rows, cols, n: a.length };
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
