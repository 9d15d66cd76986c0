/**
 * One behaviour suite, run against every store (describe.each over store factories): the folder
 * store always, PostgreSQL when PAPERS_TEST_PG names a server (`bash scripts/pg-server.sh start`
 * prints one). A test that writes gets a library of its own (a folder, or a schema); the tests that
 * only read share one 3,000-paper library per store, built once.
 *
 * These tests run in this process with the deterministic hash embedder (plumbing, not ranking); the
 * process tests (two writers, a server during a write, kill -9) are in store-matrix-processes.test.ts.
 */
import Database from "better-sqlite3";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { XMLValidator } from "fast-xml-parser";
import { copyIndex, indexPaperList, likePapers, openIndex, removePapers, type Paper, type PapersOptions } from "../src/papers.js";
import { passageText } from "../src/corpus/paper.js";
import { createMcpServer } from "../src/mcp/server.js";
import { checksumFiles } from "../src/store/folder/checksums.js";
import { DATA_FILES } from "../src/store/folder/manifest-file.js";
import { startServer } from "../src/server/serve.js";
import { HASH_MODEL, hashEmbedderLoader } from "./hash-embedder.js";
import { runCli, tempDir } from "./helpers.js";
import { PG, factories } from "./store-factories.js";

const CATEGORIES = ["cs.CL", "cs.LG", "cs.CV", "q-bio.GN"];
/**
 * SciFact abstracts with made-up metadata: years 2000–2024, a day in that year for nine in ten
 * (the tenth has a year only), a category in four, authors by number.
 */
function corpus(n: number): Paper[] {
  return readFileSync(new URL("../../shared/data/scifact/corpus.jsonl", import.meta.url), "utf8")
    .split("\n")
    .slice(0, n)
    .map((line, i) => {
      const doc = JSON.parse(line);
      // Papers from arXiv are known by their arXiv id, as papers names them.
      const arxivId = i % 7 === 0 ? `2401.${String(10000 + i)}` : null;
      return {
        id: arxivId ?? `sf${doc._id}`, title: doc.title, abstract: doc.text, arxivId, doi: null, journalRef: null, comments: [],
        authors: [`Author Number${i}`, "Common Coauthor"], categories: [CATEGORIES[i % 4]!, ...(i % 50 === 0 ? ["q-bio.RARE"] : [])],
        year: 2000 + (i % 25), date: dayOf(i), sources: [{ file: "corpus.jsonl", line: i + 1 }],
      };
    });
}

/**
 * The first `n` papers given `each` passages of full text (sentences of other SciFact abstracts,
 * short, so that many are quick to index), on pages 1.., in sections "1 Introduction", "2 Methods", "3 Results".
 */
function withPassages(papers: Paper[], n: number, each: number): Paper[] {
  const texts = readFileSync(new URL("../../shared/data/scifact/corpus.jsonl", import.meta.url), "utf8")
    .split("\n")
    .slice(1000, 1000 + n * each)
    .flatMap((line) => (JSON.parse(line).text as string).split(/(?<=\.)\s+(?=[A-Z])/).filter((sentence) => sentence.split(" ").length >= 8))
    .slice(0, n * each);
  const sections = ["1 Introduction", "2 Methods", "3 Results"];
  return papers.map((p, i) =>
    i < n ? { ...p, passages: Array.from({ length: each }, (_, j) => ({ text: texts[i * each + j]!, page: j + 1, lastPage: j + 1, section: sections[j % 3]! })) } : p,
  );
}

const embedder = hashEmbedderLoader();
const withModel = (options: PapersOptions): PapersOptions => ({ ...options, embedder });

async function exactDense(papers: Paper[], question: string, keep: (p: Paper) => boolean, k: number): Promise<string[]> {
  const model = await embedder.load(HASH_MODEL, "q8");
  const q = await model.embedQuery(question);
  const vectors = await model.embedDocuments(papers.map((p) => `${p.title}\n${p.abstract}`));
  const scored = papers.map((p, i) => ({ id: p.id, score: vectors[i]!.reduce((s, x, j) => s + x * q[j]!, 0), keep: keep(p) }));
  return scored.filter((s) => s.keep).sort((a, b) => b.score - a.score).slice(0, k).map((s) => s.id);
}

/** Paper i's made-up day in its year, or null for every tenth paper. */
function dayOf(i: number): string | null {
  return i % 10 === 9 ? null : `${2000 + (i % 25)}-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`;
}

/**
 * Turns a library back into what papers wrote before papers had dates: no date column (a folder's
 * live generation rewritten, its checksums with it; a schema's papers table altered).
 */
async function forgetDates(store: string, options: PapersOptions): Promise<void> {
  if (store === "folder") {
    const generation = join(options.indexDir!, readFileSync(join(options.indexDir!, "CURRENT"), "utf8").trim());
    const db = new Database(join(generation, "papers.db"));
    db.exec("DROP INDEX papers_dates; ALTER TABLE papers DROP COLUMN date");
    db.close();
    const manifestPath = join(generation, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, files: checksumFiles(generation, DATA_FILES) }));
    return;
  }
  const client = new pg.Client({ connectionString: PG });
  await client.connect();
  try {
    await client.query(`ALTER TABLE ${/schema=([a-z0-9_]+)/.exec(options.store!)![1]}.papers DROP COLUMN date`);
  } finally {
    await client.end();
  }
}

/** The shared library: 3,000 papers, enough for filters that match more papers than EXACT_SCAN_LIMIT. */
const SHARED = corpus(3000);

describe.each(factories)("the $name store", (factory) => {
  // Indexed without a topic map (UMAP over 3,000 papers costs tens of seconds): its tests are about
  // search; the topic map has its own library below.
  const shared = factory.fresh();
  beforeAll(async () => {
    await indexPaperList(SHARED, ["corpus.jsonl"], { ...withModel(shared.options), computeMap: false });
  }, 300_000);

  it("indexes incrementally by content hash, removes, and reports", async () => {
    const { options } = factory.fresh();
    const papers = corpus(40);
    const first = await indexPaperList(papers, ["corpus.jsonl"], withModel(options));
    expect(first).toMatchObject({ added: 40, updated: 0, unchanged: 0, embedded: 40 });
    const again = await indexPaperList(papers, ["corpus.jsonl"], withModel(options));
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 40, embedded: 0 });
    const changed = papers.map((p, i) => (i === 3 ? { ...p, abstract: p.abstract + " Revised." } : i === 4 ? { ...p, year: 1999 } : p));
    const third = await indexPaperList(changed, ["corpus.jsonl"], withModel(options));
    expect(third).toMatchObject({ added: 0, updated: 1, unchanged: 39, embedded: 1 });

    const index = await openIndex(withModel(options));
    try {
      expect(index.info()).toMatchObject({ count: 40, model: HASH_MODEL.id, dimension: 64 });
      expect((await index.get(papers[3]!.id)).abstract).toMatch(/Revised\.$/);
      expect((await index.get(papers[4]!.id)).year).toBe(1999);
      expect((await index.get(`arXiv:${papers[7]!.arxivId}v2`)).id).toBe(papers[7]!.id);
      expect((await index.list()).map((p) => p.id)).toEqual(papers.map((p) => p.id));
      expect(await index.listPage(10, 5)).toMatchObject({ total: 40, papers: papers.slice(10, 15).map((p) => ({ id: p.id })) });
    } finally {
      await index.close();
    }

    await expect(removePapers([papers[0]!.id, "no-such-paper"], options)).rejects.toMatchObject({ code: "UNKNOWN_ID" });
    const removed = await removePapers([papers[0]!.id, papers[1]!.id.toUpperCase()], options);
    expect(removed).toMatchObject({ removed: 2, manifest: { count: 38 } });
    const after = await openIndex(withModel(options));
    try {
      await expect(after.get(papers[0]!.id)).rejects.toMatchObject({ code: "UNKNOWN_ID" });
      expect((await after.search(papers[1]!.title!, 38, "lexical")).map((h) => h.id)).not.toContain(papers[1]!.id);
      expect(after.info().count).toBe(38);
    } finally {
      await after.close();
    }
  });

  it("searches in every mode with year, category and author filters, exactly k when k match", async () => {
    const papers = SHARED;
    const index = await openIndex(withModel(shared.options));
    try {
      const question = "gene expression in cancer cells";
      const cases: [string, Parameters<typeof index.search>[3], (p: Paper) => boolean][] = [
        // Large subsets (> 1,000 papers) go through the HNSW graph, small ones are compared exactly.
        ["years 2005..2020", { years: [2005, 2020] }, (p) => p.year! >= 2005 && p.year! <= 2020],
        ["category cs.LG", { category: "CS.lg" }, (p) => p.categories.includes("cs.LG")],
        ["rare category", { category: "q-bio.RARE" }, (p) => p.categories.includes("q-bio.RARE")],
        ["author part", { author: "number12" }, (p) => p.authors[0]!.toLowerCase().includes("number12")],
        ["year and category", { years: [2010, null], category: "cs.CV" }, (p) => p.year! >= 2010 && p.categories.includes("cs.CV")],
        // Days: a paper without one is left out; a month or a year stands for its first or last day.
        ["since a day", { since: "2010-06-15" }, (p) => p.date !== null && p.date >= "2010-06-15"],
        ["until a year", { until: "2003" }, (p) => p.date !== null && p.date <= "2003-12-31"],
        ["since and until months", { since: "2005-03", until: "2006-02" }, (p) => p.date !== null && p.date >= "2005-03-01" && p.date <= "2006-02-28"],
        ["days and category", { since: "2001-01-01", until: "2020-12-31", category: "cs.LG" }, (p) => p.date !== null && p.date >= "2001-01-01" && p.date <= "2020-12-31" && p.categories.includes("cs.LG")],
      ];
      for (const [what, filter, keep] of cases) {
        const matching = papers.filter(keep);
        const k = Math.min(200, matching.length);
        for (const mode of ["dense", "lexical", "hybrid"] as const) {
          const hits = await index.search(question, k, mode, filter);
          expect(hits.every((h) => keep(h)), `${what} ${mode}`).toBe(true);
          if (mode !== "lexical") expect(hits, `${what} ${mode}`).toHaveLength(k);
        }
        const dense = (await index.search(question, 10, "dense", filter)).map((h) => h.id);
        const exact = await exactDense(papers, question, keep, 10);
        expect(dense.filter((id) => exact.includes(id)).length, what).toBeGreaterThanOrEqual(9);
      }
      expect(await index.search(question, 5, "dense", { author: "nobody at all" })).toEqual([]);
      expect(await index.search(question, 5, "hybrid", { since: "2030-01-01" })).toEqual([]);
      // Both bounds inclusive: one day given as both.
      const newYear = papers.filter((p) => p.date === "2000-01-01").map((p) => p.id).sort();
      expect(newYear.length).toBeGreaterThan(1);
      expect((await index.search(question, 5, "dense", { since: "2000-01-01", until: "2000-01-01" })).map((h) => h.id).sort()).toEqual(newYear);
      for (const filter of [{ since: "2024-02-30" }, { until: "yesterday" }, { since: "2024-13" }, { since: "2024-05", until: "2024-04-30" }]) {
        await expect(index.search(question, 5, "dense", filter), JSON.stringify(filter)).rejects.toMatchObject({ code: "BAD_OPTION" });
      }
      expect(await index.search(question, 1000, "dense")).toHaveLength(1000);
    } finally {
      await index.close();
    }
  });

  it("reads a library written before papers had dates, and dates it on the next run without embedding", async () => {
    const { options } = factory.fresh();
    const papers = corpus(30);
    await indexPaperList(papers, ["corpus.jsonl"], withModel(options));
    await forgetDates(factory.name, options);
    const question = papers[3]!.title!;
    const old = await openIndex(withModel(options));
    try {
      expect((await old.get(papers[3]!.id)).date).toBeNull();
      expect((await old.search(question, 30, "hybrid")).map((h) => h.id)).toHaveLength(30);
      expect((await old.search(question, 5, "hybrid", { years: [2003, 2003] }))[0]!.id).toBe(papers[3]!.id);
      for (const mode of ["dense", "lexical", "hybrid"] as const) expect(await old.search(question, 5, mode, { since: "2000" }), mode).toEqual([]);
    } finally {
      await old.close();
    }
    expect(await indexPaperList(papers, ["corpus.jsonl"], withModel(options))).toMatchObject({ added: 0, updated: 0, unchanged: 30, embedded: 0 });
    const dated = await openIndex(withModel(options));
    try {
      expect((await dated.get(papers[3]!.id)).date).toBe(papers[3]!.date);
      const since2010 = papers.filter((p) => p.date !== null && p.date >= "2010-01-01").map((p) => p.id).sort();
      for (const mode of ["dense", "hybrid"] as const) expect((await dated.search(question, 30, mode, { since: "2010" })).map((h) => h.id).sort(), mode).toEqual(since2010);
    } finally {
      await dated.close();
    }
    expect(await indexPaperList(papers, ["corpus.jsonl"], withModel(options))).toMatchObject({ added: 0, updated: 0, unchanged: 30, embedded: 0 });
  });

  it("answers related and serves over HTTP", async () => {
    const { options } = shared;
    const papers = SHARED;
    const index = await openIndex(withModel(options));
    try {
      const related = await index.related(papers[5]!.id, 5);
      expect(related).toHaveLength(5);
      expect(related.map((h) => h.id)).not.toContain(papers[5]!.id);
    } finally {
      await index.close();
    }
    const server = await startServer(withModel(options), { port: 0, host: "127.0.0.1" }, { log: () => {}, warn: () => {} });
    try {
      const search = (await (await fetch(`${server.url}api/search?q=${encodeURIComponent("cancer cells")}&k=3`)).json()) as { results: unknown[] };
      expect(search.results).toHaveLength(3);
      const paper = (await (await fetch(`${server.url}api/papers/${papers[2]!.id}`)).json()) as Paper;
      expect(paper.title).toBe(papers[2]!.title);
      expect((await fetch(`${server.url}api/papers/nope`)).status).toBe(404);
      expect(await (await fetch(`${server.url}api/info`)).json()).toMatchObject({ count: SHARED.length });
    } finally {
      await server.close();
    }
  });

  it("makes a feed of the window's papers for the likes, given or saved, through the library, HTTP, MCP and the CLI", async () => {
    const library = factory.fresh();
    // 60 papers from May, then 30 over the three days 2026-06-29..07-01 (one without a date).
    const days = ["2026-06-29", "2026-06-30", "2026-07-01"];
    const papers = corpus(90).map((p, i) => ({ ...p, date: i === 89 ? null : i < 60 ? `2026-05-${String(1 + (i % 28)).padStart(2, "0")}` : days[i % 3]! }));
    await indexPaperList(papers, ["corpus.jsonl"], { ...withModel(library.options), computeMap: false });
    const dateOf = new Map(papers.map((p) => [p.id, p.date]));
    const like = papers.slice(0, 60).filter((p) => /cancer|tumou?r/i.test(p.abstract)).slice(0, 3).map((p) => p.id);
    const likedInWindow = papers[61]!.id;
    const index = await openIndex(withModel(library.options));
    try {
      await expect(index.feed({ days: 3 })).rejects.toMatchObject({ code: "NO_LIKES" });
      const feed = await index.feed({ days: 3, like: [...like, likedInWindow], k: 40 });
      expect([feed.since, feed.until, feed.saved]).toEqual(["2026-06-29", "2026-07-01", false]);
      // Every dated paper of the window but the liked one, and nothing else.
      expect(feed.items.map((item) => item.id).sort()).toEqual(papers.slice(60, 89).map((p) => p.id).filter((id) => id !== likedInWindow).sort());
      expect(feed.items.every((item, i) => i === 0 || item.score <= feed.items[i - 1]!.score)).toBe(true);
      expect(feed.items.every((item) => [...like, likedInWindow].includes(item.nearest.id))).toBe(true);
      const since = await index.feed({ since: "2026-06-30", like, unlike: [papers.find((p, i) => i < 60 && !like.includes(p.id))!.id], k: 40 });
      expect(since.method).toBe("classifier");
      expect(since.items.length).toBe(papers.slice(60, 89).filter((p) => p.date! >= "2026-06-30").length);
      expect(since.items.every((item) => dateOf.get(item.id)! >= "2026-06-30")).toBe(true);
      await expect(index.feed({ since: "2026-07-01", until: "2026-06-01", like })).rejects.toMatchObject({ code: "BAD_OPTION" });
    } finally {
      await index.close();
    }

    // Saved likes are the feed's when none are given: in the library, over HTTP, MCP and the CLI.
    await likePapers(like, library.options);
    const saved = await openIndex(withModel(library.options));
    try {
      const feed = await saved.feed({ days: 1, k: 5 });
      expect([feed.saved, feed.like, feed.since, feed.until]).toEqual([true, like, "2026-07-01", "2026-07-01"]);
      expect(feed.items.every((item) => dateOf.get(item.id) === "2026-07-01")).toBe(true);
      const mcp = createMcpServer(saved);
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      const client = new Client({ name: "test", version: "1" });
      await Promise.all([mcp.connect(serverSide), client.connect(clientSide)]);
      const answer = (await client.callTool({ name: "feed", arguments: { days: 3, k: 4 } })) as unknown as { structuredContent: { results: { id: string; date: string }[]; saved: boolean } };
      expect(answer.structuredContent.saved).toBe(true);
      expect(answer.structuredContent.results).toHaveLength(4);
      expect(answer.structuredContent.results.every((r) => r.date >= "2026-06-29")).toBe(true);
      await client.close();
    } finally {
      await saved.close();
    }
    const server = await startServer(withModel(library.options), { port: 0, host: "127.0.0.1" }, { log: () => {}, warn: () => {} });
    try {
      const json = (await (await fetch(`${server.url}api/feed?days=3&k=6`)).json()) as { results: { id: string; nearest: { id: string } }[]; like: string[] };
      expect(json.like).toEqual(like);
      expect(json.results).toHaveLength(6);
      expect(json.results.every((r) => dateOf.get(r.id)! >= "2026-06-29" && like.includes(r.nearest.id))).toBe(true);
      const atom = await fetch(`${server.url}api/feed?since=2026-06-30&format=atom`);
      expect(atom.headers.get("content-type")).toContain("application/atom+xml");
      expect(XMLValidator.validate(await atom.text())).toBe(true);
      const html = await fetch(`${server.url}api/feed?days=2&format=html`);
      expect(html.headers.get("content-security-policy")).toContain("default-src 'none'");
      expect((await fetch(`${server.url}api/feed?days=0`)).status).toBe(400);
      expect(((await (await fetch(`${server.url}api/feed?since=yesterday`)).json()) as { error: { code: string } }).error.code).toBe("BAD_OPTION");
    } finally {
      await server.close();
    }
    const cli = runCli([...library.args, "feed", "--days", "3", "-k", "3", "--format", "json"]);
    expect(cli.status, cli.stderr).toBe(0);
    expect((JSON.parse(cli.stdout) as { results: unknown[]; saved: boolean }).saved).toBe(true);
  });

  it("recommends papers like the liked ones and unlike the unliked ones, leaving the seeds out", async () => {
    const papers = SHARED;
    const index = await openIndex(withModel(shared.options));
    try {
      const like = papers.filter((p) => /cancer|tumou?r/i.test(p.abstract)).slice(0, 4).map((p) => p.id);
      const unlike = papers.filter((p) => /bacteri|infection/i.test(p.abstract)).slice(0, 4).map((p) => p.id);
      const result = await index.recommend({ like, unlike, k: 15 });
      expect(result.method).toBe("classifier");
      expect(result.hits).toHaveLength(15);
      expect(result.hits.map((h) => h.id).filter((id) => like.includes(id) || unlike.includes(id))).toEqual([]);
      expect(result.why.words.length).toBeGreaterThan(0);
      // The classifier learnt the likes' side: they score above the unlikes when asked as candidates.
      const cancer = result.hits.filter((h) => /cancer|tumou?r/i.test(h.abstract)).length;
      const bacteria = result.hits.filter((h) => /bacteri|infection/i.test(h.abstract)).length;
      expect(cancer).toBeGreaterThan(bacteria);
    } finally {
      await index.close();
    }
  });

  it("refuses another model, for queries and for updates without --rebuild", async () => {
    const { options } = factory.fresh();
    const papers = corpus(20);
    // Without a topic map: it is computed in memory when asked for, and stored by the next run.
    await indexPaperList(papers, ["corpus.jsonl"], { ...withModel(options), computeMap: false });
    const unmapped = await openIndex(withModel(options));
    try {
      expect(await unmapped.hasStoredTopicMap()).toBe(false);
      expect((await unmapped.topics()).reduce((sum, t) => sum + t.size, 0)).toBe(20);
    } finally {
      await unmapped.close();
    }
    expect(await indexPaperList(papers, ["corpus.jsonl"], withModel(options))).toMatchObject({ unchanged: 20, embedded: 0 });
    const mapped = await openIndex(withModel(options));
    try {
      expect(await mapped.hasStoredTopicMap()).toBe(true);
      expect((await mapped.map()).ids.sort()).toEqual(papers.map((p) => p.id).sort());
    } finally {
      await mapped.close();
    }
    await expect(openIndex({ ...withModel(options), model: "sentence-transformers/other" })).rejects.toMatchObject({ code: "MODEL_MISMATCH" });
    const other = hashEmbedderLoader({ ...HASH_MODEL, pooling: "cls" });
    await expect(indexPaperList(papers, [], { ...options, embedder: other })).rejects.toMatchObject({ code: "MODEL_MISMATCH" });
    const rebuilt = await indexPaperList(papers.slice(0, 10), [], { ...options, embedder: other, rebuild: true });
    expect(rebuilt).toMatchObject({ added: 10, embedded: 10, manifest: { count: 10, model: { pooling: "cls" } } });
  });

  it("resumes a run that failed mid-way from its checkpoint", async () => {
    const { options } = factory.fresh();
    const papers = corpus(100);
    let batches = 0;
    const failing = {
      describe: embedder.describe,
      load: async (spec: typeof HASH_MODEL, dtype: "q8" | "fp32") => {
        const inner = await embedder.load(spec, dtype);
        return {
          ...inner,
          model: inner.model,
          dtype: inner.dtype,
          embedQuery: (t: string) => inner.embedQuery(t),
          dispose: () => inner.dispose(),
          embedDocuments: async (texts: string[]) => {
            if (++batches > 3) throw new Error("embedder died");
            return inner.embedDocuments(texts);
          },
        };
      },
    };
    await expect(indexPaperList(papers, [], { ...options, embedder: failing, checkpointEvery: 10 })).rejects.toThrow(/embedder died/);
    expect(await factory.checkpointed({ options })).toBe(30);
    await expect(openIndex(withModel(options))).rejects.toMatchObject({ code: "NO_INDEX" });
    const rerun = await indexPaperList(papers, [], { ...withModel(options), checkpointEvery: 10 });
    expect(rerun).toMatchObject({ added: 100, resumed: 30, embedded: 70 });
    expect(await factory.checkpointed({ options })).toBe(0);
  });

  it("moves its index to another store and back without embedding, answering the same", async () => {
    const { options } = factory.fresh();
    const papers = corpus(300);
    await indexPaperList(papers, ["corpus.jsonl"], withModel(options));
    // The other kind of store when there is one, else another of the same kind.
    const other = (factories.find((f) => f !== factory) ?? factory).fresh().options;
    const back = factory.fresh().options;
    const never = { describe: embedder.describe, load: async () => { throw new Error("a move must embed nothing"); } };
    expect(await copyIndex({ ...options, embedder: never }, { ...other, embedder: never })).toMatchObject({ added: 300, manifest: { count: 300 } });
    expect(await copyIndex({ ...options, embedder: never }, { ...other, embedder: never })).toMatchObject({ added: 0, unchanged: 300 });
    expect(await copyIndex({ ...other, embedder: never }, { ...back, embedder: never })).toMatchObject({ added: 300 });
    const answers = async (where: PapersOptions) => {
      const index = await openIndex(withModel(where));
      try {
        const out: string[] = [];
        for (const mode of ["dense", "lexical", "hybrid"] as const) {
          for (const hit of await index.search("protein folding in yeast", 10, mode, { years: [2005, null] })) out.push(`${mode} ${hit.id} ${hit.score.toFixed(4)}`);
        }
        const centroid = await index.recommend({ like: [papers[3]!.id, papers[8]!.id], k: 10 });
        for (const hit of centroid.hits) out.push(`recommend ${hit.id} ${hit.score.toFixed(4)}`);
        // With unlikes a classifier is trained against random negatives too: every store draws the same ones.
        const classifier = await index.recommend({ like: [papers[3]!.id, papers[8]!.id], unlike: [papers[5]!.id], k: 10 });
        expect(classifier.method).toBe("classifier");
        for (const hit of classifier.hits) out.push(`unlike ${hit.id} ${hit.score.toFixed(4)}`);
        return out;
      } finally {
        await index.close();
      }
    };
    const original = await answers(options);
    expect(original).toHaveLength(50);
    expect(await answers(other)).toEqual(original);
    expect(await answers(back)).toEqual(original);
    // The target computed its own topic map (labels are the store's own), over the same papers.
    const moved = await openIndex(withModel(back));
    try {
      expect(await moved.hasStoredTopicMap()).toBe(true);
      expect((await moved.topics()).reduce((sum, t) => sum + t.size, 0)).toBe(300);
    } finally {
      await moved.close();
    }
    // `export --no-map`: the move computes none (topics are then computed when asked for).
    const unmapped = factory.fresh().options;
    expect(await copyIndex({ ...other, embedder: never }, { ...unmapped, embedder: never }, { computeMap: false })).toMatchObject({ added: 300 });
    const bare = await openIndex(withModel(unmapped));
    try {
      expect(await bare.hasStoredTopicMap()).toBe(false);
    } finally {
      await bare.close();
    }
  });

  it("stores topics and the map with the index, extends them on a small update, recomputes past RECOMPUTE_SHARE", async () => {
    const library = factory.fresh();
    const papers = corpus(200);
    const base = papers.slice(0, 120);
    await indexPaperList(base, ["corpus.jsonl"], withModel(library.options));
    const read = async () => {
      const index = await openIndex(withModel(library.options));
      try {
        return { stored: await index.hasStoredTopicMap(), raw: await index.topicMap(), map: await index.map(), topics: await index.topics() };
      } finally {
        await index.close();
      }
    };
    const first = await read();
    expect(first.stored).toBe(true);
    expect([first.raw.basis, first.raw.changed]).toEqual([120, 0]);
    // Every paper has a place in [0, 1]² and a topic; the topics' sizes add up to the papers.
    expect([...first.map.ids].sort()).toEqual(base.map((p) => p.id).sort());
    expect([...first.map.x, ...first.map.y].every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(first.map.topic.every((t) => Number.isInteger(t) && t >= 0 && t < first.topics.length)).toBe(true);
    expect(first.topics.length).toBeGreaterThan(1);
    expect(first.topics.reduce((sum, t) => sum + t.size, 0)).toBe(120);
    const ids = new Set(base.map((p) => p.id));
    for (const t of first.topics) {
      expect(t.representatives.length).toBe(Math.min(3, t.size));
      expect(t.representatives.every((r) => ids.has(r.id))).toBe(true);
    }

    // The front ends give the library's answer, whichever store holds it.
    const cli = runCli([...library.args, "topics", "--json"]);
    expect(cli.status, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(first.topics);
    const svg = join(tempDir(), "map.svg");
    const drawn = runCli([...library.args, "map", "--out", svg]);
    expect(drawn.stdout.trim(), drawn.stderr).toBe(`wrote ${svg}: 120 papers, ${first.topics.length} topics`);
    expect(readFileSync(svg, "utf8").match(/<circle /g)).toHaveLength(120);
    const server = await startServer(withModel(library.options), { port: 0, host: "127.0.0.1" }, { log: () => {}, warn: () => {} });
    try {
      expect(await (await fetch(`${server.url}api/map`)).json()).toEqual(first.map);
      expect(await (await fetch(`${server.url}api/topics`)).json()).toEqual({ topics: first.topics });
    } finally {
      await server.close();
    }

    // 6 new papers and 1 changed abstract: 7 of 120, under 10%, so the map is extended, not recomputed.
    const changedId = base[10]!.id;
    const update = [...base.map((p) => (p.id === changedId ? { ...p, abstract: `${p.abstract} Revised.` } : p)), ...papers.slice(120, 126)];
    await indexPaperList(update, ["corpus.jsonl"], withModel(library.options));
    const extended = await read();
    expect(extended.stored).toBe(true);
    expect([extended.raw.basis, extended.raw.changed]).toEqual([120, 7]);
    expect(extended.map.ids).toHaveLength(126);
    expect(extended.topics.reduce((sum, t) => sum + t.size, 0)).toBe(126);
    const place = (view: typeof first.map, id: string) => {
      const i = view.ids.indexOf(id);
      return [view.x[i], view.y[i], view.topic[i]];
    };
    for (const id of first.map.ids) if (id !== changedId) expect(place(extended.map, id), id).toEqual(place(first.map, id));

    // Removing 6 more makes 13 changed: past 10% of 120, so computed again from scratch.
    await removePapers(base.slice(0, 6).map((p) => p.id), library.options);
    const recomputed = await read();
    expect([recomputed.raw.basis, recomputed.raw.changed]).toEqual([120, 0]);
    expect(recomputed.topics.reduce((sum, t) => sum + t.size, 0)).toBe(120);
  });

  it("keeps full-text passages: searches them, replaces and removes them with their paper, moves them between stores", async () => {
    const { options } = factory.fresh();
    const papers = withPassages(corpus(30), 10, 3);
    const first = await indexPaperList(papers, ["corpus.jsonl"], { ...withModel(options), computeMap: false });
    // 30 abstracts and 30 passages embedded.
    expect(first).toMatchObject({ added: 30, embedded: 60 });
    const passageOf = (paper: number, j: number) => papers[paper]!.passages![j]!;

    const index = await openIndex(withModel(options));
    try {
      expect(index.info().passages).toBe(30);
      // A passage's own words find it first, in every mode, with its paper and page.
      for (const mode of ["dense", "lexical", "hybrid"] as const) {
        const [top] = await index.searchPassages(passageOf(4, 1).text, 3, mode);
        expect(top, mode).toMatchObject({ id: papers[4]!.id, page: 2, section: "2 Methods", text: passageOf(4, 1).text });
      }
      // Exactly k, and every passage when k is more than there are.
      expect(await index.searchPassages("cells", 30, "dense")).toHaveLength(30);
      expect(await index.searchPassages("cells", 50, "dense")).toHaveLength(30);
      // A filter lets a paper's passages through with the paper: papers 0..9 are from 2000..2009.
      for (const mode of ["dense", "lexical", "hybrid"] as const) {
        const hits = await index.searchPassages(passageOf(2, 0).text, 10, mode, { years: [2002, 2003] });
        expect(new Set(hits.map((h) => h.id)), mode).toEqual(new Set([papers[2]!.id, papers[3]!.id]));
        if (mode !== "lexical") expect(hits, mode).toHaveLength(6);
        // Paper 2 is of 2002-03-03, paper 3 of 2003-04-04: days bound passages as they bound papers.
        const days = await index.searchPassages(passageOf(2, 0).text, 10, mode, { since: "2002-03-04", until: "2003-04-04" });
        expect(new Set(days.map((h) => h.id)), mode).toEqual(new Set([papers[3]!.id]));
      }
      // Papers searches take a passage as their evidence, and say where it is.
      const [hit] = await index.search(passageOf(7, 2).text, 5, "hybrid");
      expect(hit).toMatchObject({ id: papers[7]!.id, passage: { page: 3, text: passageOf(7, 2).text } });
      const lexical = await index.search(passageOf(7, 2).text, 5, "lexical", { years: [2007, 2007] });
      expect(lexical.map((h) => h.id)).toEqual([papers[7]!.id]);
    } finally {
      await index.close();
    }

    // A revised paper's passages are all replaced; a removed paper takes its passages along.
    const revised = papers.map((p, i) => (i === 0 ? { ...p, passages: [{ text: "Glacier drift measured by cheap receivers.", page: 9, lastPage: 9, section: null }] } : p));
    expect(await indexPaperList(revised, ["corpus.jsonl"], { ...withModel(options), computeMap: false })).toMatchObject({ updated: 1, unchanged: 29, embedded: 2 });
    await removePapers([papers[5]!.id], options);
    const after = await openIndex(withModel(options));
    try {
      expect(after.info()).toMatchObject({ count: 29, passages: 25 });
      const all = await after.searchPassages("cells", 50, "dense");
      expect(all).toHaveLength(25);
      expect(all.filter((h) => h.id === papers[5]!.id)).toEqual([]);
      expect(all.filter((h) => h.id === papers[0]!.id).map((h) => h.page)).toEqual([9]);
      for (const mode of ["lexical", "hybrid"] as const) {
        const gone = await after.searchPassages(passageOf(5, 0).text, 50, mode);
        expect(gone.map((h) => h.id), mode).not.toContain(papers[5]!.id);
        expect(gone.map((h) => h.text), mode).not.toContain(passageOf(0, 0).text);
      }
      expect((await after.searchPassages("glacier drift receivers", 1, "lexical"))[0]).toMatchObject({ id: papers[0]!.id, page: 9 });
    } finally {
      await after.close();
    }

    // To the other store and back, embedding nothing: the same passages answer the same.
    const other = (factories.find((f) => f !== factory) ?? factory).fresh().options;
    const back = factory.fresh().options;
    const never = { describe: embedder.describe, load: async () => { throw new Error("a move must embed nothing"); } };
    expect(await copyIndex({ ...options, embedder: never }, { ...other, embedder: never })).toMatchObject({ added: 29 });
    expect(await copyIndex({ ...options, embedder: never }, { ...other, embedder: never })).toMatchObject({ added: 0, unchanged: 29 });
    expect(await copyIndex({ ...other, embedder: never }, { ...back, embedder: never })).toMatchObject({ added: 29 });
    const answers = async (where: PapersOptions) => {
      const index = await openIndex(withModel(where));
      try {
        const out: string[] = [`passages ${index.info().passages}`];
        for (const mode of ["dense", "lexical", "hybrid"] as const) {
          for (const h of await index.searchPassages(passageOf(8, 0).text, 8, mode)) out.push(`${mode} ${h.id} p.${h.page} ${h.score.toFixed(4)}`);
          for (const h of await index.search(passageOf(3, 2).text, 5, mode, { years: [2001, null] })) out.push(`${mode} ${h.id} ${h.passage?.page} ${h.score.toFixed(4)}`);
        }
        // Related papers rank by their best evidence too, the paper's own passages left out.
        for (const h of await index.related(papers[3]!.id, 5)) out.push(`related ${h.id} ${h.score.toFixed(4)}`);
        for (const h of (await index.recommend({ like: [papers[2]!.id, papers[8]!.id], k: 5 })).hits) out.push(`recommend ${h.id} ${h.score.toFixed(4)}`);
        return out;
      } finally {
        await index.close();
      }
    };
    const original = await answers(options);
    expect(original).toContain("passages 25");
    expect(original.length).toBeGreaterThan(40);
    expect(await answers(other)).toEqual(original);
    expect(await answers(back)).toEqual(original);
  });

  it("searches passages exactly k deep with a filter, among more passages than an exact scan takes", async () => {
    const { options } = factory.fresh();
    // 1,500 passages, 1,200 of them in the filter's years: more than EXACT_SCAN_LIMIT, so the graph answers.
    const papers = withPassages(corpus(250), 250, 6);
    await indexPaperList(papers, ["corpus.jsonl"], { ...withModel(options), computeMap: false });
    const index = await openIndex(withModel(options));
    try {
      const question = "gene expression in cancer cells";
      const inYears = (id: string) => papers.find((p) => p.id === id)!.year! <= 2019;
      expect(papers.filter((p) => p.year! <= 2019).flatMap((p) => p.passages!)).toHaveLength(1200);
      for (const mode of ["dense", "hybrid"] as const) {
        const hits = await index.searchPassages(question, 200, mode, { years: [2000, 2019] });
        expect(hits, mode).toHaveLength(200);
        expect(hits.every((h) => inYears(h.id)), mode).toBe(true);
      }
      // Against the exact answer, computed here from the same embedder.
      const model = await embedder.load(HASH_MODEL, "q8");
      const q = await model.embedQuery(question);
      const all = papers.filter((p) => p.year! <= 2019).flatMap((p) => p.passages!.map((passage) => ({ key: `${p.id} ${passage.page}`, text: passageText(passage) })));
      const vectors = await model.embedDocuments(all.map((a) => a.text));
      const exact = all.map((a, i) => ({ key: a.key, score: vectors[i]!.reduce((s, x, j) => s + x * q[j]!, 0) })).sort((a, b) => b.score - a.score).slice(0, 10).map((a) => a.key);
      const dense = (await index.searchPassages(question, 10, "dense", { years: [2000, 2019] })).map((h) => `${h.id} ${h.page}`);
      expect(dense.filter((key) => exact.includes(key)).length).toBeGreaterThanOrEqual(9);
    } finally {
      await index.close();
    }
  });
});
