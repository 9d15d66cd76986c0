/**
 * Issue 27, PDFs and compressed inputs (items 3, 5, 6, 8): a PDF's id comes from the PDF itself,
 * never from a paper it cites, and never takes over another file's paper; one hostile file can
 * neither stall a run (100,000 lines, 20,000 pages) nor exhaust its memory (a decompression bomb).
 * Fast tier: files are made in memory and read, no model.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { readCorpus } from "../../src/corpus/read-corpus.js";
import { pdfRecord } from "../../src/corpus/pdf.js";
import { tempDir } from "../helpers.js";
import { makePdf, paperPdf, sentence, textOps } from "../pdf-gen.js";

const ABSTRACT = [0, 1, 2, 3].map((i) => sentence(100 + i));
const BODY = Array.from({ length: 30 }, (_, i) => sentence(i));
const REAL = { id: "1812.06145", title: "Exact Recovery of Sparse Signals", abstract: "We prove that sparse signals can be recovered exactly from few random measurements." };

function files(pdf: Buffer): { dir: string; jsonl: string; pdf: string } {
  const dir = tempDir("papers-pdf-id-");
  writeFileSync(join(dir, "catalogue.jsonl"), JSON.stringify(REAL) + "\n");
  writeFileSync(join(dir, "mine.pdf"), pdf);
  return { dir, jsonl: join(dir, "catalogue.jsonl"), pdf: join(dir, "mine.pdf") };
}

describe("a PDF's own id (issue 27 item 3)", () => {
  it("an arXiv id cited in a PDF's text is not the PDF's id", async () => {
    const pdf = paperPdf({ title: "Bees in Cold Valleys", abstract: ["We build on arXiv:1812.06145 and on doi 10.1000/cited.2019 to study bees.", ...ABSTRACT], body: BODY });
    const read = await pdfRecord(pdf, "mine.pdf");
    expect("reason" in read).toBe(false);
    expect(read).toMatchObject({ arxivId: null, doi: null, title: "Bees in Cold Valleys" });

    const { jsonl, pdf: file } = files(pdf);
    const corpus = await readCorpus([jsonl, file]);
    expect(corpus.papers).toHaveLength(2);
    expect(corpus.papers[0]).toMatchObject({ id: "1812.06145", title: REAL.title, abstract: REAL.abstract, sources: [{ file: jsonl, line: 1 }] });
    expect(corpus.counts.replaced).toBe(0);
  });

  it("the side stamp and an id line of the title block are the PDF's id", async () => {
    const stamped = await pdfRecord(paperPdf({ title: "Bees in Cold Valleys", abstract: ABSTRACT, body: BODY, stamp: "arXiv:2403.01234v2 [cs.NI] 14 Mar 2024" }), "a.pdf");
    expect(stamped).toMatchObject({ arxivId: "2403.01234", idFromDocument: true });
  });

  it("a PDF claiming another file's id for a different paper is kept apart, and the clash is reported naming both files", async () => {
    // The stamp says 1812.06145, but the PDF is another paper: neither takes the other over, in either order.
    const pdf = paperPdf({ title: "Bees in Cold Valleys", abstract: ABSTRACT, body: BODY, stamp: "arXiv:1812.06145v1 [cs.IT] 12 Mar 2018" });
    const { jsonl, pdf: file } = files(pdf);
    for (const order of [[jsonl, file], [file, jsonl]]) {
      const corpus = await readCorpus(order);
      expect(corpus.papers).toHaveLength(2);
      const real = corpus.papers.find((p) => p.id === "1812.06145")!;
      expect(real).toMatchObject({ title: REAL.title, abstract: REAL.abstract, sources: [{ file: jsonl, line: 1 }] });
      expect(real.passages).toBeUndefined();
      const mine = corpus.papers.find((p) => p.id !== "1812.06145")!;
      expect(mine).toMatchObject({ title: "Bees in Cold Valleys", arxivId: null, sources: [{ file, line: 1 }] });
      expect(mine.passages!.length).toBeGreaterThan(0);
      expect(corpus.counts.replaced).toBe(0);
      const conflict = corpus.skipped.filter((s) => s.kind === "conflict");
      expect(conflict).toHaveLength(1);
      expect(conflict[0]!.reason).toContain(file);
      expect(conflict[0]!.reason).toContain(jsonl);
    }
  });

  it("a PDF of the paper a catalogue describes (same title) adds its passages and keeps the catalogue's text", async () => {
    const pdf = paperPdf({ title: REAL.title, abstract: ABSTRACT, body: BODY, stamp: "arXiv:1812.06145v1 [cs.IT] 12 Mar 2018" });
    const { jsonl, pdf: file } = files(pdf);
    const corpus = await readCorpus([jsonl, file]);
    expect(corpus.papers).toHaveLength(1);
    expect(corpus.papers[0]).toMatchObject({ id: "1812.06145", abstract: REAL.abstract, sources: [{ file: jsonl, line: 1 }, { file, line: 1 }] });
    expect(corpus.papers[0]!.passages!.length).toBeGreaterThan(0);
  });
});

/** A one-page PDF of `n` short lines after an Abstract heading. */
function manyLines(n: number): Buffer {
  const top = n * 3 + 100;
  const ops = [textOps([{ text: "A Tall Page", size: 17, y: top }, { text: "Abstract", size: 12, y: top - 30 }, { text: sentence(1, 30), size: 1, y: top - 40 }, { text: "1 Introduction", size: 12, y: top - 60 }])];
  for (let i = 0; i < n; i++) ops.push(`BT /F1 1 Tf 1 0 0 1 72 ${top - 80 - 3 * i} Tm (w${i % 97} x${i % 89}.) Tj ET`);
  return makePdf({ pages: [ops.join("\n")], deflate: true, height: n * 3 + 200 });
}

describe("PDF text is read in linear time, and capped (issue 27 item 5)", () => {
  it("a one-page PDF with 100,000 short lines is read in seconds, not minutes", async () => {
    const started = Date.now();
    const read = await pdfRecord(manyLines(100_000), "tall.pdf");
    expect(Date.now() - started).toBeLessThan(40_000);
    expect("reason" in read ? read.reason : read.passages!.length).toBeGreaterThan(500);
  }, 60_000);

  it("a PDF over the passage limit is skipped with the limit named", async () => {
    const read = await pdfRecord(manyLines(5_000), "tall.pdf", limits({ maxPdfPassages: 10 }));
    expect("reason" in read ? read.reason : `read, ${read.passages!.length} passages`).toMatch(/passages, over the limit of 10 per PDF/);
  });

  it("a PDF over the text limit is skipped with the limit named", async () => {
    const read = await pdfRecord(manyLines(5_000), "tall.pdf", limits({ maxPdfTextChars: 10_000 }));
    expect("reason" in read ? read.reason : `read, ${read.passages!.length} passages`).toMatch(/over 10,000 characters of text by page 1/);
  });
});

describe("page limit (issue 27 item 8)", () => {
  it("a PDF of more pages than the limit is skipped before its pages are read", async () => {
    const pages = Array.from({ length: 30 }, (_, i) => textOps([{ text: sentence(i), y: 700 }]));
    const dir = tempDir("papers-pages-");
    writeFileSync(join(dir, "long.pdf"), makePdf({ pages }));
    writeFileSync(join(dir, "ok.jsonl"), JSON.stringify(REAL) + "\n");
    const corpus = await readCorpus([dir], { limits: { maxPdfPages: 10 } });
    expect(corpus.skipped).toEqual([{ file: join(dir, "long.pdf"), line: null, kind: "file", reason: expect.stringMatching(/^30 pages, over the limit of 10 pages per PDF/) }]);
  });
});

describe("the limits are configurable", () => {
  it("by environment variable (the CLI's way), a bad value being BAD_OPTION", async () => {
    const { inputLimits } = await import("../../src/corpus/input-limits.js");
    expect(inputLimits({}, { PAPERS_MAX_PDF_PAGES: "5" }).maxPdfPages).toBe(5);
    expect(inputLimits({ maxPdfPages: 7 }, { PAPERS_MAX_PDF_PAGES: "5" }).maxPdfPages).toBe(7);
    expect(inputLimits({}, {}).maxPdfPages).toBe(2_000);
    expect(() => inputLimits({}, { PAPERS_MAX_GZIP_INFLATED_BYTES: "lots" })).toThrow(expect.objectContaining({ code: "BAD_OPTION", message: expect.stringMatching(/PAPERS_MAX_GZIP_INFLATED_BYTES must be a whole number/) }));
  });
});

describe("decompression bombs (issue 27 item 6)", () => {
  it("a PDF whose content stream inflates past the limit is skipped, unread by pdf.js", async () => {
    // 20 MB of blanks deflate to about 20 KB.
    const bomb = makePdf({ pages: [Buffer.concat([Buffer.from(textOps([{ text: "Abstract", y: 700 }])), Buffer.alloc(20 * 1024 * 1024, 0x20)])], deflate: true });
    expect(bomb.length).toBeLessThan(100_000);
    const read = await pdfRecord(bomb, "bomb.pdf", limits({ maxPdfInflatedBytes: 5 * 1024 * 1024 }));
    expect(read).toEqual({ reason: expect.stringMatching(/^compressed streams inflate to over 5 MB/) });
  });

  it("a .gz input that inflates past the limit stops there, named, and what came before is kept", async () => {
    const dir = tempDir("papers-gz-");
    const line = (i: number) => JSON.stringify({ id: `p${i}`, abstract: `${sentence(i, 40)} ${"padding ".repeat(100)}` });
    writeFileSync(join(dir, "big.jsonl.gz"), gzipSync(Array.from({ length: 5_000 }, (_, i) => line(i)).join("\n")));
    writeFileSync(join(dir, "small.jsonl"), JSON.stringify(REAL) + "\n");
    const corpus = await readCorpus([dir], { limits: { maxGzipInflatedBytes: 1024 * 1024 } });
    const skip = corpus.skipped.find((s) => s.file === join(dir, "big.jsonl.gz"));
    expect(skip?.reason).toMatch(/inflates to more than the limit of 1 MB for a \.gz input/);
    expect(corpus.counts.records).toBeGreaterThan(100);
    expect(corpus.counts.records).toBeLessThan(5_000);
  });
});

describe("decompression bombs by ratio (issue 27 item 6)", () => {
  it("a small .gz that inflates hundreds of times over (1 MB to 1 GB) is stopped by its ratio, with the default limits", async () => {
    const dir = tempDir("papers-gz-ratio-");
    // 100 KB of gzip: one good record, then 100 MB of blanks on one line.
    const bomb = gzipSync(Buffer.concat([Buffer.from(JSON.stringify(REAL) + "\n"), Buffer.alloc(100 * 1024 * 1024, 0x20)]), { level: 9 });
    expect(bomb.length).toBeLessThan(200_000);
    writeFileSync(join(dir, "bomb.jsonl.gz"), bomb);
    const corpus = await readCorpus([join(dir, "bomb.jsonl.gz")]);
    expect(corpus.papers.map((p) => p.id)).toEqual([REAL.id]);
    expect(corpus.skipped).toEqual([{ file: join(dir, "bomb.jsonl.gz"), line: 2, kind: "file", reason: expect.stringMatching(/inflates to more than 200 times its compressed size \(PAPERS_MAX_GZIP_RATIO/) }]);
  }, 30_000);
});

function limits(given: Record<string, number>) {
  return { maxPdfPages: 2_000, maxPdfTextChars: 10_000_000, maxPdfPassages: 5_000, maxPdfBytes: 2 ** 30, maxPdfInflatedBytes: 2 ** 29, maxGzipInflatedBytes: 2 ** 35, maxGzipRatio: 200, maxTextFileBytes: 2 ** 28, ...given };
}
