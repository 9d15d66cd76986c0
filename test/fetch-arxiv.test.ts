/**
 * `papers fetch arxiv` end to end, on every store (integration tier: the shared arXiv cs listings,
 * served by the local OAI-PMH server in arXiv's format): a window harvested into the index once
 * with abstracts intact, a rerun without --from that changes nothing, a new version replacing the
 * old, a deleted record leaving, a paper of another source left alone, faults leaving the last
 * committed page standing, and (the real CLI, the shipped model) a kill -9 mid-harvest then a rerun.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collapseWhitespace } from "../src/corpus/paper.js";
import { copyIndex, fetchArxiv, indexPaperList, openIndex, type FetchArxivOptions, type Paper, type PapersOptions } from "../src/papers.js";
import { openStore } from "../src/store/open-store.js";
import { STATE_ARTIFACT } from "../src/store/shared/index-state.js";
import { LISTINGS, loadListings, startOaiServer, xmlEscape, type Listing, type OaiServer } from "./arxiv/oai-server.mjs";
import { hashEmbedderLoader } from "./hash-embedder.js";
import { CLI, modelsDir, runCli } from "./helpers.js";
import { factories } from "./store-factories.js";

const FROM = "2026-06-29";
const UNTIL = "2026-07-01";
const embedder = hashEmbedderLoader();
/** The text as the server can send it in XML, whitespace collapsed (as the harvester keeps it). */
const served = (text: string) => collapseWhitespace(xmlEscape(text).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&"));

let window: Listing[] = [];
let oneDay: Listing[] = [];
const servers: OaiServer[] = [];
beforeAll(async () => {
  expect(LISTINGS, "../shared/data/arxiv-cs-listings/papers.jsonl.gz is missing: see /work/shared/data/README.md").not.toBeNull();
  window = await loadListings(LISTINGS!, { from: FROM, until: UNTIL });
  oneDay = await loadListings(LISTINGS!, { from: "2026-06-25", until: "2026-06-25" });
});
afterAll(async () => {
  for (const server of servers) await server.close();
});

async function serve(records: Listing[], pageSize: number): Promise<OaiServer> {
  const server = await startOaiServer({ records, pageSize });
  servers.push(server);
  return server;
}

/** The CLI, run without blocking this process: the OAI server it talks to runs here. */
function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, PAPERS_MODELS: modelsDir(), PAPERS_OFFLINE: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.once("close", (status) => resolve({ status, stdout, stderr })));
}

async function papersOf(options: PapersOptions): Promise<Paper[]> {
  const index = await openIndex({ ...options, embedder });
  try {
    return await index.list();
  } finally {
    await index.close();
  }
}

async function savedState(options: PapersOptions): Promise<Record<string, { datestamp: string }>> {
  const index = await openIndex({ ...options, embedder });
  try {
    return JSON.parse((await index.artifact(STATE_ARTIFACT))?.toString() ?? "{}");
  } finally {
    await index.close();
  }
}

describe.each(factories)("fetch arxiv into the $name store", (factory) => {
  it("harvests a window once with abstracts intact; a rerun changes nothing; a new version replaces, a deleted record leaves, another source's paper stays", async () => {
    expect(window.length).toBeGreaterThan(900);
    const server = await serve(window, 200);
    const { options } = factory.fresh();
    const base: FetchArxivOptions = { ...options, embedder, sets: ["cs"], endpoint: server.endpoint, polite: { delayMs: 0, backoffMs: 5 } };
    // A paper of the user's own file that has the id of one of the window's records.
    const mine = window[5]!;
    await indexPaperList([{ id: mine.id, title: "My own notes", abstract: "Notes I wrote about this paper myself.", arxivId: mine.id, doi: null, journalRef: null, comments: [], authors: [], categories: [], year: 2026, date: null, sources: [{ file: "mine.jsonl", line: 1 }] }], ["mine.jsonl"], { ...options, embedder });

    const first = await fetchArxiv({ ...base, from: FROM, until: UNTIL });
    expect(first).toMatchObject({ harvested: window.length, added: window.length - 1, updated: 0, unchanged: 0, removed: 0, kept: [mine.id], papers: window.length });
    expect(first.sets).toEqual([expect.objectContaining({ set: "cs", from: FROM, datestamp: UNTIL, harvested: window.length })]);
    expect(first.requests).toBe(Math.ceil(window.length / 200));
    expect(first.commits).toBe(Math.ceil(window.length / 200));
    const papers = await papersOf(options);
    expect(papers).toHaveLength(window.length);
    expect(new Set(papers.map((p) => p.id)).size).toBe(window.length);
    const byId = new Map(papers.map((p) => [p.id, p]));
    for (const listing of window) {
      const paper = byId.get(listing.id)!;
      if (listing === mine) {
        expect(paper).toMatchObject({ title: "My own notes", sources: [{ file: "mine.jsonl", line: 1 }] });
        continue;
      }
      expect(paper.abstract, listing.id).toBe(served(listing.summary));
      expect(paper.title).toBe(served(listing.title));
      expect(paper.sources).toEqual([{ file: server.endpoint, line: 0 }]);
    }
    expect(await savedState(options)).toMatchObject({ [`arxiv-oai ${server.endpoint} cs`]: { datestamp: UNTIL } });

    // No --from: the run continues from the saved datestamp (inclusive), and nothing changes.
    const lastDay = window.filter((l) => l.date === UNTIL).length;
    const again = await fetchArxiv({ ...base, until: UNTIL });
    expect(again).toMatchObject({ harvested: lastDay, added: 0, updated: 0, unchanged: lastDay - (mine.date === UNTIL ? 1 : 0), removed: 0, commits: 0 });
    expect(again.sets[0]).toMatchObject({ from: UNTIL, datestamp: UNTIL });

    // A new version of one record and the deletion of another, both dated the next day.
    const [revised, deleted] = [window.find((l) => l.date === FROM && l !== mine)!, window.find((l) => l.date === "2026-06-30" && l !== mine)!];
    const next = window.map((l) => (l === revised ? { ...l, date: "2026-07-02", updated: "2026-07-02", summary: `${l.summary} Revised in version 2.` } : l === deleted ? { ...l, date: "2026-07-02" } : l));
    server.setRecords(next, [deleted.id]);
    const third = await fetchArxiv(base);
    expect(third).toMatchObject({ added: 0, updated: 1, removed: 1, deleted: 1, papers: window.length - 1 });
    expect(third.sets[0]).toMatchObject({ from: UNTIL, datestamp: "2026-07-02" });
    const after = new Map((await papersOf(options)).map((p) => [p.id, p]));
    expect(after.get(revised.id)!.abstract).toMatch(/Revised in version 2\.$/);
    expect(after.has(deleted.id)).toBe(false);
    expect(after.get(mine.id)!.title).toBe("My own notes");

    // The state moves with the index: a copy continues where the original stopped.
    const other = (factories.find((f) => f !== factory) ?? factory).fresh().options;
    await copyIndex({ ...options, embedder }, { ...other, embedder });
    const onCopy = await fetchArxiv({ ...base, ...other });
    expect(onCopy).toMatchObject({ added: 0, updated: 0, removed: 0, commits: 0 });
    expect(onCopy.sets[0]).toMatchObject({ from: "2026-07-02", datestamp: "2026-07-02" });
  }, 300_000);

  it("a dropped connection mid-page and malformed XML: a clear error, and the index as it was after the last committed page", async () => {
    const day = window.filter((l) => l.date === FROM);
    const server = await serve(day, 100);
    const { options } = factory.fresh();
    const base: FetchArxivOptions = { ...options, embedder, sets: ["cs"], endpoint: server.endpoint, polite: { delayMs: 0, retries: 1, backoffMs: 5 } };
    // The second page's request drops mid-body, and so does its retry.
    const dropFrom = server.log.length + 2;
    server.faults.push({ on: (n) => n >= dropFrom, kind: "drop" });
    const dropped = fetchArxiv({ ...base, from: FROM });
    await expect(dropped).rejects.toMatchObject({ code: "ARXIV_UNREACHABLE" });
    await expect(dropped).rejects.toThrow(/dropped mid-response[\s\S]*set cs is committed up to datestamp 2026-06-29, where the next run continues/);
    server.faults.length = 0;
    expect((await papersOf(options)).map((p) => p.id)).toEqual(day.slice(0, 100).map((l) => l.id));

    const malformedAt = server.log.length + 2;
    server.faults.push({ on: malformedAt, kind: "malformed" });
    const malformed = fetchArxiv(base);
    await expect(malformed).rejects.toMatchObject({ code: "ARXIV_BAD_RESPONSE" });
    await expect(malformed).rejects.toThrow(/line \d+/);
    server.faults.length = 0;
    expect((await papersOf(options)).map((p) => p.id)).toEqual(day.slice(0, 100).map((l) => l.id));

    const rerun = await fetchArxiv(base);
    expect(rerun).toMatchObject({ added: day.length - 100, unchanged: 100 });
    const ids = (await papersOf(options)).map((p) => p.id);
    expect(ids.sort()).toEqual(day.map((l) => l.id).sort());
  }, 120_000);

  it("looks papers up by id with the API, naming the missing ones; refuses a window before the saved datestamp without --from", async () => {
    const server = await serve(oneDay, 10);
    const { options } = factory.fresh();
    const [a, b] = [oneDay[0]!, oneDay[1]!];
    const found = await fetchArxiv({ ...options, embedder, ids: [a.id, `${b.id}v1`, "2606.99999"], api: server.api, polite: { delayMs: 0 } });
    expect(found).toMatchObject({ requests: 1, harvested: 2, added: 2, missing: ["2606.99999"], papers: 2, sets: [] });
    expect((await papersOf(options)).map((p) => [p.id, p.abstract, p.date])).toEqual([a, b].map((l) => [l.id, served(l.summary), l.date]));
    await expect(fetchArxiv({ ...options, embedder, ids: ["not an id"], api: server.api })).rejects.toMatchObject({ code: "BAD_OPTION" });
    await expect(fetchArxiv({ ...options, embedder })).rejects.toMatchObject({ code: "BAD_OPTION" });

    const base: FetchArxivOptions = { ...options, embedder, sets: ["cs"], endpoint: server.endpoint, polite: { delayMs: 0 } };
    await fetchArxiv({ ...base, from: "2026-06-25" });
    await expect(fetchArxiv({ ...base, until: "2026-06-20" })).rejects.toThrow(/harvested up to 2026-06-25 already, after --until 2026-06-20: give --from/);
    expect(await fetchArxiv({ ...base, from: "2026-06-01", until: "2026-06-20" })).toMatchObject({ harvested: 0, commits: 0 });
  });

  it("the CLI killed with -9 mid-harvest, then run again: every record exactly once", async () => {
    expect(oneDay.length).toBeGreaterThan(20);
    const server = await serve(oneDay, 4);
    const { options, args } = factory.fresh();
    const fetchArgs = [...args, "fetch", "arxiv", "--set", "cs", "--endpoint", server.endpoint, "--delay", "0.4"];
    const child = spawn(process.execPath, [CLI, ...fetchArgs, "--from", "2026-06-25"], {
      env: { ...process.env, PAPERS_MODELS: modelsDir(), PAPERS_OFFLINE: "1" },
      stdio: "ignore",
    });
    const ended = new Promise<string | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
    // Killed once its first page is committed (polled, with a deadline).
    const deadline = Date.now() + 60_000;
    const store = await openStore(options);
    try {
      while (!(await store.liveGeneration())) {
        if (Date.now() > deadline) throw new Error("no commit within 60 s");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await store.close();
    }
    child.kill("SIGKILL");
    expect(await ended).toBe("SIGKILL");
    const partial = JSON.parse(runCli([...args, "info", "--json"]).stdout).count as number;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(oneDay.length);

    const rerun = await cli([...fetchArgs, "--delay", "0", "--json"]);
    expect(rerun.stderr).toBe("");
    expect(rerun.status).toBe(0);
    const summary = JSON.parse(rerun.stdout);
    expect(summary).toMatchObject({ harvested: oneDay.length, papers: oneDay.length, datestamps: { cs: "2026-06-25" } });
    expect(summary.added + summary.unchanged).toBe(oneDay.length);
    expect(summary.added).toBe(oneDay.length - partial);
    const listed = runCli([...args, "list", "--json"]);
    const ids = (JSON.parse(listed.stdout) as { id: string }[]).map((p) => p.id);
    expect(ids.sort()).toEqual(oneDay.map((l) => l.id).sort());
  }, 180_000);
});
