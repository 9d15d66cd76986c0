#!/usr/bin/env node
// The vector index alone, at 1,000,000 synthetic 384-dimensional unit vectors. Reports build
// time, memory, query p50/p99 and recall@10 against exact search at several ef values.
//
// --distribution clustered (default): points around 1,000 random centres inside a random
//   32-dimensional subspace, plus a little full-dimensional noise. Sentence embeddings look like
//   this: clustered, with an intrinsic dimension far below 384.
// --distribution uniform: uniformly random directions. No neighbour is much nearer than any
//   other, the worst case for every approximate index; recall is low at any practical ef.
//
//   npm run build && node bench/hnsw-synthetic.mjs [--n 1000000] [--dim 384] [--queries 200] [--ef 50,100,200,400]
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { VectorIndex } from "../dist/store/shared/vector-index.js";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "1000000" },
    dim: { type: "string", default: "384" },
    queries: { type: "string", default: "200" },
    ef: { type: "string", default: "50,100,200,400" },
    distribution: { type: "string", default: "clustered" },
  },
});
const n = Number(values.n);
const dim = Number(values.dim);

// A seeded generator, so every run indexes the same vectors.
let state = 12345;
const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
const gaussian = () => Math.sqrt(-2 * Math.log(1 - (uniform() + 1) / 2.000001)) * Math.cos(Math.PI * (uniform() + 1));
const unit = (v) => {
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += v[i] ** 2;
  norm = Math.sqrt(norm);
  for (let i = 0; i < v.length; i++) v[i] /= norm;
  return v;
};
const LATENT = 32;
const basis = Array.from({ length: LATENT }, () => Float32Array.from({ length: dim }, gaussian));
const centres = Array.from({ length: 1000 }, () => Float32Array.from({ length: LATENT }, gaussian));
const randomUnit =
  values.distribution === "uniform"
    ? () => unit(Float32Array.from({ length: dim }, uniform))
    : () => {
        const centre = centres[Math.floor(((uniform() + 1) / 2) * centres.length) % centres.length];
        const v = Float32Array.from({ length: dim }, () => 0.05 * gaussian());
        for (let j = 0; j < LATENT; j++) {
          const weight = centre[j] + 0.5 * gaussian();
          const row = basis[j];
          for (let i = 0; i < dim; i++) v[i] += weight * row[i];
        }
        return unit(v);
      };

const data = new Float32Array(n * dim);
const rssBefore = process.memoryUsage().rss;
const buildStart = performance.now();
const index = VectorIndex.create(dim, n);
for (let label = 0; label < n; label++) {
  const v = randomUnit();
  data.set(v, label * dim);
  index.add(label, v);
  if (label % 100_000 === 99_999) process.stderr.write(`added ${label + 1}\n`);
}
const buildSeconds = (performance.now() - buildStart) / 1000;
const indexMb = (process.memoryUsage().rss - rssBefore - data.byteLength) / 2 ** 20;

const queries = Array.from({ length: Number(values.queries) }, randomUnit);
const exact = queries.map((q) => {
  const scores = new Float32Array(n);
  for (let label = 0; label < n; label++) {
    let dot = 0;
    const base = label * dim;
    for (let i = 0; i < dim; i++) dot += q[i] * data[base + i];
    scores[label] = dot;
  }
  return new Set(Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]).slice(0, 10));
});

const rows = [];
for (const ef of values.ef.split(",").map(Number)) {
  index.setEf(ef);
  const times = [];
  let found = 0;
  queries.forEach((q, i) => {
    const t = performance.now();
    const hits = index.search(q, 10);
    times.push(performance.now() - t);
    found += hits.filter((h) => exact[i].has(h.label)).length;
  });
  times.sort((a, b) => a - b);
  rows.push({ ef, recall_at_10: found / (queries.length * 10), p50_ms: times[Math.floor(times.length / 2)], p99_ms: times[Math.floor(times.length * 0.99)] });
}

console.log(`${n.toLocaleString("en")} ${values.distribution} vectors × ${dim}: built in ${buildSeconds.toFixed(0)} s, index ≈ ${indexMb.toFixed(0)} MiB resident, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
console.log(`| ef | recall@10 | p50 ms | p99 ms |\n| ---: | ---: | ---: | ---: |`);
for (const r of rows) console.log(`| ${r.ef} | ${r.recall_at_10.toFixed(4)} | ${r.p50_ms.toFixed(2)} | ${r.p99_ms.toFixed(2)} |`);
mkdirSync(new URL("results/", import.meta.url), { recursive: true });
writeFileSync(new URL("results/hnsw-synthetic.json", import.meta.url), JSON.stringify({ n, dim, distribution: values.distribution, buildSeconds, indexMb, rows }, null, 2) + "\n");
