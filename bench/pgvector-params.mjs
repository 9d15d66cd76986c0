#!/usr/bin/env node
// Which pgvector HNSW build (m, ef_construction) and ef_search reach recall@10 >= 0.99 against
// exact search on real vectors for the least database CPU a query? A denser graph may reach the
// same recall at a much smaller ef_search; this measures it instead of assuming it.
//
//   npm run build && node bench/pgvector-params.mjs --store URL [--index /work/idx/arxiv]
//       [--grid 16:200,16:64,32:200,24:200,32:100] [--ef 40,64,100,150,200] [--questions 300]
//       [--repeat 2] [--schema bench_params] [--keep] [--count N] [--more N [--more-cache FILE]]
//
// Vectors: every vector of a folder index (hnswlib's file, read in place, never written), copied
// into one table per grid point in --schema (created, and dropped at the end unless --keep; a
// table that already holds its index is reused). Questions: real short questions the index does
// not hold, the titles of the last --questions records of shared/data/arxiv-cs-listings (the
// folder index /work/idx/arxiv holds the first 26,624), embedded with the shipped model as a
// search embeds its question. Truth: the exact top 10 by brute force here.
// Per grid point: build seconds (maintenance_work_mem 1GB, the server's parallel workers) and the
// index's size; per ef_search: recall@10, wall p50, and the database server's CPU per query
// (bench/pg-cpu.mjs, which a shared machine inflates far less than wall time), with the reader's
// `hnsw.iterative_scan = relaxed_order`, each question asked --repeat times. First, the same rows
// for the folder index's own hnswlib graph (this process's CPU), the folder store's search.
// --count N: only the first N vectors by label (how recall moves with the library's size); the
// hnswlib rows are then skipped, as the folder graph holds all of them.
// --more N: N more real vectors beside the index's, embedded here as `papers index` embeds a paper
// (title and abstract) from the records after the indexed ones (never the questions' records):
// recall at a larger library. Kept in --more-cache (float32, default in the temp folder) so a
// second run embeds nothing; the hnswlib rows are skipped.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";
import hnswlib from "hnswlib-node";
import pg from "pg";
import { databaseServerCpu } from "./pg-cpu.mjs";
import { loadTransformersEmbedder } from "../dist/embed/transformers-embedder.js";
import { knownModel } from "../dist/embed/models.js";

const { values } = parseArgs({
  options: {
    store: { type: "string" },
    index: { type: "string", default: "/work/idx/arxiv" },
    data: { type: "string", default: process.env.PAPERS_ARXIV || new URL("../../shared/data/arxiv-cs-listings/papers.jsonl.gz", import.meta.url).pathname },
    models: { type: "string", default: new URL("../models", import.meta.url).pathname },
    grid: { type: "string", default: "16:200,16:64,32:200,24:200,32:100" },
    ef: { type: "string", default: "40,64,100,150,200" },
    questions: { type: "string", default: "300" },
    repeat: { type: "string", default: "2" },
    schema: { type: "string", default: "bench_params" },
    keep: { type: "boolean", default: false },
    count: { type: "string" },
    more: { type: "string", default: "0" },
    "more-cache": { type: "string" },
  },
});
if (!values.store) throw new Error("--store postgresql://… is required");
const s = values.schema;
const repeat = Number(values.repeat);

// The folder index's vectors, read through hnswlib as the folder store does.
const generation = join(values.index, readFileSync(join(values.index, "CURRENT"), "utf8").trim());
const manifest = JSON.parse(readFileSync(join(generation, "manifest.json"), "utf8"));
const dimension = manifest.model.dimension;
const folderGraph = new hnswlib.HierarchicalNSW("cosine", dimension);
folderGraph.readIndexSync(join(generation, "papers.hnsw"));
const labels = folderGraph.getIdsList().sort((a, b) => a - b).slice(0, values.count ? Number(values.count) : undefined);
const vectors = labels.map((label) => Float32Array.from(folderGraph.getPoint(label)));

// Questions: titles of records after the indexed ones, embedded as a search embeds a question.
const lines = gunzipSync(readFileSync(values.data)).toString("utf8").trimEnd().split("\n");
if (lines.length - Number(values.questions) < manifest.count) throw new Error(`the last ${values.questions} records of ${values.data} overlap the index's first ${manifest.count}`);
const titles = lines.slice(-Number(values.questions)).map((line) => JSON.parse(line).title.split(/\s+/).filter(Boolean).join(" "));
const embedder = await loadTransformersEmbedder(knownModel(manifest.model.id), manifest.model.dtype, { modelsDir: values.models, offline: true });
const questions = [];
for (const title of titles) questions.push(await embedder.embedQuery(title));
const more = Number(values.more);
if (more > 0) {
  if (manifest.count + more > lines.length - titles.length) throw new Error(`--more ${more} would reach the questions' records`);
  const cache = values["more-cache"] ?? join(tmpdir(), `pgvector-params-more-${more}.f32`);
  let flat;
  if (existsSync(cache)) flat = new Float32Array(readFileSync(cache).buffer.slice(0));
  else {
    const texts = lines.slice(manifest.count, manifest.count + more).map((line) => {
      const r = JSON.parse(line);
      return `${r.title} ${r.summary}`.split(/\s+/).filter(Boolean).join(" ");
    });
    flat = new Float32Array(more * dimension);
    for (let i = 0; i < more; i += 512) {
      (await embedder.embedDocuments(texts.slice(i, i + 512))).forEach((v, j) => flat.set(v, (i + j) * dimension));
      process.stderr.write(`\rembedded ${Math.min(more, i + 512)} of ${more}`);
    }
    process.stderr.write("\n");
    writeFileSync(cache, Buffer.from(flat.buffer));
  }
  let next = Math.max(...labels) + 1;
  for (let i = 0; i < more; i++) {
    labels.push(next++);
    vectors.push(flat.subarray(i * dimension, (i + 1) * dimension));
  }
}
await embedder.dispose();

// Exact top 10: cosine = dot product on unit vectors (hnswlib's cosine space stores them normalized).
const exact = questions.map((q) => {
  const scored = vectors.map((v, i) => {
    let dot = 0;
    for (let d = 0; d < dimension; d++) dot += q[d] * v[d];
    return [dot, labels[i]];
  });
  return new Set(scored.sort((a, b) => b[0] - a[0]).slice(0, 10).map(([, label]) => label));
});

const efs = values.ef.split(",").map(Number);
const p50 = (times) => times.sort((a, b) => a - b)[Math.floor(times.length / 2)].toFixed(2);
const row = (cells) => console.log(`| ${cells.join(" | ")} |`);
console.log(`${vectors.length} vectors of ${values.index}, ${questions.length} title questions; each question asked ${repeat}x`);
console.log("| graph | m | ef_construction | build s | index MiB | ef_search | recall@10 | wall p50 ms | CPU ms/query |");
console.log("|---|---|---|---|---|---|---|---|---|");
if (labels.length === manifest.count && more === 0) {
  const plain = questions.map((q) => Array.from(q));
  for (const ef of efs) {
    folderGraph.setEf(ef);
    let found = 0;
    const times = [];
    const before = process.cpuUsage();
    for (let r = 0; r < repeat; r++) {
      for (let i = 0; i < plain.length; i++) {
        const t = performance.now();
        const { neighbors } = folderGraph.searchKnn(plain[i], 10);
        times.push(performance.now() - t);
        if (r === 0) found += neighbors.filter((label) => exact[i].has(label)).length;
      }
    }
    const used = process.cpuUsage(before);
    const cpu = ((used.user + used.system) / 1000 / times.length).toFixed(2);
    row(["hnswlib (folder)", manifest.hnsw.m, manifest.hnsw.efConstruction, "-", "-", ef, (found / (10 * plain.length)).toFixed(4), p50(times), cpu]);
  }
}

const client = new pg.Client({ connectionString: values.store });
await client.connect();
const server = await databaseServerCpu(values.store);
await client.query("CREATE EXTENSION IF NOT EXISTS vector");
await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
const [{ shared_buffers }] = (await client.query("SHOW shared_buffers")).rows;
const [{ extversion }] = (await client.query("SELECT extversion FROM pg_extension WHERE extname = 'vector'")).rows;
console.log(`pgvector ${extversion}, shared_buffers ${shared_buffers}: CPU is the database server's`);

const asText = (v) => `[${Array.from(v).join(",")}]`;
for (const point of values.grid.split(",")) {
  const [m, efc] = point.split(":").map(Number);
  const name = `v${labels.length}_m${m}_efc${efc}`;
  const table = `${s}.${name}`;
  const indexName = `${name}_embedding`;
  const built = (await client.query("SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND indexname = $2", [s, indexName])).rowCount > 0;
  let buildSeconds = "reused";
  if (!built) {
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.query(`CREATE TABLE ${table} (label integer PRIMARY KEY, embedding vector(${dimension}) NOT NULL)`);
    for (let i = 0; i < vectors.length; i += 1000) {
      const slice = vectors.slice(i, i + 1000);
      await client.query(`INSERT INTO ${table} SELECT * FROM unnest($1::integer[], $2::text[]::vector[])`, [labels.slice(i, i + 1000), slice.map(asText)]);
    }
    await client.query(`VACUUM ANALYZE ${table}`);
    await client.query("SET maintenance_work_mem = '1GB'");
    const t = performance.now();
    await client.query(`CREATE INDEX ${indexName} ON ${table} USING hnsw (embedding vector_cosine_ops) WITH (m = ${m}, ef_construction = ${efc})`);
    buildSeconds = ((performance.now() - t) / 1000).toFixed(1);
  }
  const [{ bytes }] = (await client.query("SELECT pg_relation_size($1::regclass) AS bytes", [`${s}.${indexName}`])).rows;
  const mib = (Number(bytes) / 2 ** 20).toFixed(1);
  const sql = `SELECT label FROM ${table} ORDER BY embedding <=> $1::vector LIMIT 10`;
  const texts = questions.map(asText);
  for (const ef of efs) {
    await client.query(`SET hnsw.ef_search = ${ef}`);
    await client.query("SET hnsw.iterative_scan = relaxed_order");
    for (const q of texts.slice(0, 30)) await client.query(sql, [q]); // warm
    let found = 0;
    const times = [];
    server?.refresh();
    const before = server?.ms() ?? 0;
    for (let r = 0; r < repeat; r++) {
      for (let i = 0; i < texts.length; i++) {
        const t = performance.now();
        const { rows } = await client.query(sql, [texts[i]]);
        times.push(performance.now() - t);
        if (r === 0) found += rows.filter((row) => exact[i].has(row.label)).length;
      }
    }
    const cpu = server ? ((server.ms() - before) / times.length).toFixed(2) : "n/a";
    row(["pgvector", m, efc, buildSeconds, mib, ef, (found / (10 * texts.length)).toFixed(4), p50(times), cpu]);
  }
}
if (!values.keep) await client.query(`DROP SCHEMA ${s} CASCADE`);
await client.end();
