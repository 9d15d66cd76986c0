// Seeded random numbers and unit vectors for the synthetic benches (bench/stores-synthetic.mjs,
// bench/likes.mjs): the same library every run. The generator is the library's own (mulberry32).
export { seededRandom } from "../dist/map/knn.js";

/** A standard normal draw (Box–Muller) from a uniform source. */
export const gaussianFrom = (random) => () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());

/** Scales v to length 1, in place. */
export function unit(v) {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s) || 1;
  for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}
