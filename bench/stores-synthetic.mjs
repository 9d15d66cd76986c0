#!/usr/bin/env node
// A library far larger than any real one here: N synthetic papers with random unit vectors
// (dimension 384, as all-MiniLM-L6-v2's, clustered around 1,000 centres), loaded into PostgreSQL
// through the store as `papers export` loads one (nothing embedded: the vectors are handed over),
// then for each store: load time and its parts, bytes on disk, peak memory while loading and while
// serving, dense p50/p99 over warm questions, and recall@10 of the HNSW search against exact search,
// for questions that are stored vectors moved a little.
//
//   npm run build && node bench/stores-synthetic.mjs --store postgresql://USER@/DB?host=/dir [--papers 1000000]
//        [--dimension 384] [--questions 200] [--folder] [--pg-data DIR] [--texts PAPERS.jsonl.gz]
//
// --folder: the folder store too, side by side (hnswlib builds its graph in the loading process).
// Each load and each search runs in a child process of its own (this script again, --role), so its
// peak RSS is the store's and not this process's, which holds the vectors for the exact answers.
// The search child opens the library as `papers serve` would and asks every question twice; the
// second, warm pass is timed. --pg-data: the server's data folder (default: the socket folder of
// --store, as scripts/pg-server.sh makes it), whose processes' memory (PSS) is sampled each second.
// No topic map is computed (computeMap false): at a million papers that is another bench.
// --texts: the papers' titles, abstracts, authors and categories are real ones read from this file
// (as `papers index` reads it; at most as many papers as it holds), the vectors still synthetic:
// what real text adds to the bytes and memory a paper takes, e.g. ../shared/data/arxiv-cs-listings/papers.jsonl.gz.
// Writes bench/results/stores-synthetic-N.json (stores-synthetic-N-texts.json with --texts).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { documentText } from "../dist/corpus/paper.js";
import { readCorpus } from "../dist/corpus/read-corpus.js";
import { openIndex } from "../dist/papers.js";
import { openStore } from "../dist/store/open-store.js";
import { VectorIndex } from "../dist/store/shared/vector-index.js";
import { gaussianFrom, seededRandom, unit } from "./synthetic-vectors.mjs";
import { databaseServerCpu } from "./pg-cpu.mjs";

const ROOT = new URL("..", import.meta.url).pathname;
const SCRIPT = new URL(import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    store: { type: "string" },
    papers: { type: "string", default: "1000000" },
    dimension: { type: "string", default: "384" },
    questions: { type: "string", default: "200" },
    folder: { type: "boolean", default: false },
    "pg-data": { type: "string" },
    texts: { type: "string" },
    // Internal: what a child process does (load | search), where, and the questions' file.
    role: { type: "string" },
    target: { type: "string" },
    "questions-file": { type: "string" },
  },
});
if (!values.store) throw new Error("--store postgresql://… is required");
const N = Number(values.papers);
const D = Number(values.dimension);
const Q = Number(values.questions);
const log = (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const mb = (bytes) => Math.round(bytes / 2 ** 20);
// The peak of this process's own memory. Not resourceUsage().maxRSS: Linux carries that across
// fork and exec, so a child would report the parent's RSS when its own stayed below it.
const maxRssMb = () => Math.round(Number(/^VmHWM:\s+(\d+)/m.exec(readFileSync("/proc/self/status", "utf8"))[1]) / 1024);

/** The same papers, vectors and questions in every process: a seeded generator (and --texts, read). */
async function generate() {
  const real = values.texts ? (await readCorpus([values.texts])).papers : null;
  if (real && real.length < N) throw new Error(`--texts ${values.texts} holds ${real.length} papers, fewer than --papers ${N}`);
  const random = seededRandom(42);
  const gaussian = gaussianFrom(random);
  // Clustered like real embeddings (topics), not uniform on the sphere, where HNSW has it hardest and least realistic.
  const centres = Array.from({ length: 1000 }, () => unit(Float32Array.from({ length: D }, gaussian)));
  const matrix = new Float32Array(N * D);
  const papers = [];
  for (let i = 0; i < N; i++) {
    const centre = centres[Math.floor(random() * centres.length)];
    const v = matrix.subarray(i * D, (i + 1) * D);
    for (let j = 0; j < D; j++) v[j] = centre[j] + (0.7 / Math.sqrt(D)) * gaussian();
    unit(v);
    papers.push(real ? { ...real[i], id: `syn${i}` } : {
      id: `syn${i}`, title: null, abstract: `synthetic paper ${i} topic ${i % 997}`, arxivId: null, doi: null, journalRef: null,
      comments: [], authors: [`Author ${i % 5000}`], categories: [`syn.${i % 40}`], year: 1990 + (i % 35), sources: [{ file: "synthetic", line: i + 1 }],
    });
  }
  const questions = new Float32Array(Q * D);
  for (let q = 0; q < Q; q++) {
    const base = matrix.subarray(Math.floor(random() * N) * D);
    const v = questions.subarray(q * D, (q + 1) * D);
    for (let j = 0; j < D; j++) v[j] = base[j] + (0.3 / Math.sqrt(D)) * gaussian();
    unit(v);
  }
  return { matrix, papers, questions };
}

const spec = { id: "synthetic/random", dimension: D, pooling: "mean", maxTokens: 256, queryPrefix: "", documentPrefix: "", normalize: true };
/** An embedder that hands over given vectors: documents by their text, queries in the order asked. */
function embedderOf(byText, questions) {
  let asked = 0;
  const next = () => questions.subarray((asked % Q) * D, (asked++ % Q + 1) * D);
  return {
    describe: async () => spec,
    load: async () => ({
      model: spec,
      dtype: "fp32",
      embedDocuments: async (texts, onProgress) => {
        onProgress?.(texts.length);
        return texts.map((t) => byText.get(t));
      },
      embedQuery: async () => next(),
      embedQueries: async (texts) => texts.map(() => next()),
      dispose: async () => {},
    }),
  };
}
const optionsOf = (target) => (target.startsWith("postgresql:") ? { indexDir: join(tmpdir(), "unused"), store: target } : { indexDir: target });

if (values.role === "load") {
  // A child: loads the library into the target store and says how long it took and its peak RSS.
  const { matrix, papers } = await generate();
  const byText = new Map(papers.map((paper, i) => [documentText(paper), matrix.subarray(i * D, (i + 1) * D)]));
  let graphMs = 0;
  const add = VectorIndex.prototype.add;
  // The folder store's graph grows one vector at a time in this process: time spent there is the build.
  VectorIndex.prototype.add = function (...args) {
    const t = performance.now();
    try {
      return add.apply(this, args);
    } finally {
      graphMs += performance.now() - t;
    }
  };
  const before = { rss_mb: mb(process.memoryUsage().rss), max_rss_mb: maxRssMb() };
  const store = await openStore(optionsOf(values.target));
  const started = performance.now();
  const embedder = embedderOf(byText, new Float32Array(D));
  await store.update(papers, { spec, dtype: "fp32" }, async () => embedder.load(), { rebuild: true, checkpointEvery: 50_000, computeMap: false });
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  console.log(JSON.stringify({ seconds, folder_graph_seconds: graphMs / 1000, rss_before_load_mb: before.rss_mb, max_rss_mb: maxRssMb() }));
  process.exit(0);
}

if (values.role === "search") {
  // A child: opens the library as a server would, asks every question twice and times the second pass.
  const buffer = readFileSync(values["questions-file"]);
  const questions = new Float32Array(buffer.buffer, buffer.byteOffset, buffer.byteLength / 4);
  const rssStart = mb(process.memoryUsage().rss);
  const index = await openIndex({ ...optionsOf(values.target), embedder: embedderOf(new Map(), questions) });
  const rssOpen = mb(process.memoryUsage().rss);
  const ids = [];
  const times = [];
  // CPU a search, this process's and (PostgreSQL) the database server's: unlike wall time, not
  // inflated by the machine's other work (bench/pg-cpu.mjs).
  const server = optionsOf(values.target).store ? await databaseServerCpu(values.store) : null;
  let clientCpu = 0;
  let serverCpu = 0;
  for (let pass = 0; pass < 2; pass++) {
    server?.refresh();
    for (let i = 0; i < Q; i++) {
      const serverBefore = server?.ms() ?? 0;
      const cpuBefore = process.cpuUsage();
      const t = performance.now();
      const hits = await index.search(`question ${i}`, 10, "dense");
      if (pass === 1) {
        times.push(performance.now() - t);
        const { user, system } = process.cpuUsage(cpuBefore);
        clientCpu += (user + system) / 1000;
        serverCpu += (server?.ms() ?? 0) - serverBefore;
        ids.push(hits.map((h) => h.id));
      }
    }
  }
  const bytes = index.info().sizeBytes;
  await index.close();
  const cpu = { client: Number((clientCpu / Q).toFixed(3)), database: server ? Number((serverCpu / Q).toFixed(3)) : null };
  console.log(JSON.stringify({ times, ids, bytes, cpu, rss_start_mb: rssStart, rss_open_mb: rssOpen, rss_end_mb: mb(process.memoryUsage().rss), max_rss_mb: maxRssMb() }));
  process.exit(0);
}

/** Runs this script as a child in the given role and answers the JSON it prints. */
function child(role, target, extra = []) {
  const args = [...process.execArgv, SCRIPT, "--role", role, "--target", target, "--store", values.store, "--papers", String(N), "--dimension", String(D), "--questions", String(Q), ...(values.texts ? ["--texts", values.texts] : []), ...extra];
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    proc.stdout.on("data", (chunk) => (out += chunk));
    proc.on("error", reject);
    proc.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop())) : reject(new Error(`${role} child exited with ${code}`))));
  });
}

/** The PostgreSQL server's processes (postmaster and its children) and their summed PSS, in MB. */
function serverPssMb(dataDir) {
  const pidFile = join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const postmaster = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  let kb = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (Number(entry) !== postmaster && ppid !== postmaster) continue;
      kb += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${entry}/smaps_rollup`, "utf8"))?.[1] ?? 0);
    } catch {
      // The process ended between listing and reading.
    }
  }
  return Math.round(kb / 1024);
}

/** Samples each second while `work` runs: the server's PSS peak and, when asked, when the graph build ran. */
async function sampled(work, { dataDir, db }) {
  let peak = 0;
  let buildFirst = null;
  let buildLast = null;
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      if (dataDir) peak = Math.max(peak, serverPssMb(dataDir) ?? 0);
      if (db) {
        const { rows } = await db.query(`SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'CREATE INDEX papers_embedding%'`);
        if (rows.length > 0) buildLast = performance.now();
        if (rows.length > 0 && buildFirst === null) buildFirst = buildLast;
      }
    } finally {
      busy = false;
    }
  }, 1000);
  try {
    const result = await work();
    return { result, server_peak_pss_mb: dataDir ? peak : null, build_seconds: buildFirst === null ? null : (buildLast - buildFirst) / 1000 };
  } finally {
    clearInterval(timer);
  }
}

/** Bytes of each file in a folder index's live generation. */
function generationFiles(indexDir) {
  const live = join(indexDir, readFileSync(join(indexDir, "CURRENT"), "utf8").trim());
  return Object.fromEntries(readdirSync(live).map((name) => [name, statSync(join(live, name)).size]));
}

log(`making ${N} papers of dimension ${D}…`);
const { matrix, questions } = await generate();
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
log(`exact answers to ${Q} questions…`);
const exact = Array.from({ length: Q }, (_, q) => exactTop(questions.subarray(q * D, (q + 1) * D), 10));
const work = mkdtempSync(join(tmpdir(), "papers-synthetic-"));
const questionsFile = join(work, "questions.f32");
writeFileSync(questionsFile, Buffer.from(questions.buffer));

// Its own schema with --texts, so that a run with real texts can go beside a synthetic one.
const schema = values.texts ? "bench_synthetic_texts" : "bench_synthetic";
const pgUrl = `${values.store}${values.store.includes("?") ? "&" : "?"}schema=${schema}`;
const pgData = values["pg-data"] ?? new URLSearchParams(values.store.split("?")[1] ?? "").get("host");
const db = new pg.Client({ connectionString: values.store });
await db.connect();
const setting = async (name) => (await db.query(`SELECT current_setting($1) AS v`, [name])).rows[0].v;
const report = {
  papers: N, dimension: D, questions: Q, texts: values.texts ?? "synthetic (a short made-up abstract)",
  machine: { load_average: readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" "), memory_gb: Math.round(Number(/MemTotal:\s+(\d+)/.exec(readFileSync("/proc/meminfo", "utf8"))[1]) / 2 ** 20) },
  postgres: { shared_buffers: await setting("shared_buffers"), maintenance_work_mem_for_build: process.env.PAPERS_PG_BUILD_MEMORY ?? "1GB", max_parallel_maintenance_workers: await setting("max_parallel_maintenance_workers") },
  stores: {},
};
const targets = [["postgres", pgUrl]];
if (values.folder) targets.push(["folder", join(work, "index")]);
for (const [name, target] of targets) {
  const watch = { dataDir: name === "postgres" ? pgData : null, db: name === "postgres" ? db : null };
  log(`loading into ${name}…`);
  const load = await sampled(() => child("load", target), watch);
  log(`searching ${name}…`);
  const search = await sampled(() => child("search", target, ["--questions-file", questionsFile]), watch);
  const { times, ids, bytes } = search.result;
  let found = 0;
  ids.forEach((got, q) => (found += exact[q].filter((id) => got.includes(id)).length / 10));
  times.sort((a, b) => a - b);
  const at = (p) => Number(times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(2));
  const graphSeconds = name === "folder" ? load.result.folder_graph_seconds : load.build_seconds;
  const entry = {
    load_seconds: Number(load.result.seconds.toFixed(1)),
    load_graph_seconds: graphSeconds === null ? null : Number(graphSeconds.toFixed(1)),
    load_writing_seconds: graphSeconds === null ? null : Number((load.result.seconds - graphSeconds).toFixed(1)),
    bytes,
    bytes_per_paper: Math.round(bytes / N),
    load_client_rss_before_mb: load.result.rss_before_load_mb,
    load_client_peak_rss_mb: load.result.max_rss_mb,
    search_rss_open_mb: search.result.rss_open_mb,
    search_rss_end_mb: search.result.rss_end_mb,
    search_peak_rss_mb: search.result.max_rss_mb,
    dense_p50_ms: at(0.5),
    dense_p99_ms: at(0.99),
    cpu_ms_per_search: search.result.cpu,
    recall_at_10: Number((found / Q).toFixed(4)),
  };
  if (name === "postgres") {
    const size = async (relation) => Number((await db.query(`SELECT pg_relation_size($1) AS b`, [relation])).rows[0].b);
    entry.graph_index_bytes = await size(`${schema}.papers_embedding`);
    entry.papers_table_bytes = Number((await db.query(`SELECT pg_table_size($1) AS b`, [`${schema}.papers`])).rows[0].b);
    entry.server_peak_pss_load_mb = load.server_peak_pss_mb;
    entry.server_peak_pss_search_mb = search.server_peak_pss_mb;
  } else {
    entry.files = generationFiles(target);
  }
  report.stores[name] = entry;
  log(`${name}: ${JSON.stringify(entry)}`);
}
report.machine.load_average_end = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
await db.end();
rmSync(work, { recursive: true, force: true });
mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
writeFileSync(join(ROOT, "bench", "results", `stores-synthetic-${N}${values.texts ? "-texts" : ""}.json`), `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report, null, 2));
