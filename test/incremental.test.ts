/**
 * Updating an index in place: only new and changed papers are embedded, removal, and a run
 * killed with SIGKILL that leaves the last good index answering and resumes where it stopped.
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { DEFAULT_MODEL } from "../src/embed/models.js";
import { checksumFiles } from "../src/store/folder/checksums.js";
import { DATA_FILES } from "../src/store/folder/manifest-file.js";
import { FORMAT_VERSION } from "../src/store/shared/manifest.js";
import { CLI, SEEDS, folderCheckpointCount, modelsDir, runCli, tempDir } from "./helpers.js";

const indexJson = (index: string, ...paths: string[]) => {
  const result = runCli(["--index", index, "index", ...paths, "--json"]);
  expect(result.stderr).toBe("");
  return JSON.parse(result.stdout);
};
const current = (index: string) => readFileSync(join(index, "CURRENT"), "utf8");

describe("incremental indexing", () => {
  it("embeds only new and changed papers, and nothing on a second run", () => {
    const root = tempDir();
    const seeds = join(root, "seeds");
    cpSync(SEEDS, seeds, { recursive: true });
    const index = join(root, "index");
    expect(indexJson(index, seeds)).toMatchObject({ added: 30, updated: 0, unchanged: 0, embedded: 30, papers: 30 });

    const generation = current(index);
    expect(indexJson(index, seeds)).toMatchObject({ added: 0, updated: 0, unchanged: 30, embedded: 0, papers: 30 });
    expect(current(index)).toBe(generation); // nothing changed, so no new generation was written

    // Change the abstract of a paper with a stable (arXiv) id, and add one paper.
    const file = join(seeds, "004_4750fbe5cc29cef9.txt");
    writeFileSync(file, readFileSync(file, "utf8").replace("In this paper, we calculate the", "We calculate the"));
    writeFileSync(join(seeds, "new.txt"), "Abstract:We study the migration of arctic terns with satellite tags and find new routes.\n");
    expect(indexJson(index, seeds)).toMatchObject({ added: 1, updated: 1, unchanged: 29, embedded: 2, papers: 31 });

    const hits = JSON.parse(runCli(["--index", index, "search", "arctic tern migration routes", "-k", "1", "--json"]).stdout);
    expect(hits[0].abstract).toMatch(/arctic terns/);
    const homotopy = JSON.parse(runCli(["--index", index, "show", "2402.11226", "--json"]).stdout);
    expect(homotopy.abstract).toMatch(/^We calculate the/);
    const [nearest] = JSON.parse(runCli(["--index", index, "search", "We calculate the homotopy groups", "-k", "1", "--mode", "dense", "--json"]).stdout);
    expect(nearest.id).toBe("2402.11226");
  });

  it("removes papers, and keeps answering after compaction", () => {
    const index = join(tempDir(), "index");
    indexJson(index, SEEDS);
    const removed = JSON.parse(runCli(["--index", index, "remove", "2404.09336", "--json"]).stdout);
    expect(removed).toEqual({ removed: 1, papers: 29 });
    expect(runCli(["--index", index, "show", "2404.09336"]).stderr).toMatch(/no paper with id/);
    const related = JSON.parse(runCli(["--index", index, "related", "2402.11226", "-k", "28", "--mode", "dense", "--json"]).stdout);
    expect(related.map((h: { id: string }) => h.id)).not.toContain("2404.09336");
    expect(related).toHaveLength(28);

    // Removing a quarter of the papers compacts the graph: every remaining paper is still found.
    const ids = JSON.parse(runCli(["--index", index, "list", "--json"]).stdout).map((p: { id: string }) => p.id).slice(0, 8);
    expect(runCli(["--index", index, "remove", ...ids]).status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(index, current(index).trim(), "manifest.json"), "utf8"));
    expect(manifest).toMatchObject({ count: 21, deletedVectors: 0 });
    const left = JSON.parse(runCli(["--index", index, "search", "neural", "-k", "100", "--mode", "dense", "--json"]).stdout);
    expect(left).toHaveLength(21);

    expect(runCli(["--index", index, "remove", "nope"]).stderr).toMatch(/no paper with id "nope" in the index: nothing was removed/);
  });

  it("refuses to mix models in one index without --rebuild", () => {
    const index = join(tempDir(), "index");
    indexJson(index, SEEDS);
    // The same weights named by their folder are another model as far as the index knows.
    const folder = join(modelsDir(), DEFAULT_MODEL);
    expect(runCli(["--index", index, "--model", folder, "index", SEEDS]).stderr).toMatch(/built with Xenova\/all-MiniLM-L6-v2 \(q8\), which embeds differently .*--rebuild/);
    expect(JSON.parse(runCli(["--index", index, "--model", folder, "index", SEEDS, "--rebuild", "--json"]).stdout)).toMatchObject({ added: 30, model: folder });
  });
});

describe("an index of format 2 (full text in FTS5)", () => {
  it("is refused by queries with a hint, and upgraded by the next index run without embedding", () => {
    const index = join(tempDir(), "index");
    indexJson(index, SEEDS);
    const ask = () => runCli(["--index", index, "search", "speculative decoding drafts", "-k", "5", "--mode", "lexical", "--json"]);
    const before = JSON.parse(ask().stdout).map((h: { id: string }) => h.id);
    expect(before.length).toBeGreaterThan(1);

    // Turn the generation back into what format 2 wrote: an FTS5 table instead of the BM25 tables.
    const generation = join(index, current(index).trim());
    const db = new Database(join(generation, "papers.db"));
    db.exec(`DROP TABLE lexical_postings; DROP TABLE lexical_lengths; DROP INDEX papers_facets;
      CREATE VIRTUAL TABLE papers_fts USING fts5(text, content='', contentless_delete=1, tokenize='porter unicode61 remove_diacritics 2');
      INSERT INTO papers_fts (rowid, text) SELECT label, coalesce(title || '. ', '') || abstract FROM papers`);
    db.close();
    const manifestPath = join(generation, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, formatVersion: 2, files: checksumFiles(generation, DATA_FILES) }));

    const refused = ask();
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/^papers: index at .* older papers \(format 2\): run `papers index \[paths...\]` once to upgrade it/);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);

    expect(indexJson(index, SEEDS)).toMatchObject({ added: 0, updated: 0, unchanged: 30, embedded: 0, papers: 30 });
    expect(JSON.parse(readFileSync(join(index, current(index).trim(), "manifest.json"), "utf8")).formatVersion).toBe(FORMAT_VERSION);
    expect(JSON.parse(ask().stdout).map((h: { id: string }) => h.id)).toEqual(before);
  });
});

describe("a killed indexing run", () => {
  it("leaves the previous index answering, and resumes from its checkpoint", async () => {
    const root = tempDir();
    const index = join(root, "index");
    indexJson(index, SEEDS);

    // 240 real SciFact abstracts as "Abstract:" lines: enough for several checkpoints.
    const corpus = readFileSync(new URL("../../shared/data/scifact/corpus.jsonl", import.meta.url), "utf8")
      .split("\n").slice(0, 240).map((line) => `Abstract:${JSON.parse(line).text}`);
    const file = join(root, "more.txt");
    writeFileSync(file, corpus.join("\n") + "\n");

    const child = spawn(process.execPath, [CLI, "--index", index, "index", SEEDS, file, "--checkpoint-every", "16"], {
      env: { ...process.env, PAPERS_MODELS: modelsDir(), PAPERS_OFFLINE: "1" },
      stdio: "ignore",
    });
    const saved = () => folderCheckpointCount(index);
    const deadline = Date.now() + 120_000;
    while (saved() < 48 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const before = saved();
    expect(before).toBeGreaterThanOrEqual(48);
    expect(before).toBeLessThan(240);

    // The last good index still answers.
    expect(JSON.parse(runCli(["--index", index, "info", "--json"]).stdout).count).toBe(30);
    expect(JSON.parse(runCli(["--index", index, "search", "decoding", "-k", "2", "--json"]).stdout)).toHaveLength(2);

    const summary = indexJson(index, SEEDS, file);
    expect(summary.resumed).toBe(before);
    expect(summary.embedded).toBe(240 - before);
    expect(summary).toMatchObject({ added: 240, unchanged: 30, papers: 270 });
    expect(existsSync(join(index, "checkpoint.db"))).toBe(false);
  });
});
