#!/usr/bin/env node
// The folder store and PostgreSQL side by side, in one run, on an existing folder index (the
// 74,728 arXiv abstracts by default), with nothing embedded again:
//
//   npm run bench -- --store postgresql://USER@/DB?host=/socket/dir [--index /work/idx/arxiv]
//        [--questions 1000] [--duration 20] [--connections 50] [--skip-load] [--skip-serve]
//
// (`npm run bench -- --store …` lands here from bench/index-arxiv.mjs.) The folder index is only
// read. Measured for each store:
//   load: the index copied from the folder into the store (`papers export --to`), vectors carried
//     over (for the folder store: into a new folder, which rebuilds its HNSW graph and SQLite);
//   bytes on disk (Postgres: the schema's tables, indexes and TOAST), and per paper;
//   query p50/p99, dense and hybrid, unfiltered and filtered by the question paper's primary
//     category, with the question's embedding cached (the store's own time; embedding is the same
//     for both stores);
//   recall@10 of dense search against exact search over the same vectors (unfiltered and filtered);
//   requests/s, p50, p99 through `papers serve` with 50 connections, every question new (each is
//     embedded and searched: what a shared server does).
// Questions: the titles of the corpus's last --questions papers when the index was built without
// them (bench/index-arxiv.mjs holds 1,000 out), else of papers in the index.
// Writes bench/results/stores.json.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { readCorpus } from "../dist/corpus/read-corpus.js";
import { copyIndex, openIndex } from "../dist/papers.js";
import { transformersLoader } from "../dist/embed/transformers-embedder.js";
import { openStore } from "../dist/store/open-store.js";

const ROOT = new URL("..", import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    store: { type: "string" },
    index: { type: "string", default: "/work/idx/arxiv" },
    data: { type: "string", default: new URL("../../shared/data/arxiv-cs-listings/papers.jsonl.gz", import.meta.url).pathname },
    questions: { type: "string", default: "1000" },
    duration: { type: "string", default: "20" },
    connections: { type: "string", default: "50" },
    "skip-load": { type: "boolean", default: false },
    "skip-serve": { type: "boolean", default: false },
  },
});
if (!values.store) throw new Error("--store postgresql://… is required");
const schemaStore = `${values.store}${values.store.includes("?") ? "&" : "?"}schema=bench_${(values.index.split("/").filter(Boolean).pop() ?? "index").replace(/[^a-z0-9_]/gi, "_").toLowerCase()}`;
const base = { offline: true };
const source = { ...base, indexDir: values.index };
const folderCopy = join(mkdtempSync(join(tmpdir(), "papers-stores-")), "index");
const postgres = { ...base, indexDir: folderCopy + "-unused", store: schemaStore };
const folder = { ...base, indexDir: folderCopy };
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const round = (x, digits = 2) => Number(x.toFixed(digits));
const log = (line) => process.stderr.write(`${line}\n`);

// Load: both stores from the same folder index, nothing embedded, and no topic map computed (its
// cost, minutes of UMAP at 74,728 papers in either store, is bench/map.mjs's to measure).
const load = {};
for (const [name, target] of [["folder", folder], ["postgres", postgres]]) {
  if (name === "postgres" && values["skip-load"]) continue;
  log(`loading ${values.index} into ${name}…`);
  const started = performance.now();
  const summary = await copyIndex(source, target, { rebuild: true, computeMap: false });
  load[name] = { seconds: round((performance.now() - started) / 1000, 1), papers: summary.manifest.count };
  log(`  ${load[name].seconds} s`);
}

const stores = { folder: await openIndex(folder), postgres: await openIndex(postgres) };
const count = stores.folder.info().count;

// Questions: held-out titles when the index lacks them, with their primary category.
const { papers: corpus } = await readCorpus([values.data]);
const n = Number(values.questions);
const held = corpus.slice(-n);
const probe = await stores.folder.list();
const ids = new Set(probe.map((p) => p.id.toLowerCase()));
const questionPapers = held.every((p) => !ids.has(p.id.toLowerCase())) ? held : probe.slice(-n);
const questions = questionPapers.map((p) => ({ text: p.title ?? p.abstract.slice(0, 100), category: p.categories[0] }));
log(`${questions.length} questions (${questionPapers === held ? "held-out titles" : "titles of indexed papers"})`);

// Exact search over the same vectors, for recall.
log("exact search…");
const reader = stores.folder;
const folderStore = await openStore(folder);
const generation = await folderStore.open();
const labelled = await generation.labelled();
const all = labelled.map((e) => e.paper);
const dimension = reader.info().dimension;
const embedder = await transformersLoader({ offline: true }).load(
  await transformersLoader({ offline: true }).describe(reader.info().model, reader.info().dtype),
  reader.info().dtype,
);
const matrix = new Float32Array(all.length * dimension);
(await generation.vectors(labelled.map((e) => e.label))).forEach((v, i) => matrix.set(v, i * dimension));
await generation.close();
await folderStore.close();
const questionVectors = [];
for (const q of questions) questionVectors.push(await embedder.embedQuery(q.text));
await embedder.dispose();
function exactTop(vector, k, keep) {
  const best = [];
  for (let row = 0; row < all.length; row++) {
    if (keep && !keep(all[row])) continue;
    let dot = 0;
    const at = row * dimension;
    for (let j = 0; j < dimension; j++) dot += matrix[at + j] * vector[j];
    if (best.length < k || dot > best[best.length - 1].score) {
      best.push({ id: all[row].id, score: dot });
      best.sort((a, b) => b.score - a.score);
      if (best.length > k) best.pop();
    }
  }
  return best.map((b) => b.id);
}
const exact = questions.map((q, i) => exactTop(questionVectors[i], 10));
const exactFiltered = questions.map((q, i) => (q.category ? exactTop(questionVectors[i], 10, (p) => p.categories.includes(q.category)) : []));

// Queries, one at a time; each question asked once before (embedding cached), then timed.
const queries = {};
const recall = {};
for (const [name, index] of Object.entries(stores)) {
  log(`queries on ${name}…`);
  for (const q of questions) await index.search(q.text, 10, "dense");
  queries[name] = {};
  for (const mode of ["dense", "hybrid"]) {
    for (const filtered of [false, true]) {
      const times = [];
      let found = 0;
      let judged = 0;
      for (const [i, q] of questions.entries()) {
        if (filtered && !q.category) continue;
        const started = performance.now();
        const hits = await index.search(q.text, 10, mode, filtered ? { category: q.category } : undefined);
        times.push(performance.now() - started);
        const truth = filtered ? exactFiltered[i] : exact[i];
        if (mode === "dense" && truth.length > 0) {
          const got = new Set(hits.map((h) => h.id));
          found += truth.filter((id) => got.has(id)).length / truth.length;
          judged++;
        }
      }
      times.sort((a, b) => a - b);
      queries[name][`${mode}${filtered ? "_filtered" : ""}`] = { p50_ms: round(pct(times, 50)), p99_ms: round(pct(times, 99)) };
      if (mode === "dense") recall[name] = { ...recall[name], [filtered ? "filtered" : "unfiltered"]: judged > 0 ? round(found / judged, 4) : null };
    }
  }
}

// Why papers asks pgvector for an iterative scan: its default plan walks ef_search candidates in
// the graph and filters them afterwards, so a filtered query can come back short.
const shortfall = {};
{
  const { parsePostgresUrl } = await import("../dist/store/postgres/connection.js");
  const { default: pg } = await import("pg");
  const target = parsePostgresUrl(schemaStore);
  const client = new pg.Client({ connectionString: target.connectionString });
  await client.connect();
  for (const scan of ["off", "relaxed_order"]) {
    await client.query(`SET hnsw.iterative_scan = ${scan}`);
    await client.query("SET hnsw.ef_search = 200");
    let short = 0;
    let asked = 0;
    for (const [i, q] of questions.entries()) {
      if (!q.category || exactFiltered[i].length < 10) continue;
      asked++;
      const { rows } = await client.query(
        `SELECT label FROM ${target.schema}.papers WHERE category_keys @> $2::text[] ORDER BY embedding <=> $1::vector LIMIT 10`,
        [`[${Array.prototype.join.call(questionVectors[i], ",")}]`, [q.category.toLowerCase()]],
      );
      if (rows.length < 10) short++;
    }
    shortfall[scan] = { queries: asked, fewer_than_10: short };
  }
  await client.end();
}

const size = {};
for (const [name, index] of Object.entries(stores)) {
  const bytes = index.info().sizeBytes;
  size[name] = { bytes, mb: round(bytes / 1e6, 1), bytes_per_paper: Math.round(bytes / count) };
}
for (const index of Object.values(stores)) await index.close();

// Through `papers serve`, 50 connections, every question new.
const serve = {};
if (!values["skip-serve"]) {
  for (const [name, args] of [["folder", ["--index", folderCopy]], ["postgres", ["--store", schemaStore]]]) {
    log(`serving from ${name}…`);
    const child = spawn(process.execPath, [join(ROOT, "bin", "papers.js"), "--offline", ...args, "serve", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
    const url = await new Promise((resolve, reject) => {
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (chunk) => {
        out += chunk;
        const match = /at (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out);
        if (match) resolve(match[1]);
      });
      child.on("exit", (code) => reject(new Error(`papers serve exited with ${code}`)));
    });
    child.stdout.resume();
    let i = 0;
    const path = () => `/api/search?${new URLSearchParams({ q: `${questions[i % questions.length].text} ${i++}`, k: "10" })}`;
    const result = await autocannon({
      url,
      connections: Number(values.connections),
      duration: Number(values.duration),
      timeout: 30,
      requests: [{ method: "GET", setupRequest: (request) => ({ ...request, path: path() }) }],
    });
    serve[name] = {
      requests_per_second: round(result.requests.average, 1),
      p50_ms: result.latency.p50,
      p99_ms: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors,
    };
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  }
}
rmSync(join(folderCopy, ".."), { recursive: true, force: true });

const report = { index: values.index, papers: count, questions: questions.length, load, size, queries, recall, serve, pgvector_filtered_shortfall: shortfall, connections: Number(values.connections), duration_s: Number(values.duration) };
mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
writeFileSync(join(ROOT, "bench", "results", "stores.json"), `${JSON.stringify(report, null, 2)}\n`);

const row = (label, f) => console.log(`| ${label} | ${f("folder")} | ${f("postgres")} |`);
console.log(`${count} papers from ${values.index}; ${questions.length} questions; PostgreSQL schema ${schemaStore.replace(/:[^:@/]*@/, ":***@")}\n`);
console.log("| | folder | PostgreSQL |\n| --- | ---: | ---: |");
row("load (s), nothing embedded", (s) => load[s]?.seconds ?? "–");
row("bytes on disk", (s) => `${size[s].mb} MB (${size[s].bytes_per_paper} B/paper)`);
for (const key of ["dense", "dense_filtered", "hybrid", "hybrid_filtered"]) row(`${key.replace("_", ", ")} p50 / p99 (ms)`, (s) => `${queries[s][key].p50_ms} / ${queries[s][key].p99_ms}`);
row("recall@10 dense vs exact", (s) => recall[s].unfiltered);
row("recall@10 dense, filtered", (s) => recall[s].filtered);
console.log(`\npgvector alone, category filter, k=10, ef_search 200: ${Object.entries(shortfall).map(([scan, s]) => `iterative_scan=${scan}: ${s.fewer_than_10} of ${s.queries} queries returned fewer than 10`).join("; ")}\n`);
if (serve.folder) row(`serve: requests/s, p50 / p99 (ms), ${values.connections} connections, new questions`, (s) => `${serve[s].requests_per_second}, ${serve[s].p50_ms} / ${serve[s].p99_ms}`);
