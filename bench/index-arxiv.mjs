#!/usr/bin/env node
// Indexing and query speed at scale, on the 74,728 real arXiv abstracts in ../shared/data.
//
//   npm run build && node bench/index-arxiv.mjs [--limit N] [--dtype fp32|q8] [--holdout 1000] [--raw 2000]
//                                               [--ef 100,200,400] [--keep] [--reuse]
//
// --keep leaves the index in --index; --reuse measures queries on such an index without building
// (the build figures are then left out).
//
// Prints a table and writes bench/results/index-arxiv.json with:
//   end-to-end embedding docs/s (papers index, incl. reading, tokenising, HNSW, SQLite) and the raw
//   onnxruntime-node ceiling on the same model and the same pre-tokenised batches; full build
//   time; index size on disk; peak RSS; warm query latency p50/p99 (embedding + search), also
//   lexical alone and with a category filter; HNSW recall@10 against exact search over the same
//   vectors, for held-out papers' titles as queries.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import * as ort from "onnxruntime-node";
import { documentText } from "../dist/corpus/paper.js";
import { readCorpus } from "../dist/corpus/read-corpus.js";
import { knownModel, onnxFileName } from "../dist/embed/models.js";
import { currentGeneration } from "../dist/store/folder/generations.js";
import { HNSW_FILE, STORE_FILE, readManifest } from "../dist/store/folder/manifest-file.js";
import { VectorIndex } from "../dist/store/shared/vector-index.js";
import { indexPaperList, openIndex } from "../dist/papers.js";
import { resolveOptions } from "../dist/settings.js";

// `npm run bench -- --store postgresql://…` compares the stores on an existing index instead.
if (process.argv.includes("--store")) {
  await import("./stores.mjs");
  process.exit(process.exitCode ?? 0);
}

const { values } = parseArgs({
  options: {
    data: { type: "string", default: new URL("../../shared/data/arxiv-cs-listings/papers.jsonl.gz", import.meta.url).pathname },
    index: { type: "string", default: join(tmpdir(), "papers-bench-arxiv") },
    limit: { type: "string" },
    model: { type: "string", default: "minilm" },
    dtype: { type: "string", default: "fp32" },
    holdout: { type: "string", default: "1000" },
    raw: { type: "string", default: "2000" },
    keep: { type: "boolean", default: false },
    reuse: { type: "boolean", default: false },
    ef: { type: "string", default: "100,200,400" },
  },
});
const options = { ...resolveOptions({ index: values.index, model: values.model, dtype: values.dtype }), rebuild: true };
const spec = knownModel(values.model);
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

// Read, and hold out the last papers as queries (their titles), so queries are not in the index.
const started = performance.now();
const { papers: all } = await readCorpus([values.data]);
const limit = values.limit ? Number(values.limit) : all.length;
const holdout = Number(values.holdout);
const papers = all.slice(0, Math.max(0, limit - holdout));
const heldOut = all.slice(limit - holdout, limit);
const queries = heldOut.map((p) => p.title ?? p.abstract.slice(0, 100));
const readSeconds = (performance.now() - started) / 1000;

// End to end: the same call `papers index` makes.
let summary = null;
if (!(values.reuse && currentGeneration(values.index))) {
  rmSync(values.index, { recursive: true, force: true });
  let lastPrint = 0;
  summary = await indexPaperList(papers, [values.data], options, (done, total) => {
    if (performance.now() - lastPrint > 10_000) {
      lastPrint = performance.now();
      process.stderr.write(`embedded ${done}/${total}\n`);
    }
  });
}
// Peak RSS so far: reading the corpus and building the index, before any query machinery loads.
const buildPeakRssMb = summary ? process.resourceUsage().maxRSS / 1024 : null;
const generation = currentGeneration(values.index);
const manifest = readManifest(generation);
const info = await openIndex(options);
const sizeBytes = info.info().sizeBytes;

// Warm queries: embedding + hybrid search, one at a time as a user asks them.
await info.search("warm-up question", 10);
const latencies = [];
for (const q of queries) {
  const t = performance.now();
  await info.search(q, 10);
  latencies.push(performance.now() - t);
}
latencies.sort((a, b) => a - b);

// BM25 alone (no embedding): the part of a hybrid query that grows with the corpus's words.
const lexicalLatencies = [];
for (const q of queries) {
  const t = performance.now();
  await info.search(q, 10, "lexical");
  lexicalLatencies.push(performance.now() - t);
}
lexicalLatencies.sort((a, b) => a - b);

// The same, restricted to the held-out paper's own primary category (--category), as in "like
// this, within cs.CR": subsets from a few hundred papers (exact scan) to tens of thousands (HNSW
// with a filter).
const filteredLatencies = [];
for (const [i, q] of queries.entries()) {
  const category = heldOut[i].categories[0];
  if (!category) continue;
  const t = performance.now();
  await info.search(q, 10, "hybrid", { category });
  filteredLatencies.push(performance.now() - t);
}
filteredLatencies.sort((a, b) => a - b);

// HNSW recall@10 against exact search over the same vectors, at several ef. The live vectors are
// copied out once (getPoint per label per query would take seconds a query).
const vectors = VectorIndex.load(join(generation, HNSW_FILE), manifest.model.dimension, manifest.hnsw.efSearch);
const embedder = await (await import("../dist/embed/transformers-embedder.js")).loadTransformersEmbedder(spec, values.dtype, options);
const db = new Database(join(generation, STORE_FILE), { readonly: true });
const labels = db.prepare("SELECT label FROM papers").all().map((r) => r.label);
db.close();
const dim = manifest.model.dimension;
const matrix = new Float32Array(labels.length * dim);
labels.forEach((label, row) => matrix.set(vectors.vector(label), row * dim));
const queryVectors = [];
for (const q of queries) queryVectors.push(await embedder.embedQuery(q));
const exactTop = queryVectors.map((v) => {
  const scores = new Float32Array(labels.length);
  for (let row = 0; row < labels.length; row++) {
    let dot = 0;
    for (let i = 0, base = row * dim; i < dim; i++) dot += v[i] * matrix[base + i];
    scores[row] = dot;
  }
  const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]).slice(0, 10);
  return new Set(order.map((row) => labels[row]));
});
const recallByEf = {};
for (const ef of values.ef.split(",").map(Number)) {
  vectors.setEf(ef);
  let found = 0;
  queryVectors.forEach((v, i) => (found += vectors.search(v, 10).filter((n) => exactTop[i].has(n.label)).length));
  recallByEf[ef] = found / (queries.length * 10);
}
const recall = recallByEf[manifest.hnsw.efSearch] ?? null;

// The ceiling: onnxruntime-node alone on the same pre-tokenised batches (sorted by length, 32 each).
const rawDocs = papers.slice(0, Number(values.raw)).map(documentText).sort((a, b) => a.length - b.length);
const { AutoTokenizer, env } = await import("@huggingface/transformers");
const modelFolder = (await import("../dist/embed/locate.js")).locateModel(spec.id, values.dtype, options).folder;
env.localModelPath = modelFolder.slice(0, -spec.id.length);
env.allowLocalModels = true;
const tokenizer = await AutoTokenizer.from_pretrained(spec.id);
const batches = [];
for (let i = 0; i < rawDocs.length; i += 32) {
  const enc = tokenizer(rawDocs.slice(i, i + 32), { padding: true, truncation: true, max_length: spec.maxTokens });
  const feeds = {};
  for (const [name, tensor] of Object.entries(enc)) feeds[name] = new ort.Tensor("int64", tensor.data, tensor.dims);
  batches.push(feeds);
}
const session = await ort.InferenceSession.create(join(modelFolder, "onnx", onnxFileName(values.dtype)), {
  intraOpNumThreads: availableParallelism(),
});
const wanted = new Set(session.inputNames);
const rawStart = performance.now();
for (const feeds of batches) await session.run(Object.fromEntries(Object.entries(feeds).filter(([name]) => wanted.has(name))));
const rawDocsPerSecond = rawDocs.length / ((performance.now() - rawStart) / 1000);

const result = {
  papers: manifest.count,
  model: manifest.model.id,
  dtype: manifest.model.dtype,
  read_seconds: readSeconds,
  build_seconds: summary?.seconds ?? null,
  docs_per_second_end_to_end: summary ? summary.embedded / summary.seconds : null,
  docs_per_second_raw_onnxruntime: rawDocsPerSecond,
  index_bytes: sizeBytes,
  peak_rss_build_mb: buildPeakRssMb,
  peak_rss_whole_bench_mb: process.resourceUsage().maxRSS / 1024,
  query_p50_ms: percentile(latencies, 50),
  query_p99_ms: percentile(latencies, 99),
  lexical_query_p50_ms: percentile(lexicalLatencies, 50),
  lexical_query_p99_ms: percentile(lexicalLatencies, 99),
  filtered_query_p50_ms: percentile(filteredLatencies, 50),
  filtered_query_p99_ms: percentile(filteredLatencies, 99),
  recall_at_10: recall,
  ...Object.fromEntries(Object.entries(recallByEf).map(([ef, r]) => [`recall_at_10_ef_${ef}`, r])),
  queries: queries.length,
  ef_search: manifest.hnsw.efSearch,
};
console.log(`| metric | value |\n| --- | ---: |`);
for (const [k, v] of Object.entries(result)) console.log(`| ${k} | ${typeof v === "number" && !Number.isInteger(v) ? v.toFixed(k.includes("recall") ? 4 : 1) : v} |`);
mkdirSync(new URL("results/", import.meta.url), { recursive: true });
writeFileSync(new URL("results/index-arxiv.json", import.meta.url), JSON.stringify(result, null, 2) + "\n");
await info.close();
await embedder.dispose();
if (!values.keep && !values.reuse) rmSync(values.index, { recursive: true, force: true });
