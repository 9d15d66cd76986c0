#!/usr/bin/env node
// A library far larger than any real one here: N synthetic papers with random unit vectors
// (dimension 384, as all-MiniLM-L6-v2's), loaded into PostgreSQL through the store as `papers
// export` loads one (nothing embedded: the vectors are handed over), then load time, bytes on disk
// and recall@10 of the HNSW search against exact search, for questions near stored vectors.
//
//   npm run build && node bench/stores-synthetic.mjs --store postgresql://USER@/DB?host=/dir [--papers 1000000]
//        [--dimension 384] [--questions 100] [--folder] [--folder-index DIR] [--reuse] [--base DIR] [--passes 3]
//
// --folder: the folder store too, side by side (hnswlib builds its graph in this process).
// --folder-index: where the folder store's index goes (kept; default a temporary folder, removed).
// --reuse: a store that already holds the same papers (same --papers, --dimension, seed) is not
//   loaded again: only queried.
// --base: another build of papers (a worktree of main with its dist/ built) reading the same
//   PostgreSQL library: before and after in one run. Every question is asked of every reader in
//   turn (the order rotating), --passes times, so a busy moment of a shared machine falls on all.
// Writes bench/results/stores-synthetic.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { documentText } from "../dist/corpus/paper.js";
import { openIndex } from "../dist/papers.js";
import { openStore } from "../dist/store/open-store.js";
import { gaussianFrom, seededRandom, unit } from "./synthetic-vectors.mjs";

const ROOT = new URL("..", import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    store: { type: "string" },
    papers: { type: "string", default: "1000000" },
    dimension: { type: "string", default: "384" },
    questions: { type: "string", default: "100" },
    folder: { type: "boolean", default: false },
    "folder-index": { type: "string" },
    reuse: { type: "boolean", default: false },
    base: { type: "string" },
    passes: { type: "string", default: "3" },
  },
});
if (!values.store) throw new Error("--store postgresql://… is required");
const N = Number(values.papers);
const D = Number(values.dimension);
const log = (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

const random = seededRandom(42);
const gaussian = gaussianFrom(random);

log(`making ${N} papers of dimension ${D}…`);
// Clustered like real embeddings (topics), not uniform on the sphere, where HNSW has it hardest and least realistic.
const centres = Array.from({ length: 1000 }, () => unit(Float32Array.from({ length: D }, gaussian)));
const matrix = new Float32Array(N * D);
const papers = [];
const byText = new Map();
for (let i = 0; i < N; i++) {
  const centre = centres[Math.floor(random() * centres.length)];
  const v = matrix.subarray(i * D, (i + 1) * D);
  for (let j = 0; j < D; j++) v[j] = centre[j] + (0.7 / Math.sqrt(D)) * gaussian();
  unit(v);
  const paper = {
    id: `syn${i}`, title: null, abstract: `synthetic paper ${i} topic ${i % 997}`, arxivId: null, doi: null, journalRef: null,
    comments: [], authors: [`Author ${i % 5000}`], categories: [`syn.${i % 40}`], year: 1990 + (i % 35), sources: [{ file: "synthetic", line: i + 1 }],
  };
  papers.push(paper);
  byText.set(documentText(paper), v);
}
const questions = Array.from({ length: Number(values.questions) }, () => {
  const base = matrix.subarray(Math.floor(random() * N) * D);
  return unit(Float32Array.from({ length: D }, (_, j) => base[j] + (0.3 / Math.sqrt(D)) * gaussian()));
});

function exactTop(q, k) {
  const best = [];
  let worst = -Infinity;
  for (let row = 0; row < N; row++) {
    let dot = 0;
    const at = row * D;
    for (let j = 0; j < D; j++) dot += matrix[at + j] * q[j];
    if (best.length < k || dot > worst) {
      best.push({ id: `syn${row}`, score: dot });
      best.sort((a, b) => b.score - a.score);
      if (best.length > k) best.pop();
      worst = best[best.length - 1].score;
    }
  }
  return best.map((b) => b.id);
}
log("exact answers…");
const exact = questions.map((q) => exactTop(q, 10));

const spec = { id: "synthetic/random", dimension: D, pooling: "mean", maxTokens: 256, queryPrefix: "", documentPrefix: "", normalize: true };
let queryAt = 0;
const embedder = {
  describe: async () => spec,
  load: async () => ({
    model: spec,
    dtype: "fp32",
    embedDocuments: async (texts, onProgress) => {
      onProgress?.(texts.length);
      return texts.map((t) => byText.get(t));
    },
    embedQuery: async () => questions[queryAt],
    embedQueries: async (texts) => texts.map(() => questions[queryAt]),
    dispose: async () => {},
  }),
};

const report = { papers: N, dimension: D, questions: questions.length, stores: {}, queries: {} };
const pgOptions = { indexDir: join(tmpdir(), "unused"), store: `${values.store}${values.store.includes("?") ? "&" : "?"}schema=bench_synthetic` };
const folderDir = values["folder-index"] ?? join(mkdtempSync(join(tmpdir(), "papers-synthetic-")), "index");
const targets = [["postgres", pgOptions]];
if (values.folder) targets.unshift(["folder", { indexDir: folderDir }]);
for (const [name, options] of targets) {
  const store = await openStore(options);
  const held = values.reuse ? await store.builtModel().then((model) => model && store.open()).catch(() => undefined) : undefined;
  const count = held ? await held.count() : 0;
  await held?.close();
  if (count === N) {
    log(`${name} already holds ${N} papers: not loaded again`);
    await store.close();
    report.stores[name] = { load_seconds: null };
    continue;
  }
  log(`loading into ${name}…`);
  const started = performance.now();
  const loader = await embedder.load();
  // No topic map: minutes of UMAP at this size, bench/map.mjs's to measure.
  await store.update(papers, { spec, dtype: "fp32" }, async () => loader, { rebuild: true, checkpointEvery: 50_000, computeMap: false });
  report.stores[name] = { load_seconds: Number(((performance.now() - started) / 1000).toFixed(1)) };
  await store.close();
}

// The readers, each asked every question in turn: this build's stores, and the --base build's PostgreSQL reader.
const readers = [];
for (const [name, options] of targets) readers.push({ name, index: await openIndex({ ...options, embedder }) });
if (values.base) {
  const base = await import(join(values.base, "dist", "papers.js"));
  readers.push({ name: "postgres_base", index: await base.openIndex({ ...pgOptions, embedder }) });
}
const times = Object.fromEntries(readers.map((r) => [r.name, []]));
const found = Object.fromEntries(readers.map((r) => [r.name, 0]));
for (const reader of readers) for (let i = 0; i < Math.min(10, questions.length); i++) await reader.index.search(`question ${(queryAt = i)}`, 10, "dense");
const passes = Number(values.passes);
for (let pass = 0; pass < passes; pass++) {
  for (let i = 0; i < questions.length; i++) {
    queryAt = i;
    for (let j = 0; j < readers.length; j++) {
      const reader = readers[(i + pass + j) % readers.length];
      const t = performance.now();
      const hits = await reader.index.search(`question ${i}`, 10, "dense");
      times[reader.name].push(performance.now() - t);
      if (pass === 0) {
        const got = new Set(hits.map((h) => h.id));
        found[reader.name] += exact[i].filter((id) => got.has(id)).length / 10;
      }
    }
  }
}
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
for (const reader of readers) {
  const sorted = times[reader.name].sort((a, b) => a - b);
  const bytes = reader.index.info().sizeBytes;
  report.stores[reader.name] = {
    ...report.stores[reader.name],
    bytes,
    bytes_per_paper: Math.round(bytes / N),
    recall_at_10: Number((found[reader.name] / questions.length).toFixed(4)),
    dense_p50_ms: Number(pct(sorted, 50).toFixed(2)),
    dense_p99_ms: Number(pct(sorted, 99).toFixed(2)),
  };
  log(`${reader.name}: ${JSON.stringify(report.stores[reader.name])}`);
  await reader.index.close();
}
if (values.folder && !values["folder-index"]) rmSync(join(folderDir, ".."), { recursive: true, force: true });
const ratio = (a, b) => report.stores[a] && report.stores[b] && Number((report.stores[a].dense_p50_ms / report.stores[b].dense_p50_ms).toFixed(2));
report.ratios = { dense_p50_postgres_over_folder: ratio("postgres", "folder"), dense_p50_base_over_postgres: ratio("postgres_base", "postgres") };
mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
writeFileSync(join(ROOT, "bench", "results", "stores-synthetic.json"), `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report, null, 2));
