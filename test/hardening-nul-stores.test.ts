/**
 * Issue 27 item 17, end to end: a record with a NUL indexes in every store, with the same text.
 * A NUL failed a whole PostgreSQL run ("invalid byte sequence for encoding UTF8: 0x00") while the
 * folder store took it; the corpus layer now strips it where records become papers. PostgreSQL is
 * tried when PAPERS_TEST_PG names a server; the hash embedder stands in for the model.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { indexPapers, openIndex, type PapersOptions } from "../src/papers.js";
import { hashEmbedderLoader } from "./hash-embedder.js";
import { tempDir } from "./helpers.js";

const PG = process.env.PAPERS_TEST_PG;
const schema = `nul_${process.pid}_${Date.now().toString(36)}`;
const stores: [string, () => PapersOptions][] = [["folder", () => ({ indexDir: join(tempDir(), "index") })]];
if (PG) {
  stores.push(["postgres", () => ({ indexDir: join(tempDir(), "unused"), store: `${PG}${PG.includes("?") ? "&" : "?"}schema=${schema}` })]);
  afterAll(async () => {
    const client = new pg.Client({ connectionString: PG });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });
}

describe.each(stores)("the %s store", (_name, options) => {
  it("indexes a record with NUL in its title, abstract and authors, and keeps the text without it", async () => {
    const file = join(tempDir("papers-nul-"), "nul.jsonl");
    const records = [
      { id: "nul-1", title: "Terns\u0000 at sea", abstract: "Arctic terns\u0000 migrate from pole to pole.", authors: ["Ada\u0000 Lovelace"] },
      { id: "ok-1", title: "Glaciers", abstract: "Glaciers in the Alps retreat faster than predicted." },
    ];
    writeFileSync(file, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const library = { ...options(), embedder: hashEmbedderLoader(), computeMap: false };
    const summary = await indexPapers([file], library);
    expect(summary).toMatchObject({ added: 2 });
    const index = await openIndex(library);
    try {
      expect(await index.get("nul-1")).toMatchObject({ title: "Terns at sea", abstract: "Arctic terns migrate from pole to pole.", authors: ["Ada Lovelace"] });
    } finally {
      await index.close();
    }
  }, 120_000);
});
