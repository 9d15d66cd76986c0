#!/usr/bin/env node
// What pgvector's graph search alone costs in a papers library in PostgreSQL, at several
// ef_search values: `SELECT label … ORDER BY embedding <=> $1 LIMIT 10`, nothing else read, with
// stored vectors as questions. Wall p50 and the database server's CPU per query (bench/pg-cpu.mjs:
// the server on this machine), which a shared machine inflates far less than wall time.
// --halfvec: the same over an HNSW index of the vectors cast to halfvec, built first if missing
// (an experiment: papers stores vector(384)).
//
//   node bench/pgvector-ef.mjs --store URL --schema bench_synthetic [--ef 40,100,200] [--queries 300] [--halfvec]
import { parseArgs } from "node:util";
import pg from "pg";
import { databaseServerCpu } from "./pg-cpu.mjs";

const { values } = parseArgs({
  options: {
    store: { type: "string" },
    schema: { type: "string", default: "papers" },
    ef: { type: "string", default: "40,100,200" },
    queries: { type: "string", default: "300" },
    halfvec: { type: "boolean", default: false },
  },
});
if (!values.store) throw new Error("--store postgresql://… is required");
const s = values.schema;
const server = await databaseServerCpu(values.store);
const client = new pg.Client({ connectionString: values.store });
await client.connect();
const n = Number(values.queries);
const questions = (await client.query(`SELECT embedding::text AS e FROM ${s}.papers ORDER BY random() LIMIT ${n}`)).rows.map((r) => r.e);
const [{ dimension }] = (await client.query(`SELECT vector_dims(embedding) AS dimension FROM ${s}.papers LIMIT 1`)).rows;
const kinds = [["vector", `ORDER BY embedding <=> $1::vector`]];
if (values.halfvec) {
  await client.query("SET maintenance_work_mem = '1GB'");
  await client.query(`CREATE INDEX IF NOT EXISTS papers_embedding_half ON ${s}.papers USING hnsw ((embedding::halfvec(${dimension})) halfvec_cosine_ops) WITH (m = 16, ef_construction = 200)`);
  kinds.push(["halfvec", `ORDER BY embedding::halfvec(${dimension}) <=> $1::halfvec(${dimension})`]);
}
const sizes = (await client.query(`SELECT c.relname, pg_relation_size(c.oid) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'i' AND c.relname LIKE 'papers_embedding%'`, [s])).rows;
const [{ shared_buffers }] = (await client.query("SHOW shared_buffers")).rows;
console.log(`${questions.length} questions; shared_buffers ${shared_buffers}; ${sizes.map((r) => `${r.relname} ${(Number(r.bytes) / 2 ** 20).toFixed(0)} MiB`).join(", ")}`);
for (const ef of values.ef.split(",").map(Number)) {
  for (const [kind, order] of kinds) {
    await client.query(`SET hnsw.ef_search = ${ef}`);
    const sql = `SELECT label FROM ${s}.papers ${order} LIMIT 10`;
    for (const q of questions.slice(0, 30)) await client.query(sql, [q]); // warm
    server?.refresh();
    const before = server?.ms() ?? 0;
    const times = [];
    for (const q of questions) {
      const t = performance.now();
      await client.query(sql, [q]);
      times.push(performance.now() - t);
    }
    const cpu = server ? ((server.ms() - before) / questions.length).toFixed(2) : "n/a";
    times.sort((a, b) => a - b);
    console.log(`${kind} ef_search ${ef}: wall p50 ${times[Math.floor(times.length / 2)].toFixed(2)} ms, database CPU ${cpu} ms a query`);
  }
}
await client.end();
