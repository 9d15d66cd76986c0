import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Paper } from "../src/corpus/paper.js";
import { indexPaperList, openIndex, parseYearRange, type PaperIndex } from "../src/papers.js";
import { modelsDir, tempDir } from "./helpers.js";

describe("parseYearRange", () => {
  it("reads single years, closed and open ranges", () => {
    expect(parseYearRange("2024")).toEqual([2024, 2024]);
    expect(parseYearRange("2024..2026")).toEqual([2024, 2026]);
    expect(parseYearRange("2024..")).toEqual([2024, null]);
    expect(parseYearRange("..2020")).toEqual([null, 2020]);
  });

  it("refuses anything else", () => {
    for (const bad of ["", "..", "24", "2026..2024", "2024-2026", "abc"]) expect(() => parseYearRange(bad), bad).toThrow(/year/);
  });
});

describe("filtered search", () => {
  let index: PaperIndex;
  // 120 real SciFact abstracts with made-up metadata: one paper in 20 is in the rare category.
  const papers: Paper[] = readFileSync(new URL("../../shared/data/scifact/corpus.jsonl", import.meta.url), "utf8")
    .split("\n")
    .slice(0, 120)
    .map((line, i) => {
      const doc = JSON.parse(line);
      return {
        id: doc._id, title: doc.title, abstract: doc.text, arxivId: null, doi: null, journalRef: null, comments: [],
        authors: [`Author Number${i}`, "Common Coauthor"], categories: i % 20 === 0 ? ["q-bio.RARE", "cs.CL"] : ["cs.CL"],
        year: 2000 + (i % 25), sources: [{ file: "corpus.jsonl", line: i + 1 }],
      };
    });
  const rare = papers.filter((p) => p.categories.includes("q-bio.RARE")).map((p) => p.id);

  beforeAll(async () => {
    const options = { indexDir: join(tempDir(), "index"), modelsDir: modelsDir(), offline: true };
    await indexPaperList(papers, ["corpus.jsonl"], options);
    index = openIndex(options);
  });
  afterAll(() => index.close());

  it("still returns k papers when few match, in every mode", async () => {
    expect(rare).toHaveLength(6);
    for (const mode of ["dense", "lexical", "hybrid"] as const) {
      const hits = await index.search("cells and disease in patients", 5, mode, { category: "Q-BIO.rare" });
      expect(hits.map((h) => h.id).every((id) => rare.includes(id)), mode).toBe(true);
      if (mode !== "lexical") expect(hits, mode).toHaveLength(5);
    }
    const all = await index.search("cells and disease in patients", 10, "dense", { category: "q-bio.RARE" });
    expect(all.map((h) => h.id).sort()).toEqual([...rare].sort());
  });

  it("keeps the order of an unfiltered search among the papers it lets through", async () => {
    const unfiltered = (await index.search("vitamin D deficiency", 120, "dense")).filter((h) => (h.year ?? 0) >= 2020);
    const filtered = await index.search("vitamin D deficiency", 5, "dense", { years: [2020, null] });
    expect(filtered.map((h) => h.id)).toEqual(unfiltered.slice(0, 5).map((h) => h.id));
  });

  it("filters by year range and author", async () => {
    const hits = await index.search("protein", 20, "hybrid", { years: [2003, 2004] });
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.year === 2003 || h.year === 2004)).toBe(true);
    // "number7" is part of the names Number7 and Number70 to Number79: eleven papers.
    const byAuthor = await index.search("protein", 20, "dense", { author: "number7" });
    expect(byAuthor.map((h) => h.authors[0]).sort()).toEqual(
      ["Author Number7", ...Array.from({ length: 10 }, (_, i) => `Author Number7${i}`)].sort(),
    );
    expect(await index.search("protein", 5, "dense", { author: "nobody at all" })).toEqual([]);
  });
});
