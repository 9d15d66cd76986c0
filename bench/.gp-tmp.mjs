import pg from "pg";
import { searchStatement } from "../dist/store/postgres/search-statement.js";
const schema = "bench_speed_arxiv1000";
const c = new pg.Client({ connectionString: "postgresql://postgres:@/postgres?host=/tmp/papers-pg-speed" });
await c.connect();
const { rows } = await c.query(`SELECT embedding::text AS v FROM ${schema}.papers LIMIT 1`);
const st = searchStatement(schema, { vector: Float32Array.from(JSON.parse(rows[0].v)), terms: ["learning", "graph"], depth: 100, prefetch: 0 }, true);
console.log((await c.query(`SELECT count(*) FROM ${schema}.postings`)).rows[0]);
for (const mode of ["force_custom_plan", "force_generic_plan"]) {
  await c.query(`SET plan_cache_mode = ${mode}`);
  await c.query({ text: "PREPARE s" + mode.length + " AS " + st.text.replace("$1::vector", "$1::vector"), values: [] }).catch(() => {});
  const ex = await c.query(`EXPLAIN (ANALYZE, COSTS OFF, BUFFERS) EXECUTE s${mode.length}('${st.values[0]}', '{learning,graph}')`);
  console.log(mode); console.log(ex.rows.map((r) => r["QUERY PLAN"]).filter((l) => !l.includes("::vector") && !l.includes("Buffers")).join("\n"));
}
await c.end();
