/**
 * PDFs in the index with the real model: `papers index DIR` over PDFs mixed with BibTeX and JSONL,
 * questions answered only by a PDF's body (found with their page), passages listed, a revised
 * PDF replacing its passages, a removed one taking them along.
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openIndex, removePapers, type PaperIndex } from "../src/papers.js";
import { bestEvidence } from "../src/ranking/evidence.js";
import { modelsDir, runCli, tempDir } from "./helpers.js";

const FIXTURES = new URL("fixtures/", import.meta.url).pathname;
const PDFS = ["glacier-onecol.pdf", "flow-twocol.pdf", "beekeeping-noabstract.pdf", "broken-encrypted.pdf", "broken-scanned.pdf", "broken-truncated.pdf", "invoice.pdf"];

/** Questions whose answer is in one PDF's body, not its abstract, and the page that says it. */
const BODY_QUESTIONS = [
  { question: "What median drift per day did the receivers record at the Skaftafell station?", title: "Measuring Glacier Surface Drift with Low-Cost GNSS Receivers", page: 3 },
  { question: "How many packets does the classifier need to flag misconfigured firewall flows?", title: "Efficient Fine-Grained Flow Classification for Enterprise Network Traffic", page: 2 },
  { question: "How many hives were lost over winter above 1,400 metres?", title: "Winter Colony Loss in Alpine Apiaries", page: 3 },
];

describe("a folder of PDFs, BibTeX and JSONL", () => {
  const root = tempDir();
  const folder = join(root, "library");
  const index = join(root, "index");
  let summary: Record<string, unknown>;
  let stderr: string;
  let papers: PaperIndex;

  beforeAll(async () => {
    mkdirSync(folder);
    for (const name of PDFS) copyFileSync(join(FIXTURES, "pdf", name), join(folder, name));
    copyFileSync(join(FIXTURES, "formats", "refs.bib"), join(folder, "refs.bib"));
    copyFileSync(join(FIXTURES, "formats", "arxiv-cs-sample.jsonl"), join(folder, "arxiv-cs-sample.jsonl"));
    const result = runCli(["--index", index, "index", folder, "--json"]);
    expect(result.status, result.stderr).toBe(0);
    summary = JSON.parse(result.stdout);
    stderr = result.stderr;
    papers = await openIndex({ indexDir: index, modelsDir: modelsDir(), offline: true });
  }, 300_000);
  afterAll(() => papers?.close());

  it("indexes the three papers, the BibTeX and JSONL records, and counts the four broken PDFs", () => {
    // refs.bib: 3 entries with abstracts (one without is skipped); the JSONL sample: 4 papers.
    expect(summary).toMatchObject({ added: 10, papers: 10 });
    const skippedFiles = stderr.split("\n").filter((line) => /\.pdf: /.test(line));
    expect(skippedFiles).toHaveLength(4);
    expect(stderr).toMatch(/broken-encrypted\.pdf: encrypted/);
    expect(stderr).toMatch(/broken-scanned\.pdf: no text layer: needs OCR/);
    expect(stderr).toMatch(/broken-truncated\.pdf: truncated/);
    expect(stderr).toMatch(/invoice\.pdf: not a paper/);
    expect(papers.info().passages).toBeGreaterThanOrEqual(12);
  });

  it("finds the paper whose body answers a question in the top 3, with the page that says it", async () => {
    for (const { question, title, page } of BODY_QUESTIONS) {
      const hits = await papers.search(question, 3);
      const hit = hits.find((h) => h.title === title);
      expect(hit, `${question}: ${hits.map((h) => h.title).join(" | ")}`).toBeDefined();
      expect(hit!.passage, question).toBeDefined();
      expect(hit!.passage!.page, question).toBe(page);
    }
    // A filter lets a paper's passages through with the paper: the glacier paper is from 2021.
    const filtered = await papers.search(BODY_QUESTIONS[0]!.question, 3, "hybrid", { years: [2021, 2021] });
    expect(filtered.map((h) => h.title)).toEqual([BODY_QUESTIONS[0]!.title]);
    expect(filtered[0]!.passage?.page).toBe(3);
    expect(await papers.search(BODY_QUESTIONS[0]!.question, 3, "hybrid", { years: [1990, 1991] })).toEqual([]);
  });

  it("shows the passage in JSON as {text, page, section} and in human output as p. N, §Section", () => {
    const json = JSON.parse(runCli(["--index", index, "search", BODY_QUESTIONS[0]!.question, "-k", "3", "--json"]).stdout);
    const glacier = json.find((h: { title: string }) => h.title === BODY_QUESTIONS[0]!.title);
    expect(Object.keys(glacier.passage)).toEqual(["text", "page", "section"]);
    expect(glacier.passage).toMatchObject({ page: 3, section: "2 Stations and Processing" });
    expect(glacier.passage.text).toContain("4.7 centimetres per day");
    const human = runCli(["--index", index, "search", BODY_QUESTIONS[0]!.question, "-k", "3"]).stdout;
    expect(human).toContain("p. 3, §2 Stations and Processing:");
  });

  it("lists passages themselves with --passages", () => {
    const listed = JSON.parse(runCli(["--index", index, "search", "--passages", "honey bee colonies lost above 1,400 metres", "-k", "2", "--json"]).stdout);
    expect(listed).toHaveLength(2);
    expect(listed[0]).toMatchObject({ title: "Winter Colony Loss in Alpine Apiaries", page: 3, section: "3 Findings" });
    expect(listed[0].text).toContain("Colonies wintered above 1,400 metres");
  });

  it("a revised PDF replaces all its passages; a removed one takes them along", async () => {
    const before = papers.info().passages;
    const glacierId = (await papers.search(BODY_QUESTIONS[0]!.question, 1))[0]!.id;
    copyFileSync(join(FIXTURES, "pdf-revised", "glacier-onecol.pdf"), join(folder, "glacier-onecol.pdf"));
    const again = JSON.parse(runCli(["--index", index, "index", folder, "--json"]).stdout);
    expect(again).toMatchObject({ added: 0, updated: 1, unchanged: 9 });
    const revised = await openIndex({ indexDir: index, modelsDir: modelsDir(), offline: true });
    try {
      expect(revised.info().passages).toBe(before);
      const found = await revised.searchPassages("median drift at the Skaftafell station centimetres per day", 5, "lexical");
      const texts = found.filter((p) => p.id === glacierId).map((p) => p.text).join(" ");
      expect(texts).toContain("5.2 centimetres per day");
      expect(texts).toContain("Breidamerkur");
      expect(texts).not.toContain("4.7 centimetres");
      const own = (await revised.searchPassages("glacier stations receivers", 1000, "lexical")).filter((p) => p.id === glacierId).length;
      expect(own).toBeGreaterThanOrEqual(3);
      await removePapers([glacierId], { indexDir: index });
      const after = await openIndex({ indexDir: index, modelsDir: modelsDir(), offline: true });
      try {
        expect(after.info().passages).toBe(before - own);
        expect((await after.searchPassages("glacier stations receivers", 1000, "hybrid")).filter((p) => p.id === glacierId)).toEqual([]);
      } finally {
        await after.close();
      }
    } finally {
      await revised.close();
    }
  });
});

describe("bestEvidence", () => {
  it("scores each paper by its best hit and remembers which hit that was", () => {
    const owners = new Map([
      [10, 1],
      [11, 1],
      [12, 2],
    ]);
    const evidence = new Map<number, number>();
    const ranked = bestEvidence(
      [
        { label: 11, score: 0.9 },
        { label: 1, score: 0.8 },
        { label: 3, score: 0.7 },
        { label: 12, score: 0.6 },
        { label: 2, score: 0.5 },
      ],
      owners,
      2,
      evidence,
    );
    expect(ranked).toEqual([
      { label: 1, score: 0.9 },
      { label: 3, score: 0.7 },
    ]);
    expect(evidence.get(1)).toBe(11);
    expect(evidence.get(3)).toBe(3);
  });
});
