/** The facts behind `papers info`'s advice on PostgreSQL, read from a real server. */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { indexPaperList, openIndex, type Paper } from "../src/papers.js";
import { Database } from "../src/store/postgres/pool.js";
import { readTuningFacts } from "../src/store/postgres/tuning.js";
import { hashEmbedderLoader } from "./hash-embedder.js";
import { tempDir } from "./helpers.js";

const PG = process.env.PAPERS_TEST_PG;

describe.skipIf(!PG)("PostgreSQL tuning advice", () => {
  const schema = `pgtuning_${process.pid}_${Date.now().toString(36)}`;
  const store = `${PG}${PG?.includes("?") ? "&" : "?"}schema=${schema}`;
  const options = { indexDir: tempDir(), store, embedder: hashEmbedderLoader() };
  const papers: Paper[] = Array.from({ length: 30 }, (_, i) => ({
    id: `p${i}`, title: `Paper ${i}`, abstract: `Glaciers and proteins, study ${i}.`, arxivId: null, doi: null, journalRef: null,
    comments: [], authors: [`Author ${i}`], categories: ["cs.LG"], year: 2000 + i, date: null, sources: [{ file: "made-up", line: i + 1 }],
  }));
  afterAll(async () => {
    const client = new pg.Client({ connectionString: PG });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it("reads shared_buffers and the vector index's size as the server reports them, and advises nothing for a small library", async () => {
    await indexPaperList(papers, [], options);
    const db = await Database.connect(store);
    const client = new pg.Client({ connectionString: PG });
    await client.connect();
    try {
      const facts = await readTuningFacts(db, schema);
      const shown = (await client.query<{ shared_buffers: string }>("SHOW shared_buffers")).rows[0]!.shared_buffers;
      const [, amount, unit] = /^(\d+)(kB|MB|GB)$/.exec(shown)!;
      expect(facts.sharedBuffers).toBe(Number(amount) * { kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[unit as "kB" | "MB" | "GB"]);
      const size = (await client.query<{ bytes: string }>(`SELECT pg_relation_size('${schema}.papers_embedding') AS bytes`)).rows[0]!.bytes;
      expect(facts.graph).toBeGreaterThanOrEqual(Number(size));
      expect(facts.graph).toBeGreaterThan(0);
    } finally {
      await client.end();
      await db.end();
    }
    const index = await openIndex(options);
    try {
      expect(index.info().advice).toEqual([]);
    } finally {
      await index.close();
    }
  });
});
