/**
 * Nothing read twice, and removing what is gone (issue 24, points 2 and 3), in every store of the
 * matrix (store-factories.ts), with the library API and the hash embedder: a rerun opens no file
 * whose stamp is unchanged and makes no commit; a touched file is hashed, not parsed; a paper
 * merged over two files keeps both when one changes; `prune` removes only papers whose every file
 * is gone; a Zotero re-sync reads only the items changed, and still removes trashed ones.
 */
import { existsSync, mkdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
// @ts-expect-error a plain .mjs script without types
import { ITEMS, makeZoteroLibrary } from "../scripts/make-zotero-fixture.mjs";
import { indexPapers, indexZotero, openIndex, type PapersOptions } from "../src/papers.js";
import { openStore } from "../src/store/open-store.js";
import { hashEmbedderLoader } from "./hash-embedder.js";
import { runCli, tempDir } from "./helpers.js";
import { factories } from "./store-factories.js";

const embedder = hashEmbedderLoader();
/** A fixed modification time (seconds), so that a test can give a rewritten file its old stamp back exactly. */
const THEN = 1_700_000_000;

function jsonl(records: { id: string; abstract: string; title?: string }[]): string {
  return records.map((r) => JSON.stringify(r)).join("\n") + "\n";
}

function write(path: string, text: string, mtime = THEN): void {
  writeFileSync(path, text);
  utimesSync(path, mtime, mtime);
}

async function generation(options: PapersOptions): Promise<string | null> {
  const store = await openStore(options);
  try {
    return await store.liveGeneration();
  } finally {
    await store.close();
  }
}

async function withIndex<T>(options: PapersOptions, read: (index: Awaited<ReturnType<typeof openIndex>>) => Promise<T>): Promise<T> {
  const index = await openIndex(options);
  try {
    return await read(index);
  } finally {
    await index.close();
  }
}

describe.each(factories)("rerunning index ($name store)", (factory) => {
  const fresh = (): PapersOptions => ({ ...factory.fresh().options, embedder });

  it("opens no file whose stamp is unchanged and commits nothing; a touched file is hashed, not parsed; a changed one is read", async () => {
    const dir = tempDir();
    write(join(dir, "a.jsonl"), jsonl([{ id: "a1", abstract: "Glaciers move." }, { id: "a2", abstract: "Bees dance." }]));
    write(join(dir, "b.jsonl"), jsonl([{ id: "b1", abstract: "Rivers erode." }]));
    write(join(dir, "c.jsonl"), jsonl([{ id: "c1", abstract: "Stars burn." }]));
    const options = fresh();
    expect(await indexPapers([dir], options)).toMatchObject({ added: 4, filesRead: 3, filesHashed: 3, filesUnchanged: 0 });
    const first = await generation(options);

    // b's bytes change but its stamp (size, mtime, inode) is given back: a run that opened it would see the new text.
    write(join(dir, "b.jsonl"), jsonl([{ id: "b1", abstract: "Rivers ERODE." }]));
    const rerun = await indexPapers([dir], options);
    expect(rerun).toMatchObject({ added: 0, updated: 0, unchanged: 4, embedded: 0, filesUnchanged: 3, filesHashed: 0, filesRead: 0 });
    expect(await generation(options)).toBe(first);
    expect((await withIndex(options, (index) => index.get("b1"))).abstract).toBe("Rivers erode.");

    // Touched: hashed, not parsed, nothing embedded, no commit for a stamp alone.
    utimesSync(join(dir, "a.jsonl"), THEN + 60, THEN + 60);
    expect(await indexPapers([dir], options)).toMatchObject({ embedded: 0, filesHashed: 1, filesRead: 0, filesUnchanged: 2 });
    expect(await generation(options)).toBe(first);

    // Changed: read again, its paper re-embedded, the rest left alone (the touched file's new stamp is saved with it).
    write(join(dir, "c.jsonl"), jsonl([{ id: "c1", abstract: "Stars burn out." }]), THEN + 120);
    expect(await indexPapers([dir], options)).toMatchObject({ updated: 1, unchanged: 3, embedded: 1, filesHashed: 2, filesRead: 1, filesUnchanged: 1 });
    expect(await indexPapers([dir], options)).toMatchObject({ filesHashed: 0, filesUnchanged: 3 });
    // --rebuild reads everything again (and so sees b's new text).
    expect(await indexPapers([dir], { ...options, rebuild: true })).toMatchObject({ filesRead: 3, filesUnchanged: 0 });
    expect((await withIndex(options, (index) => index.get("b1"))).abstract).toBe("Rivers ERODE.");
  });

  it("a file rewritten within the tick its stamp was taken in is read again (the stamp was too recent to trust)", async () => {
    const dir = tempDir();
    const file = join(dir, "fresh.jsonl");
    const now = Date.now() / 1000;
    write(file, jsonl([{ id: "f1", abstract: "Version one." }]), now);
    const options = fresh();
    await indexPapers([dir], options);
    // Same size, same inode, and the very same modification time: only the content differs.
    write(file, jsonl([{ id: "f1", abstract: "Version two." }]), now);
    expect(await indexPapers([dir], options)).toMatchObject({ updated: 1, filesHashed: 1, filesRead: 1 });
    expect((await withIndex(options, (index) => index.get("f1"))).abstract).toBe("Version two.");
  });

  it("a run that fails before its commit saves no stamp: the next run reads the changed file again", async () => {
    const dir = tempDir();
    write(join(dir, "a.jsonl"), jsonl([{ id: "a1", abstract: "Version one." }]));
    const options = fresh();
    await indexPapers([dir], options);
    write(join(dir, "a.jsonl"), jsonl([{ id: "a1", abstract: "Version two, longer." }]), THEN + 60);
    const failing = { describe: embedder.describe, load: async () => Promise.reject(new Error("killed while embedding")) };
    await expect(indexPapers([dir], { ...options, embedder: failing })).rejects.toThrow(/killed while embedding/);
    expect(await indexPapers([dir], options)).toMatchObject({ updated: 1, filesRead: 1 });
  });

  it("a paper read from two files keeps both when only one of them changes", async () => {
    const dir = tempDir();
    const shared = { id: "shared", title: "Shared paper", abstract: "Read from two catalogues at once." };
    write(join(dir, "one.jsonl"), jsonl([shared, { id: "solo1", abstract: "Only in one." }]));
    write(join(dir, "two.jsonl"), jsonl([shared]));
    const options = fresh();
    await indexPapers([dir], options);
    const files = async () => (await withIndex(options, (index) => index.get("shared"))).sources.map((s) => s.file).sort();
    expect(await files()).toEqual([join(dir, "one.jsonl"), join(dir, "two.jsonl")]);
    write(join(dir, "two.jsonl"), jsonl([shared, { id: "solo2", abstract: "Only in two." }]), THEN + 60);
    // one.jsonl is unchanged but shares a paper with two.jsonl: both are parsed, the paper rebuilt from both.
    expect(await indexPapers([dir], options)).toMatchObject({ added: 1, updated: 0, filesRead: 2, filesUnchanged: 0 });
    expect(await files()).toEqual([join(dir, "one.jsonl"), join(dir, "two.jsonl")]);
  });

  it("counts the papers whose files are all gone, and prune removes them; a paper another file still gives stays", async () => {
    const root = tempDir();
    const dir = join(root, "papers");
    const other = join(root, "other");
    mkdirSync(dir);
    mkdirSync(other);
    write(join(dir, "solo.jsonl"), jsonl([{ id: "solo", abstract: "Only this file has it." }]));
    write(join(dir, "dup.jsonl"), jsonl([{ id: "kept", abstract: "Two files have it." }]));
    write(join(dir, "keeper.jsonl"), jsonl([{ id: "kept", abstract: "Two files have it." }]));
    write(join(dir, "out.jsonl"), jsonl([{ id: "outside", abstract: "A file outside the folder has it too." }]));
    write(join(other, "o.jsonl"), jsonl([{ id: "outside", abstract: "A file outside the folder has it too." }]));
    const options = fresh();
    await indexPapers([dir], options);
    await indexPapers([other], options);
    for (const name of ["solo.jsonl", "dup.jsonl", "out.jsonl"]) rmSync(join(dir, name));
    const before = await generation(options);
    expect(await indexPapers([dir], options)).toMatchObject({ prunable: 1, pruned: 0, removed: 0, filesRead: 0 });
    expect(await generation(options)).toBe(before);
    expect(await withIndex(options, (index) => index.get("solo"))).toMatchObject({ id: "solo" });

    const pruned = await indexPapers([dir], { ...options, prune: true });
    expect(pruned).toMatchObject({ pruned: 1, removed: 1, prunable: 0, filesRead: 1 });
    const ids = await withIndex(options, async (index) => (await index.list()).map((p) => p.id).sort());
    expect(ids).toEqual(["kept", "outside"]);
    // The gone file stops being a source of the paper that stays.
    expect((await withIndex(options, (index) => index.get("kept"))).sources.map((s) => s.file)).toEqual([join(dir, "keeper.jsonl")]);
    expect(await indexPapers([dir], { ...options, prune: true })).toMatchObject({ pruned: 0, prunable: 0, filesUnchanged: 1 });
  });

  it("a Zotero re-sync reads only the item changed (not the others' PDFs), and a trashed item leaves", async () => {
    const library = join(tempDir(), "Zotero");
    makeZoteroLibrary(library);
    const glacierPdf = join(library, "storage", "ATTGLAC1", "glacier-onecol.pdf");
    // PDFs written a moment ago have stamps too recent to trust (isRacy): the first re-sync would read them again.
    for (const [key, name] of [["ATTGLAC1", "glacier-onecol.pdf"], ["ATTFLOW1", "flow-twocol.pdf"], ["ATTALONE", "beekeeping-noabstract.pdf"]]) utimesSync(join(library, "storage", key!, name!), THEN, THEN);
    const options = fresh();
    const first = await indexZotero(library, options);
    expect(first.zotero).toMatchObject({ items: 4, unchanged: 0, pdfs: 2 });
    const passages = await withIndex(options, async (index) => index.info().passages);
    expect(passages).toBeGreaterThan(0);
    const generationBefore = await generation(options);
    expect(await indexZotero(library, options)).toMatchObject({ added: 0, updated: 0, zotero: { items: 0, unchanged: 4 } });
    expect(await generation(options)).toBe(generationBefore);

    // The glacier's PDF is garbage now, with its old stamp: an item read again would lose its passages.
    writeFileSync(glacierPdf, Buffer.alloc(statSync(glacierPdf).size, 0x20));
    utimesSync(glacierPdf, THEN, THEN);
    const db = new Database(join(library, "zotero.sqlite"));
    const title = db.prepare("SELECT fieldID FROM fields WHERE fieldName = 'title'").pluck().get();
    db.prepare("INSERT INTO itemDataValues (value) VALUES (?)").run("The Alpine Beekeeper's Handbook, Second Edition");
    db.prepare("UPDATE itemData SET valueID = last_insert_rowid() WHERE itemID = (SELECT itemID FROM items WHERE key = ?) AND fieldID = ?").run(ITEMS.book.key, title);
    db.prepare("UPDATE items SET dateModified = '2025-01-01 09:00:00', clientDateModified = '2025-01-01 09:00:00', version = version + 1 WHERE key = ?").run(ITEMS.book.key);
    db.close();
    const edited = await indexZotero(library, options);
    expect(edited).toMatchObject({ updated: 1, unchanged: 2, removed: 0, skipped: [], zotero: { items: 1, unchanged: 3, pdfs: 0 } });
    expect((await withIndex(options, (index) => index.get(`zotero:${ITEMS.book.key}`))).title).toBe("The Alpine Beekeeper's Handbook, Second Edition");
    expect(await withIndex(options, async (index) => index.info().passages)).toBe(passages);

    const trash = new Database(join(library, "zotero.sqlite"));
    trash.prepare("INSERT INTO deletedItems (itemID) SELECT itemID FROM items WHERE key = ?").run(ITEMS.book.key);
    trash.close();
    expect(await indexZotero(library, options)).toMatchObject({ removed: 1, zotero: { items: 0, trashed: 2 } });
    expect(await withIndex(options, async (index) => (await index.list()).map((p) => p.id))).not.toContain(`zotero:${ITEMS.book.key}`);
    // --rebuild reads every item again: now the glacier's PDF is read, and found broken.
    const rebuilt = await indexZotero(library, { ...options, rebuild: true });
    expect(rebuilt.zotero).toMatchObject({ unchanged: 0 });
    expect(rebuilt.skipped.map((s) => s.file)).toContain(glacierPdf);
  });
});

describe("papers index --prune (CLI)", () => {
  it("says how many papers could be pruned, and prunes them with --prune", () => {
    const dir = tempDir();
    const index = join(tempDir(), "index");
    write(join(dir, "a.jsonl"), jsonl([{ id: "a1", abstract: "Glaciers move." }, { id: "a2", abstract: "Bees dance." }]));
    write(join(dir, "b.jsonl"), jsonl([{ id: "b1", abstract: "Rivers erode." }]));
    const env = { PAPERS_OFFLINE: "1" };
    expect(runCli(["--index", index, "index", dir], env).status).toBe(0);
    const again = runCli(["--index", index, "index", dir], env);
    expect(again.stdout).toMatch(/0 added, 0 updated, 3 unchanged from 2 files \(2 unchanged, 0 read\)/);
    rmSync(join(dir, "a.jsonl"));
    const counted = runCli(["--index", index, "index", dir], env);
    expect(counted.stdout).toMatch(/2 papers' files are gone: rerun with --prune to remove them/);
    const json = JSON.parse(runCli(["--index", index, "index", dir, "--prune", "--json"], env).stdout);
    expect(json).toMatchObject({ pruned: 2, prunable: 0, papers: 1, files_unchanged: 1, files_read: 0 });
    expect(existsSync(index)).toBe(true);
  });
});
