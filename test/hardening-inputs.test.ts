/**
 * Input folders with symlink loops, and paths named twice: every folder and file is visited once
 * (by device and inode), the walk ends, and each repeat is reported.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expandPaths } from "../src/corpus/inputs.js";
import { readCorpus } from "../src/corpus/read-corpus.js";
import { CLI, modelsDir, tempDir } from "./helpers.js";

const RECORDS = [
  { id: "loop-1", title: "Tern migration", abstract: "Arctic terns migrate from pole to pole every year." },
  { id: "loop-2", title: "Glacier retreat", abstract: "Glaciers in the Alps retreat faster than predicted." },
  { id: "loop-3", title: "Coral bleaching", abstract: "Coral reefs bleach when the sea warms for weeks." },
];

/** d/sub/papers.jsonl, with d/sub/up -> .. and d/self -> ../d: two ways round forever. */
function loopyFolder(): string {
  const root = tempDir("papers-loops-");
  const d = join(root, "d");
  mkdirSync(join(d, "sub"), { recursive: true });
  writeFileSync(join(d, "sub", "papers.jsonl"), RECORDS.map((r) => JSON.stringify(r)).join("\n") + "\n");
  symlinkSync("..", join(d, "sub", "up"));
  symlinkSync("../d", join(d, "self"));
  return d;
}

describe("input folders are walked once", () => {
  it("a folder linked to itself (ln -s . me) is read once, not until ELOOP", async () => {
    const d = join(tempDir("papers-loops-"), "d");
    mkdirSync(d);
    writeFileSync(join(d, "papers.jsonl"), RECORDS.map((r) => JSON.stringify(r)).join("\n") + "\n");
    symlinkSync(".", join(d, "me"));
    const corpus = await readCorpus([d]);
    expect(corpus.files).toEqual([join(d, "papers.jsonl")]);
    expect(corpus.papers).toHaveLength(3);
    expect(corpus.skipped.filter((s) => s.kind === "replaced")).toEqual([]);
    expect(corpus.skipped).toEqual([{ file: join(d, "me"), line: null, reason: expect.stringMatching(new RegExp(`already read as ${d}`)), kind: "repeated" }]);
  });

  it("the same file named twice is read once", async () => {
    const d = loopyFolder();
    const file = join(d, "sub", "papers.jsonl");
    const corpus = await readCorpus([file, file, join(d, "self", "sub", "papers.jsonl")]);
    expect(corpus.files).toEqual([file]);
    expect(corpus.skipped.map((s) => s.kind)).toEqual(["repeated", "repeated"]);
    expect(corpus.counts.records).toBe(3);
  });

  it("two loops (sub/up -> .., self -> ../d) end, each folder and file visited once", () => {
    // In a child process with a time limit: before the fix this walk never ended.
    const d = loopyFolder();
    const script = `import("${new URL("../dist/corpus/inputs.js", import.meta.url).pathname}").then((m) => console.log(JSON.stringify(m.expandPaths([process.argv[1]]))))`;
    const result = spawnSync(process.execPath, ["-e", script, d], { encoding: "utf8", timeout: 20_000 });
    expect(result.signal).toBeNull();
    const { files, skipped } = JSON.parse(result.stdout) as ReturnType<typeof expandPaths>;
    expect(files.map((f) => f.path)).toEqual([join(d, "sub", "papers.jsonl")]);
    expect(skipped.map((s) => [s.file, s.kind])).toEqual([
      [join(d, "self"), "repeated"],
      [join(d, "sub", "up"), "repeated"],
    ]);
  });

  it("papers index counts the repeats in --json and names them on stderr", () => {
    const d = loopyFolder();
    const index = join(tempDir(), "index");
    const result = spawnSync(process.execPath, [CLI, "--index", index, "index", d, "--json"], {
      encoding: "utf8",
      timeout: 120_000,
      env: { ...process.env, PAPERS_MODELS: modelsDir(), PAPERS_OFFLINE: "1" },
    });
    expect(result.signal).toBeNull();
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ added: 3, replaced: 0, repeated: 2, skipped: 0, papers: 3 });
    expect(result.stderr).toBe(
      `papers: repeated ${join(d, "self")}: folder (a symlink loop, or named twice) already read as ${d}: read once\n` +
        `papers: repeated ${join(d, "sub", "up")}: folder (a symlink loop, or named twice) already read as ${d}: read once\n`,
    );
  });
});
