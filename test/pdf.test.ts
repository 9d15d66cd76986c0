/**
 * The PDF reader on real PDFs made by pdflatex (test/fixtures/pdf/, remade by
 * scripts/make-pdf-fixtures.sh): titles, abstracts against their LaTeX source, passages with
 * their pages, and broken files skipped with a reason.
 */
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCorpus } from "../src/corpus/read-corpus.js";
import { pdfRecord } from "../src/corpus/pdf.js";
import { cutPassages, tokenCount } from "../src/corpus/passages.js";
import { joinLines } from "../src/corpus/pdf-paper.js";
import type { PaperRecord } from "../src/corpus/paper.js";
import { tempDir } from "./helpers.js";

const PDF = new URL("fixtures/pdf/", import.meta.url).pathname;
const PDF_SRC = new URL("fixtures/pdf-src/", import.meta.url).pathname;

async function read(name: string): Promise<PaperRecord> {
  const result = await pdfRecord(readFileSync(join(PDF, name)), name);
  if ("reason" in result) throw new Error(`${name} skipped: ${result.reason}`);
  return result;
}

/** The LaTeX source's abstract (or first paragraph after \maketitle) as plain words. */
function sourceAbstract(name: string): string[] {
  const tex = readFileSync(join(PDF_SRC, `${name}.tex`), "utf8");
  const inEnv = /\\begin\{abstract\}([\s\S]*?)\\end\{abstract\}/.exec(tex);
  const text = inEnv ? inEnv[1]! : /\\maketitle\s*([\s\S]*?)\n\\section/.exec(tex)![1]!;
  return plainWords(text);
}

function plainWords(text: string): string[] {
  return text.toLowerCase().replace(/[^a-z0-9\s-]/g, " ").replace(/-/g, " ").split(/\s+/).filter(Boolean);
}

/** The share of `expected` found in `actual` in order (longest common subsequence). */
function inOrderShare(expected: string[], actual: string[]): number {
  let previous = new Array<number>(actual.length + 1).fill(0);
  for (const word of expected) {
    const row = [0];
    for (let j = 0; j < actual.length; j++) row.push(word === actual[j] ? previous[j]! + 1 : Math.max(previous[j + 1]!, row[j]!));
    previous = row;
  }
  return previous[actual.length]! / expected.length;
}

/** The LaTeX source's sentence as the PDF prints it: a sentence the tests look for. */
function sentenceOf(name: string, start: string): string {
  const tex = readFileSync(join(PDF_SRC, `${name}.tex`), "utf8").replace(/\s+/g, " ");
  const at = tex.indexOf(start);
  return tex.slice(at, tex.indexOf(".", at + start.length) + 1);
}

describe("PDF papers", () => {
  it("takes the metadata title when it is a real one, and the largest text on page 1 when it is junk", async () => {
    expect((await read("glacier-onecol.pdf")).title).toBe("Measuring Glacier Surface Drift with Low-Cost GNSS Receivers");
    // Its metadata title is "Microsoft Word - draft3.docx".
    expect((await read("flow-twocol.pdf")).title).toBe("Efficient Fine-Grained Flow Classification for Enterprise Network Traffic");
    // No metadata title at all.
    expect((await read("beekeeping-noabstract.pdf")).title).toBe("Winter Colony Loss in Alpine Apiaries");
  });

  it("reads at least 95% of the source's abstract words in order, with or without an Abstract heading", async () => {
    for (const [pdf, tex] of [
      ["glacier-onecol.pdf", "glacier-onecol"],
      ["flow-twocol.pdf", "flow-twocol"],
      ["beekeeping-noabstract.pdf", "beekeeping-noabstract"],
    ] as const) {
      const expected = sourceAbstract(tex);
      const actual = plainWords((await read(pdf)).abstract);
      expect(inOrderShare(expected, actual), pdf).toBeGreaterThanOrEqual(0.95);
      // And not much else: no keywords, no first section.
      expect(actual.length, pdf).toBeLessThanOrEqual(expected.length * 1.05);
    }
  });

  it("joins words hyphenated at line ends and unfolds the fi and fl ligatures", async () => {
    const paper = await read("flow-twocol.pdf");
    const all = [paper.abstract, ...paper.passages!.map((p) => p.text)].join(" ");
    // "capac-/ity", "appli-/cation", "di-/rection" and "clas-/sifying" break across lines in the PDF.
    for (const word of ["capacity", "application", "direction", "classifying", "fingerprint", "flows"]) expect(all).toContain(word);
    expect(all).not.toMatch(/[\uFB00-\uFB06]/);
    expect(all).not.toMatch(/\b(capac|appli|clas)- /);
    expect(joinLines([{ text: "a fine-" }, { text: "grained" }, { text: "state-" }, { text: "Of" }])).toBe("a finegrained state- Of");
  });

  it("finds authors, the arXiv id, the DOI and the year", async () => {
    const flow = await read("flow-twocol.pdf");
    expect(flow.authors).toEqual(["Priya Raghunathan", "Felix Oberholzer", "Wei Zhang"]);
    expect(flow.arxivId).toBe("2403.01234");
    expect(flow.year).toBe(2024);
    const glacier = await read("glacier-onecol.pdf");
    expect(glacier.authors).toEqual(["Ingrid Halvorsen", "Tomas Eriksen"]);
    expect(glacier.doi).toBe("10.5555/glacier.2021.0042");
    expect(glacier.year).toBe(2021);
    const bees = await read("beekeeping-noabstract.pdf");
    expect(bees.authors).toEqual(["Martina Gasser"]);
    expect(bees.year).toBe(2019);
  });

  it("puts a sentence from a later page into a passage with that page and its section", async () => {
    const cases = [
      ["glacier-onecol.pdf", "glacier-onecol", "At the Skaftafell station", 3, "2 Stations and Processing"],
      ["flow-twocol.pdf", "flow-twocol", "Our classifier flagged", 2, "2 Flow Features"],
      ["beekeeping-noabstract.pdf", "beekeeping-noabstract", "Colonies wintered above", 3, "3 Findings"],
    ] as const;
    for (const [pdf, tex, start, page, section] of cases) {
      const sentence = sentenceOf(tex, start);
      const paper = await read(pdf);
      const holding = paper.passages!.filter((p) => p.text.includes(sentence));
      expect(holding, `${pdf}: ${sentence}`).toHaveLength(1);
      expect(holding[0]).toMatchObject({ page, section });
      // The sentence is body text, not abstract.
      expect(paper.abstract).not.toContain(start);
    }
  });

  it("cuts passages of at most 300 tokens that never span two sections", () => {
    const sentence = "The quick brown fox jumps over the lazy dog again and again today.";
    const long = Array.from({ length: 60 }, () => sentence).join(" ");
    const passages = cutPassages([
      // 50 sentences of 17 tokens: the fourth passage starts on page 1 and ends on page 2.
      { section: "1 Intro", page: 1, text: Array.from({ length: 50 }, () => sentence).join(" ") },
      { section: "1 Intro", page: 2, text: long },
      { section: "2 Next", page: 2, text: "A short section of one sentence." },
    ]);
    for (const p of passages) expect(tokenCount(p.text)).toBeLessThanOrEqual(300 + 80);
    expect(passages.filter((p) => p.section === "1 Intro").length).toBeGreaterThanOrEqual(5);
    expect(passages.at(-1)).toMatchObject({ section: "2 Next", page: 2, text: "A short section of one sentence." });
    expect(passages.some((p) => p.page === 1 && p.lastPage === 2)).toBe(true);
  });
});

describe("broken PDFs", () => {
  it("gives each a reason", async () => {
    const reason = async (name: string) => {
      const result = await pdfRecord(readFileSync(join(PDF, name)), name);
      return "reason" in result ? result.reason : "read";
    };
    expect(await reason("broken-encrypted.pdf")).toMatch(/^encrypted/);
    expect(await reason("broken-scanned.pdf")).toMatch(/^no text layer: needs OCR/);
    expect(await reason("broken-truncated.pdf")).toMatch(/^truncated/);
    expect(await reason("invoice.pdf")).toMatch(/^not a paper/);
  });

  it("a folder of PDFs, BibTeX and JSONL: every paper read, every broken file counted, none fatal", async () => {
    const dir = tempDir();
    for (const name of ["glacier-onecol.pdf", "flow-twocol.pdf", "beekeeping-noabstract.pdf", "broken-encrypted.pdf", "broken-scanned.pdf", "broken-truncated.pdf", "invoice.pdf"]) {
      copyFileSync(join(PDF, name), join(dir, name));
    }
    // Bytes that only start like a PDF.
    writeFileSync(join(dir, "garbage.pdf"), "%PDF-1.7\n garbage garbage\n%%EOF\n");
    writeFileSync(join(dir, "refs.bib"), "@article{smith2020, title={Bees in Winter}, abstract={We count bees in winter and find fewer of them in cold years.}, year={2020}}\n");
    writeFileSync(join(dir, "papers.jsonl"), JSON.stringify({ id: "2501.00001", title: "Glaciers", abstract: "We measure glaciers with radar from satellites every few days." }) + "\n");
    const corpus = await readCorpus([dir]);
    expect(corpus.counts).toMatchObject({ files: 10, papers: 5, skippedFiles: 5, skippedRecords: 0 });
    expect(corpus.inputs.filter((i) => i.format === "pdf")).toHaveLength(8);
    const reasons = corpus.skipped.map((s) => `${s.file.slice(dir.length + 1)}: ${s.reason.split(/[:(]/)[0]}`).sort();
    expect(reasons).toEqual([
      "broken-encrypted.pdf: encrypted",
      "broken-scanned.pdf: no text layer",
      "broken-truncated.pdf: truncated PDF",
      "garbage.pdf: not a readable PDF ",
      "invoice.pdf: not a paper",
    ]);
    const glacier = corpus.papers.find((p) => p.title?.startsWith("Measuring Glacier"))!;
    expect(glacier.passages!.length).toBeGreaterThanOrEqual(3);
    expect(corpus.papers.find((p) => p.id === "2403.01234")?.passages?.length).toBeGreaterThanOrEqual(3);
  });
});
