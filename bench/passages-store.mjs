#!/usr/bin/env node
// Full-text passages in both stores: a folder index of SciFact abstracts, each paper given
// passages (other SciFact abstracts, about the size of a 250-token PDF passage), embedded by a hash
// embedder of MiniLM's dimension (384; nothing here is about meaning), moved into PostgreSQL with
// `copyIndex` (what `papers export --to` runs), then the same passage questions asked of both:
// load time, bytes per passage, recall@10 against exact search, agreement, p50/p99.
//
//   npm run build && node bench/passages-store.mjs --store 'postgresql://postgres:@/postgres?host=/tmp/papers-pg-0' [--papers 3000] [--passages 6]
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { copyIndex, indexPaperList, openIndex } from "../dist/papers.js";

const args = process.argv.slice(2);
const arg = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const base = arg("--store");
if (!base) throw new Error("usage: node bench/passages-store.mjs --store URL [--papers N] [--passages P]");
const nPapers = Number(arg("--papers", 3000));
const perPaper = Number(arg("--passages", 6));
const schema = `bench_passages_${process.pid}`;
const store = `${base}${base.includes("?") ? "&" : "?"}schema=${schema}`;

const spec = { id: "test/hash-384", dimension: 384, pooling: "mean", maxTokens: 256, queryPrefix: "", documentPrefix: "", normalize: true };
const words = new Map();
function embed(text) {
  const v = new Float32Array(384);
  for (const w of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    let d = words.get(w);
    if (!d) {
      const b = createHash("sha512").update(w).digest();
      d = Float32Array.from({ length: 384 }, (_, i) => (b[i % 64] ^ (b[(i * 7 + 3) % 64] * ((i % 5) + 1))) / 127.5 - 1);
      words.set(w, d);
    }
    for (let i = 0; i < 384; i++) v[i] += d[i];
  }
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  return v.map((x) => x / n);
}
const embedder = {
  describe: async () => spec,
  load: async () => ({
    model: spec, dtype: "fp32",
    embedDocuments: async (t, p) => { const r = t.map(embed); p?.(t.length); return r; },
    embedQuery: async (t) => embed(t), embedQueries: async (t) => t.map(embed), dispose: async () => {},
  }),
};

const docs = readFileSync("/work/shared/data/scifact/corpus.jsonl", "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
const sections = ["1 Introduction", "2 Methods", "3 Results", "4 Discussion"];
const papers = docs.slice(0, nPapers).map((doc, i) => ({
  id: `sf${doc._id}`, title: doc.title, abstract: doc.text, arxivId: null, doi: null, journalRef: null, comments: [],
  authors: [`Author ${i}`], categories: [["cs.CL", "cs.LG", "cs.CV", "q-bio.GN"][i % 4]], year: 2000 + (i % 25), sources: [],
  passages: Array.from({ length: perPaper }, (_, j) => {
    const other = docs[(nPapers + i * perPaper + j) % docs.length];
    return { text: other.text, page: j + 1, lastPage: j + 1, section: sections[j % sections.length] };
  }),
}));
const passageCount = papers.reduce((n, p) => n + p.passages.length, 0);
// Questions: titles of SciFact documents that are not in the index as papers.
const questions = docs.slice(-100).map((d) => d.title);

const dir = mkdtempSync(join(tmpdir(), "passages-bench-"));
const folder = { indexDir: join(dir, "index"), embedder, computeMap: false };
const postgres = { indexDir: join(dir, "unused"), store, embedder };
const client = new pg.Client({ connectionString: base });
await client.connect();
try {
  let t = performance.now();
  await indexPaperList(papers, [], folder);
  const folderSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const moved = await copyIndex(folder, postgres);
  const loadSeconds = (performance.now() - t) / 1000;
  const size = async (table) => Number((await client.query(`SELECT pg_total_relation_size('${schema}.${table}') AS n`)).rows[0].n);
  const passageBytes = await size("passages");
  const paperBytes = await size("papers");

  // Exact answers, from the same vectors.
  const all = papers.flatMap((p) => p.passages.map((x) => ({ key: `${p.id} p.${x.page}`, vector: embed(x.section ? `${x.section.replace(/^[\dIVX.]+\s+/, "")}. ${x.text}` : x.text) })));
  const exact = (question) => {
    const q = embed(question);
    return all.map((a) => ({ key: a.key, score: a.vector.reduce((s, x, i) => s + x * q[i], 0) })).sort((a, b) => b.score - a.score).slice(0, 10).map((a) => a.key);
  };
  const ask = async (options, mode, filter) => {
    const index = await openIndex(options);
    try {
      await index.searchPassages(questions[0], 10, mode, filter); // warm: the owners map, the query cache
      const times = [];
      const answers = [];
      for (const question of questions) {
        const started = performance.now();
        const hits = await index.searchPassages(question, 10, mode, filter);
        times.push(performance.now() - started);
        answers.push(hits.map((h) => `${h.id} p.${h.page}`));
      }
      times.sort((a, b) => a - b);
      return { answers, p50: times[Math.floor(times.length / 2)], p99: times[Math.floor(times.length * 0.99)] };
    } finally {
      await index.close();
    }
  };
  const rows = [];
  for (const [what, mode, filter] of [["dense", "dense"], ["dense, years 2005..2020", "dense", { years: [2005, 2020] }], ["hybrid", "hybrid"]]) {
    const f = await ask(folder, mode, filter);
    const p = await ask(postgres, mode, filter);
    const same = f.answers.filter((a, i) => JSON.stringify(a) === JSON.stringify(p.answers[i])).length;
    const row = { what, folder_p50_ms: +f.p50.toFixed(1), folder_p99_ms: +f.p99.toFixed(1), postgres_p50_ms: +p.p50.toFixed(1), postgres_p99_ms: +p.p99.toFixed(1), same_top10: `${same}/${questions.length}` };
    if (!filter && mode === "dense") {
      const recall = (answers) => answers.reduce((s, a, i) => s + a.filter((k) => exact(questions[i]).includes(k)).length / 10, 0) / questions.length;
      Object.assign(row, { folder_recall10: +recall(f.answers).toFixed(4), postgres_recall10: +recall(p.answers).toFixed(4) });
    }
    rows.push(row);
  }
  console.log(JSON.stringify({
    papers: nPapers, passages: passageCount, folder_index_s: +folderSeconds.toFixed(1), export_to_postgres_s: +loadSeconds.toFixed(1), carried: moved.embedded,
    postgres_passages_table_bytes: passageBytes, bytes_per_passage: Math.round(passageBytes / passageCount), postgres_papers_table_bytes: paperBytes,
  }, null, 1));
  for (const row of rows) console.log(JSON.stringify(row));
} finally {
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
  rmSync(dir, { recursive: true, force: true });
}
