/**
 * Reference lists read from real PDFs (pdf.js): the fixtures built by pdflatex + bibtex in ten
 * styles (test/fixtures/references/, scripts/build-reference-fixtures.sh) and, when TeX Live's
 * makeindex paper is installed, a real 18-page paper checked by hand. Counts must be exact on
 * every fixture, and field precision and recall stay above floors a little under what
 * bench/references.mjs measured (100% on the fixtures; the real paper in its table). And the
 * body (passages) stops at the list: a reference is not a passage search finds, the body is.
 */
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pdfRecord } from "../src/corpus/pdf.js";
import { addScores, bibTruth, precision, recall, scoreReferences, type ReferenceScore, type TruthEntry } from "../src/corpus/references/score.js";
import type { Reference } from "../src/corpus/references/reference.js";
import { indexPapers, openIndex } from "../src/papers.js";
import { hashEmbedderLoader } from "./hash-embedder.js";
import { tempDir } from "./helpers.js";

const FIXTURES = new URL("fixtures/references/", import.meta.url).pathname;
const STYLES = ["plain", "ieeetr", "apalike", "acm", "plainnat-twocol", "ieeetr-twocol", "abbrvnat", "alpha", "siam", "chicago"];
const REAL_PDF = "/usr/share/doc/texlive-doc/support/makeindex/ind.pdf";

async function referencesOf(file: string): Promise<Reference[]> {
  const record = await pdfRecord(readFileSync(file), file);
  if ("reason" in record) throw new Error(`${file}: ${record.reason}`);
  return record.references ?? [];
}

function expectAbove(score: ReferenceScore, floors: Record<string, number>, what: string): void {
  for (const [field, floor] of Object.entries(floors)) {
    const s = score.fields[field as keyof ReferenceScore["fields"]];
    expect(precision(s), `${what} ${field} precision`).toBeGreaterThanOrEqual(floor);
    expect(recall(s), `${what} ${field} recall`).toBeGreaterThanOrEqual(floor);
  }
}

describe("reference lists of the fixture PDFs", () => {
  const bib = readFileSync(join(FIXTURES, "library.bib"), "utf8");
  const scores: ReferenceScore[] = [];

  for (const style of STYLES) {
    it(`reads every reference of the ${style} PDF, fields above the floors`, async () => {
      const truth = bibTruth(bib, readFileSync(join(FIXTURES, "bbl", `${style}.bbl`), "utf8"));
      const score = scoreReferences(await referencesOf(join(FIXTURES, `${style}.pdf`)), truth);
      scores.push(score);
      expect(score.found).toBe(truth.length);
      expectAbove(score, { title: 0.94, year: 0.94 }, style);
    });
  }

  it("finds DOIs and arXiv ids wherever a style prints them, over all fixtures", () => {
    expect(scores).toHaveLength(STYLES.length);
    const total = addScores(scores);
    expect(total.fields.doi.expected).toBeGreaterThanOrEqual(50);
    expectAbove(total, { doi: 0.97, arxivId: 0.97 }, "all fixtures");
  });
});

describe.skipIf(!existsSync(REAL_PDF))("a real paper's reference list, checked by hand", () => {
  it("reads all 26 references of Chen & Harrison's makeindex paper, titles and years above the floors", async () => {
    const truth: TruthEntry[] = JSON.parse(readFileSync(join(FIXTURES, "real", "ind.references.json"), "utf8")).references.map((t: TruthEntry) => ({
      ...t,
      printedDoi: t.doi !== null,
      printedArxiv: t.arxivId !== null,
    }));
    const found = await referencesOf(REAL_PDF);
    expect(found.map((r) => r.label)).toEqual(truth.map((_, i) => String(i + 1)));
    expectAbove(scoreReferences(found, truth), { title: 0.9, year: 0.95 }, "ind.pdf");
  });
});

describe("passages stop at the reference list", () => {
  it("searching passages finds the body of a fixture PDF, and no reference under its 'Works Cited' heading", async () => {
    const folder = tempDir("papers-refs-");
    copyFileSync(join(FIXTURES, "apalike.pdf"), join(folder, "apalike.pdf"));
    const options = { indexDir: join(folder, "index"), embedder: hashEmbedderLoader(), computeMap: false };
    expect(await indexPapers([join(folder, "apalike.pdf")], options)).toMatchObject({ added: 1 });
    const index = await openIndex(options);
    try {
      const body = await index.searchPassages("Fusing rankings by reciprocal rank is simple and hard to beat", 5);
      expect(body.map((hit) => hit.text).join(" ")).toMatch(/Fusing rankings by reciprocal rank/);
      // Words only the reference list holds: an entry's venue, pages and title.
      const listOnly = await index.searchPassages("Social Networks 25(3):211–230 Friends and neighbors on the web", 10);
      for (const hit of listOnly) expect(hit.text).not.toMatch(/neighbors on the web|Social Networks, 25/);
    } finally {
      await index.close();
    }
  }, 120_000);
});
