/**
 * Likes that last, on every store of the matrix (store-factories.ts: the folder store always,
 * PostgreSQL when PAPERS_TEST_PG names a server): like, unlike and clear; a reader keeps the likes
 * it opened with; likes outlast re-indexing, --rebuild, removals and a copy to another store; the
 * CLI and POST /api/likes round trips. The deterministic hash embedder: plumbing, not ranking.
 */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  clearLikes,
  copyIndex,
  indexPaperList,
  likePapers,
  likesFromZotero,
  openIndex,
  removePapers,
  unlikePapers,
  type EmbedderLoader,
  type Paper,
  type PapersOptions,
} from "../src/papers.js";
import { openStore } from "../src/store/open-store.js";
import { startServer } from "../src/server/serve.js";
import { hashEmbedderLoader } from "./hash-embedder.js";
import { runCli, tempDir } from "./helpers.js";
import { factories } from "./store-factories.js";

/** SciFact abstracts; every 7th an arXiv paper (known by its arXiv id), some with Zotero tags and collections. */
function corpus(n: number): Paper[] {
  return readFileSync(new URL("../../shared/data/scifact/corpus.jsonl", import.meta.url), "utf8")
    .split("\n")
    .slice(0, n)
    .map((line, i) => {
      const doc = JSON.parse(line);
      const arxivId = i % 7 === 0 ? `2401.${String(10000 + i)}` : null;
      const zotero = [...(i % 5 === 1 ? ["tag:To-Read"] : []), ...(i % 6 === 2 ? ["collection:Thesis"] : [])];
      return {
        id: arxivId ?? `sf${doc._id}`, title: doc.title, abstract: doc.text, arxivId, doi: null, journalRef: null, comments: [],
        authors: [`Author Number${i}`], categories: ["cs.CL", ...zotero], year: 2000 + (i % 25), date: null, sources: [{ file: "corpus.jsonl", line: i + 1 }],
      };
    });
}

const embedder = hashEmbedderLoader();
const withModel = (options: PapersOptions): PapersOptions => ({ ...options, embedder });

async function savedLikes(options: PapersOptions) {
  const index = await openIndex(withModel(options));
  try {
    return await index.likes();
  } finally {
    await index.close();
  }
}

async function liveGeneration(options: PapersOptions): Promise<string | null> {
  const store = await openStore(options);
  try {
    return await store.liveGeneration();
  } finally {
    await store.close();
  }
}

describe.each(factories)("likes in the $name store", (factory) => {
  it("likes, unlikes and clears by any id show takes, one commit each; a reader keeps the likes it opened with; an unknown id writes nothing", async () => {
    const { options } = factory.fresh();
    const papers = corpus(30);
    await indexPaperList(papers, ["corpus.jsonl"], { ...withModel(options), computeMap: false });
    const [arxiv, a, b, c] = [papers[0]!, papers[1]!, papers[2]!, papers[3]!];
    const before = await openIndex(withModel(options));
    try {
      expect(await before.likes()).toEqual({ liked: [], unliked: [], missing: [] });
      // An arxiv.org link with a version, and an id in other case, resolve to the papers' ids.
      const liked = await likePapers([`https://arxiv.org/abs/${arxiv.arxivId}v3`, a.id.toUpperCase()], options);
      expect(liked).toMatchObject({ ids: [arxiv.id, a.id], changed: 2, saved: { liked: [arxiv.id, a.id], unliked: [] } });
      // Opened before: the old likes still; opened after: the new.
      expect(await before.likes()).toEqual({ liked: [], unliked: [], missing: [] });
      expect(await savedLikes(options)).toEqual({ liked: [arxiv.id, a.id], unliked: [], missing: [] });
    } finally {
      await before.close();
    }

    // Unliking takes the like back, and liking the unlike; a paper liked again keeps its place.
    expect(await unlikePapers([a.id, b.id], options)).toMatchObject({ changed: 2, saved: { liked: [arxiv.id], unliked: [a.id, b.id] } });
    expect(await likePapers([arxiv.id, b.id], options)).toMatchObject({ changed: 1, saved: { liked: [arxiv.id, b.id], unliked: [a.id] } });

    // Nothing new: no commit at all.
    const generation = await liveGeneration(options);
    expect(await likePapers([`arXiv:${arxiv.arxivId}`], options)).toMatchObject({ changed: 0 });
    expect(await liveGeneration(options)).toBe(generation);
    // An unknown id among known ones: refused, and nothing written.
    await expect(likePapers([c.id, "no-such-paper"], options)).rejects.toMatchObject({ code: "UNKNOWN_ID", message: expect.stringContaining("no-such-paper") });
    await expect(likePapers([], options)).rejects.toMatchObject({ code: "BAD_OPTION" });
    expect(await liveGeneration(options)).toBe(generation);

    expect(await clearLikes([arxiv.id, a.id], options)).toMatchObject({ changed: 2, saved: { liked: [b.id], unliked: [] } });
    expect(await savedLikes(options)).toEqual({ liked: [b.id], unliked: [], missing: [] });
    // The papers and their answers are those of before: a likes commit shares them.
    const index = await openIndex(withModel(options));
    try {
      expect(index.info().count).toBe(30);
      expect((await index.search(c.title!, 1, "lexical"))[0]!.id).toBe(c.id);
    } finally {
      await index.close();
    }
  });

  it("keeps likes through re-indexing, --rebuild and removals; a removed paper's like stays, marked missing, until it comes back", async () => {
    const { options } = factory.fresh();
    const papers = corpus(30);
    await indexPaperList(papers, ["corpus.jsonl"], { ...withModel(options), computeMap: false });
    const [liked, unliked, other] = [papers[4]!, papers[5]!, papers[6]!];
    await likePapers([liked.id], options);
    await unlikePapers([unliked.id], options);
    const expected = { liked: [liked.id], unliked: [unliked.id], missing: [] };

    const revised = papers.map((p, i) => (i === 8 ? { ...p, abstract: `${p.abstract} Revised.` } : p));
    expect(await indexPaperList(revised, ["corpus.jsonl"], { ...withModel(options), computeMap: false })).toMatchObject({ updated: 1 });
    expect(await savedLikes(options)).toEqual(expected);
    expect(await indexPaperList(revised, ["corpus.jsonl"], { ...withModel(options), computeMap: false, rebuild: true })).toMatchObject({ added: 30 });
    expect(await savedLikes(options)).toEqual(expected);
    await removePapers([other.id], options);
    expect(await savedLikes(options)).toEqual(expected);

    await removePapers([liked.id, unliked.id], options);
    expect(await savedLikes(options)).toEqual({ liked: [], unliked: [], missing: [{ id: liked.id, liked: true }, { id: unliked.id, liked: false }] });
    // A missing paper's like can still be cleared (or turned) by its id.
    expect(await clearLikes([unliked.id.toUpperCase()], options)).toMatchObject({ ids: [unliked.id], saved: { liked: [liked.id], unliked: [] } });
    // Back in the index: liked again, as it was.
    await indexPaperList(revised, ["corpus.jsonl"], { ...withModel(options), computeMap: false });
    expect(await savedLikes(options)).toEqual({ liked: [liked.id], unliked: [], missing: [] });
  });

  it("carries likes in a copy to another store and back, over the target's own", async () => {
    const { options } = factory.fresh();
    const papers = corpus(30);
    await indexPaperList(papers, ["corpus.jsonl"], { ...withModel(options), computeMap: false });
    await likePapers([papers[1]!.id, papers[2]!.id], options);
    await unlikePapers([papers[3]!.id], options);
    const other = (factories.find((f) => f !== factory) ?? factory).fresh().options;
    const never: EmbedderLoader = { describe: embedder.describe, load: async () => { throw new Error("a copy must embed nothing"); } };
    await copyIndex({ ...options, embedder: never }, { ...other, embedder: never }, { computeMap: false });
    expect(await savedLikes(other)).toEqual({ liked: [papers[1]!.id, papers[2]!.id], unliked: [papers[3]!.id], missing: [] });
    // The target's own likes stay; the source's win where they differ; a second copy writes nothing.
    await likePapers([papers[9]!.id], other);
    await likePapers([papers[3]!.id], other);
    await copyIndex({ ...options, embedder: never }, { ...other, embedder: never }, { computeMap: false, rebuild: true });
    expect(await savedLikes(other)).toEqual({ liked: [papers[1]!.id, papers[2]!.id, papers[9]!.id], unliked: [papers[3]!.id], missing: [] });
    const generation = await liveGeneration(other);
    await copyIndex({ ...options, embedder: never }, { ...other, embedder: never }, { computeMap: false });
    expect(await liveGeneration(other)).toBe(generation);
  });

  it("finds likes among the index's Zotero papers by tag or collection", async () => {
    const { options } = factory.fresh();
    const papers = corpus(30);
    await indexPaperList(papers, ["corpus.jsonl"], { ...withModel(options), computeMap: false });
    const tagged = papers.filter((_, i) => i % 5 === 1).map((p) => p.id);
    const filed = papers.filter((_, i) => i % 6 === 2).map((p) => p.id);
    expect(await likesFromZotero({ tag: "to-read" }, withModel(options))).toEqual(tagged);
    expect((await likesFromZotero({ tag: "TO-READ", collection: "thesis" }, withModel(options))).sort()).toEqual([...new Set([...tagged, ...filed])].sort());
    const index = await openIndex(withModel(options));
    try {
      expect(await likesFromZotero({ collection: "Thesis" }, index)).toEqual(filed);
      // The index given stays open for its owner.
      expect(index.info().count).toBe(30);
      await expect(likesFromZotero({ tag: "never-used" }, index)).rejects.toMatchObject({ code: "BAD_OPTION" });
      await expect(likesFromZotero({}, index)).rejects.toMatchObject({ code: "BAD_OPTION" });
    } finally {
      await index.close();
    }
  });

  it("likes, unlikes, lists and clears from the command line", async () => {
    const { options, args } = factory.fresh();
    const papers = corpus(30);
    await indexPaperList(papers, ["corpus.jsonl"], { ...withModel(options), computeMap: false });
    const cli = (...rest: string[]) => runCli([...args, ...rest]);
    const liked = cli("like", `arXiv:${papers[7]!.arxivId}v2`, papers[1]!.id);
    expect(liked.status, liked.stderr).toBe(0);
    expect(liked.stdout).toMatch(/^Liked 2 papers; 2 liked and 0 unliked in /);
    expect(JSON.parse(cli("unlike", papers[1]!.id, papers[2]!.id, "--json").stdout)).toEqual({ ids: [papers[1]!.id, papers[2]!.id], changed: 2, liked: [papers[7]!.id], unliked: [papers[1]!.id, papers[2]!.id] });
    const unknown = cli("like", "no-such-paper");
    expect([unknown.status, unknown.stderr]).toEqual([1, expect.stringContaining('no paper with id "no-such-paper" in the index')]);
    await removePapers([papers[2]!.id], options);
    expect(JSON.parse(cli("likes", "--json").stdout)).toEqual({
      liked: [{ id: papers[7]!.id, title: papers[7]!.title }],
      unliked: [{ id: papers[1]!.id, title: papers[1]!.title }],
      missing: [{ id: papers[2]!.id, liked: false }],
    });
    const listed = cli("likes");
    expect(listed.stdout).toContain(`Liked (1):\n${papers[7]!.id}  ${papers[7]!.title!.slice(0, 40)}`);
    expect(listed.stdout).toContain(`${papers[2]!.id}  (unliked)`);
    expect(cli("like", "--clear", papers[2]!.id, papers[7]!.id).stdout).toMatch(/^Cleared 2 papers; 0 liked and 1 unliked in /);
    expect(await savedLikes(options)).toEqual({ liked: [], unliked: [papers[1]!.id], missing: [] });
  });

  it("saves likes over HTTP: POST /api/likes, then served at once; refused with 409 while an indexing run holds the index", async () => {
    const { options } = factory.fresh();
    const papers = corpus(40);
    await indexPaperList(papers.slice(0, 30), ["corpus.jsonl"], { ...withModel(options), computeMap: false });
    const server = await startServer(withModel(options), { port: 0, host: "127.0.0.1" }, { log: () => {}, warn: () => {} });
    const post = (body: unknown) => fetch(`${server.url}api/likes`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const brief = (p: Paper) => ({ id: p.id, title: p.title });
    try {
      expect(await (await fetch(`${server.url}api/likes`)).json()).toEqual({ liked: [], unliked: [], missing: [] });
      const generation = ((await (await fetch(`${server.url}api/info`)).json()) as { generation: string }).generation;
      const saved = await post({ like: [`https://arxiv.org/abs/${papers[14]!.arxivId}`, papers[3]!.id], unlike: [papers[4]!.id] });
      const expected = { liked: [brief(papers[14]!), brief(papers[3]!)], unliked: [brief(papers[4]!)], missing: [] };
      expect([saved.status, await saved.json()]).toEqual([200, expected]);
      // Served at once: the new generation, with the new likes.
      expect(await (await fetch(`${server.url}api/likes`)).json()).toEqual(expected);
      expect(((await (await fetch(`${server.url}api/info`)).json()) as { generation: string }).generation).not.toBe(generation);
      expect(await (await post({ clear: [papers[3]!.id], unlike: [papers[14]!.id] })).json()).toEqual({ liked: [], unliked: [brief(papers[4]!), brief(papers[14]!)], missing: [] });

      const refused = async (body: unknown, status: number, code: string) => {
        const response = await post(body);
        expect([response.status, ((await response.json()) as { error: { code: string } }).error.code], JSON.stringify(body).slice(0, 80)).toEqual([status, code]);
      };
      await refused({ like: ["no-such-paper", papers[5]!.id] }, 404, "UNKNOWN_ID");
      await refused({ like: [papers[5]!.id], unlike: [papers[5]!.id.toUpperCase()] }, 400, "BAD_OPTION");
      await refused({}, 400, "BAD_OPTION");
      await refused({ like: Array.from({ length: 101 }, (_, i) => `id${i}`) }, 400, "BAD_REQUEST");
      await refused({ like: [""] }, 400, "BAD_REQUEST");
      await refused({ likes: [papers[5]!.id] }, 400, "BAD_REQUEST");
      // What another site's page may send without asking (a form, text/plain): never a write.
      for (const type of ["text/plain", "application/x-www-form-urlencoded"]) {
        const forged = await fetch(`${server.url}api/likes`, { method: "POST", headers: { "content-type": type }, body: JSON.stringify({ like: [papers[5]!.id] }) });
        expect(forged.status, type).toBeGreaterThanOrEqual(400);
      }
      expect(await (await fetch(`${server.url}api/likes`)).json()).toEqual({ liked: [], unliked: [brief(papers[4]!), brief(papers[14]!)], missing: [] });
      // Quick clicks at once: this server's own writes wait for each other, none is refused.
      const clicks = await Promise.all([20, 21, 22, 23, 24].map((i) => post({ like: [papers[i]!.id] })));
      expect(clicks.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect((((await (await fetch(`${server.url}api/likes`)).json()) as { liked: { id: string }[] }).liked.map((p) => p.id)).sort()).toEqual([20, 21, 22, 23, 24].map((i) => papers[i]!.id).sort());

      // An indexing run holding the writer lock (embedding, held up here): a clear 409 at once, never a wait.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let embedding!: () => void;
      const started = new Promise<void>((resolve) => (embedding = resolve));
      const slow: EmbedderLoader = {
        describe: embedder.describe,
        load: async (spec, dtype) => {
          const inner = await embedder.load(spec, dtype);
          return { ...inner, model: inner.model, dtype: inner.dtype, embedQuery: (t) => inner.embedQuery(t), embedQueries: (t) => inner.embedQueries(t), dispose: () => inner.dispose(),
            embedDocuments: async (texts, progress) => { embedding(); await held; return inner.embedDocuments(texts, progress); } };
        },
      };
      const indexing = indexPaperList(papers, ["corpus.jsonl"], { ...options, embedder: slow, computeMap: false });
      await started;
      const asked = performance.now();
      const busy = await post({ like: [papers[6]!.id] });
      const error = ((await busy.json()) as { error: { code: string; message: string } }).error;
      expect([busy.status, error.code]).toEqual([409, "INDEX_BUSY"]);
      expect(performance.now() - asked).toBeLessThan(5000);
      expect(error.message).not.toContain(factory.name === "folder" ? options.indexDir : "schema=");
      release();
      await indexing;
      expect((await post({ like: [papers[35]!.id] })).status).toBe(200);
      expect(((await (await fetch(`${server.url}api/likes`)).json()) as { liked: Paper[] }).liked.at(-1)).toEqual(brief(papers[35]!));
    } finally {
      await server.close();
    }
  });
});

describe("likes in a folder generation", () => {
  it("share the live generation's files (hard links), are checksummed, and a rebuild repairs a damaged likes file", async () => {
    const options = { indexDir: join(tempDir(), "index") };
    const papers = corpus(20);
    await indexPaperList(papers, ["corpus.jsonl"], withModel(options));
    const live = () => join(options.indexDir, readFileSync(join(options.indexDir, "CURRENT"), "utf8").trim());
    const before = live();
    const inodes = ["papers.hnsw", "papers.db", "topics-map.json"].map((file) => statSync(join(before, file)).ino);
    await likePapers([papers[1]!.id], options);
    const after = live();
    expect(after).not.toBe(before);
    expect(["papers.hnsw", "papers.db", "topics-map.json"].map((file) => statSync(join(after, file)).ino)).toEqual(inodes);
    const manifest = JSON.parse(readFileSync(join(after, "manifest.json"), "utf8"));
    expect(manifest.files["likes.json"]).toMatchObject({ size: statSync(join(after, "likes.json")).size });

    // A likes file changed behind papers' back: the index is damaged, as for any file; a rebuild keeps the likes that still read.
    writeFileSync(join(after, "likes.json"), JSON.stringify({ version: 1, liked: [papers[2]!.id], unliked: [] }));
    await expect(openIndex(withModel(options))).rejects.toMatchObject({ code: "INDEX_DAMAGED", message: expect.stringContaining("likes.json") });
    await expect(likePapers([papers[3]!.id], options)).rejects.toMatchObject({ code: "INDEX_DAMAGED" });
    await indexPaperList(papers, ["corpus.jsonl"], { ...withModel(options), rebuild: true });
    expect(await savedLikes(options)).toEqual({ liked: [papers[2]!.id], unliked: [], missing: [] });
  });
});
