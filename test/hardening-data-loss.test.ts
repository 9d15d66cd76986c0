/**
 * No command deletes an index it did not replace: the seeds are built only into the default
 * index folder, a missing or mistyped CURRENT is recovered from the newest complete generation,
 * and replaced generations go only once a new one is committed and verified.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { newPaper, type Paper } from "../src/corpus/paper.js";
import { commitGeneration } from "../src/store/folder/generations.js";
import { copyIndex, indexPaperList, isPapersError, openIndex, openOrBuildIndex, removePapers } from "../src/papers.js";
import { resolveOptions } from "../src/settings.js";
import { hashEmbedderLoader } from "./hash-embedder.js";
import { SEEDS, runCli, tempDir } from "./helpers.js";

const papers = (n: number, from = 0): Paper[] =>
  Array.from({ length: n }, (_, i) =>
    newPaper({ id: `own-${from + i}`, abstract: `Histopathology slide ${from + i} of a tumour biopsy.`, sources: [{ file: "own", line: i + 1 }] }),
  );
const generations = (indexDir: string) => readdirSync(indexDir).filter((e) => e.startsWith("gen-")).sort();
const current = (indexDir: string) => readFileSync(join(indexDir, "CURRENT"), "utf8").trim();

/** A folder with one committed index of `n` own papers, built as the default location would be. */
async function ownIndex(n = 40) {
  const indexDir = join(tempDir("papers-loss-"), "index");
  const options = { indexDir, embedder: hashEmbedderLoader(), buildIfMissing: true };
  await indexPaperList(papers(n), [], options);
  return { indexDir, options, generation: current(indexDir) };
}

async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isPapersError(error), String(error)).toBe(true);
  return error as { code: string; message: string };
}

describe("search and serve never replace an index with the seeds", () => {
  for (const [what, breakCurrent] of [
    ["CURRENT is missing", (dir: string) => renameSync(join(dir, "CURRENT"), join(dir, "CURRENT.bak"))],
    ["CURRENT names a generation that does not exist", (dir: string) => writeFileSync(join(dir, "CURRENT"), "gen-typo\n")],
  ] as const) {
    it(`${what}: the newest complete generation answers, says so, and is kept`, async () => {
      const { indexDir, options, generation } = await ownIndex();
      breakCurrent(indexDir);
      const index = await openOrBuildIndex(options, [SEEDS]);
      try {
        expect(index.info().count).toBe(40);
        expect(basename(index.location)).toBe(generation);
        expect(index.recovered).toMatch(new RegExp(`${generation}, stands in`));
      } finally {
        await index.close();
      }
      expect(generations(indexDir)).toEqual([generation]);

      // The next writer points CURRENT back at it, says so, and keeps its papers.
      const summary = await indexPaperList(papers(1, 40), [], options);
      expect(summary.recovered).toMatch(/CURRENT now names it again/);
      expect(summary).toMatchObject({ added: 1 });
      expect(summary.manifest.count).toBe(41);
    });
  }

  it("an explicit --index that holds no index is an error naming it, and nothing is built there", () => {
    const missing = join(tempDir(), "index.typo");
    const result = runCli(["--index", missing, "search", "-k", "1", "histopathology"]);
    expect(result).toMatchObject({ status: 1, stdout: "" });
    expect(result.stderr).toBe(`papers: no index at ${missing}: run \`papers index [paths...]\` first\n`);
    expect(existsSync(missing)).toBe(false);
    const viaEnv = runCli(["search", "-k", "1", "histopathology"], { PAPERS_INDEX: missing });
    expect(viaEnv.stderr).toContain(`no index at ${missing}`);
    expect(existsSync(missing)).toBe(false);
  });

  it("the default location, empty, gets the seeds on first use", async () => {
    const indexDir = join(tempDir(), "default-index");
    const index = await openOrBuildIndex({ indexDir, embedder: hashEmbedderLoader(), buildIfMissing: true }, [SEEDS]);
    try {
      expect(index.info().count).toBe(30);
      expect(index.recovered).toBeNull();
    } finally {
      await index.close();
    }
  });

  it("only the default location may build the seeds", () => {
    expect(resolveOptions({}, {}).buildIfMissing).toBe(true);
    expect(resolveOptions({ index: "/x" }, {}).buildIfMissing).toBe(false);
    expect(resolveOptions({}, { PAPERS_INDEX: "/x" }).buildIfMissing).toBe(false);
  });

  it("without buildIfMissing a folder with no index is NO_INDEX, not a build", async () => {
    const indexDir = join(tempDir(), "index");
    const error = await errorOf(openOrBuildIndex({ indexDir, embedder: hashEmbedderLoader() }, [SEEDS]));
    expect(error.code).toBe("NO_INDEX");
    expect(error.message).toContain(indexDir);
    expect(existsSync(indexDir)).toBe(false);
  });
});

describe("writers delete only what a verified commit replaced", () => {
  it("papers index on a damaged current generation fails without deleting the older good one", async () => {
    const { indexDir, options, generation: older } = await ownIndex();
    const saved = join(indexDir, "..", "older-copy");
    cpSync(join(indexDir, older), saved, { recursive: true });
    await indexPaperList(papers(41), [], options);
    const newer = current(indexDir);
    // A crash between CURRENT's swap and the clean-up leaves the older generation beside it.
    cpSync(saved, join(indexDir, older), { recursive: true });
    const hnsw = join(indexDir, newer, "papers.hnsw");
    const bytes = readFileSync(hnsw);
    bytes[4000] = bytes[4000]! ^ 0xff;
    writeFileSync(hnsw, bytes);

    const error = await errorOf(indexPaperList(papers(42), [], options));
    expect(error.code).toBe("INDEX_DAMAGED");
    expect(error.message).toMatch(/--rebuild/);
    expect(generations(indexDir)).toEqual([older, newer].sort());
    // And removing papers from it fails the same way, deleting nothing.
    expect((await errorOf(removePapers(["own-1"], options))).code).toBe("INDEX_DAMAGED");
    expect(generations(indexDir)).toEqual([older, newer].sort());
  });

  it("a generation a killed writer left beside the live one goes at the next run, once the live one verifies, even a run that commits nothing", async () => {
    const { indexDir, options, generation: older } = await ownIndex();
    const saved = join(indexDir, "..", "older-copy-2");
    cpSync(join(indexDir, older), saved, { recursive: true });
    await indexPaperList(papers(41), [], options);
    const newer = current(indexDir);
    // A crash between CURRENT's swap and the clean-up leaves the older generation beside it.
    cpSync(saved, join(indexDir, older), { recursive: true });
    expect(generations(indexDir)).toEqual([older, newer].sort());
    expect((await errorOf(removePapers(["no-such-paper"], options))).code).toBe("UNKNOWN_ID");
    expect(generations(indexDir)).toEqual([newer]);
  });

  it("a generation that fails verification never goes live, and the old one stays", async () => {
    const root = tempDir();
    await commitGeneration(root, async (dir) => writeFileSync(join(dir, "data"), "good"));
    const good = current(root);
    const failing = commitGeneration(root, async (dir) => writeFileSync(join(dir, "data"), "bad"), {
      verify: () => {
        throw new Error("checksum mismatch");
      },
    });
    await expect(failing).rejects.toThrow("checksum mismatch");
    expect(current(root)).toBe(good);
    expect(readdirSync(root).filter((e) => e.startsWith("gen-"))).toEqual([good]);
  });
});

describe("a folder that is not a papers index is never written, and papers deletes only what it made", () => {
  /** A folder of the user's with names papers once deleted by their look (issue 27, item 1). */
  function usersFolder() {
    const dir = join(tempDir("papers-users-"), "d");
    mkdirSync(join(dir, "gen-ai-survey"), { recursive: true });
    writeFileSync(join(dir, "gen-ai-survey", "draft.tex"), "x");
    writeFileSync(join(dir, "gen-notes.md"), "y");
    writeFileSync(join(dir, "results.2024.tmp"), "z");
    return dir;
  }
  const contents = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

  it("refuses to index into a non-empty folder that is not an index, naming what is there, and leaves it as it was", async () => {
    const dir = usersFolder();
    const before = contents(dir);
    const error = await errorOf(indexPaperList(papers(5), [], { indexDir: dir, embedder: hashEmbedderLoader() }));
    expect(error.code).toBe("NOT_AN_INDEX");
    expect(error.message).toContain("gen-notes.md");
    expect(contents(dir)).toEqual(before);
    // A folder named like a generation is the user's too, unless papers' mark or manifest is in it.
    const survey = join(tempDir("papers-users-"), "d");
    mkdirSync(join(survey, "gen-ai-survey"), { recursive: true });
    writeFileSync(join(survey, "gen-ai-survey", "draft.tex"), "x");
    expect((await errorOf(indexPaperList(papers(5), [], { indexDir: survey, embedder: hashEmbedderLoader() }))).code).toBe("NOT_AN_INDEX");
    expect(contents(survey)).toEqual(["gen-ai-survey", join("gen-ai-survey", "draft.tex")]);
  });

  it("refuses to copy an index into such a folder (export --to)", async () => {
    const { options } = await ownIndex(5);
    const dir = usersFolder();
    const before = contents(dir);
    expect((await errorOf(copyIndex(options, { indexDir: dir, embedder: hashEmbedderLoader() }))).code).toBe("NOT_AN_INDEX");
    expect(contents(dir)).toEqual(before);
  });

  it("keeps files the user put in an index folder, whatever their names, through commits and removals", async () => {
    const { indexDir, options } = await ownIndex(10);
    mkdirSync(join(indexDir, "gen-ai-survey"));
    writeFileSync(join(indexDir, "gen-ai-survey", "draft.tex"), "x");
    writeFileSync(join(indexDir, "gen-notes.md"), "y");
    writeFileSync(join(indexDir, "notes.123.tmp"), "z");
    await indexPaperList(papers(12), [], options);
    await removePapers(["own-1"], options);
    expect(readFileSync(join(indexDir, "gen-ai-survey", "draft.tex"), "utf8")).toBe("x");
    expect(readFileSync(join(indexDir, "gen-notes.md"), "utf8")).toBe("y");
    expect(readFileSync(join(indexDir, "notes.123.tmp"), "utf8")).toBe("z");
    // And the index itself is one generation, the live one.
    expect(generations(indexDir).filter((name) => name !== "gen-ai-survey" && name !== "gen-notes.md")).toEqual([current(indexDir)]);
  });

  it("writes into an index made before the folder mark, and into an empty folder", async () => {
    const { indexDir, options } = await ownIndex(5);
    rmSync(join(indexDir, ".papers-index"));
    await indexPaperList(papers(6), [], options);
    const empty = tempDir("papers-empty-");
    expect((await indexPaperList(papers(3), [], { indexDir: empty, embedder: hashEmbedderLoader() })).added).toBe(3);
  });

  it("--index naming a file is a coded error, for writing and reading alike", async () => {
    const file = join(tempDir(), "a-file");
    writeFileSync(file, "mine");
    const options = { indexDir: file, embedder: hashEmbedderLoader() };
    expect((await errorOf(indexPaperList(papers(2), [], options))).code).toBe("NOT_AN_INDEX");
    expect((await errorOf(openIndex(options))).code).toBe("NOT_AN_INDEX");
    expect(readFileSync(file, "utf8")).toBe("mine");
  });
});
