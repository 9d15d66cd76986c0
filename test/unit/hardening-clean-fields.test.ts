/**
 * Issue 27 item 17 (and item 7's index-time half): a NUL in a record is stripped where records
 * become papers, so every store sees the same text (a NUL failed a whole PostgreSQL run while the
 * folder store took it); a field too long to be real (a 1 MB title exhausted MCP) is cut short at
 * read time. Fast tier: readCorpus only, no model.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCorpus } from "../../src/corpus/read-corpus.js";
import { tempDir } from "../helpers.js";

const NUL = "\u0000";

describe("records become clean papers, for every store", () => {
  it("NUL is stripped from every text field (other control characters stay exact for --json; human output neutralises them)", async () => {
    const dir = tempDir("papers-clean-");
    const file = join(dir, "dirty.jsonl");
    const record = {
      id: `nul${NUL}-1`,
      title: `A title${NUL} with NUL`,
      abstract: `An abstract${NUL} about\tterns and\nglaciers.`,
      authors: [`Ada${NUL} Lovelace`],
      categories: [`cs.${NUL}CL`],
      "journal-ref": `J. Null${NUL} 1`,
      doi: `10.1000/x${NUL}y`,
      comments: `5 pages${NUL}`,
    };
    writeFileSync(file, JSON.stringify(record) + "\n");
    const [paper] = (await readCorpus([file])).papers;
    const text = JSON.stringify(paper);
    expect(text).not.toContain("\\u0000");
    expect(paper).toMatchObject({ id: "nul-1", title: "A title with NUL", abstract: "An abstract about terns and glaciers.", authors: ["Ada Lovelace"], doi: "10.1000/xy" });
  });

  it("a 1 MB title is cut to the title limit, and a huge author list to the author limit", async () => {
    const dir = tempDir("papers-clean-");
    const file = join(dir, "long.jsonl");
    const authors = Array.from({ length: 6_000 }, (_, i) => `Author ${i} ${"X".repeat(1_000)}`);
    writeFileSync(file, JSON.stringify({ id: "long-1", title: "T".repeat(1_000_000), abstract: "Terns migrate from pole to pole.", authors, "journal-ref": "J".repeat(100_000) }) + "\n");
    const [paper] = (await readCorpus([file])).papers;
    expect(paper!.title!.length).toBeLessThanOrEqual(2_000);
    expect(paper!.title!.endsWith("…")).toBe(true);
    expect(paper!.authors.length).toBeLessThanOrEqual(5_000);
    expect(Math.max(...paper!.authors.map((a) => a.length))).toBeLessThanOrEqual(500);
    expect(paper!.journalRef!.length).toBeLessThanOrEqual(2_000);
  });
});
