#!/usr/bin/env node
// The folder store and PostgreSQL side by side, in one run, on an existing folder index (the
// 74,728 arXiv abstracts by default), with nothing embedded again:
//
//   npm run bench -- --store postgresql://USER@/DB?host=/socket/dir [--index /work/idx/arxiv]
//        [--questions 1000] [--duration 20] [--connections 50] [--skip-load] [--skip-serve]
//        [--base DIR] [--rounds 1] [--data FILE]
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
// --base: another build of papers (a worktree of main with dist/ built) reading the same
//   PostgreSQL library, measured beside this one: before and after in one run. Queries are asked
//   of every store in turn (the order rotating); the servers all run at once and are loaded in
//   turn, --rounds times, so a busy moment of a shared machine falls on all of them.
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
    base: { type: "string" },
    rounds: { type: "string", default: "1" },
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
const baseBuild = values.base ? await import(join(values.base, "dist", "papers.js")) : undefined;
if (baseBuild) stores.postgres_base = await baseBuild.openIndex(postgres);
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

// Queries, one at a time, each store in turn; each question asked once before (embedding cached), then timed.
const queries = {};
const recall = {};
const names = Object.keys(stores);
for (const [name, index] of Object.entries(stores)) {
  log(`warming ${name}…`);
  for (const q of questions) await index.search(q.text, 10, "dense");
  queries[name] = {};
}
for (const mode of ["dense", "hybrid"]) {
  for (const filtered of [false, true]) {
    log(`queries: ${mode}${filtered ? ", filtered" : ""}…`);
    const times = Object.fromEntries(names.map((name) => [name, []]));
    const found = Object.fromEntries(names.map((name) => [name, 0]));
    let judged = 0;
    for (const [i, q] of questions.entries()) {
      if (filtered && !q.category) continue;
      const truth = filtered ? exactFiltered[i] : exact[i];
      if (truth.length > 0) judged++;
      for (let j = 0; j < names.length; j++) {
        const name = names[(i + j) % names.length];
        const started = performance.now();
        const hits = await stores[name].search(q.text, 10, mode, filtered ? { category: q.category } : undefined);
        times[name].push(performance.now() - started);
        if (mode === "dense" && truth.length > 0) {
          const got = new Set(hits.map((h) => h.id));
          found[name] += truth.filter((id) => got.has(id)).length / truth.length;
        }
      }
    }
    for (const name of names) {
      const sorted = times[name].sort((a, b) => a - b);
      queries[name][`${mode}${filtered ? "_filtered" : ""}`] = { p50_ms: round(pct(sorted, 50)), p99_ms: round(pct(sorted, 99)) };
      if (mode === "dense") recall[name] = { ...recall[name], [filtered ? "filtered" : "unfiltered"]: judged > 0 ? round(found[name] / judged, 4) : null };
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

// Through `papers serve`, 50 connections, every question new: every server started, then loaded
// in turn, --rounds times.
const serve = {};
if (!values["skip-serve"]) {
  const servers = [["folder", ROOT, ["--index", folderCopy]], ["postgres", ROOT, ["--store", schemaStore]]];
  if (values.base) servers.push(["postgres_base", values.base, ["--store", schemaStore]]);
  const running = [];
  for (const [name, root, args] of servers) {
    log(`starting ${name} server…`);
    const child = spawn(process.execPath, [join(root, "bin", "papers.js"), "--offline", ...args, "serve", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
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
    running.push({ name, child, url, rounds: [] });
  }
  let i = 0;
  const path = () => `/api/search?${new URLSearchParams({ q: `${questions[i % questions.length].text} ${i++}`, k: "10" })}`;
  for (let turn = 0; turn < Number(values.rounds); turn++) {
    for (let j = 0; j < running.length; j++) {
      const server = running[(turn + j) % running.length];
      log(`round ${turn + 1}: serving from ${server.name}…`);
      const result = await autocannon({
        url: server.url,
        connections: Number(values.connections),
        duration: Number(values.duration),
        timeout: 30,
        requests: [{ method: "GET", setupRequest: (request) => ({ ...request, path: path() }) }],
      });
      server.rounds.push({ requests_per_second: round(result.requests.average, 1), p50_ms: result.latency.p50, p99_ms: result.latency.p99, non2xx: result.non2xx, errors: result.errors });
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const server of running) {
    serve[server.name] = {
      requests_per_second: median(server.rounds.map((r) => r.requests_per_second)),
      p50_ms: median(server.rounds.map((r) => r.p50_ms)),
      p99_ms: median(server.rounds.map((r) => r.p99_ms)),
      non2xx: server.rounds.reduce((n, r) => n + r.non2xx, 0),
      errors: server.rounds.reduce((n, r) => n + r.errors, 0),
      rounds: server.rounds,
    };
    server.child.kill("SIGTERM");
    await new Promise((resolve) => server.child.once("exit", resolve));
  }
  // Per round, each against folder: the ratio the machine's load moves least.
  serve.ratios_per_round = running[0].rounds.map((folderRound, r) =>
    Object.fromEntries(running.slice(1).map((server) => [`${server.name}_over_folder`, round(server.rounds[r].requests_per_second / folderRound.requests_per_second)])),
  );
}
rmSync(join(folderCopy, ".."), { recursive: true, force: true });

const report = { index: values.index, papers: count, questions: questions.length, load, size, queries, recall, serve, pgvector_filtered_shortfall: shortfall, connections: Number(values.connections), duration_s: Number(values.duration) };
mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
writeFileSync(join(ROOT, "bench", "results", "stores.json"), `${JSON.stringify(report, null, 2)}\n`);

const row = (label, f) => console.log(`| ${label} | ${names.map((name) => f(name)).join(" | ")} |`);
console.log(`${count} papers from ${values.index}; ${questions.length} questions; PostgreSQL schema ${schemaStore.replace(/:[^:@/]*@/, ":***@")}\n`);
console.log(`| | ${names.join(" | ")} |\n| --- |${names.map(() => " ---: |").join("")}`);
row("load (s), nothing embedded", (s) => load[s]?.seconds ?? "–");
row("bytes on disk", (s) => (size[s] ? `${size[s].mb} MB (${size[s].bytes_per_paper} B/paper)` : "–"));
for (const key of ["dense", "dense_filtered", "hybrid", "hybrid_filtered"]) row(`${key.replace("_", ", ")} p50 / p99 (ms)`, (s) => `${queries[s][key].p50_ms} / ${queries[s][key].p99_ms}`);
row("recall@10 dense vs exact", (s) => recall[s].unfiltered);
row("recall@10 dense, filtered", (s) => recall[s].filtered);
console.log(`\npgvector alone, category filter, k=10, ef_search 200: ${Object.entries(shortfall).map(([scan, s]) => `iterative_scan=${scan}: ${s.fewer_than_10} of ${s.queries} queries returned fewer than 10`).join("; ")}\n`);
if (serve.folder) {
  row(`serve: requests/s, p50 / p99 (ms), ${values.connections} connections, new questions (median of ${values.rounds} rounds)`, (s) => `${serve[s].requests_per_second}, ${serve[s].p50_ms} / ${serve[s].p99_ms}`);
  console.log(`\nrequests/s against folder, per round: ${JSON.stringify(serve.ratios_per_round)}`);
}
