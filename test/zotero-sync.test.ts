/**
 * A Zotero sync as one commit (issue 22, point 8), and a second library never removing the first
 * one's papers (issue 27, item 4): with the library API and the hash embedder, in every store
 * (PostgreSQL when PAPERS_TEST_PG names a server).
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error a plain .mjs script without types
import { ITEMS, makeZoteroLibrary } from "../scripts/make-zotero-fixture.mjs";
import { indexZotero, openIndex, type PapersOptions } from "../src/papers.js";
import { hashEmbedderLoader } from "./hash-embedder.js";
import { tempDir } from "./helpers.js";

const PG = process.env.PAPERS_TEST_PG;
const schemas: string[] = [];
afterAll(async () => {
  if (!PG || schemas.length === 0) return;
  const client = new pg.Client({ connectionString: PG });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

const stores: { name: string; fresh(): PapersOptions; commits(options: PapersOptions): Promise<number> }[] = [
  {
    name: "folder",
    fresh: () => ({ indexDir: join(tempDir(), "index"), embedder: hashEmbedderLoader() }),
    // A generation's name ends with how many commits this process has made (generations.ts).
    commits: async (options) => Number(/-(\d+)$/.exec(await generationOf(options))![1]),
  },
];
if (PG) {
  stores.push({
    name: "postgres",
    fresh: () => {
      const schema = `zsync_${process.pid}_${schemas.length}`;
      schemas.push(schema);
      return { indexDir: join(tempDir(), "unused"), store: `${PG}${PG.includes("?") ? "&" : "?"}schema=${schema}`, embedder: hashEmbedderLoader() };
    },
    // A library's generations are numbered one per commit.
    commits: async (options) => Number(/^gen-(\d+)$/.exec(await generationOf(options))![1]),
  });
}

async function generationOf(options: PapersOptions): Promise<string> {
  const index = await openIndex(options);
  try {
    return index.generation;
  } finally {
    await index.close();
  }
}

async function ids(options: PapersOptions): Promise<string[]> {
  const index = await openIndex(options);
  try {
    return (await index.list()).map((paper) => paper.id).sort();
  } finally {
    await index.close();
  }
}

/** A second library: the fixture's, with every key changed, so its items are other papers. */
function otherLibrary(dir: string): void {
  makeZoteroLibrary(dir);
  const db = new Database(join(dir, "zotero.sqlite"));
  db.exec("UPDATE items SET key = 'Z' || substr(key, 2)");
  db.close();
}

describe.each(stores)("a Zotero sync ($name store)", (store) => {
  it("adds and removes in one commit", async () => {
    const library = join(tempDir(), "Zotero");
    makeZoteroLibrary(library);
    const options = store.fresh();
    await indexZotero(library, options);
    const before = await store.commits(options);
    const db = new Database(join(library, "zotero.sqlite"));
    // Added: the trashed thesis restored; removed: the conference paper deleted.
    db.prepare("DELETE FROM deletedItems WHERE itemID = (SELECT itemID FROM items WHERE key = ?)").run(ITEMS.trashed.key);
    db.prepare("DELETE FROM items WHERE key IN (?, 'ATTFLOW1')").run(ITEMS.flow.key);
    db.close();
    const sync = await indexZotero(library, options);
    expect(sync).toMatchObject({ added: 1, removed: 1 });
    expect(await store.commits(options)).toBe(before + 1);
    expect(await ids(options)).not.toContain(`zotero:${ITEMS.flow.key}`);
  });

  it("indexing a second library keeps the first library's papers; each library's deletions stay its own", async () => {
    const root = tempDir();
    const first = join(root, "first");
    const second = join(root, "second");
    makeZoteroLibrary(first);
    otherLibrary(second);
    const options = store.fresh();
    const one = await indexZotero(first, options);
    const two = await indexZotero(second, options);
    expect(two.removed).toBe(0);
    expect(two.manifest.count).toBe(one.manifest.count + two.added);
    const both = await ids(options);
    expect(both).toContain(`zotero:${ITEMS.book.key}`);
    expect(both).toContain(`zotero:Z${ITEMS.book.key.slice(1)}`);
    // An item deleted from the second library leaves with its library's next sync, and only it.
    const db = new Database(join(second, "zotero.sqlite"));
    db.prepare("DELETE FROM items WHERE key = ?").run(`Z${ITEMS.book.key.slice(1)}`);
    db.close();
    expect(await indexZotero(second, options)).toMatchObject({ removed: 1 });
    const after = await ids(options);
    expect(after).toContain(`zotero:${ITEMS.book.key}`);
    expect(after).not.toContain(`zotero:Z${ITEMS.book.key.slice(1)}`);
  });
});
