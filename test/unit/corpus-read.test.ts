/**
 * readCorpus over real inputs: folders, .gz, stdin, files that are not papers, duplicate ids,
 * and the 74,728-paper arxiv-cs listings read in place.
 */
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { beforeEach, describe, expect, it } from "vitest";
import { readCorpus, readRecords, type Skipped } from "../../src/corpus/read-corpus.js";
import { tempDir } from "../helpers.js";

const FIXTURES = new URL("../fixtures/", import.meta.url).pathname;
const FORMATS = join(FIXTURES, "formats");
const ARXIV_CS = new URL("../../../shared/data/arxiv-cs-listings/papers.jsonl.gz", import.meta.url).pathname;
/** The fast tier runs in a bare clone too: the cases that read the real listings skip there, saying why. */
function skipWithoutArxivCs(): void {
  beforeEach((context) => {
    context.skip(!existsSync(ARXIV_CS), `${ARXIV_CS} is missing: the real data sits in shared/data beside the repository (see /work/shared/data/README.md)`);
  });
}

function line(record: Record<string, unknown>): string {
  return `${JSON.stringify(record)}\n`;
}

const A = { id: "2501.00001", title: "First", abstract: "We study the first problem in depth and report results." };
const B = { id: "2501.00002", title: "Second", abstract: "We study the second problem and find a surprising answer." };
const C = { id: "2501.00003", title: "Third", abstract: "A third abstract about something else entirely." };

describe("folders", () => {
  it("reads every format in a folder tree, skipping hidden entries, and reports each skipped record once", async () => {
    const corpus = await readCorpus([FORMATS]);
    expect(corpus.inputs.map((i) => [i.file.slice(FORMATS.length + 1), i.format, i.records])).toEqual([
      ["arxiv-cs-sample.jsonl", "jsonl", 4],
      ["arxiv-snapshot.json", "jsonl", 3],
      ["malformed/bad-element.json", "json", 3],
      ["malformed/bad-entries.bib", "bibtex", 2],
      ["malformed/bad-lines.jsonl", "jsonl", 3],
      ["malformed/bad-rows.csv", "csv", 2],
      ["papers-array.json", "json", 3],
      ["papers.csv", "csv", 2],
      ["papers.tsv", "tsv", 2],
      ["refs.bib", "bibtex", 3],
    ]);
    expect(corpus.files).not.toContain(join(FORMATS, ".draft.jsonl"));
    expect(corpus.skipped.map((s) => `${s.file.slice(FORMATS.length + 1)}:${s.line}`)).toEqual([
      "malformed/bad-element.json:3",
      "malformed/bad-entries.bib:11",
      "malformed/bad-entries.bib:18",
      "malformed/bad-lines.jsonl:2",
      "malformed/bad-lines.jsonl:4",
      "malformed/bad-lines.jsonl:5",
      "malformed/bad-lines.jsonl:7",
      "malformed/bad-rows.csv:16",
      "malformed/bad-rows.csv:17",
      "malformed/bad-rows.csv:18",
      "refs.bib:31",
    ]);
    expect(corpus.counts).toEqual({ files: 10, records: 27, papers: 24, merged: 3, skippedRecords: 11, skippedFiles: 0, replaced: 0 });
  });

  it("merges the same paper across formats: the BibTeX entry joins the snapshot record by its arXiv eprint", async () => {
    const corpus = await readCorpus([join(FORMATS, "arxiv-snapshot.json"), join(FORMATS, "refs.bib")]);
    const attention = corpus.papers.find((p) => p.id === "1706.03762")!;
    expect(attention.sources).toEqual([
      { file: join(FORMATS, "arxiv-snapshot.json"), line: 3 },
      { file: join(FORMATS, "refs.bib"), line: 5 },
    ]);
    expect(attention.journalRef).toBe("Advances in Neural Information Processing Systems 30"); // filled from BibTeX
    expect(corpus.counts.replaced).toBe(0);
  });

  it("reports binary and empty files inside a larger input and reads the rest", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "a.jsonl"), line(A) + line(B));
    writeFileSync(join(dir, "figure.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]));
    writeFileSync(join(dir, "empty.txt"), "");
    writeFileSync(join(dir, "notes.txt"), "buy milk\ncall Bob\n");
    writeFileSync(join(dir, "papers.jsonl.xz"), Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3]));
    const corpus = await readCorpus([dir]);
    expect(corpus.papers.map((p) => p.id)).toEqual([A.id, B.id]);
    expect(corpus.skipped).toEqual([
      { file: join(dir, "empty.txt"), line: null, kind: "file", reason: "empty file" },
      { file: join(dir, "figure.png"), line: null, kind: "file", reason: "binary data, not text" },
      { file: join(dir, "notes.txt"), line: null, kind: "file", reason: expect.stringMatching(/^not a format papers reads/) },
      { file: join(dir, "papers.jsonl.xz"), line: null, kind: "file", reason: "compressed with xz: decompress it first (gzip is read directly)" },
    ]);
    expect(corpus.counts).toMatchObject({ files: 5, records: 2, papers: 2, skippedFiles: 4, skippedRecords: 0 });
    expect(corpus.inputs.find((i) => i.file.endsWith("figure.png"))).toMatchObject({ format: null, records: 0 });
  });
});

describe("clean errors when nothing can be read", () => {
  it("a path that does not exist is UNREADABLE_FILE", async () => {
    await expect(readCorpus([join(FORMATS, "nope.jsonl")])).rejects.toMatchObject({ code: "UNREADABLE_FILE", message: expect.stringMatching(/no such file or folder/) });
  });

  it("an empty folder is NO_INPUT", async () => {
    const dir = tempDir();
    await expect(readCorpus([dir])).rejects.toMatchObject({ code: "NO_INPUT", message: expect.stringMatching(/no input files/) });
  });

  it("a sole empty or binary file is UNRECOGNISED_FORMAT, naming it", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "empty.txt"), "");
    writeFileSync(join(dir, "blob.bin"), Buffer.from([0, 1, 2, 3, 0, 0]));
    await expect(readCorpus([join(dir, "empty.txt")])).rejects.toMatchObject({ code: "UNRECOGNISED_FORMAT", message: `${join(dir, "empty.txt")} is empty: expected abstracts` });
    await expect(readCorpus([join(dir, "blob.bin")])).rejects.toMatchObject({ code: "UNRECOGNISED_FORMAT", message: expect.stringMatching(/blob\.bin: binary data/) });
  });

  it("files that hold no papers at all are NO_INPUT, with the first reason", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "empty.txt"), "");
    writeFileSync(join(dir, "titles.jsonl"), line({ id: "1", title: "No abstract here" }));
    await expect(readCorpus([dir])).rejects.toMatchObject({
      code: "NO_INPUT",
      message: expect.stringMatching(/no papers in .*: 1 records and 1 files skipped; first: .*empty\.txt: empty file/),
    });
  });
});

describe(".gz and stdin", () => {
  it("gunzips by content, whatever the name", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "papers.jsonl.gz"), gzipSync(line(A) + line(B)));
    writeFileSync(join(dir, "papers.data"), gzipSync("id,title,abstract\n" + `${C.id},${C.title},"${C.abstract}"\n`));
    const corpus = await readCorpus([join(dir, "papers.jsonl.gz"), join(dir, "papers.data")]);
    expect(corpus.papers.map((p) => p.id)).toEqual([A.id, B.id, C.id]);
    expect(corpus.inputs.map((i) => [i.format, i.compression])).toEqual([
      ["jsonl", "gzip"],
      ["csv", "gzip"],
    ]);
    expect(corpus.papers[1]!.sources).toEqual([{ file: join(dir, "papers.jsonl.gz"), line: 2 }]);
  });

  it("keeps the records before the point where a .gz is cut short, and reports the rest", async () => {
    const dir = tempDir();
    const lines = Array.from({ length: 2000 }, (_, i) => line({ id: `p${i}`, abstract: `Abstract number ${i} with some words ${"x".repeat(i % 50)} ${Math.sin(i)}.` })).join("");
    const gz = gzipSync(lines);
    writeFileSync(join(dir, "cut.jsonl.gz"), gz.subarray(0, Math.floor(gz.length / 2)));
    writeFileSync(join(dir, "whole.jsonl"), line(A));
    const corpus = await readCorpus([dir]);
    const cut = corpus.skipped.find((s) => s.file.endsWith("cut.jsonl.gz"))!;
    expect(cut).toMatchObject({ kind: "file", reason: expect.stringMatching(/^reading stopped after line \d+: unexpected end of file/) });
    const read = corpus.inputs.find((i) => i.file.endsWith("cut.jsonl.gz"))!.records;
    expect(read).toBeGreaterThan(100);
    expect(read).toBeLessThan(2000);
    expect(cut.line).toBe(read + 1);
    expect(corpus.papers.at(-1)!.id).toBe(A.id); // the next file is still read
  });

  it("reads - from the stdin stream given, plain or gzipped", async () => {
    const plain = await readCorpus(["-"], { stdin: Readable.from([Buffer.from(line(A) + line(B))]) });
    expect(plain.papers.map((p) => p.id)).toEqual([A.id, B.id]);
    expect(plain.files).toEqual(["<stdin>"]);
    expect(plain.papers[0]!.sources).toEqual([{ file: "<stdin>", line: 1 }]);
    const gz = gzipSync(line(C));
    const zipped = await readCorpus(["-", join(FORMATS, "papers.tsv")], { stdin: Readable.from([gz.subarray(0, 10), gz.subarray(10)]) });
    expect(zipped.inputs.map((i) => [i.file, i.format, i.compression, i.records])).toEqual([
      ["<stdin>", "jsonl", "gzip", 1],
      [join(FORMATS, "papers.tsv"), "tsv", null, 2],
    ]);
  });

  it("streams a file larger than the detection window, and a first line longer than it", async () => {
    const dir = tempDir();
    const long = { ...A, abstract: `${"long ".repeat(30_000)}end.` }; // 150 KB on one line
    const many = Array.from({ length: 3000 }, (_, i) => line({ id: `q${i}`, abstract: `Paper ${i}: ${"words ".repeat(20)}` })).join("");
    writeFileSync(join(dir, "big.jsonl"), line(long) + many);
    const corpus = await readCorpus([join(dir, "big.jsonl")]);
    expect(corpus.counts).toMatchObject({ records: 3001, papers: 3001, skippedRecords: 0 });
    expect(corpus.papers[0]!.abstract.endsWith("long end.")).toBe(true);
    expect(corpus.papers.at(-1)!.sources).toEqual([{ file: join(dir, "big.jsonl"), line: 3001 }]);
  });
});

describe("duplicate ids", () => {
  it("the later record with the same id and different text wins, and the replacement is reported", async () => {
    const dir = tempDir();
    const revised = { ...A, abstract: "A revised abstract of the first paper, with new results." };
    writeFileSync(join(dir, "a.jsonl"), line(A) + line(B) + line(revised));
    const retitled = { ...B, title: "Second, retitled" };
    writeFileSync(join(dir, "b.jsonl"), line(retitled) + line(retitled));
    const corpus = await readCorpus([dir]);
    expect(corpus.papers.map((p) => [p.id, p.title, p.abstract])).toEqual([
      [A.id, A.title, revised.abstract],
      [B.id, "Second, retitled", B.abstract],
    ]);
    const replaced: Skipped[] = corpus.skipped.filter((s) => s.kind === "replaced");
    expect(replaced).toEqual([
      { file: join(dir, "a.jsonl"), line: 3, kind: "replaced", reason: `same id "${A.id}" as ${join(dir, "a.jsonl")}:1 with different text: this later record replaces it` },
      { file: join(dir, "b.jsonl"), line: 1, kind: "replaced", reason: `same id "${B.id}" as ${join(dir, "a.jsonl")}:2 with different text: this later record replaces it` },
    ]);
    expect(corpus.counts).toMatchObject({ records: 5, papers: 2, replaced: 2, merged: 1 });
    // The paper keeps every source; an identical repeat merges silently.
    expect(corpus.papers[1]!.sources.map((s) => s.line)).toEqual([2, 1, 2]);
  });

  it("keeps two ids of one file apart even when their abstracts are the same (arXiv has duplicate submissions)", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "a.jsonl"), line(A) + line({ ...A, id: "2501.09999" }));
    const corpus = await readCorpus([dir]);
    expect(corpus.papers.map((p) => p.id)).toEqual([A.id, "2501.09999"]);
  });
});

describe("the real arxiv-cs listings (read in place)", () => {
  skipWithoutArxivCs();

  it("exists where the README says", () => {
    expect(existsSync(ARXIV_CS), `${ARXIV_CS} is missing: see /work/shared/data/README.md`).toBe(true);
  });

  it("reads the first 2,000 lines through JSON Lines detection, every field mapped, nothing skipped", async () => {
    let records = 0;
    let format: string | null | undefined;
    for await (const event of readRecords([ARXIV_CS])) {
      if (event.type === "file") {
        format = event.input.format;
        expect(event.input.compression).toBe("gzip");
        continue;
      }
      expect(event.type, JSON.stringify(event)).toBe("record");
      if (event.type !== "record") continue;
      const r = event.record;
      records++;
      expect(r.source).toEqual({ file: ARXIV_CS, line: records });
      expect(r.sourceId).toMatch(/^\d{4}\.\d{4,5}$/);
      expect(r.arxivId).toBe(r.sourceId);
      expect(r.title?.length).toBeGreaterThan(5);
      expect(r.abstract.length).toBeGreaterThan(200);
      expect(r.authors.length).toBeGreaterThan(0);
      expect(r.categories.some((c) => c.startsWith("cs."))).toBe(true);
      expect(r.year === 2025 || r.year === 2026).toBe(true);
      if (records === 2000) break; // stops the stream and closes the file
    }
    expect(format).toBe("jsonl");
    expect(records).toBe(2000);
  });

  it("gives the first record exactly", async () => {
    for await (const event of readRecords([ARXIV_CS])) {
      if (event.type !== "record") continue;
      expect(event.record).toMatchObject({
        sourceId: "1812.06145",
        arxivId: "1812.06145",
        title: "Improving the Performance of Unimodal Dynamic Hand-Gesture Recognition with Multimodal Training",
        authors: ["Mahdi Abavisani", "Hamid Reza Vaezi Joze", "Vishal M. Patel"],
        categories: ["cs.CV", "cs.AI", "cs.HC", "cs.LG", "stat.ML", "68T45, 62H30", "I.5.3; I.2.10"],
        year: 2025,
      });
      expect(event.record.abstract).toMatch(/^We present an efficient approach for leveraging the knowledge from multiple\nmodalities/);
      break;
    }
  });

  it("reads all 74,728 papers, none skipped or merged", { timeout: 60_000 }, async () => {
    const corpus = await readCorpus([ARXIV_CS]);
    expect(corpus.counts).toEqual({ files: 1, records: 74_728, papers: 74_728, merged: 0, skippedRecords: 0, skippedFiles: 0, replaced: 0 });
    expect(new Set(corpus.papers.map((p) => p.id)).size).toBe(74_728);
    for (const paper of corpus.papers) expect(paper.abstract).not.toMatch(/\n/);
  });
});

describe("stopping early", () => {
  skipWithoutArxivCs();

  it("closes the file when the reader is left", async () => {
    const fds = () => readdirSync("/proc/self/fd").length;
    const before = fds();
    for (let i = 0; i < 5; i++) {
      for await (const event of readRecords([ARXIV_CS])) if (event.type === "record") break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fds()).toBeLessThanOrEqual(before + 1);
  });
});

