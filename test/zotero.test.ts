/**
 * `papers index --zotero DIR` on a library built from Zotero's real schema
 * (scripts/make-zotero-fixture.mjs): items, creators, tags, nested collections, the trash, notes
 * and PDF attachments; re-runs that pick up added, changed and deleted items; the database
 * never written to, and read while "Zotero" holds its exclusive lock.
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error a plain .mjs script without types
import { ITEMS, makeZoteroLibrary } from "../scripts/make-zotero-fixture.mjs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { openIndex } from "../src/papers.js";
import { buildServer } from "../src/server/app.js";
import { modelsDir, runCli, tempDir } from "./helpers.js";

const sha = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
const json = (args: string[]) => {
  const result = runCli(args);
  expect(result.status, result.stderr).toBe(0);
  return { out: JSON.parse(result.stdout), stderr: result.stderr };
};

describe("papers index --zotero", () => {
  const root = tempDir();
  const library = join(root, "Zotero");
  const index = join(root, "index");
  const db = join(library, "zotero.sqlite");
  let first: { out: Record<string, any>; stderr: string };
  let before: { hash: string; mtime: number };

  beforeAll(() => {
    makeZoteroLibrary(library);
    before = { hash: sha(db), mtime: statSync(db).mtimeMs };
    // Zotero running: an exclusive lock held through a write transaction that never ends here.
    const zotero = new Database(db);
    zotero.pragma("locking_mode = EXCLUSIVE");
    zotero.exec("BEGIN EXCLUSIVE");
    try {
      first = json(["--index", index, "index", "--zotero", library, "--json"]);
    } finally {
      zotero.exec("ROLLBACK");
      zotero.close();
    }
  }, 300_000);

  it("reads regular items, and counts notes, standalone attachments, trashed items and items without abstract", () => {
    expect(first.out).toMatchObject({ added: 3, papers: 3, removed: 0 });
    expect(first.out.zotero).toEqual({ items: 4, unchanged: 0, notes: 1, standaloneAttachments: 1, trashed: 1, noAbstract: 1, pdfs: 2 });
    expect(first.stderr).toMatch(/BARE2020 \(journalArticle\) has no abstract and no readable PDF/);
  });

  it("never writes to zotero.sqlite (read from a snapshot, even while locked)", () => {
    expect(sha(db)).toBe(before.hash);
    expect(statSync(db).mtimeMs).toBe(before.mtime);
  });

  it("keeps title, DOI, year, creators, item type, tags and every enclosing collection, id zotero:KEY", () => {
    const glacier = json(["--index", index, "show", `zotero:${ITEMS.glacier.key}`, "--json"]).out;
    expect(glacier).toMatchObject({
      id: `zotero:${ITEMS.glacier.key}`,
      title: ITEMS.glacier.title,
      doi: "10.5555/glacier.2021.0042",
      year: 2021,
      // Zotero has "2021-03-00 March 2021": a month, no day.
      date: null,
      authors: ["Ingrid Halvorsen", "Tomas Eriksen"],
      journalRef: "Journal of Field Glaciology",
    });
    expect(glacier.abstract).toMatch(/^Consumer-grade satellite navigation modules/);
    expect(glacier.categories.sort()).toEqual(["collection:Earth Sciences", "collection:Field Methods", "collection:Glaciology", "journalArticle", "tag:GNSS", "tag:glaciers"].sort());
    // No abstract in Zotero: the PDF's.
    const flow = json(["--index", index, "show", `zotero:${ITEMS.flow.key}`, "--json"]).out;
    expect(flow.abstract).toMatch(/^Classifying traffic flows by application/);
    expect(flow.categories).toContain("conferencePaper");
    // Zotero has "2024-06-12 June 12, 2024".
    expect(flow).toMatchObject({ year: 2024, date: "2024-06-12" });
  });

  it("finds a PDF attachment's passage with its page, and filters by tag and by collection with subcollections", () => {
    const hits = json(["--index", index, "search", "What median drift per day did the receivers record at the Skaftafell station?", "-k", "3", "--json"]).out;
    expect(hits[0].id).toBe(`zotero:${ITEMS.glacier.key}`);
    expect(hits[0].passage).toMatchObject({ page: 3, section: "2 Stations and Processing" });
    const inEarth = json(["--index", index, "search", "measurements", "-k", "10", "--collection", "earth sciences", "--json"]).out.map((h: { id: string }) => h.id);
    expect(inEarth.sort()).toEqual([`zotero:${ITEMS.book.key}`, `zotero:${ITEMS.glacier.key}`]);
    const tagged = json(["--index", index, "search", "measurements", "-k", "10", "--tag", "networking", "--json"]).out.map((h: { id: string }) => h.id);
    expect(tagged).toEqual([`zotero:${ITEMS.flow.key}`]);
  });

  it("the JSON API and MCP filter by tag and collection as the CLI does", async () => {
    const opened = await openIndex({ indexDir: index, modelsDir: modelsDir(), offline: true });
    const app = buildServer(opened, { logError: () => {} });
    const base = await app.listen({ port: 0, host: "127.0.0.1" });
    const client = new Client({ name: "papers-test", version: "1.0.0" });
    try {
      await client.connect(new StreamableHTTPClientTransport(new URL("mcp", base)));
      const unfiltered = json(["--index", index, "search", "measurements", "-k", "10", "--json"]).out.length;
      for (const [filter, value] of [["tag", "networking"], ["collection", "earth sciences"]] as const) {
        const cli = json(["--index", index, "search", "measurements", "-k", "10", `--${filter}`, value, "--json"]).out.map((h: { id: string }) => h.id);
        const api = (await (await fetch(new URL(`api/search?q=measurements&k=10&${filter}=${encodeURIComponent(value)}`, base))).json()) as { results: { id: string }[] };
        expect(api.results.map((h: { id: string }) => h.id)).toEqual(cli);
        const mcp = (await client.callTool({ name: "search", arguments: { question: "measurements", k: 10, [filter]: value } })) as unknown as { structuredContent: { results: { id: string }[] } };
        expect(mcp.structuredContent.results.map((h) => h.id)).toEqual(cli);
        expect(cli.length).toBeLessThan(unfiltered);
      }
    } finally {
      await client.close();
      await app.close();
      await opened.close();
    }
  });

  it("--collection imports one collection and its subcollections", () => {
    const only = join(root, "only-earth");
    const run = json(["--index", only, "index", "--zotero", library, "--collection", "Glaciology", "--json"]).out;
    expect(run).toMatchObject({ added: 1, papers: 1 });
    expect(runCli(["--index", only, "index", "--zotero", library, "--collection", "Nope"]).stderr).toMatch(/no collection "Nope"/);
  });

  it("a re-run picks up added, changed and deleted items", () => {
    const zotero = new Database(db);
    const abstractField = zotero.prepare("SELECT fieldID FROM fields WHERE fieldName = 'abstractNote'").pluck().get();
    // Changed: the book's abstract edited (Zotero bumps dateModified).
    zotero.prepare("INSERT INTO itemDataValues (value) VALUES (?)").run("A revised guide to wintering honey bee colonies in the Alps.");
    zotero.prepare("UPDATE itemData SET valueID = last_insert_rowid() WHERE itemID = (SELECT itemID FROM items WHERE key = ?) AND fieldID = ?").run(ITEMS.book.key, abstractField);
    zotero.prepare("UPDATE items SET dateModified = '2025-01-01 09:00:00' WHERE key = ?").run(ITEMS.book.key);
    // Added: the trashed thesis restored.
    zotero.prepare("DELETE FROM deletedItems WHERE itemID = (SELECT itemID FROM items WHERE key = ?)").run(ITEMS.trashed.key);
    // Deleted: the conference paper (and its attachment) gone for good.
    zotero.prepare("DELETE FROM items WHERE key IN (?, 'ATTFLOW1')").run(ITEMS.flow.key);
    zotero.close();
    const again = json(["--index", index, "index", "--zotero", library, "--json"]).out;
    expect(again).toMatchObject({ added: 1, updated: 1, unchanged: 1, removed: 1, papers: 3 });
    expect(runCli(["--index", index, "show", `zotero:${ITEMS.flow.key}`]).stderr).toMatch(/no paper with id/);
    const passages = json(["--index", index, "search", "--passages", "firewall flows packets", "-k", "50", "--json"]).out;
    expect(passages.filter((p: { id: string }) => p.id === `zotero:${ITEMS.flow.key}`)).toEqual([]);
  });
});
