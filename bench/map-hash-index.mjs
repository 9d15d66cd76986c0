#!/usr/bin/env node
// Indexes the 74,728 arXiv abstracts with a hash embedder (each word a fixed pseudo-random
// 384-d direction, as MiniLM's dimension) instead of the model: what the index build, the topic
// map it now writes, and the map page cost at that size, in minutes rather than the model's
// hours. Nothing here is about meaning: the topics of hash vectors are not the model's.
//
//   npm run build && /usr/bin/time -v node bench/map-hash-index.mjs /tmp/arxiv-hash [--no-map]
// --no-map leaves the map out of the build (for bench/map-quality.mjs, which computes it).
//   node bench/map.mjs --index /tmp/arxiv-hash        # page load and /api/map size, map stored
import { createHash } from "node:crypto";
import { indexPapers, openIndex } from "../dist/papers.js";
const spec = { id: "test/hash-384", dimension: 384, pooling: "mean", maxTokens: 256, queryPrefix: "", documentPrefix: "", normalize: true };
const words = new Map();
function embed(text) {
  const v = new Float32Array(384);
  for (const w of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    let d = words.get(w);
    if (!d) { const b = createHash("sha512").update(w).digest(); d = Float32Array.from({ length: 384 }, (_, i) => (b[i % 64] ^ b[(i * 7 + 3) % 64] * (i % 5 + 1)) / 127.5 - 1); words.set(w, d); }
    for (let i = 0; i < 384; i++) v[i] += d[i];
  }
  const n = Math.hypot(...v) || 1; return v.map((x) => x / n);
}
const embedder = { describe: async () => spec, load: async () => ({ model: spec, dtype: "fp32", embedDocuments: async (t, p) => { const r = t.map(embed); p?.(t.length); return r; }, embedQuery: async (t) => embed(t), embedQueries: async (t) => t.map(embed), dispose: async () => {} }) };
const indexDir = process.argv[2];
const computeMap = !process.argv.includes("--no-map");
let t = performance.now();
const s = await indexPapers(["/work/shared/data/arxiv-cs-listings/papers.jsonl.gz"], { indexDir, embedder, computeMap });
console.log("indexed", s.manifest.count, "in", Math.round(performance.now() - t) / 1000, "s");
if (!computeMap) process.exit(0);
const index = await openIndex({ indexDir, embedder });
console.log("stored map:", await index.hasStoredTopicMap(), "topics:", (await index.topics()).slice(0, 10).map((x) => `${x.label} (${x.size})`));
await index.close();
