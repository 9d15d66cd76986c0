import { describe, expect, it } from "vitest";
import { displayTitle, formatHits, formatPaper } from "../../src/cli/format.js";
import { paperJson } from "../../src/papers.js";
import type { Paper } from "../../src/corpus/paper.js";

const paper: Paper = {
  id: "2404.09336",
  title: null,
  abstract: "Large language models can solve tasks. However, inference is slow. " + "More words here. ".repeat(30),
  arxivId: "2404.09336",
  doi: null,
  journalRef: null,
  comments: [],
  authors: [],
  categories: [],
  year: null,
  date: null,
  sources: [{ file: "seeds/x.txt", line: 1 }],
};

describe("CLI output", () => {
  it("uses the first sentence when a paper has no title", () => {
    expect(displayTitle(paper)).toBe("Large language models can solve tasks.");
    expect(displayTitle({ ...paper, title: "A Title" })).toBe("A Title");
  });

  it("shows a paper's date under its year, when it has one", () => {
    expect(formatPaper({ ...paper, year: 2024, date: "2024-04-14" }).split("\n").slice(2, 5)).toEqual(["arXiv: 2404.09336  https://arxiv.org/abs/2404.09336", "year: 2024", "date: 2024-04-14"]);
    expect(formatPaper({ ...paper, year: 2024 })).not.toMatch(/^date:/m);
    expect(paperJson({ ...paper, year: 2024, date: "2024-04-14" })).toMatchObject({ year: 2024, date: "2024-04-14" });
  });

  it("shows rank, score, title, link and a two-line snippet", () => {
    const lines = formatHits([{ ...paper, score: 0.61234 }]).split("\n");
    expect(lines[0]).toBe(" 1. 0.612  Large language models can solve tasks.");
    expect(lines[1]).toBe("    https://arxiv.org/abs/2404.09336");
    expect(lines).toHaveLength(4);
    expect(lines[3]!.endsWith("…")).toBe(true);
  });

  it("puts the documented fields in JSON, score only for hits", () => {
    expect(Object.keys(paperJson(paper, 0.5))).toEqual([
      "id", "title", "abstract", "score", "arxivId", "doi", "journalRef", "comments", "authors", "categories", "year", "date", "sources",
    ]);
    expect(paperJson(paper)).not.toHaveProperty("score");
  });
});
