import pg from "pg";
import { searchStatement } from "../dist/store/postgres/search-statement.js";
const schema = "bench_speed_arxiv1000";
const c = new pg.Client({ connectionString: "postgresql://postgres:@/postgres?host=/tmp/papers-pg-speed" });
await c.connect();
const { rows } = await c.query(`SELECT embedding::text AS v FROM ${schema}.papers LIMIT 50`);
const vecs = rows.map((r) => Float32Array.from(JSON.parse(r.v)));
await c.query("SET hnsw.ef_search = 200");
const terms = ["learning", "neural", "network", "graph"];
const variants = {
  "new prefetch 10": (v) => searchStatement(schema, { vector: v, terms, depth: 100, prefetch: 10 }, true),
  "new prefetch 0": (v) => searchStatement(schema, { vector: v, terms, depth: 100, prefetch: 0 }, true),
  "old dense only": (v) => ({ text: `SELECT label, 1 - (embedding <=> $1::vector) AS score FROM ${schema}.papers ORDER BY embedding <=> $1::vector LIMIT 100`, values: [searchStatement(schema, { vector: v, depth: 1, prefetch: 0 }, true).values[0]] }),
  "old postings only": () => ({ text: `SELECT term, postings FROM ${schema}.postings WHERE term = ANY($1)`, values: [terms] }),
};
const t = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (let i = 0; i < 300; i++) for (const [name, make] of Object.entries(variants)) { const st = make(vecs[i % 50]); const s = performance.now(); await c.query({ name: "v" + Object.keys(variants).indexOf(name), text: st.text, values: st.values }); t[name].push(performance.now() - s); }
for (const [name, xs] of Object.entries(t)) { xs.sort((a, b) => a - b); console.log(name, "p50", xs[150].toFixed(2), "p10", xs[30].toFixed(2)); }
await c.end();
