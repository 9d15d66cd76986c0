/**
 * The pure parts of "nothing read twice" (issue 24): file stamps as kept in the index state,
 * which files a changed one drags along (papers merged over files), which papers are prunable,
 * and which names folders never yield.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expandPaths, isIgnoredFileName, isRacy, RACY_MS } from "../../src/corpus/inputs.js";
import {
  fieldsKey,
  isUnder,
  parseFileEntries,
  prunableIds,
  rebuildDrops,
  sameStamp,
  savedStamp,
  serializeFileEntry,
  sharingFiles,
  type FileEntries,
  type FileEntry,
} from "../../src/library/indexing/file-stamps.js";
import { tempDir } from "../helpers.js";

const entry = (ids: string[], stamp: Partial<FileEntry> = {}): FileEntry => ({ size: 10, mtimeMs: 1_700_000_000_123.456, ino: 42, sha256: "ab".repeat(16), ids, fields: "", ...stamp });

describe("file stamps", () => {
  it("a file is left unopened only when size, mtime, inode and field mapping all match", () => {
    const saved = entry(["p1"]);
    const stamp = { size: 10, mtimeMs: saved.mtimeMs, ino: 42 };
    expect(sameStamp(saved, stamp, "")).toBe(true);
    expect(sameStamp(undefined, stamp, "")).toBe(false);
    expect(sameStamp(saved, { ...stamp, size: 11 }, "")).toBe(false);
    expect(sameStamp(saved, { ...stamp, mtimeMs: saved.mtimeMs + 0.001 }, "")).toBe(false);
    expect(sameStamp(saved, { ...stamp, ino: 43 }, "")).toBe(false);
    expect(sameStamp(saved, stamp, fieldsKey({ abstract: "summary" }))).toBe(false);
    expect(fieldsKey({ b: "x", a: "y" })).toBe(fieldsKey({ a: "y", b: "x" }));
    expect(fieldsKey({})).toBe("");
  });

  it("a stamp taken within RACY_MS of its modification is saved so that no later stamp matches it", () => {
    const stamp = { size: 10, mtimeMs: 1_000_000, ino: 42 };
    expect(isRacy(stamp.mtimeMs, stamp.mtimeMs + 5)).toBe(true);
    expect(isRacy(stamp.mtimeMs, stamp.mtimeMs + RACY_MS + 1)).toBe(false);
    expect(savedStamp(stamp, stamp.mtimeMs + 5).mtimeMs).toBe(-1);
    expect(sameStamp(entry([], savedStamp(stamp, stamp.mtimeMs + 5)), stamp, "")).toBe(false);
    expect(sameStamp(entry([], savedStamp(stamp, stamp.mtimeMs + RACY_MS + 1)), stamp, "")).toBe(true);
  });

  it("entries survive their JSON form exactly; malformed ones are dropped, not trusted", () => {
    const saved = new Map([["/a.jsonl", entry(["p1", "p2"])], ["/b.csv", entry([], { fields: fieldsKey({ abstract: "summary" }) })]]);
    const json = JSON.parse(JSON.stringify(Object.fromEntries([...saved].map(([path, e]) => [path, serializeFileEntry(e)]))));
    expect(parseFileEntries(json)).toEqual(saved);
    expect(parseFileEntries({ "/x": [1, 2], "/y": "no", "/z": [1, 2, 3, "h", [4]] }).size).toBe(0);
    expect(parseFileEntries(undefined).size).toBe(0);
    expect(parseFileEntries([1]).size).toBe(0);
  });

  it("10,000 files keep under 2 MB of state", () => {
    const value: Record<string, unknown> = {};
    for (let i = 0; i < 10_000; i++) value[`/home/someone/Papers/2026/some-folder/paper-${i}-a-longish-name.pdf`] = serializeFileEntry(entry([`2601.${String(i).padStart(5, "0")}`], { ino: 1_000_000 + i }));
    expect(JSON.stringify(value).length).toBeLessThan(2_000_000);
  });

  it("a file sharing a paper with a changed one is read with it, through a chain of shared papers", () => {
    const entries: FileEntries = new Map([
      ["/a", entry(["P", "Q"])],
      ["/b", entry(["Q", "R"])],
      ["/c", entry(["r"])], // ids are case-insensitive
      ["/d", entry(["S"])],
    ]);
    const all = [...entries.keys()];
    expect([...sharingFiles(new Set(["/a"]), all, entries)].sort()).toEqual(["/b", "/c"]);
    expect([...sharingFiles(new Set(["/d"]), all, entries)]).toEqual([]);
    // Ids a changed file gives now (or a gone file gave) pull in the files holding them.
    expect([...sharingFiles(new Set(["/new"]), all, entries, ["s"])]).toEqual(["/d"]);
  });

  it("a paper is prunable only when every file that gave it is gone", () => {
    const entries: FileEntries = new Map([
      ["/dir/gone1", entry(["only-here", "shared"])],
      ["/dir/gone2", entry(["both-gone"])],
      ["/dir/gone3", entry(["Both-Gone"])],
      ["/dir/kept", entry(["shared"])],
      ["/elsewhere/x", entry(["outside"])],
      ["/dir/gone4", entry(["outside"])],
    ]);
    const gone = new Set(["/dir/gone1", "/dir/gone2", "/dir/gone3", "/dir/gone4"]);
    expect([...prunableIds(gone, entries)].sort()).toEqual(["both-gone", "only-here"]);
  });

  it("a path is under a root when it is the root or inside it", () => {
    expect(isUnder("/a/b/c.pdf", ["/a/b"])).toBe(true);
    expect(isUnder("/a/b", ["/a/b"])).toBe(true);
    expect(isUnder("/a/bc/d.pdf", ["/a/b"])).toBe(false);
    expect(isUnder("/a/..b/d.pdf", ["/a"])).toBe(true);
  });

  it("a rebuild drops the other kind of stamps", () => {
    expect(rebuildDrops("files")).toEqual({ zotero: null });
    expect(rebuildDrops("zotero")).toEqual({ files: null });
  });
});

describe("ignored file names", () => {
  it("temporary, hidden and backup names are ignored; ordinary ones are not", () => {
    for (const name of [".hidden.pdf", ".~lock.paper.odt#", ".#paper.tex", "~$report.docx", "paper.pdf.tmp", "paper.pdf.part", "paper.pdf.crdownload", ".paper.tex.swp", "paper.swp", "paper.tex~", "X.TMP"]) {
      expect(isIgnoredFileName(name), name).toBe(true);
    }
    for (const name of ["paper.pdf", "notes.jsonl", "tmp.pdf", "part-1.pdf", "a~b.pdf", "$paper.pdf"]) expect(isIgnoredFileName(name), name).toBe(false);
  });

  it("folders never yield them, but a file named explicitly is read", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "sub"));
    const record = '{"id": "x", "abstract": "An abstract."}\n';
    for (const name of ["a.jsonl", "sub/b.jsonl", ".~lock.a.jsonl#", "~$a.jsonl", "a.jsonl.tmp", "a.jsonl.part", "a.jsonl.crdownload", "a.jsonl~", "sub/.#b.jsonl"]) writeFileSync(join(dir, name), record);
    expect(expandPaths([dir]).files.map((f) => f.name)).toEqual([join(dir, "a.jsonl"), join(dir, "sub", "b.jsonl")]);
    expect(expandPaths([join(dir, "a.jsonl.tmp")]).files.map((f) => f.name)).toEqual([join(dir, "a.jsonl.tmp")]);
  });

  it("an index folder (or a generation of one) inside a library folder is not read; named itself, it is", () => {
    const dir = tempDir();
    const record = '{"id": "x", "abstract": "An abstract."}\n';
    mkdirSync(join(dir, "index", "gen-1"), { recursive: true });
    mkdirSync(join(dir, "loose-gen"));
    writeFileSync(join(dir, "index", ".papers-index"), "");
    writeFileSync(join(dir, "loose-gen", ".papers-generation"), "");
    for (const name of ["a.jsonl", "index/stray.jsonl", "index/gen-1/b.jsonl", "loose-gen/c.jsonl"]) writeFileSync(join(dir, name), record);
    const { files, skipped } = expandPaths([dir]);
    expect(files.map((f) => f.name)).toEqual([join(dir, "a.jsonl")]);
    expect(skipped.filter((s) => s.kind === "note").map((s) => s.file).sort()).toEqual([join(dir, "index"), join(dir, "loose-gen")]);
    expect(expandPaths([join(dir, "index")]).files.map((f) => f.name)).toEqual([join(dir, "index", "gen-1", "b.jsonl"), join(dir, "index", "stray.jsonl")]);
  });
});
