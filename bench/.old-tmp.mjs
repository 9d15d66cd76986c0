import pg from "pg";
const schema = "bench_speed_arxiv1000";
const c = new pg.Client({ connectionString: "postgresql://postgres:@/postgres?host=/tmp/papers-pg-speed" });
await c.connect();
const { rows } = await c.query(`SELECT embedding::text AS v FROM ${schema}.papers LIMIT 1`);
for (const scan of ["relaxed_order", "off"]) {
  await c.query(`BEGIN; SET LOCAL hnsw.ef_search = 200; SET LOCAL hnsw.iterative_scan = ${scan}`);
  const ex = await c.query(`EXPLAIN (ANALYZE, COSTS ON) SELECT label, 1 - (embedding <=> $1::vector) AS score FROM ${schema}.papers ORDER BY embedding <=> $1::vector LIMIT 100`, [rows[0].v]);
  console.log(scan); console.log(ex.rows.map((r) => r["QUERY PLAN"]).filter((l) => !l.includes("::vector")).join("\n"));
  await c.query("COMMIT");
}
await c.end();
