import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mergeRecords, type Paper, type PaperRecord } from "../../src/corpus/paper.js";
import {
  detectSeedFormat,
  parseAbstractLines,
  parseArxivListing,
  parseDailyPapersPage,
  parseSeedText,
  type SeedFormat,
} from "../../src/corpus/seeds.js";

const SEEDS_DIR = new URL("../../seeds/", import.meta.url);

/** The five seed files, the format each is in (worked out by reading them) and its record count. */
const SEED_FILES: { name: string; format: SeedFormat; records: number }[] = [
  { name: "000_d252901145675e9a.txt", format: "abstract-lines", records: 4 },
  { name: "001_f0affe59debd61f2.txt", format: "abstract-lines", records: 10 },
  { name: "002_2f523d72de135b5b.txt", format: "abstract-lines", records: 7 },
  { name: "003_1e69c528adffa897.txt", format: "daily-papers", records: 3 },
  { name: "004_4750fbe5cc29cef9.txt", format: "arxiv-listing", records: 10 },
];

function seedText(name: string): string {
  return readFileSync(new URL(name, SEEDS_DIR), "utf8");
}

function seedRecords(name: string): PaperRecord[] {
  return parseSeedText(seedText(name), `seeds/${name}`);
}

const allRecords = SEED_FILES.flatMap(({ name }) => seedRecords(name));
const allPapers = mergeRecords(allRecords);

function paperContaining(fragment: string): Paper {
  const found = allPapers.filter((paper) => paper.abstract.includes(fragment));
  expect(found, fragment).toHaveLength(1);
  return found[0]!;
}

describe("seed files", () => {
  it.each(SEED_FILES)("detects $name as $format", ({ name, format }) => {
    expect(detectSeedFormat(seedText(name))).toBe(format);
  });

  it.each(SEED_FILES)("reads $records records from $name", ({ name, records }) => {
    expect(seedRecords(name)).toHaveLength(records);
  });

  it("merges the five files into exactly 30 distinct papers", () => {
    expect(allRecords).toHaveLength(34);
    expect(allPapers).toHaveLength(30);
    expect(new Set(allPapers.map((paper) => paper.id)).size).toBe(30);
    for (const paper of allPapers) {
      expect(paper.id).toMatch(paper.arxivId ? /^\d{4}\.\d{5}$/ : /^[0-9a-f]{12}$/);
      expect(paper.abstract.length).toBeGreaterThan(500);
      expect(paper.abstract).not.toMatch(/^Abstract:|\s{2}|^\s|\s$/);
    }
  });

  it("merges the papers repeated in 000 and 001 into one paper with both sources", () => {
    const f0 = "seeds/000_d252901145675e9a.txt";
    const f1 = "seeds/001_f0affe59debd61f2.txt";
    expect(paperContaining("we present RecycleGPT").sources).toEqual([
      { file: f0, line: 1 },
      { file: f1, line: 1 },
    ]);
    expect(paperContaining("joint time-frequency domain Transformer (JTFT)").sources).toEqual([
      { file: f0, line: 2 },
      { file: f1, line: 2 },
    ]);
    expect(paperContaining("We introduce NAMSG").sources).toEqual([
      { file: f0, line: 3 },
      { file: f1, line: 6 },
    ]);
    expect(paperContaining("our efforts on swCaffe").sources).toEqual([
      { file: f0, line: 4 },
      { file: f1, line: 8 },
    ]);
    const repeated = allPapers.filter((paper) => paper.sources.length > 1);
    expect(repeated).toHaveLength(4);
  });

  it("shows TeX escapes as the plain characters they stand for", () => {
    const swcaffe = paperContaining("our efforts on swCaffe");
    expect(seedText("000_d252901145675e9a.txt")).toContain(String.raw`23\%\~{}119\%`);
    expect(swcaffe.abstract).toContain("swCaffe can achieve 23%~119% overall performance");
    expect(swcaffe.abstract).toContain("swCaffe runs 3.04~7.84x faster");
    expect(swcaffe.abstract).not.toContain("\\");
  });

  it("keeps abstract-lines text without the prefix and with the line it starts on", () => {
    const records = seedRecords("002_2f523d72de135b5b.txt");
    expect(records.map((r) => r.source.line)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(records[0]!.abstract.startsWith("Model quantization has become a crucial technique")).toBe(true);
    expect(records[6]!.abstract.startsWith("In this paper, we first investigate why typical two-stage")).toBe(true);
    expect(records[6]!.abstract.endsWith("Code will be made publicly available.")).toBe(true);
    for (const r of records) expect(r).toMatchObject({ title: null, arxivId: null, doi: null, journalRef: null, comments: [] });
  });
});

describe("daily-papers page (003)", () => {
  const file = "seeds/003_1e69c528adffa897.txt";
  const records = seedRecords("003_1e69c528adffa897.txt");

  it("pairs each title with the abstract below it", () => {
    expect(records.map((r) => [r.title, r.source.line, r.abstract.slice(0, 50)])).toEqual([
      [
        "Lossless Acceleration for Seq2seq Generation with Aggressive Decoding",
        15,
        "We study lossless acceleration for seq2seq generat",
      ],
      [
        "GPipe: Efficient Training of Giant Neural Networks using Pipeline Parallelism",
        19,
        "Scaling up deep neural network capacity has been k",
      ],
      [
        "LRP-QViT: Mixed-Precision Vision Transformer Quantization via Layer-wise Relevance Propagation",
        23,
        "Vision transformers (ViTs) have demonstrated remar",
      ],
    ]);
    expect(records[0]!.abstract.endsWith("efficient and lossless seq2seq generation in the near future.")).toBe(true);
    expect(records[1]!.abstract.endsWith("achieve better quality than all bilingual models.")).toBe(true);
    expect(records[2]!.abstract.endsWith("in the context of 4-bit and 6-bit quantization.")).toBe(true);
    for (const r of records) expect(r.source.file).toBe(file);
  });

  it("turns no chrome line into a paper or a title", () => {
    const chrome = ["new", "Get trending papers in your email inbox!", "Subscribe", "Daily Papers", "byAK and the research community", "Sep 16"];
    const text = seedText("003_1e69c528adffa897.txt");
    for (const line of chrome) expect(text.split("\n")).toContain(line);
    for (const r of records) {
      expect(chrome).not.toContain(r.title);
      for (const line of chrome) expect(r.abstract.startsWith(line)).toBe(false);
    }
  });

  it("copes with votes, submitters and multi-paragraph abstracts without blank lines", () => {
    const abstract1 = "We propose a method that does many useful things for the readers of this test, and it is long enough to count as a paragraph.";
    const more = "It also has a second paragraph, which belongs to the same abstract and must not become a paper.";
    const abstract2 = "Another abstract follows here with quite a few words so that it looks like a paragraph of text.";
    const page = [
      "Daily Papers",
      "byAK and the research community",
      "Sep 16, 2024",
      "Previous",
      "Short Title: A Study",
      "Submitted by akhaliq",
      "upvote",
      "42",
      "· 5 authors",
      abstract1,
      "",
      more,
      "Published on Sep 15",
      "Second Paper About Things",
      "1.2k",
      abstract2,
      "Subscribe",
    ].join("\n");
    expect(detectSeedFormat(page)).toBe("daily-papers");
    const parsed = parseDailyPapersPage(page, "page.txt");
    expect(parsed).toEqual([
      { title: "Short Title: A Study", abstract: `${abstract1}\n${more}`, arxivId: null, doi: null, journalRef: null, comments: [], sourceId: null, authors: [], categories: [], year: null, date: null, source: { file: "page.txt", line: 10 } },
      { title: "Second Paper About Things", abstract: abstract2, arxivId: null, doi: null, journalRef: null, comments: [], sourceId: null, authors: [], categories: [], year: null, date: null, source: { file: "page.txt", line: 16 } },
    ]);
  });
});

describe("arXiv listing (004)", () => {
  const file = "seeds/004_4750fbe5cc29cef9.txt";
  // Read off the file: each abstract owns the comment lines and the arXiv:… line after it.
  const expected = [
    { id: "2404.09336", line: 1, length: 1260, start: "Large language models (LLMs) can solve challenging tasks.", end: "speeds up autoregressive inference in solving real-world tasks.", doi: null, journalRef: null, comments: [] },
    { id: "2402.11226", line: 2, length: 692, start: "In this paper, we calculate the $n+3$, $n+4$ dimensional homotopy groups", end: "the (multiple) suspension of oriented closed manifolds.", doi: null, journalRef: null, comments: [] },
    { id: "2311.09431", line: 3, length: 1193, start: "To help address the growing demand for ever-longer sequence lengths", end: "We release the code for our experiments as open source", doi: null, journalRef: null, comments: [] },
    { id: "2212.00291", line: 4, length: 855, start: "Practitioners prune neural networks for efficiency gains", end: "affects the prunability of a neural network.", doi: null, journalRef: null, comments: [] },
    { id: "2210.13738", line: 5, length: 1301, start: "Practitioners frequently observe that pruning improves model generalization.", end: "essential to fully explaining pruning's impact on generalization.", doi: null, journalRef: "Advances in Neural Information Processing Systems 2022", comments: ["49 pages, 20 figures"] },
    { id: "2008.08272", line: 7, length: 1418, start: "Deep neural network models are becoming popular", end: "open source project under the ONNX project.", doi: null, journalRef: null, comments: ["8 pages"] },
    { id: "1910.11981", line: 9, length: 1075, start: "The feature frame is a key idea of feature matching problem between two images.", end: "Besides, it is more robust to the outliers.", doi: null, journalRef: null, comments: ["arXiv admin note: text overlap with arXiv:0905.2635 by other authors"] },
    { id: "1906.10875", line: 11, length: 730, start: "In this paper, a novel linear method for shape reconstruction", end: "outperforms the extensively used linear sampling method (LSM).", doi: "10.1109/TAP.2018.2806404", journalRef: null, comments: [] },
    { id: "1906.10864", line: 12, length: 798, start: "In this paper, we improved the performance of the contrast source inversion (CSI) method", end: "in comparison to classical CSI and MR-CSI.", doi: "10.1109/TAP.2017.2673758", journalRef: null, comments: [] },
    { id: "1902.03429", line: 13, length: 1196, start: "Unsupervised clustering has broad applications in data stratification", end: "big data clustering tasks of different fields.", doi: null, journalRef: null, comments: [] },
  ];

  it("gives every field of every paper", () => {
    const papers = allPapers.filter((paper) => paper.sources.some((s) => s.file === file));
    expect(papers).toHaveLength(expected.length);
    papers.forEach((paper, i) => {
      const want = expected[i]!;
      expect({
        id: paper.id,
        title: paper.title,
        arxivId: paper.arxivId,
        doi: paper.doi,
        journalRef: paper.journalRef,
        comments: paper.comments,
        sources: paper.sources,
        length: paper.abstract.length,
      }).toEqual({
        id: want.id,
        title: null,
        arxivId: want.id,
        doi: want.doi,
        journalRef: want.journalRef,
        comments: want.comments,
        sources: [{ file, line: want.line }],
        length: want.length,
      });
      expect(paper.abstract.startsWith(want.start), `${want.id} starts`).toBe(true);
      expect(paper.abstract.endsWith(want.end), `${want.id} ends`).toBe(true);
      expect(paper.abstract).not.toMatch(/arXiv:\d|doi:|10\.1109|Advances in Neural|^49 pages|8 pages$/);
    });
  });
});

describe("edge cases", () => {
  const long = (first: string) =>
    `${first} this sentence is padded with words so the abstract is long enough to look like one, with more than thirty words in it altogether, surely.`;

  it("reads CRLF, a BOM and trailing blank lines", () => {
    const text = `\uFEFFAbstract:${long("One")}\r\nAbstract:${long("Two")}\r\n\r\n\r\n`;
    expect(detectSeedFormat(text)).toBe("abstract-lines");
    const records = parseSeedText(text, "crlf.txt");
    expect(records.map((r) => [r.abstract, r.source])).toEqual([
      [long("One"), { file: "crlf.txt", line: 1 }],
      [long("Two"), { file: "crlf.txt", line: 2 }],
    ]);
  });

  it("reads abstract lines with extra prefix text, wrapped lines and records glued together", () => {
    const text = [
      `1. Abstract: ${long("First")}`,
      "ABSTRACT:Second abstract, wrapped",
      "onto a second line.",
      `Abstract:Third ends here.Abstract:${long("Fourth")}`,
      long("Fifth, a whole line without the prefix:"),
    ].join("\n");
    expect(parseAbstractLines(text, "a.txt").map((r) => [r.abstract, r.source.line])).toEqual([
      [long("First"), 1],
      ["Second abstract, wrapped\nonto a second line.", 2],
      ["Third ends here.", 4],
      [long("Fourth"), 4],
      [long("Fifth, a whole line without the prefix:"), 5],
    ]);
  });

  it("reads an arXiv listing with old-style ids, versions, DOIs and journal refs", () => {
    const text = [
      "First abstract about strings.",
      "arXiv:hep-th/9901001v2We study the second abstract.",
      "5 pages",
      "arXiv:math.AG/0601001 - doi: 10.1103/PhysRevLett.123.456A third abstract, glued to the DOI of the second.",
      "arXiv:1412.12343D shapes are the fourth abstract.",
      "arXiv:2101.00001v3 - Nature 590, 45-50 (2021)However, the fifth abstract follows a journal ref.",
      "arXiv:1501.00001 - Phys. Rev. D 99, 123 (2019)",
    ].join("\r\n");
    expect(detectSeedFormat(text)).toBe("arxiv-listing");
    const records = parseArxivListing(text, "old.txt");
    expect(records.map((r) => [r.arxivId, r.abstract, r.doi, r.journalRef, r.comments, r.source.line])).toEqual([
      ["hep-th/9901001", "First abstract about strings.", null, null, [], 1],
      ["math.AG/0601001", "We study the second abstract.", "10.1103/PhysRevLett.123.456", null, ["5 pages"], 2],
      ["1412.1234", "A third abstract, glued to the DOI of the second.", null, null, [], 4],
      ["2101.00001", "3D shapes are the fourth abstract.", null, "Nature 590, 45-50 (2021)", [], 5],
      ["1501.00001", "However, the fifth abstract follows a journal ref.", null, "Phys. Rev. D 99, 123 (2019)", [], 6],
    ]);
  });

  it("keeps a listing's last abstract when no id line follows it", () => {
    const records = parseArxivListing("Alpha abstract.\narXiv:2404.09336Beta abstract.\n", "x.txt");
    expect(records.map((r) => [r.arxivId, r.abstract])).toEqual([
      ["2404.09336", "Alpha abstract."],
      [null, "Beta abstract."],
    ]);
  });

  it("throws naming the file when the format is not recognised", () => {
    expect(detectSeedFormat("just some notes\nnothing else")).toBeNull();
    expect(() => parseSeedText("just some notes\nnothing else", "notes/todo.txt")).toThrow(/notes\/todo\.txt/);
    expect(() => parseSeedText("\uFEFF\r\n\r\n", "empty.txt")).toThrow(/empty\.txt/);
  });
});
