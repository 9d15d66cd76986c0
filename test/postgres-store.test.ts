/**
 * What only the PostgreSQL store does (the behaviour both stores share is in store-matrix.test.ts):
 * connection strings, a server that is not there, the facts checked before every query, the
 * schema a lab's administrator would look for, and what `info` advises its server.
 */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { copyIndex, indexPaperList, openIndex, type Paper } from "../src/papers.js";
import { parsePostgresUrl, redactUrl } from "../src/store/postgres/connection.js";
import { Database } from "../src/store/postgres/pool.js";
import { readTuningFacts } from "../src/store/postgres/tuning.js";
import { HASH_MODEL, hashEmbedderLoader } from "./hash-embedder.js";
import { runCli, tempDir } from "./helpers.js";

const PG = process.env.PAPERS_TEST_PG;
if (!PG) console.warn("postgres store: PAPERS_TEST_PG is unset, so the tests that need a server are skipped (start one: bash scripts/pg-server.sh start)");

describe("connection strings", () => {
  it("reads postgres:// and postgresql://, libpq's socket form, and ?schema=", () => {
    expect(parsePostgresUrl("postgresql://postgres:@/postgres?host=/tmp/pg")).toEqual({
      connectionString: "postgresql://postgres:@/postgres?host=%2Ftmp%2Fpg",
      schema: "papers",
      display: "postgresql://postgres:***@/postgres?host=/tmp/pg",
    });
    expect(parsePostgresUrl("postgres://lab:secret@db.example:5433/library?schema=cs_papers&sslmode=require")).toEqual({
      connectionString: "postgres://lab:secret@db.example:5433/library?sslmode=require",
      schema: "cs_papers",
      display: "postgres://lab:***@db.example:5433/library?schema=cs_papers&sslmode=require",
    });
    expect(redactUrl("postgresql://u@h/db?password=hunter2&x=1")).toBe("postgresql://u@h/db?password=***&x=1");
  });

  it("redacts every password: percent-encoded ones holding / or ?, raw ones, repeated and ssl ones, and libpq's keyword form", () => {
    const cases: [string, string][] = [
      ["postgresql://lab:se%2Fcr%3Fet@h:5432/db", "postgresql://lab:***@h:5432/db"],
      ["postgresql://lab:se/cr?et@h/db", "postgresql://lab:***@h/db"],
      ["postgresql://lab:p@ss@h/db", "postgresql://lab:***@h/db"],
      ["postgresql://lab@/db?host=/s&password=a1&PASSWORD=secret2", "postgresql://lab@/db?host=/s&password=***&PASSWORD=***"],
      ["postgresql://lab@h/db?sslpassword=secret3&sslmode=require", "postgresql://lab@h/db?sslpassword=***&sslmode=require"],
      ["postgresql://lab@h/db?pass%77ord=secret4", "postgresql://lab@h/db?pass%77ord=***"],
      ["host=h user=lab password=secret5 sslpassword='se cret6' dbname=db", "host=h user=lab password=*** sslpassword=*** dbname=db"],
    ];
    for (const [url, shown] of cases) {
      expect(redactUrl(url)).toBe(shown);
      expect(redactUrl(url)).not.toMatch(/secret|se%2F|se\/cr|p@ss|a1/);
    }
  });

  it("reports a malformed connection string as malformed (BAD_STORE_URL), without its password, never as an unreachable server", () => {
    for (const url of ["postgresql://lab:se/cret@h/db", "postgresql://lab:secret@h:badport/db", "postgresql://lab:sec%zzret@h/db", "postgresql://lab:secret@[::1/db", "postgresql://lab:se#cret@h/db"]) {
      let error: unknown;
      try {
        parsePostgresUrl(url);
      } catch (e) {
        error = e;
      }
      expect(error, url).toMatchObject({ code: "BAD_STORE_URL" });
      expect((error as Error).message).not.toMatch(/secret|se\/cret|sec%zz/);
    }
    const result = runCli(["--store", "postgresql://lab:secret@h:badport/db", "info"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^papers: "postgresql:\/\/lab:\*\*\*@h:badport\/db" is not a PostgreSQL connection string/);
    expect(result.stderr).not.toContain("secret");
  });

  it("refuses a schema that is not a plain name, and what is not a connection string", () => {
    expect(() => parsePostgresUrl("postgresql://u@h/db?schema=a;drop")).toThrow(/schema "a;drop" is not a plain name/);
    expect(() => parsePostgresUrl("postgresql://u@h/db?schema=Papers")).toThrow(/lower-case/);
    expect(() => parsePostgresUrl("mysql://u@h/db")).toThrow(/not a PostgreSQL connection string/);
  });

  it("says in one line when the server is not there, without the password", () => {
    const result = runCli(["--store", "postgresql://lab:secret@/library?host=/nonexistent-socket-dir", "info"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^papers: cannot reach the database at postgresql:\/\/lab:\*\*\*@\/library\?host=\/nonexistent-socket-dir \(.+\): check that PostgreSQL is running and the connection string is right\n$/);
    expect(result.stderr).not.toContain("secret");
  });
});

describe.skipIf(!PG)("a PostgreSQL library", () => {
  const schema = `pgstore_${process.pid}_${Date.now().toString(36)}`;
  const store = `${PG}${PG?.includes("?") ? "&" : "?"}schema=${schema}`;
  const options = { indexDir: tempDir(), store, embedder: hashEmbedderLoader() };
  const papers: Paper[] = Array.from({ length: 30 }, (_, i) => ({
    id: `p${i}`, title: `Paper ${i} on cells`, abstract: `Cells and proteins, study number ${i}.`, arxivId: null, doi: null, journalRef: null,
    comments: [], authors: [`Author ${i}`], categories: [i % 2 ? "cs.CL" : "cs.LG"], year: 2000 + i, date: null, sources: [{ file: "made-up", line: i + 1 }],
  }));
  afterAll(async () => {
    const client = new pg.Client({ connectionString: PG });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it("has the schema a lab expects: vector(N) with HNSW (cosine, M 16, ef_construction 200), btree on year, GIN on categories and authors", async () => {
    await indexPaperList(papers, [], options);
    const client = new pg.Client({ connectionString: PG });
    await client.connect();
    try {
      const indexes = (await client.query("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1", [schema])).rows.map((r) => r.indexdef as string);
      expect(indexes).toContainEqual(expect.stringMatching(/USING hnsw \(embedding vector_cosine_ops\) WITH \(m='?16'?, ef_construction='?200'?\)/));
      expect(indexes).toContainEqual(expect.stringMatching(/papers_year .* USING btree \(year\)/));
      expect(indexes).toContainEqual(expect.stringMatching(/papers_categories .* USING gin \(category_keys\)/));
      expect(indexes).toContainEqual(expect.stringMatching(/papers_authors .* USING gin \(author_text gin_trgm_ops\)/));
      const type = (await client.query(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = '${schema}.papers'::regclass AND attname = 'embedding'`)).rows[0].t;
      expect(type).toBe(`vector(${HASH_MODEL.dimension})`);
      const facts = (await client.query(`SELECT generation, manifest FROM ${schema}.facts`)).rows[0];
      expect(facts.manifest).toMatchObject({ count: 30, model: { id: HASH_MODEL.id, dimension: HASH_MODEL.dimension, dtype: "q8" } });
    } finally {
      await client.end();
    }
  });

  it("reads shared_buffers and the vector indexes' size as the server reports them for info's advice, which is empty for a small library", async () => {
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
      expect(Number(size)).toBeGreaterThan(0);
      expect(facts.graph).toBeGreaterThanOrEqual(Number(size));
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

  it("answers an open reader from the latest generation, filters included (their cached matches are per generation)", async () => {
    await indexPaperList(papers, [], { ...options, rebuild: true });
    const index = await openIndex(options);
    try {
      const filter = { years: [2005, 2005] as [number, number] };
      expect((await index.search("cells", 5, "lexical", filter)).map((h) => h.id)).toEqual(["p5"]);
      await indexPaperList(papers.map((p) => (p.id === "p5" ? { ...p, year: 1990 } : p.id === "p6" ? { ...p, year: 2005 } : p)), [], options);
      expect((await index.search("cells", 5, "lexical", filter)).map((h) => h.id)).toEqual(["p6"]);
      expect((await index.search("cells", 5, "dense", filter)).map((h) => h.id)).toEqual(["p6"]);
    } finally {
      await index.close();
    }
  });

  it("checks the facts before every query: a library rebuilt with another model is refused by readers that opened it before", async () => {
    await indexPaperList(papers, [], options);
    const index = await openIndex(options);
    try {
      expect(await index.search("cells", 3, "dense")).toHaveLength(3);
      const other = hashEmbedderLoader({ ...HASH_MODEL, id: "test/other-embedder" });
      await indexPaperList(papers, [], { ...options, embedder: other, rebuild: true });
      await expect(index.search("cells", 3, "dense")).rejects.toMatchObject({
        code: "MODEL_MISMATCH",
        message: expect.stringMatching(/was rebuilt with test\/other-embedder \(q8\) after it was opened with test\/hash-embedder: open it again/),
      });
      await expect(index.get("p1")).rejects.toMatchObject({ code: "MODEL_MISMATCH" });
      // A reader opened now answers with the new model's vectors.
      const again = await openIndex({ ...options, embedder: other });
      try {
        expect(await again.search("cells", 3, "dense")).toHaveLength(3);
        expect(again.info().model).toBe("test/other-embedder");
      } finally {
        await again.close();
      }
    } finally {
      await index.close();
    }
  });
});

describe.skipIf(!PG)("a PostgreSQL library with full-text passages", () => {
  const schema = `pgpassages_${process.pid}_${Date.now().toString(36)}`;
  const store = `${PG}${PG?.includes("?") ? "&" : "?"}schema=${schema}`;
  // No topic map: it is not what these tests are about, and computing it takes seconds.
  const options = { indexDir: tempDir(), store, embedder: hashEmbedderLoader(), computeMap: false };
  const papers: Paper[] = Array.from({ length: 12 }, (_, i) => ({
    id: `p${i}`, title: `Paper ${i} on cells`, abstract: `Cells and proteins, study number ${i}.`, arxivId: null, doi: null, journalRef: null,
    comments: [], authors: [`Author ${i}`], categories: ["cs.CL"], year: 2000 + i, date: null, sources: [{ file: "made-up", line: i + 1 }],
  }));
  const withText = (paper: Paper, words: string[]): Paper => ({
    ...paper,
    passages: words.map((word, j) => ({ text: `In this part we measured ${word} in ${paper.id}.`, page: j + 1, lastPage: j + 1, section: `${j + 1} Part` })),
  });
  const sql = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: PG });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  afterAll(() => sql((client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)));

  it("gets a passages table, vector(N) under HNSW, when its first passages come, and an open reader sees them", async () => {
    await indexPaperList(papers, [], options);
    expect(await sql(async (c) => (await c.query("SELECT to_regclass($1) AS t", [`${schema}.passages`])).rows[0].t)).toBeNull();
    const index = await openIndex(options);
    try {
      expect(await index.searchPassages("glaciers", 5)).toEqual([]);
      const more = papers.map((p, i) => (i < 3 ? withText(p, ["glaciers", "snow", "ice"]) : p));
      expect(await indexPaperList(more, [], options)).toMatchObject({ updated: 3, embedded: 12 });
      // The same reader, opened before: the library's next generation answers it.
      const [top] = await index.searchPassages("glaciers in p1", 1, "lexical");
      expect(top).toMatchObject({ id: "p1", page: 1, section: "1 Part" });
    } finally {
      await index.close();
    }
    await sql(async (client) => {
      const indexes = (await client.query("SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'passages'", [schema])).rows.map((r) => r.indexdef as string);
      expect(indexes).toContainEqual(expect.stringMatching(/passages_embedding .* USING hnsw \(embedding vector_cosine_ops\) WITH \(m='?16'?, ef_construction='?200'?\)/));
      expect(indexes).toContainEqual(expect.stringMatching(/passages_paper .* USING btree \(paper_label\)/));
      const type = (await client.query(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = '${schema}.passages'::regclass AND attname = 'embedding'`)).rows[0].t;
      expect(type).toBe(`vector(${HASH_MODEL.dimension})`);
      expect(Number((await client.query(`SELECT count(*) AS n FROM ${schema}.passages`)).rows[0].n)).toBe(9);
    });
  });

  it("never shows half an update: a run that fails writing passages leaves the papers and passages as they were", async () => {
    const before = papers.map((p, i) => (i < 3 ? withText(p, ["glaciers", "snow", "ice"]) : p));
    await indexPaperList(before, [], { ...options, rebuild: true });
    // A trigger makes the passages' INSERT fail, after the papers were written in the same transaction.
    await sql((c) =>
      c.query(`CREATE FUNCTION ${schema}.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk on fire'; END $$;
               CREATE TRIGGER refuse BEFORE INSERT ON ${schema}.passages FOR EACH ROW EXECUTE FUNCTION ${schema}.refuse()`),
    );
    const revised = before.map((p, i) => (i === 1 ? withText({ ...p, abstract: "Rewritten abstract about volcanoes." }, ["lava"]) : p));
    await expect(indexPaperList(revised, [], options)).rejects.toThrow(/disk on fire/);
    const index = await openIndex(options);
    try {
      expect(index.info().passages).toBe(9);
      expect((await index.get("p1")).abstract).toBe(papers[1]!.abstract);
      expect((await index.searchPassages("lava", 9, "lexical")).map((h) => h.text)).toEqual([]);
      expect((await index.searchPassages("glaciers in p1", 1, "lexical"))[0]).toMatchObject({ id: "p1" });
    } finally {
      await index.close();
    }
    await sql((c) => c.query(`DROP TRIGGER refuse ON ${schema}.passages`));
    // The rerun resumes the vectors the failed one embedded, and replaces p1's three passages by one.
    expect(await indexPaperList(revised, [], options)).toMatchObject({ updated: 1, resumed: 2, embedded: 0 });
    const after = await openIndex(options);
    try {
      expect(after.info().passages).toBe(7);
      expect((await after.searchPassages("lava", 1, "lexical"))[0]).toMatchObject({ id: "p1", text: "In this part we measured lava in p1." });
    } finally {
      await after.close();
    }
  });
});

describe.skipIf(!PG)("what papers did not write: a schema it did not make, a damaged library", () => {
  const base = `foreign_${process.pid}_${Date.now().toString(36)}`;
  const made: string[] = [];
  const storeIn = (schema: string) => {
    made.push(schema);
    return { indexDir: tempDir(), store: `${PG}${PG?.includes("?") ? "&" : "?"}schema=${schema}`, embedder: hashEmbedderLoader() };
  };
  const papers: Paper[] = Array.from({ length: 5 }, (_, i) => ({
    id: `f${i}`, title: null, abstract: `Soil bacteria and nitrogen, sample ${i}.`, arxivId: null, doi: null, journalRef: null,
    comments: [], authors: [], categories: [], year: null, date: null, sources: [{ file: "made-up", line: i + 1 }],
  }));
  const sql = async (text: string) => {
    const client = new pg.Client({ connectionString: PG });
    await client.connect();
    try {
      return await client.query(text);
    } finally {
      await client.end();
    }
  };
  afterAll(async () => {
    for (const schema of made) await sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });

  it("is refused, naming the tables papers did not create, which keep their rows", async () => {
    const schema = `${base}_users`;
    const options = storeIn(schema);
    await sql(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.papers (title text); INSERT INTO ${schema}.papers VALUES ('mine'); CREATE TABLE ${schema}.lengths (n int)`);
    const error = await indexPaperList(papers, [], options).then(() => null, (e: unknown) => e);
    expect(error).toMatchObject({ code: "NOT_AN_INDEX" });
    expect((error as Error).message).toMatch(/holds tables papers did not make \(lengths, papers\)/);
    expect((await sql(`SELECT title FROM ${schema}.papers`)).rows).toEqual([{ title: "mine" }]);
    expect((await sql(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = '${schema}'`)).rows[0].n).toBe(2);
  });

  it("is used when it is empty, and marked; a library written before the mark is still written, and marked", async () => {
    const empty = `${base}_empty`;
    const options = storeIn(empty);
    await sql(`CREATE SCHEMA ${empty}`);
    expect(await indexPaperList(papers, [], options)).toMatchObject({ added: 5 });
    expect((await sql(`SELECT to_regclass('${empty}.papers_library') IS NOT NULL AS marked`)).rows[0].marked).toBe(true);
    // As a papers from before the mark left it: its own tables, no mark.
    await sql(`DROP TABLE ${empty}.papers_library`);
    const more = [...papers, { ...papers[0]!, id: "f9", abstract: "Another soil sample." }];
    expect(await indexPaperList(more, [], { ...options, rebuild: true })).toMatchObject({ added: 6 });
    expect((await sql(`SELECT to_regclass('${empty}.papers_library') IS NOT NULL AS marked`)).rows[0].marked).toBe(true);
  });

  it("a library with a paper missing its vector, or with unreadable authors, is INDEX_DAMAGED when copied out (import --from), not a crash", async () => {
    for (const [name, damage] of [
      ["novector", (schema: string) => `UPDATE ${schema}.papers SET embedding = NULL WHERE id = 'f2'`],
      ["badauthors", (schema: string) => `UPDATE ${schema}.papers SET authors = '{not json' WHERE id = 'f3'`],
    ] as const) {
      const schema = `${base}_${name}`;
      const options = storeIn(schema);
      await indexPaperList(papers, [], options);
      await sql(damage(schema));
      const error = await copyIndex(options, { indexDir: join(tempDir(), "copy"), embedder: hashEmbedderLoader() }).then(() => null, (e: unknown) => e);
      expect(error, name).toMatchObject({ code: "INDEX_DAMAGED" });
      expect((error as Error).message).toMatch(/--rebuild/);
    }
  });
});
