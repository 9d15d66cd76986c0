/**
 * Inputs at the edges: invalid UTF-8, byte-order marks and CRLF in every format, one 50 MB line
 * (measured in a child process: time and peak memory), JSON nested 100,000 deep, spreadsheet
 * formulas in CSV cells, very long and empty abstracts, duplicate ids, and text in other scripts,
 * through the reader and (with the real model) through an index and a lexical search.
 */
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { MAX_ABSTRACT_CHARS } from "../src/corpus/events.js";
import { readCorpus } from "../src/corpus/read-corpus.js";
import { indexPapers, openIndex } from "../src/papers.js";
import { REPO, modelsDir, tempDir } from "./helpers.js";

const read = (text: string | Buffer, name = "-") =>
  name === "-" ? readCorpus(["-"], { stdin: Readable.from([Buffer.from(text)]) }) : readCorpus([name]);

const line = (record: Record<string, unknown>) => `${JSON.stringify(record)}\n`;

describe("encodings and line endings", () => {
  it("keeps a record with invalid UTF-8 in it, the bad bytes as U+FFFD and the rest intact", async () => {
    const bad = Buffer.concat([
      Buffer.from('{"id":"p1","abstract":"Before '),
      Buffer.from([0xff, 0xc3, 0x28, 0xe2, 0x82]), // a stray byte, a broken pair, a cut-off triple
      Buffer.from(' after."}\n'),
      Buffer.from(line({ id: "p2", abstract: "A clean second record." })),
    ]);
    const corpus = await read(bad);
    expect(corpus.papers.map((p) => p.id)).toEqual(["p1", "p2"]);
    expect(corpus.papers[0]!.abstract).toMatch(/^Before \uFFFD+\( ?\uFFFD* after\.$/);
    expect(corpus.skipped).toEqual([]);
  });

  it("refuses UTF-16 with a reason, instead of reading it as garbage", async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("Abstract: We study things.\n", "utf16le")]);
    await expect(read(utf16)).rejects.toMatchObject({ code: "UNRECOGNISED_FORMAT", message: expect.stringMatching(/UTF-16 text: save it as UTF-8/) });
  });

  it("a file of blanks is empty, and is skipped (and counted) in a folder", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "a.jsonl"), line({ id: "p1", abstract: "Something." }));
    writeFileSync(join(dir, "blank.txt"), " \r\n\t\n\n");
    const corpus = await readCorpus([dir]);
    expect(corpus.skipped).toEqual([{ file: join(dir, "blank.txt"), line: null, kind: "file", reason: "empty file" }]);
    expect(corpus.counts).toMatchObject({ papers: 1, skippedFiles: 1 });
  });

  const BOM = "\uFEFF";
  const crlf = (text: string) => BOM + text.replace(/\n/g, "\r\n");
  const cases: [string, string, string][] = [
    ["JSON Lines", "jsonl", line({ id: "a", abstract: "First one." }) + line({ id: "b", abstract: "Second one." })],
    ["a JSON array", "json", `[\n${JSON.stringify({ id: "a", abstract: "First one." })},\n${JSON.stringify({ id: "b", abstract: "Second one." })}\n]\n`],
    ["CSV", "csv", 'id,abstract\na,"First one."\nb,Second one.\n'],
    ["TSV", "tsv", "id\tabstract\na\tFirst one.\nb\tSecond one.\n"],
    ["BibTeX", "bibtex", "@article{a,\n  abstract = {First one.}\n}\n@article{b,\n  abstract = {Second one.}\n}\n"],
    ['"Abstract:" lines', "seeds", "Abstract: First one.\nAbstract: Second one.\n"],
  ];
  for (const [name, format, text] of cases) {
    it(`reads ${name} with a byte-order mark and CRLF line endings, at the same lines`, async () => {
      const plain = await read(text);
      const windows = await read(crlf(text));
      expect(windows.inputs[0]!.format).toBe(format);
      expect(windows.papers.map((p) => p.abstract)).toEqual(["First one.", "Second one."]);
      expect(windows.papers.map((p) => p.sources)).toEqual(plain.papers.map((p) => p.sources));
    });
  }
});

describe("one 50 MB line", () => {
  /** Reads a file in a fresh process, for its own peak memory; the big record must be skipped. */
  function measure(file: string): { ms: number; maxRssMb: number; result: { papers: string[]; skipped: string[] } | { error: string } } {
    const script = `
      import { readCorpus } from ${JSON.stringify(join(REPO, "dist", "corpus", "read-corpus.js"))};
      const t0 = performance.now();
      let result;
      try {
        const c = await readCorpus([${JSON.stringify(file)}]);
        result = { papers: c.papers.map((p) => p.abstract), skipped: c.skipped.map((s) => s.line + ": " + s.reason) };
      } catch (e) { result = { error: e.code }; }
      console.log(JSON.stringify({ ms: performance.now() - t0, maxRssMb: process.resourceUsage().maxRSS / 1024, result }));`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    return JSON.parse(run.stdout);
  }

  const MB = 50 * 1024 * 1024;
  const words = "latency decoding model token attention ";
  const body = words.repeat(Math.ceil(MB / words.length)).slice(0, MB);
  const small = "A small one.";
  const files: [string, string, number][] = [
    ["big.jsonl", line({ id: "big", abstract: body }) + line({ id: "small", abstract: small }), 1],
    ["big.json", JSON.stringify([{ id: "big", abstract: body }, { id: "small", abstract: small }]), 1],
    ["big.csv", `id,abstract\nbig,"${body}"\nsmall,${small}\n`, 2],
    ["big.bib", `@article{big,\n abstract = {${body}}\n}\n@article{small,\n abstract = {${small}}\n}\n`, 1],
    ["big.txt", `Abstract: ${body}\nAbstract: ${small}\n`, 1],
  ];
  const dir = tempDir();
  const measured: string[] = [];

  for (const [name, text, bigLine] of files) {
    it(`${name}: skips the 50 MB abstract at its line (over the limit), keeps the next, in bounded time and memory`, () => {
      const file = join(dir, name);
      writeFileSync(file, text);
      try {
        const { ms, maxRssMb, result } = measure(file);
        measured.push(`${name}: ${ms.toFixed(0)} ms, peak RSS ${maxRssMb.toFixed(0)} MB`);
        expect(result).toEqual({ papers: [small], skipped: [expect.stringMatching(new RegExp(`^${bigLine}: abstract of 52,428,\\d{3} characters, over the limit`))] });
        // Measured on 2 shared cores: 0.3–1.1 s and 200–440 MB for these (before the limit,
        // BibTeX took 3.8 s and 905 MB); the bounds leave room for a slow machine.
        expect(ms).toBeLessThan(20_000);
        expect(maxRssMb).toBeLessThan(800);
      } finally {
        rmSync(file, { force: true });
      }
    });
  }

  it("a single 50 MB line of junk is refused as unrecognised, quickly", () => {
    const file = join(dir, "junk.txt");
    writeFileSync(file, "x".repeat(MB));
    try {
      const { ms, maxRssMb, result } = measure(file);
      measured.push(`junk.txt: ${ms.toFixed(0)} ms, peak RSS ${maxRssMb.toFixed(0)} MB`);
      expect(result).toEqual({ error: "UNRECOGNISED_FORMAT" });
      expect(ms).toBeLessThan(20_000);
      expect(maxRssMb).toBeLessThan(800);
    } finally {
      rmSync(file, { force: true });
    }
    console.log(`50 MB line, read in a child process:\n  ${measured.join("\n  ")}`);
  });

  it("keeps an abstract just under the limit whole", async () => {
    const long = "word ".repeat(MAX_ABSTRACT_CHARS / 5 - 1) + "end.";
    const corpus = await read(line({ id: "long", abstract: long }));
    expect(corpus.papers[0]!.abstract).toBe(long);
  });
});

describe("deeply nested JSON", () => {
  const DEPTH = 100_000;
  const dir = tempDir();

  it("an unclosed array 100,000 deep in a .json file is reported as cut short", async () => {
    writeFileSync(join(dir, "open.json"), "[".repeat(DEPTH));
    writeFileSync(join(dir, "ok.jsonl"), line({ id: "ok", abstract: "Fine." }));
    const corpus = await readCorpus([join(dir, "open.json"), join(dir, "ok.jsonl")]);
    expect(corpus.papers.map((p) => p.id)).toEqual(["ok"]);
    expect(corpus.skipped).toEqual([{ file: join(dir, "open.json"), line: 1, kind: "file", reason: expect.stringMatching(/not closed/) }]);
  });

  it("a closed array 100,000 deep is one element that is not an object", async () => {
    writeFileSync(join(dir, "deep.json"), `[${"[".repeat(DEPTH)}${"]".repeat(DEPTH)}, ${JSON.stringify({ id: "ok", abstract: "Fine." })}]`);
    const corpus = await readCorpus([join(dir, "deep.json")]);
    expect(corpus.papers.map((p) => p.id)).toEqual(["ok"]);
    expect(corpus.skipped).toEqual([{ file: join(dir, "deep.json"), line: 1, kind: "record", reason: "not a JSON object: an array" }]);
  });

  it("JSON Lines: an object nested 100,000 deep is skipped, one with a deep year keeps its abstract", async () => {
    const nested = `${'{"a":'.repeat(DEPTH)}1${"}".repeat(DEPTH)}\n`;
    const deepYear = `{"id":"y","abstract":"Deep year.","year":${"[".repeat(DEPTH)}2020${"]".repeat(DEPTH)}}\n`;
    const corpus = await read(nested + deepYear + line({ id: "ok", abstract: "Fine." }));
    expect(corpus.papers.map((p) => [p.id, p.year])).toEqual([
      ["y", null],
      ["ok", null],
    ]);
    expect(corpus.skipped.map((s) => [s.line, s.kind])).toEqual([[1, "record"]]);
  });

  it("100,000 brackets on stdin (no name to go by) are refused with a documented error", async () => {
    await expect(read("[".repeat(DEPTH))).rejects.toMatchObject({ code: "UNRECOGNISED_FORMAT" });
  });
});

describe("what cells and abstracts may hold", () => {
  it("keeps spreadsheet formulas in CSV cells as the text they are", async () => {
    const formulas = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1,2)", '=HYPERLINK("http://x","y")', "\t=1", "=1;2"];
    const rows = formulas.map((f, i) => `p${i},"${f.replace(/"/g, '""')}","Abstract ${i} says ${f.replace(/"/g, '""')}."`);
    const corpus = await read(`id,title,abstract\n${rows.join("\n")}\n`);
    expect(corpus.papers.map((p) => p.title)).toEqual(formulas.map((f) => f.trim()));
    expect(corpus.papers.map((p) => p.abstract)).toEqual(formulas.map((f, i) => `Abstract ${i} says ${f.trim()}.`));
  });

  it("skips empty and blank abstracts at their lines, in every structured format", async () => {
    const jsonl = await read(line({ id: "a", abstract: "" }) + line({ id: "b", abstract: " \n\t " }) + line({ id: "c", abstract: "Kept." }));
    expect(jsonl.skipped.map((s) => s.line)).toEqual([1, 2]);
    const csv = await read('id,abstract\na,""\nb,"  "\nc,Kept.\n');
    expect(csv.skipped.map((s) => s.line)).toEqual([2, 3]);
    const bib = await read("@article{a, abstract = {}}\n@article{b, abstract = {{ }}}\n@article{c, abstract = {Kept.}}\n");
    expect(bib.skipped.map((s) => s.line)).toEqual([1, 2]);
    for (const corpus of [jsonl, csv, bib]) expect(corpus.papers.map((p) => p.id)).toEqual(["c"]);
  });

  it("a later record with the same id and other text wins, reported with both places", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "1.jsonl"), line({ id: "p1", abstract: "The old text." }));
    writeFileSync(join(dir, "2.csv"), 'id,abstract\nx,Other.\nP1,"The new text."\n');
    const corpus = await readCorpus([dir]);
    expect(corpus.papers.map((p) => [p.id, p.abstract])).toEqual([
      ["p1", "The new text."],
      ["x", "Other."],
    ]);
    expect(corpus.skipped).toEqual([
      { file: join(dir, "2.csv"), line: 3, kind: "replaced", reason: `same id "p1" as ${join(dir, "1.jsonl")}:1 with different text: this later record replaces it` },
    ]);
    expect(corpus.counts).toMatchObject({ records: 3, papers: 2, replaced: 1 });
  });
});

describe("other scripts", () => {
  const PAPERS = [
    { id: "zh", title: "基于深度学习的机器翻译", abstract: "我们提出了一种新的神经机器翻译方法 深度学习 在多个数据集上取得了最好的结果。" },
    { id: "ar", title: "نموذج لغوي للترجمة", abstract: "نقدم نموذجا لغويا جديدا للترجمة الآلية ونقيم أداءه على عدة مجموعات بيانات." },
    { id: "emoji", title: "Emoji 🧪 in abstracts", abstract: "We measure how people use 🧪 and 👩‍🔬 emoji when they write about chemistry experiments." },
    { id: "mixed", title: "Müller–Schmidt naïve café", abstract: "Ünïcödé with combining e\u0301 and a ﬁ ligature, in Zürich." },
  ];

  it("survive JSON Lines, CSV and BibTeX exactly", async () => {
    const jsonl = await read(PAPERS.map(line).join(""));
    const csv = await read(`id,title,abstract\n${PAPERS.map((p) => [p.id, p.title, p.abstract].map((c) => `"${c}"`).join(",")).join("\n")}\n`);
    const bib = await read(PAPERS.map((p) => `@article{${p.id},\n title = {${p.title}},\n abstract = {${p.abstract}}\n}\n`).join(""));
    for (const corpus of [jsonl, csv, bib]) {
      expect(corpus.papers.map((p) => ({ id: p.id, title: p.title, abstract: p.abstract }))).toEqual(PAPERS);
    }
  });

  it("survive the index, and Arabic and Latin words find their paper lexically", async () => {
    const dir = tempDir();
    const file = join(dir, "papers.jsonl");
    writeFileSync(file, PAPERS.map(line).join(""));
    const options = { indexDir: join(dir, "index"), modelsDir: modelsDir(), offline: true };
    await indexPapers([file], options);
    const index = await openIndex(options);
    try {
      for (const p of PAPERS) expect(await index.get(p.id)).toMatchObject({ title: p.title, abstract: p.abstract });
      expect((await index.search("الآلية", 1, "lexical")).map((h) => h.id)).toEqual(["ar"]);
      expect((await index.search("Zürich", 1, "lexical")).map((h) => h.id)).toEqual(["mixed"]);
      // A CJK word set off by spaces is a token of its own.
      expect((await index.search("深度学习", 1, "lexical")).map((h) => h.id)).toEqual(["zh"]);
      // Dense search reads any script: the paper comes back for a question in its own language.
      expect((await index.search("神经机器翻译方法", 1, "hybrid")).map((h) => h.id)).toEqual(["zh"]);
    } finally {
      await index.close();
    }
  });

  it("ids that differ only in case are one paper (the index stores ids without case), so search does not break", async () => {
    const dir = tempDir();
    const file = join(dir, "papers.jsonl");
    writeFileSync(file, line({ id: "Paper-1", abstract: "Speculative decoding reduces the latency of language models." }) + line({ id: "paper-1", abstract: "Graph neural networks predict molecule properties." }));
    const options = { indexDir: join(dir, "index"), modelsDir: modelsDir(), offline: true };
    const summary = await indexPapers([file], options);
    expect(summary.skipped).toEqual([expect.objectContaining({ kind: "replaced", line: 2 })]);
    const index = await openIndex(options);
    try {
      expect(index.info().count).toBe(1);
      // Before: two papers went in, one row came out, and this search failed with INDEX_DAMAGED.
      const hits = await index.search("speculative decoding molecules", 5, "hybrid");
      expect(hits.map((h) => [h.id, h.abstract])).toEqual([["Paper-1", "Graph neural networks predict molecule properties."]]);
    } finally {
      await index.close();
    }
  });
});
