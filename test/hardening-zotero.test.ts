/**
 * Issue 27, Zotero (items 9, 10, 11 and 22's Zotero parts): attachment paths stay where Zotero
 * keeps files and only regular files are read, each refusal a reason for that attachment;
 * `attachments:` links resolve against the base directory; a database caught mid-commit reads as
 * its last committed state; a damaged database or a folder named zotero.sqlite is a coded error.
 * Fast tier: readZotero on a library made by scripts/make-zotero-fixture.mjs, no model.
 */
import { spawnSync } from "node:child_process";
import { closeSync, copyFileSync, cpSync, mkdirSync, openSync, readFileSync, rmSync, statSync, symlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
// @ts-expect-error the fixture script is plain JavaScript
import { ITEMS, makeZoteroLibrary } from "../scripts/make-zotero-fixture.mjs";
import { readZotero } from "../src/corpus/zotero.js";
import { tempDir } from "./helpers.js";

const GLACIER_PDF = new URL("./fixtures/pdf/glacier-onecol.pdf", import.meta.url).pathname;

let template: string | undefined;

/** A fresh library (a copy of one made once) whose glacier item's PDF attachment row has `path` (and linkMode). */
function libraryWithPath(path: string, linkMode = 0): { dir: string; root: string } {
  if (template === undefined) {
    template = join(tempDir("papers-zotero-template-"), "Zotero");
    makeZoteroLibrary(template);
  }
  const root = tempDir("papers-zotero-hard-");
  const dir = join(root, "Zotero");
  cpSync(template, dir, { recursive: true });
  const db = new Database(join(dir, "zotero.sqlite"));
  db.prepare("UPDATE itemAttachments SET path = ?, linkMode = ? WHERE itemID = (SELECT itemID FROM items WHERE key = 'ATTGLAC1')").run(path, linkMode);
  db.close();
  return { dir, root };
}

/** What became of the glacier item's PDF: read (the paper has its passages) or the reason it was not. */
async function glacierPdf(dir: string, options: Parameters<typeof readZotero>[1] = {}): Promise<string> {
  const library = await readZotero(dir, { profileRoots: [], ...options });
  const glacier = library.papers.find((p) => p.id === `zotero:${ITEMS.glacier.key}`)!;
  if (glacier.passages && glacier.passages.length > 0) return "read";
  return library.skipped.filter((s) => s.reason.startsWith(`PDF of zotero:${ITEMS.glacier.key}`)).map((s) => s.reason).join("; ");
}

describe("attachment paths are confined, and only regular files are read (issue 27 item 9)", () => {
  it("a storage: path with ../ out of storage/KEY is refused, not read", async () => {
    const { dir, root } = libraryWithPath("storage:../../../outside.pdf");
    copyFileSync(GLACIER_PDF, join(root, "outside.pdf"));
    expect(await glacierPdf(dir)).toMatch(/leads out of storage\/ATTGLAC1 \(\.\.\/\.\.\/\.\.\/outside\.pdf\): refused/);
    expect(await glacierPdf(libraryWithPath("storage:../../../../../etc/passwd").dir)).toMatch(/leads out of storage\/ATTGLAC1/);
  });

  it("a symlink in storage/KEY that leads out of it is refused", async () => {
    const { dir, root } = libraryWithPath("storage:link.pdf");
    copyFileSync(GLACIER_PDF, join(root, "outside.pdf"));
    symlinkSync(join(root, "outside.pdf"), join(dir, "storage", "ATTGLAC1", "link.pdf"));
    expect(await glacierPdf(dir)).toMatch(/is a link that leads out of .*ATTGLAC1: refused/);
  });

  it("a folder is skipped for that item, and the import goes on", async () => {
    const { dir } = libraryWithPath("storage:folder.pdf");
    mkdirSync(join(dir, "storage", "ATTGLAC1", "folder.pdf"));
    expect(await glacierPdf(dir)).toMatch(/is not a regular file \(a folder\): refused/);
  });

  it("a FIFO is refused at once, not waited on forever", async () => {
    const { dir } = libraryWithPath("storage:pipe.pdf");
    expect(spawnSync("mkfifo", [join(dir, "storage", "ATTGLAC1", "pipe.pdf")]).status).toBe(0);
    expect(await glacierPdf(dir)).toMatch(/is not a regular file \(a FIFO\): refused/);
  }, 15_000);

  it("a linked file that is a device (/dev/zero) is refused, not read without end", async () => {
    const { dir } = libraryWithPath("/dev/zero", 2);
    expect(await glacierPdf(dir)).toMatch(/is not a regular file \(a device\): refused/);
  }, 15_000);

  it("a linked file with an absolute path is still read", async () => {
    const { dir, root } = libraryWithPath("", 2);
    copyFileSync(GLACIER_PDF, join(root, "linked.pdf"));
    const db = new Database(join(dir, "zotero.sqlite"));
    db.prepare("UPDATE itemAttachments SET path = ? WHERE itemID = (SELECT itemID FROM items WHERE key = 'ATTGLAC1')").run(join(root, "linked.pdf"));
    db.close();
    expect(await glacierPdf(dir)).toBe("read");
  });
});

describe("base-directory links (issue 27 item 10)", () => {
  function linked(): { dir: string; base: string; root: string } {
    const { dir, root } = libraryWithPath("attachments:papers/glacier.pdf", 2);
    const base = join(root, "Papers Base");
    mkdirSync(join(base, "papers"), { recursive: true });
    copyFileSync(GLACIER_PDF, join(base, "papers", "glacier.pdf"));
    return { dir, base, root };
  }

  it("attachments:papers/x.pdf is read from the base directory given (--zotero-base)", async () => {
    const { dir, base } = linked();
    expect(await glacierPdf(dir, { baseDir: base })).toBe("read");
  });

  it("attachments:papers/x.pdf is read from the base directory the Zotero profile's prefs.js names", async () => {
    const { dir, base, root } = linked();
    const profile = join(root, "profiles", "abcd1234.default");
    mkdirSync(profile, { recursive: true });
    const pref = (name: string, value: unknown) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});\n`;
    const prefs = pref("extensions.zotero.useDataDir", true) + pref("extensions.zotero.dataDir", dir) + pref("extensions.zotero.baseAttachmentPath", base);
    const fd = openSync(join(profile, "prefs.js"), "w");
    writeSync(fd, `// Mozilla User Preferences\n${prefs}`);
    closeSync(fd);
    expect(await glacierPdf(dir, { profileRoots: [join(root, "profiles")] })).toBe("read");
  });

  it("without a known base directory the reason says how to give one; ../ out of it is refused", async () => {
    const { dir, base } = linked();
    expect(await glacierPdf(dir)).toMatch(/relative to Zotero's base directory \(attachments:papers\/glacier\.pdf\), which is not known .*--zotero-base DIR/);
    const db = new Database(join(dir, "zotero.sqlite"));
    db.prepare("UPDATE itemAttachments SET path = 'attachments:../outside.pdf' WHERE itemID = (SELECT itemID FROM items WHERE key = 'ATTGLAC1')").run();
    db.close();
    expect(await glacierPdf(dir, { baseDir: base })).toMatch(/leads out of the base directory/);
  });
});

describe("a database Zotero is writing (issue 27 item 11)", () => {
  it("a copy with a hot rollback journal reads as the last committed state, not 'attempt to write a readonly database'", async () => {
    const { dir } = libraryWithPath("storage:glacier-onecol.pdf");
    const writer = new Database(join(dir, "zotero.sqlite"));
    writer.pragma("journal_mode = DELETE");
    writer.pragma("cache_size = 1");
    // An uncommitted change big enough to spill pages into the file, as a commit in progress does.
    writer.prepare("BEGIN IMMEDIATE").run();
    writer.prepare("DELETE FROM itemData").run();
    writer.prepare("UPDATE items SET key = 'CHANGED' || itemID").run();
    for (let i = 0; i < 2000; i++) writer.prepare("INSERT INTO itemDataValues (value) VALUES (?)").run("x".repeat(500) + i);
    expect(statSync(join(dir, "zotero.sqlite-journal")).size).toBeGreaterThan(0);
    try {
      const library = await readZotero(dir, { profileRoots: [] });
      expect(library.papers.map((p) => p.id)).toContain(`zotero:${ITEMS.glacier.key}`);
      expect(library.papers.find((p) => p.id === `zotero:${ITEMS.glacier.key}`)!.title).toBe(ITEMS.glacier.title);
    } finally {
      writer.prepare("ROLLBACK").run();
      writer.close();
    }
  });
});

describe("a database that changes all the while it is copied (issue 27 item 11)", () => {
  it("is ZOTERO_BUSY, saying to retry, and nothing is read (so nothing can look deleted)", async () => {
    const { snapshotDatabase } = await import("../src/corpus/zotero-snapshot.js");
    const { dir } = libraryWithPath("storage:glacier-onecol.pdf");
    const file = join(dir, "zotero.sqlite");
    const copy = join(tempDir("papers-zotero-copy-"), "zotero.sqlite");
    // Zotero commits while every copy is taken: its -wal grows.
    let copies = 0;
    const busyCopy = (from: string, to: string) => {
      copies++;
      copyFileSync(from, to);
      const fd = openSync(`${from}-wal`, "a");
      writeSync(fd, Buffer.alloc(4096, copies));
      closeSync(fd);
    };
    await expect(snapshotDatabase(file, copy, busyCopy)).rejects.toMatchObject({ name: "PapersError", code: "ZOTERO_BUSY", message: expect.stringMatching(/Zotero is writing to .*retry in a moment, or close Zotero first/) });
    expect(copies).toBe(5);
    // One quiet moment is enough.
    let calls = 0;
    await snapshotDatabase(file, copy, (from, to) => (++calls === 1 ? busyCopy(from, to) : copyFileSync(from, to)));
    expect(calls).toBe(2);
  }, 30_000);
});

describe("Zotero items become clean papers (issue 27 item 17)", () => {
  it("a NUL in an item's title is stripped, as for every other input", async () => {
    const { dir } = libraryWithPath("storage:glacier-onecol.pdf");
    const db = new Database(join(dir, "zotero.sqlite"));
    db.prepare("INSERT INTO itemDataValues (value) VALUES (?)").run("Glacier\u0000 drift");
    db.prepare(
      `UPDATE itemData SET valueID = (SELECT valueID FROM itemDataValues WHERE value = ?)
       WHERE itemID = (SELECT itemID FROM items WHERE key = ?) AND fieldID = (SELECT fieldID FROM fields WHERE fieldName = 'title')`,
    ).run("Glacier\u0000 drift", ITEMS.glacier.key);
    db.close();
    const library = await readZotero(dir, { profileRoots: [] });
    expect(library.papers.find((p) => p.id === `zotero:${ITEMS.glacier.key}`)!.title).toBe("Glacier drift");
  });
});

describe("Zotero's database damaged or misplaced is a coded error (issue 27 item 22)", () => {
  it("a corrupt page in Zotero's tables is ZOTERO_DAMAGED, saying how to repair it", async () => {
    const { dir } = libraryWithPath("storage:glacier-onecol.pdf");
    const file = join(dir, "zotero.sqlite");
    const db = new Database(file);
    const pageSize = db.pragma("page_size", { simple: true }) as number;
    const root = db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'itemData'").pluck().get() as number;
    db.close();
    const bytes = readFileSync(file);
    bytes.fill(0xa5, (root - 1) * pageSize, root * pageSize);
    const fd = openSync(file, "r+");
    writeSync(fd, bytes, (root - 1) * pageSize, pageSize, (root - 1) * pageSize);
    closeSync(fd);
    await expect(readZotero(dir, { profileRoots: [] })).rejects.toMatchObject({ name: "PapersError", code: "ZOTERO_DAMAGED", message: expect.stringMatching(/is damaged .*Check Database Integrity/) });
  });

  it("zotero.sqlite being a folder is UNREADABLE_FILE, saying so", async () => {
    const dir = join(tempDir("papers-zotero-folder-"), "Zotero");
    mkdirSync(join(dir, "zotero.sqlite"), { recursive: true });
    await expect(readZotero(dir, { profileRoots: [] })).rejects.toMatchObject({ name: "PapersError", code: "UNREADABLE_FILE", message: expect.stringMatching(/zotero\.sqlite is a folder, not Zotero's database/) });
    rmSync(dir, { recursive: true });
  });
});
