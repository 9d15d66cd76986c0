/**
 * Index checksums: the manifest records the size and SHA-256 of papers.hnsw and papers.db, and
 * every open checks them first, so a truncated or changed file is one clear error (never a crash
 * in hnswlib, a stack trace, or wrong answers), and queries never change the files they check.
 */
import { createHash } from "node:crypto";
import { cpSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SEEDS, runCli, tempDir } from "./helpers.js";

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
const generation = (index: string) => join(index, readFileSync(join(index, "CURRENT"), "utf8").trim());
const damaged = (file: string, problem: string) =>
  new RegExp(`^papers: index at .*gen-[^ ]+ is damaged \\(${file} ${problem}\\): run \`papers index --rebuild \\[paths\\.\\.\\.\\]\` to rebuild it\\n$`);

/** Flips one byte in place: same size, different content. */
function flipByte(path: string, at: number): void {
  const bytes = readFileSync(path);
  bytes[at] = bytes[at]! ^ 0xff;
  writeFileSync(path, bytes);
}

describe("index checksums", () => {
  const root = tempDir();
  const built = join(root, "built");
  let copies = 0;
  /** A fresh copy of the built index, to damage. */
  const copy = () => {
    const index = join(root, `copy-${copies++}`);
    cpSync(built, index, { recursive: true });
    return index;
  };

  beforeAll(() => {
    const result = runCli(["--index", built, "index", SEEDS, "--json"]);
    expect(result.stderr).toBe("");
  });

  it("records the size and SHA-256 of every data file in the manifest", () => {
    const dir = generation(built);
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    for (const file of ["papers.hnsw", "papers.db"]) {
      const bytes = readFileSync(join(dir, file));
      expect(manifest.files[file]).toEqual({ size: bytes.length, sha256: sha256(join(dir, file)) });
    }
  });

  it("leaves papers.db byte for byte as it was while answering queries", () => {
    const index = copy();
    const dir = generation(index);
    const before = { db: sha256(join(dir, "papers.db")), files: readdirSync(dir).sort() };
    for (const args of [
      ["search", "decoding latency", "--json"],
      ["search", "graphs", "--mode", "lexical", "--year", "2024", "--json"],
      ["related", "2402.11226", "--json"],
      ["show", "2402.11226", "--json"],
      ["list", "--json"],
      ["info", "--json"],
    ]) {
      expect(runCli(["--index", index, ...args]).status).toBe(0);
    }
    // No journal or WAL files appeared beside it either.
    expect({ db: sha256(join(dir, "papers.db")), files: readdirSync(dir).sort() }).toEqual(before);
  });

  it("refuses a truncated papers.hnsw with one line, before hnswlib reads it", () => {
    const index = copy();
    const file = join(generation(index), "papers.hnsw");
    const size = readFileSync(file).length;
    truncateSync(file, 30_000);
    for (const args of [["search", "decoding", "--json"], ["info"], ["list"]]) {
      const result = runCli(["--index", index, ...args]);
      expect(result).toMatchObject({ status: 1, stdout: "" });
      expect(result.stderr).toMatch(damaged("papers\\.hnsw", `is 30000 bytes, not ${size}`));
    }
  });

  it("refuses a changed byte in either file, which loading alone would not notice", () => {
    const hnsw = copy();
    // A byte of a stored vector: hnswlib would load this and answer with it.
    flipByte(join(generation(hnsw), "papers.hnsw"), 20_000);
    const search = runCli(["--index", hnsw, "search", "decoding", "--json"]);
    expect(search).toMatchObject({ status: 1, stdout: "" });
    expect(search.stderr).toMatch(damaged("papers\\.hnsw", "checksum mismatch"));

    const db = copy();
    const file = join(generation(db), "papers.db");
    flipByte(file, readFileSync(file).length - 100);
    const info = runCli(["--index", db, "info"]);
    expect(info).toMatchObject({ status: 1, stdout: "" });
    expect(info.stderr).toMatch(damaged("papers\\.db", "checksum mismatch"));
  });

  it("reports a missing file and an unreadable manifest in one line", () => {
    const missing = copy();
    rmSync(join(generation(missing), "papers.db"));
    expect(runCli(["--index", missing, "info"]).stderr).toMatch(damaged("papers\\.db", "missing"));

    const garbled = copy();
    writeFileSync(join(generation(garbled), "manifest.json"), "{\"formatVersion\": 2, \"mod");
    expect(runCli(["--index", garbled, "info"]).stderr).toMatch(damaged("manifest\\.json", "unreadable"));
  });

  it("will not update a damaged index, and --rebuild repairs it", () => {
    const index = copy();
    flipByte(join(generation(index), "papers.hnsw"), 20_000);
    const update = runCli(["--index", index, "index", SEEDS]);
    expect(update).toMatchObject({ status: 1, stdout: "" });
    expect(update.stderr).toMatch(damaged("papers\\.hnsw", "checksum mismatch"));

    const rebuild = runCli(["--index", index, "index", SEEDS, "--rebuild", "--json"]);
    expect(rebuild.stderr).toBe("");
    expect(JSON.parse(rebuild.stdout)).toMatchObject({ added: 30, papers: 30 });
    expect(JSON.parse(runCli(["--index", index, "search", "decoding", "-k", "3", "--json"]).stdout)).toHaveLength(3);
    expect(readdirSync(index).filter((e) => e.startsWith("gen-"))).toHaveLength(1);
  });

  it("refuses a manifest without checksums: a flipped byte in papers.hnsw is never served unverified", () => {
    const index = copy();
    const path = join(generation(index), "manifest.json");
    const { files: _files, ...manifest } = JSON.parse(readFileSync(path, "utf8"));
    writeFileSync(path, JSON.stringify(manifest));
    flipByte(join(generation(index), "papers.hnsw"), 5000);
    const result = runCli(["--index", index, "info", "--json"]);
    expect(result).toMatchObject({ status: 1, stdout: "" });
    expect(result.stderr).toMatch(damaged("manifest\\.json:", "files is missing"));
  });
});
