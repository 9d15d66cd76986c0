/**
 * `papers watch` in process (issue 24 §1), over real file-system events on temporary folders, with
 * the hash embedder: the main add / edit / delete scenario in every store, then editor saves,
 * bursts, growing files, temporary names and a Zotero library in the folder store. Every wait polls
 * with a deadline.
 */
import { appendFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error a plain .mjs script without types
import { ITEMS, makeZoteroLibrary } from "../scripts/make-zotero-fixture.mjs";
import { openIndex, type Paper, type PapersOptions } from "../src/papers.js";
import { DEFAULT_WATCH_SETTINGS, watchLibrary, type BatchReport, type WatchTargets, type Watching } from "../src/watch/index.js";
import { hashEmbedderLoader } from "./hash-embedder.js";
import { tempDir } from "./helpers.js";
import { factories } from "./store-factories.js";

/** A shorter quiet window than the CLI's 1 s keeps the file fast; writes below come far faster than it. */
const SETTINGS = { ...DEFAULT_WATCH_SETTINGS, quietMs: 600, retryMs: 500 };

const running: Watching[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((watching) => watching.close()));
});

async function until(what: () => Promise<boolean> | boolean, label: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function papers(options: PapersOptions): Promise<Paper[]> {
  let index;
  try {
    index = await openIndex(options);
  } catch {
    return []; // no index yet
  }
  try {
    return await index.list();
  } finally {
    await index.close();
  }
}

async function start(options: PapersOptions, targets: WatchTargets) {
  const reports: BatchReport[] = [];
  const notes: string[] = [];
  const watching = await watchLibrary({ ...options, embedder: hashEmbedderLoader() }, targets, { batch: (r) => reports.push(r), note: (l) => notes.push(l) }, SETTINGS);
  running.push(watching);
  await watching.caughtUp;
  return { watching, reports, notes };
}

const jsonl = (rows: { id: string; abstract: string }[]) => rows.map((row) => JSON.stringify({ ...row, title: `Paper ${row.id}` })).join("\n") + "\n";
const changedBatches = (reports: BatchReport[]) => reports.filter((r) => r.changed).length;

describe.each(factories)("watch ($name store)", (factory) => {
  it("adds a new file's papers, updates an edited one's, removes a deleted one's", async () => {
    const { options } = factory.fresh();
    const folder = join(tempDir(), "Papers");
    mkdirSync(folder);
    writeFileSync(join(folder, "first.jsonl"), jsonl([{ id: "p1", abstract: "glacier drift measured with cheap receivers" }]));
    const { reports } = await start(options, { paths: [folder] });
    expect(reports[0]).toMatchObject({ batch: 1, source: "folders", added: 1, changed: true });
    expect((await papers(options)).map((p) => p.id)).toEqual(["p1"]);

    writeFileSync(join(folder, "second.jsonl"), jsonl([{ id: "p2", abstract: "honey bee lineages in alpine valleys" }]));
    await until(async () => (await papers(options)).some((p) => p.id === "p2"), "the new file's paper");

    writeFileSync(join(folder, "first.jsonl"), jsonl([{ id: "p1", abstract: "glacier surface velocity from stakes and GNSS" }]));
    await until(async () => (await papers(options)).find((p) => p.id === "p1")?.abstract.includes("velocity") === true, "the edited abstract");
    expect(reports.at(-1)).toMatchObject({ updated: 1, added: 0 });

    rmSync(join(folder, "second.jsonl"));
    await until(async () => !(await papers(options)).some((p) => p.id === "p2"), "the deleted file's paper to leave");
    expect((await papers(options)).map((p) => p.id)).toEqual(["p1"]);
    // The folder emptied: its last papers leave too.
    rmSync(join(folder, "first.jsonl"));
    await until(async () => (await papers(options)).length === 0, "the emptied folder's papers to leave");
    expect(reports.every((r) => r.error === undefined)).toBe(true);
  }, 60_000);
});

describe("watch (folder store)", () => {
  const fresh = () => factories[0]!.fresh().options;

  it("indexes an editor's save (a temporary name renamed into place) once, under the final name; temporary names never", async () => {
    const options = fresh();
    const folder = tempDir();
    writeFileSync(join(folder, "seed.jsonl"), jsonl([{ id: "s1", abstract: "a first paper so the index exists" }]));
    const { reports } = await start(options, { paths: [folder] });
    const before = reports.length;
    // Never renamed: a download in progress, an office lock file, a swap file.
    writeFileSync(join(folder, "download.jsonl.part"), jsonl([{ id: "part1", abstract: "half a download" }]));
    writeFileSync(join(folder, "~$lock.jsonl"), jsonl([{ id: "lock1", abstract: "an office lock file" }]));
    writeFileSync(join(folder, "draft.jsonl.tmp"), jsonl([{ id: "e1", abstract: "an editor's temporary copy" }]));
    renameSync(join(folder, "draft.jsonl.tmp"), join(folder, "draft.jsonl"));
    await until(async () => (await papers(options)).some((p) => p.id === "e1"), "the saved file's paper");
    await until(() => changedBatches(reports.slice(before)) > 0, "the batch's report");
    const all = await papers(options);
    expect(all.map((p) => p.id).sort()).toEqual(["e1", "s1"]);
    expect(all.find((p) => p.id === "e1")!.sources.map((s) => s.file)).toEqual([join(folder, "draft.jsonl")]);
    expect(changedBatches(reports.slice(before))).toBe(1);
  }, 30_000);

  it("groups a burst of 200 files into a few commits", async () => {
    const options = fresh();
    const folder = tempDir();
    writeFileSync(join(folder, "seed.jsonl"), jsonl([{ id: "s1", abstract: "a first paper so the index exists" }]));
    const { reports } = await start(options, { paths: [folder] });
    const before = reports.length;
    for (let i = 0; i < 200; i++) writeFileSync(join(folder, `burst-${i}.jsonl`), jsonl([{ id: `b${i}`, abstract: `burst paper number ${i} about topic ${i % 7}` }]));
    await until(async () => (await papers(options)).length === 201, "all 200 papers", 40_000);
    expect(changedBatches(reports.slice(before))).toBeGreaterThanOrEqual(1);
    expect(changedBatches(reports.slice(before))).toBeLessThanOrEqual(3);
  }, 60_000);

  it("waits for a file still growing, then indexes it once", async () => {
    const options = fresh();
    const folder = tempDir();
    writeFileSync(join(folder, "seed.jsonl"), jsonl([{ id: "s1", abstract: "a first paper so the index exists" }]));
    const { reports } = await start(options, { paths: [folder] });
    const before = reports.length;
    const growing = join(folder, "growing.jsonl");
    // A line every 100 ms for 2 s: never quiet for the 600 ms a batch waits for.
    for (let i = 0; i < 20; i++) {
      appendFileSync(growing, jsonl([{ id: `g${i}`, abstract: `line ${i} of a slow download` }]));
      await new Promise((r) => setTimeout(r, 100));
      expect(reports.length, "no batch while the file grows").toBe(before);
    }
    await until(async () => (await papers(options)).length === 21, "the whole file");
    expect(changedBatches(reports.slice(before))).toBe(1);
    expect(reports.at(-1)).toMatchObject({ added: 20 });
  }, 30_000);

  it("follows a Zotero library: an item added (restored from the trash), edited, and trashed", async () => {
    const options = fresh();
    const library = join(tempDir(), "Zotero");
    makeZoteroLibrary(library);
    const { reports } = await start(options, { paths: [], zotero: library });
    expect(reports[0]).toMatchObject({ source: "zotero", changed: true });
    const ids = async () => (await papers(options)).map((p) => p.id);
    expect(await ids()).toContain(`zotero:${ITEMS.glacier.key}`);
    expect(await ids()).not.toContain(`zotero:${ITEMS.trashed.key}`);
    const db = new Database(join(library, "zotero.sqlite"));
    try {
      // Zotero bumps an item's version and dateModified with every change it makes.
      const touch = (key: string) =>
        db.prepare("UPDATE items SET version = version + 1, dateModified = datetime('now'), clientDateModified = datetime('now') WHERE key = ?").run(key);
      db.prepare("DELETE FROM deletedItems WHERE itemID = (SELECT itemID FROM items WHERE key = ?)").run(ITEMS.trashed.key);
      touch(ITEMS.trashed.key);
      await until(async () => (await ids()).includes(`zotero:${ITEMS.trashed.key}`), "the restored item");

      const edited = "Stakes with consumer GNSS modules show the outlet glacier speeding up every spring.";
      db.prepare("INSERT OR IGNORE INTO itemDataValues (value) VALUES (?)").run(edited);
      db.prepare(
        "UPDATE itemData SET valueID = (SELECT valueID FROM itemDataValues WHERE value = ?) WHERE itemID = (SELECT itemID FROM items WHERE key = ?) AND fieldID = (SELECT fieldID FROM fields WHERE fieldName = 'abstractNote')",
      ).run(edited, ITEMS.glacier.key);
      touch(ITEMS.glacier.key);
      await until(async () => (await papers(options)).find((p) => p.id === `zotero:${ITEMS.glacier.key}`)?.abstract.includes("speeding up") === true, "the edited abstract");

      db.prepare("INSERT INTO deletedItems (itemID) SELECT itemID FROM items WHERE key = ?").run(ITEMS.book.key);
      touch(ITEMS.book.key);
      await until(async () => !(await ids()).includes(`zotero:${ITEMS.book.key}`), "the trashed item to leave");
    } finally {
      db.close();
    }
    expect(reports.every((r) => r.error === undefined && r.source === "zotero")).toBe(true);
  }, 60_000);

  it("reports a batch that fails, and tries it again without a new event", async () => {
    const options = fresh();
    const folder = tempDir();
    writeFileSync(join(folder, "seed.jsonl"), jsonl([{ id: "s1", abstract: "a first paper" }]));
    // The model fails to load once (a full disk, a file being replaced): the next try works.
    const loader = hashEmbedderLoader();
    let failed = 0;
    const flaky = { ...loader, load: (...args: Parameters<typeof loader.load>) => (failed++ === 0 ? Promise.reject(new Error("ENOSPC: no space left on device")) : loader.load(...args)) };
    const reports: BatchReport[] = [];
    const watching = await watchLibrary({ ...options, embedder: flaky }, { paths: [folder] }, { batch: (r) => reports.push(r), note: () => {} }, SETTINGS);
    running.push(watching);
    await until(() => reports.some((r) => r.changed), "the batch tried again");
    expect(reports[0]).toMatchObject({ batch: 1, changed: false, error: "ENOSPC: no space left on device" });
    expect(reports[1]).toMatchObject({ batch: 2, added: 1, changed: true });
    expect((await papers(options)).map((p) => p.id)).toEqual(["s1"]);
  }, 30_000);

  it("polls when asked, and says so", async () => {
    const options = fresh();
    const folder = tempDir();
    writeFileSync(join(folder, "seed.jsonl"), jsonl([{ id: "s1", abstract: "a first paper so the index exists" }]));
    const { notes } = await start(options, { paths: [folder], poll: true });
    expect(notes.join("\n")).toMatch(/polling .* every 2 s \(--poll\)/);
    writeFileSync(join(folder, "later.jsonl"), jsonl([{ id: "l1", abstract: "found by polling" }]));
    await until(async () => (await papers(options)).some((p) => p.id === "l1"), "the polled file's paper");
  }, 30_000);
});
