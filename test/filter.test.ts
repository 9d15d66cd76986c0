import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Paper } from "../src/corpus/paper.js";
import { PaperTable } from "../src/store/folder/paper-table.js";
import type { PaperFilter } from "../src/ranking/filter.js";
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

describe("PaperTable.matchingLabels", () => {
  /** The bounds the filters take, and the days they stand for (a month or a year: its first or last day). */
  const SINCE: Record<string, string> = { "2020-01-15": "2020-01-15", "2020-02": "2020-02-01", "2020": "2020-01-01", "2020-02-29": "2020-02-29" };
  const UNTIL: Record<string, string> = { "2020-01-15": "2020-01-15", "2020-02": "2020-02-29", "2020": "2020-12-31", "2020-01-31": "2020-01-31" };
  /** The filter's meaning, written out plainly: every given condition must hold. */
  const lets = (filter: PaperFilter, p: Paper) =>
    (filter.since === undefined || (p.date !== null && p.date >= SINCE[filter.since]!)) &&
    (filter.until === undefined || (p.date !== null && p.date <= UNTIL[filter.until]!)) &&
    (!filter.years || (p.year !== null && (filter.years[0] === null || p.year >= filter.years[0]) && (filter.years[1] === null || p.year <= filter.years[1]))) &&
    (!filter.category || p.categories.some((c) => c.toLowerCase() === filter.category!.toLowerCase())) &&
    (!filter.author || p.authors.some((a) => a.toLowerCase().includes(filter.author!.toLowerCase())));

  it("lets through exactly the papers that meet every condition, and follows changes to the store", () => {
    const category = fc.constantFrom("cs.CL", "CS.cl", "cs.LG", "q-bio.NC", "Ärger.X", "");
    const gen = fc.record({
      year: fc.option(fc.integer({ min: 1990, max: 2030 })),
      // Days around the bounds: 2020-01-01 to 2020-03-10.
      date: fc.option(fc.integer({ min: 0, max: 69 }).map((n) => new Date(Date.UTC(2020, 0, 1 + n)).toISOString().slice(0, 10))),
      categories: fc.uniqueArray(category.filter((c) => c !== ""), { maxLength: 3 }),
      authors: fc.array(fc.constantFrom("Ada Lovelace", "Alan Turing", "Émile Borel", "Wang Wei", "Li Wang"), { maxLength: 3 }),
    });
    const filter = fc.record(
      {
        years: fc.tuple(fc.option(fc.integer({ min: 1990, max: 2030 })), fc.option(fc.integer({ min: 1990, max: 2030 }))),
        category,
        author: fc.constantFrom("wang", "TURING", "émile", "borel", "nobody", ""),
        since: fc.constantFrom(...Object.keys(SINCE)),
        until: fc.constantFrom(...Object.keys(UNTIL)),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(gen, { minLength: 1, maxLength: 30 }), fc.array(filter, { minLength: 1, maxLength: 5 }), (metas, filters) => {
        const store = PaperTable.create(":memory:");
        const papers = metas.map((m, i): Paper => ({
          id: `p${i}`, title: null, abstract: `Abstract ${i}.`, arxivId: null, doi: null, journalRef: null, comments: [], sources: [], ...m,
        }));
        store.upsert(papers.map((paper, label) => ({ label, paper })));
        const expectFilters = (live: Paper[]) => {
          for (const f of filters) {
            if (f.since !== undefined && f.until !== undefined && SINCE[f.since]! > UNTIL[f.until]!) {
              expect(() => store.matchingLabels(f), JSON.stringify(f)).toThrow(expect.objectContaining({ code: "BAD_OPTION" }));
              continue;
            }
            const expected = papers.flatMap((p, label) => (live.includes(p) && lets(f, p) ? [label] : []));
            expect(store.matchingLabels(f).sort((a, b) => a - b), JSON.stringify(f)).toEqual(expected);
          }
        };
        expectFilters(papers);
        store.remove([0]);
        expectFilters(papers.slice(1));
        store.close();
      }),
      { numRuns: 300 },
    );
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
        year: 2000 + (i % 25), date: null, sources: [{ file: "corpus.jsonl", line: i + 1 }],
      };
    });
  const rare = papers.filter((p) => p.categories.includes("q-bio.RARE")).map((p) => p.id);

  beforeAll(async () => {
    const options = { indexDir: join(tempDir(), "index"), modelsDir: modelsDir(), offline: true };
    await indexPaperList(papers, ["corpus.jsonl"], options);
    index = await openIndex(options);
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
