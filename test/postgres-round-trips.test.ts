/**
 * How many round trips a search makes to PostgreSQL: every statement a pooled connection sends is
 * counted (pg.Client's query, which node-postgres answers one at a time per connection), so a
 * search that drifts back to several round trips fails here; and what a search reads while a
 * writer commits between its reads.
 */
import pg from "pg";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { indexPaperList, openIndex, removePapers, type Paper } from "../src/papers.js";
import { hashEmbedderLoader } from "./hash-embedder.js";
import { tempDir } from "./helpers.js";

const PG = process.env.PAPERS_TEST_PG;

describe.skipIf(!PG)("PostgreSQL round trips per search", () => {
  const schema = `pgtrips_${process.pid}_${Date.now().toString(36)}`;
  const store = `${PG}${PG?.includes("?") ? "&" : "?"}schema=${schema}`;
  const options = { indexDir: tempDir(), store, embedder: hashEmbedderLoader() };
  const papers: Paper[] = Array.from({ length: 40 }, (_, i) => ({
    id: `p${i}`, title: `Paper ${i} on ${i % 3 ? "cells" : "graphs"}`, abstract: `Cells, proteins and graphs, study number ${i}.`, arxivId: null, doi: null, journalRef: null,
    comments: [], authors: [`Author ${i}`], categories: [i % 2 ? "cs.CL" : "cs.LG"], year: 2000 + i, date: null, sources: [{ file: "made-up", line: i + 1 }],
  }));
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => {
    const client = new pg.Client({ connectionString: PG });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  /** The statements sent while `work` runs (the first search of a generation is let through uncounted: it fills the reader's caches). */
  async function statementsOf(work: () => Promise<unknown>): Promise<string[]> {
    const sent: string[] = [];
    const query = pg.Client.prototype.query;
    vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      const first = args[0] as string | { text: string };
      sent.push(typeof first === "string" ? first : first.text);
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query);
    try {
      await work();
    } finally {
      vi.restoreAllMocks();
    }
    return sent;
  }

  it("answers a dense search in one round trip, and a hybrid one in at most two", async () => {
    await indexPaperList(papers, [], options);
    const index = await openIndex(options);
    try {
      await index.search("cells and proteins", 5, "hybrid");
      await index.search("graphs", 5, "dense");
      const dense = await statementsOf(() => index.search("proteins of cells", 5, "dense"));
      const hybrid = await statementsOf(() => index.search("graphs and cells", 5, "hybrid"));
      // What a failure looks like, when it fails: the statements themselves.
      expect(dense, dense.join("\n---\n")).toHaveLength(1);
      expect(hybrid.length, hybrid.join("\n---\n")).toBeLessThanOrEqual(2);
    } finally {
      await index.close();
    }
  });

  it("answers from one generation when a writer commits between a search's reads: the papers it found, not a damaged index", async () => {
    await indexPaperList(papers, [], { ...options, rebuild: true });
    const index = await openIndex(options);
    try {
      const before = await index.search("cells proteins graphs", 5, "lexical");
      expect(before).toHaveLength(5);
      // Right after the search has read the postings, and before it reads the papers, a writer
      // removes every paper the search found.
      let fired = false;
      const query = pg.Client.prototype.query;
      vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (this: pg.Client, ...args: unknown[]) {
        const first = args[0] as string | { text: string };
        const text = typeof first === "string" ? first : first.text;
        const result = (query as (...a: unknown[]) => Promise<unknown>).apply(this, args);
        if (fired || !/FROM \w+\.postings WHERE term/.test(text)) return result;
        fired = true;
        return result.then(async (answer) => {
          await removePapers(before.map((hit) => hit.id), options);
          return answer;
        });
      } as typeof query);
      const after = await index.search("cells proteins graphs", 5, "lexical");
      vi.restoreAllMocks();
      expect(fired).toBe(true);
      expect(after).toHaveLength(5);
      const gone = new Set(before.map((hit) => hit.id));
      expect(after.filter((hit) => gone.has(hit.id))).toEqual([]);
    } finally {
      await index.close();
    }
  });
});
