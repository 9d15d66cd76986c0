/**
 * Input formats: each recognised by content, each field mapped, malformed records skipped with
 * their exact file and line.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { detectFormat } from "../../src/corpus/detect.js";
import { authorList, normaliseArxivId, parseFieldOptions, splitAuthors, yearOf } from "../../src/corpus/fields.js";
import { latexToText, resolveAccents } from "../../src/corpus/latex.js";
import type { PaperRecord } from "../../src/corpus/paper.js";
import { readCorpus, readRecords, type CorpusEvent, type ReadOptions, type Skipped } from "../../src/corpus/read-corpus.js";

const FIXTURES = new URL("../fixtures/", import.meta.url).pathname;
const FORMATS = join(FIXTURES, "formats");
const MALFORMED = join(FORMATS, "malformed");

async function collect(paths: string[], options: ReadOptions = {}): Promise<{ records: PaperRecord[]; skipped: Skipped[]; events: CorpusEvent[] }> {
  const events: CorpusEvent[] = [];
  for await (const event of readRecords(paths, options)) events.push(event);
  return {
    events,
    records: events.flatMap((e) => (e.type === "record" ? [e.record] : [])),
    skipped: events.flatMap((e) => (e.type === "skipped" ? [e.skipped] : [])),
  };
}

function formatOf(events: CorpusEvent[]): string | null | undefined {
  return events.find((e) => e.type === "file")?.input.format;
}

function jsonLines(file: string): Record<string, unknown>[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("format detection by content", () => {
  const detect = (text: string, name = "input", fields = {}) => detectFormat(Buffer.from(text), name, fields, true);

  it.each([
    ['{"id": "1", "abstract": "x"}\n{"id": "2", "abstract": "y"}\n', "jsonl"],
    ['[\n  {"id": "1", "abstract": "x"}\n]\n', "json"],
    ["% refs\n\n@article{key,\n  abstract = {x}\n}\n", "bibtex"],
    ["id,title,abstract\n1,t,a\n", "csv"],
    ["id;title;Abstract\n1;t;a\n", "csv"],
    ["Title\tSummary\nt\ta\n", "tsv"],
    ["Abstract: We study things.\nAbstract: We study more things.\n", "seeds"],
    ["[1] Abstract: a seed list with a list marker that looks like JSON.\n", "seeds"],
  ])("recognises %j as %s", (text, format) => {
    expect(detect(text)).toMatchObject({ format });
  });

  it("goes by content, not by the file name", () => {
    expect(detect('{"id": "1", "abstract": "x"}\n', "papers.csv")).toMatchObject({ format: "jsonl" });
    expect(detect("id,title,abstract\n1,t,a\n", "papers.json")).toMatchObject({ format: "csv" });
    expect(detect("@article{k, abstract={x}}\n", "refs.txt")).toMatchObject({ format: "bibtex" });
  });

  it("uses the extension only to break ties", () => {
    // A header without an abstract column is a table only when the name says so.
    expect(detect("id,title,body\n1,t,a\n", "export.csv")).toMatchObject({ format: "csv" });
    expect(detect("id,title,body\n1,t,a\n", "export.txt")).toMatchObject({ format: "seeds" });
    // BibTeX with a preamble of free text before the first entry.
    expect(detect("Exported by a tool\n@article{k, abstract={x}}\n", "refs.bib")).toMatchObject({ format: "bibtex" });
  });

  it("finds the abstract column under its --field name", () => {
    expect(detect("Key,Headline,Body\n1,t,a\n", "export.txt")).toMatchObject({ format: "seeds" });
    expect(detect("Key,Headline,Body\n1,t,a\n", "export.txt", { abstract: "Body" })).toMatchObject({ format: "csv", delimiter: "," });
  });

  it("says why binary, empty, UTF-16 and pretty-printed JSON inputs are not read", () => {
    expect(detectFormat(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), "x.png", {}, true)).toEqual({ reason: "binary data, not text" });
    expect(detect("\uFEFF \n\n")).toEqual({ reason: "empty file" });
    expect(detectFormat(Buffer.from("\uFEFFabstract", "utf16le"), "x", {}, true)).toMatchObject({ reason: expect.stringMatching(/UTF-16/) });
    expect(detect('{\n  "papers": []\n}\n')).toMatchObject({ reason: expect.stringMatching(/pretty-printed JSON/) });
  });
});

describe("JSON Lines: the arxiv-cs listings form", () => {
  const file = join(FORMATS, "arxiv-cs-sample.jsonl");

  it("maps id → arXiv id, summary → abstract, authors, categories and the year of date", async () => {
    const { records, skipped, events } = await collect([file]);
    expect(formatOf(events)).toBe("jsonl");
    expect(skipped).toEqual([]);
    const source = jsonLines(file);
    expect(records).toHaveLength(source.length);
    records.forEach((record, i) => {
      const raw = source[i]!;
      expect(record).toEqual({
        sourceId: raw.id,
        arxivId: raw.id,
        title: raw.title,
        abstract: raw.summary,
        doi: null,
        journalRef: null,
        comments: [],
        authors: raw.authors,
        categories: raw.categories,
        year: Number(String(raw.date).slice(0, 4)),
        date: String(raw.date).slice(0, 10),
        source: { file, line: i + 1 },
      });
    });
  });

  it("collapses arXiv's hard line breaks in the papers", async () => {
    const { papers } = await readCorpus([file]);
    expect(jsonLines(file)[0]!.summary).toContain("\n");
    for (const paper of papers) expect(paper.abstract).not.toMatch(/\n|\s{2}/);
  });
});

describe("JSON Lines: the arXiv metadata snapshot", () => {
  const file = join(FORMATS, "arxiv-snapshot.json");

  it("is recognised by content although it is named .json", async () => {
    expect(formatOf((await collect([file])).events)).toBe("jsonl");
  });

  it("maps every field: authors_parsed, versions[0].created, journal-ref, doi, comments, space-separated categories", async () => {
    const { papers, skipped } = await readCorpus([file]);
    expect(skipped).toEqual([]);
    expect(papers.map((p) => p.id)).toEqual(["0704.0001", "hep-th/9711200", "1706.03762"]);
    const [diphoton, maldacena, attention] = papers;
    expect(diphoton).toMatchObject({
      arxivId: "0704.0001",
      title: "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies",
      authors: ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan"],
      categories: ["hep-ph"],
      year: 2007,
      doi: "10.1103/PhysRevD.76.013009",
      journalRef: "Phys.Rev.D76:013009,2007",
      comments: ["37 pages, 15 figures; published version"],
      sources: [{ file, line: 1 }],
    });
    expect(diphoton!.abstract.startsWith("A fully differential calculation in perturbative quantum chromodynamics is presented")).toBe(true);
    expect(diphoton!.abstract.endsWith("selection of events.")).toBe(true);
    // Old-style id, first version in 1997 although it was updated in 2008.
    expect(maldacena).toMatchObject({ arxivId: "hep-th/9711200", year: 1997, authors: ["Juan M. Maldacena"], doi: "10.1023/A:1026654312961" });
    expect(maldacena!.comments).toEqual(["20 pages, harvmac, v2: section on AdS_2 corrected, references added, v3: More references and a sign in equation 2.8 corrected"]);
    expect(maldacena!.abstract).toContain("4-d ${\\cal N} =4$ super-Yang-Mills"); // math kept as written
    expect(attention).toMatchObject({ categories: ["cs.CL", "cs.LG"], year: 2017, doi: null, journalRef: null, comments: ["15 pages, 5 figures"] });
    expect(attention!.authors).toHaveLength(8);
    expect(attention!.authors[7]).toBe("Illia Polosukhin");
  });

  it("splits the authors string when there is no authors_parsed, resolving TeX accents", async () => {
    const line = { ...jsonLines(file)[0], authors_parsed: undefined };
    const { records } = await collect(["-"], { stdin: streamOf(JSON.stringify(line)) });
    expect(records[0]!.authors).toEqual(["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"]);
  });
});

describe("JSON arrays", () => {
  const file = join(FORMATS, "papers-array.json");

  it("reads each element with the line it starts on, finding _id, text, year, journal_ref and doi", async () => {
    const { records, skipped, events } = await collect([file]);
    expect(formatOf(events)).toBe("json");
    expect(skipped).toEqual([]);
    const source = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>[];
    expect(records.map((r) => r.source.line)).toEqual([2, 11, 19]);
    expect(records.map((r) => r.sourceId)).toEqual(source.map((s) => s._id));
    expect(records.map((r) => r.abstract)).toEqual(source.map((s) => s.text));
    expect(records[0]).toMatchObject({
      arxivId: "2503.20967",
      authors: ["David Wong", "Bin Wang", "Gorkem Durak"], // "A, B and C"
      year: 2025,
      doi: "10.48550/arXiv.2503.20967", // the https://doi.org/ prefix dropped
      journalRef: "Preprint",
    });
    expect(records[1]).toMatchObject({ authors: ["Yiqiao Jin", "Stefano Petrangeli"], categories: ["cs.CL"], year: 2025 }); // "A and B", date
    expect(records[2]).toMatchObject({ categories: ["cs.CL", "cs.AI", "cs.SI"], year: 2025, comments: ["Accepted at a workshop", "8 pages"] });
    expect(records[2]!.authors).toEqual(source[2]!.authors);
  });
});

describe("CSV and TSV", () => {
  it("reads a CSV with a header, quoted multi-line abstracts and every field", async () => {
    const file = join(FORMATS, "papers.csv");
    const { records, skipped, events } = await collect([file]);
    expect(formatOf(events)).toBe("csv");
    expect(skipped).toEqual([]);
    expect(records.map((r) => r.source.line)).toEqual([2, 19]);
    expect(records[0]).toMatchObject({
      sourceId: "2504.01358",
      arxivId: "2504.01358",
      title: "3D Gaussian Inverse Rendering with Approximated Global Illumination",
      authors: ["Zirui Wu", "Jianteng Chen", "Laijian Li", "Shaoteng Wu"],
      categories: ["cs.GR", "cs.CV"],
      year: 2025,
      doi: "10.48550/arXiv.2504.01358",
    });
    expect(records[0]!.abstract).toMatch(/^3D Gaussian Splatting shows great potential in reconstructing photo-realistic\n3D scenes\./);
  });

  it("keeps formula-looking cells as the text they are", async () => {
    const { records } = await collect([join(FORMATS, "papers.csv")]);
    expect(records[0]!.journalRef).toBe("+ICLR 2025 workshop");
    expect(records[0]!.comments).toEqual(['=HYPERLINK("https://example.org/code","code")']);
    expect(records[1]!.comments).toEqual(["-"]);
  });

  it("reads a TSV with capitalised column names, Summary and Last, First; authors", async () => {
    const file = join(FORMATS, "papers.tsv");
    const { records, skipped, events } = await collect([file]);
    expect(formatOf(events)).toBe("tsv");
    expect(skipped).toEqual([]);
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      sourceId: null,
      title: "Crafting Query-Aware Selective Attention for Single Image Super-Resolution",
      authors: ["Junyoung Kim", "Youngrok Kim", "Siyeol Jung"],
      categories: ["cs.CV"],
      year: 2025,
      source: { file, line: 2 },
    });
    expect(records[0]!.abstract.startsWith("Single Image Super-Resolution (SISR) reconstructs")).toBe(true);
  });
});

describe("BibTeX", () => {
  const file = join(FORMATS, "refs.bib");

  it("reads entries with abstracts and counts the one without as skipped", async () => {
    const { records, skipped, events } = await collect([file]);
    expect(formatOf(events)).toBe("bibtex");
    expect(records.map((r) => [r.sourceId, r.source.line])).toEqual([
      ["vaswani2017attention", 5],
      ["balazs2007calculation", 37],
      ["devlin2018bert", 55],
    ]);
    expect(skipped).toEqual([{ file, line: 31, reason: 'entry "doe2020noabstract" has no abstract', kind: "record" }]);
  });

  it("maps key, eprint (arXiv), title, authors, year, doi, venue and primaryClass", async () => {
    const [attention, diphoton, bert] = (await collect([file])).records;
    expect(attention).toMatchObject({
      sourceId: "vaswani2017attention",
      arxivId: "1706.03762",
      title: "Attention Is All You Need",
      authors: ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "Jakob Uszkoreit", "Llion Jones", "Aidan N. Gomez", "Łukasz Kaiser", "Illia Polosukhin"],
      year: 2017,
      doi: "10.48550/arXiv.1706.03762",
      journalRef: "Advances in Neural Information Processing Systems 30", // @string macro # "30"
      categories: ["cs.CL"],
    });
    expect(attention!.abstract).toMatch(/^The dominant sequence transduction models .* limited training data\.$/);
    expect(diphoton).toMatchObject({
      arxivId: null,
      title: "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies",
      authors: ["Csaba Balázs", "Edmond L. Berger", "Pavel M. Nadolsky", "C.-P. Yuan"],
      year: 2007,
      doi: "10.1103/PhysRevD.76.013009",
      journalRef: "Physical Review D",
    });
    // Google Scholar style: the arXiv id in the journal field.
    expect(bert).toMatchObject({ arxivId: "1810.04805", title: "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding", year: 2018 });
  });

  it("strips braces and resolves LaTeX in the displayed text", async () => {
    const [, diphoton, bert] = (await collect([file])).records;
    expect(diphoton!.abstract).toContain("production of massive photon pairs");
    expect(diphoton!.abstract).toContain("quark–antiquark, gluon–(anti)quark, and gluon–gluon");
    expect(diphoton!.abstract).toContain("DØ data at the Large Hadron Collider (LHC) energies.");
    expect(bert!.abstract).toContain("called BERT, which stands for Bidirectional Encoder Representations from Transformers.");
    expect(bert!.abstract).toContain("GLUE score to 80.5% (7.7% point absolute improvement)");
    for (const record of [diphoton!, bert!]) expect(record.abstract).not.toMatch(/[{}\\]/);
  });
});

describe("seed formats", () => {
  it("go through parseSeedText, found by content", async () => {
    const seeds = new URL("../../seeds/", import.meta.url).pathname;
    const { records, skipped, events } = await collect([seeds]);
    expect(skipped).toEqual([]);
    expect(events.filter((e) => e.type === "file").map((e) => (e.type === "file" ? e.input.format : null))).toEqual(Array(5).fill("seeds"));
    expect(records).toHaveLength(34);
  });
});

describe("--field overrides", () => {
  const jsonl = join(FIXTURES, "custom-fields", "openalex-like.jsonl");
  const csv = join(FIXTURES, "custom-fields", "export.csv");

  it("parses NAME=FIELD options and rejects unknown names", () => {
    expect(parseFieldOptions(["abstract=summary", "journal-ref=venue", "date=pub", "published=day"])).toEqual({ abstract: "summary", journalRef: "venue", date: "day" });
    expect(parseFieldOptions(["year=y", "date=pub"])).toEqual({ year: "y", date: "pub" });
    expect(() => parseFieldOptions(["abstrct=summary"])).toThrow(/unknown field "abstrct"/);
    expect(() => parseFieldOptions(["abstract"])).toThrow(/NAME=SOURCE_FIELD/);
  });

  it("reads JSON fields under other names", async () => {
    await expect(readCorpus([jsonl])).rejects.toThrow(/no papers .* 2 records and 0 files skipped; first: .*openalex-like\.jsonl:1: no abstract/);
    const fields = { id: "openalex", title: "display_name", abstract: "abstract_text", authors: "creators", year: "pub_year", categories: "topics" };
    const { papers, skipped } = await readCorpus([jsonl], { fields });
    expect(skipped).toEqual([]);
    expect(papers[0]).toMatchObject({
      id: "W250416658",
      arxivId: null,
      title: "A Time Series Dataset of NIR Spectra and RGB and NIR-HSI Images of the Barley Germination Process",
      authors: ["Ole-Christian Galbo Engstrøm", "Erik Schou Dreier", "Birthe Møller Jespersen", "Kim Steenstrup Pedersen"],
      year: 2025,
      categories: ["cs.CV"],
    });
  });

  it("reads CSV columns under other names", async () => {
    const { papers, skipped } = await readCorpus([csv], { fields: { id: "Key", title: "Headline", abstract: "Body", authors: "Writers" } });
    expect(skipped).toEqual([]);
    expect(papers.map((p) => p.id)).toEqual(["W250416658", "W250416665"]);
    expect(papers[1]!.authors).toEqual(["Wenping Ma", "Boyou Xue"]);
  });

  it("reports a --field naming a column the header lacks", async () => {
    const { skipped } = await collect([csv, jsonl], { fields: { abstract: "Body", doi: "DOI_link" } });
    expect(skipped[0]).toMatchObject({ file: csv, line: 1, kind: "file", reason: expect.stringMatching(/no column "DOI_link" \(from --field doi=DOI_link\)/) });
  });
});

describe("malformed records are skipped with their exact file and line", () => {
  it("JSON Lines: an invalid line, a line without abstract, a non-object, an abstract that is not text", async () => {
    const file = join(MALFORMED, "bad-lines.jsonl");
    const { records, skipped } = await collect([file]);
    expect(skipped.map((s) => [s.line, s.kind])).toEqual([
      [2, "record"],
      [4, "record"],
      [5, "record"],
      [7, "record"],
    ]);
    expect(skipped[0]!.reason).toMatch(/^invalid JSON: /);
    expect(skipped[1]!.reason).toMatch(/^no abstract \(looked for "abstract", "summary", "text"/);
    expect(skipped[2]!.reason).toBe("not a JSON object: an array");
    expect(skipped[3]!.reason).toBe('"summary" is not text');
    // The lines after each bad one are read: 1, 6 and 8 (3 is blank).
    expect(records.map((r) => [r.source.line, r.sourceId])).toEqual([
      [1, "2504.11754"],
      [6, "2504.11773"],
      [8, "2504.11779"],
    ]);
  });

  it("JSON array: an element with a syntax error costs only itself", async () => {
    const file = join(MALFORMED, "bad-element.json");
    const { records, skipped } = await collect([file]);
    expect(skipped).toEqual([{ file, line: 3, kind: "record", reason: expect.stringMatching(/^invalid JSON: /) }]);
    expect(records.map((r) => [r.source.line, r.sourceId])).toEqual([
      [2, "2504.11754"],
      [4, "2504.11763"],
      [5, "2504.11770"],
    ]);
  });

  it("CSV: rows with the wrong number of cells or an empty abstract", async () => {
    const file = join(MALFORMED, "bad-rows.csv");
    const { records, skipped } = await collect([file]);
    expect(skipped).toEqual([
      { file, line: 16, kind: "record", reason: "row has 3 cells, the header has 4" },
      { file, line: 17, kind: "record", reason: expect.stringMatching(/^no abstract/) },
      { file, line: 18, kind: "record", reason: "row has 5 cells, the header has 4" },
    ]);
    expect(records.map((r) => [r.source.line, r.sourceId])).toEqual([
      [2, "2504.11754"],
      [35, "2504.11777"],
    ]);
  });

  it("BibTeX: an entry without abstract is counted; an unclosed brace loses only its entry", async () => {
    const file = join(MALFORMED, "bad-entries.bib");
    const corpus = await readCorpus([file]);
    expect(corpus.skipped).toEqual([
      { file, line: 11, kind: "record", reason: 'entry "goodfellow2016deep" has no abstract' },
      { file, line: 18, kind: "record", reason: "malformed BibTeX entry: a value opened with { is not closed before the next entry (line 21)" },
    ]);
    expect(corpus.papers.map((p) => [p.id, p.arxivId, p.sources[0]!.line])).toEqual([
      ["kingma2014adam", "1412.6980", 1],
      ["he2016deep", null, 25],
    ]);
    expect(corpus.counts).toMatchObject({ records: 2, papers: 2, skippedRecords: 2, skippedFiles: 0 });
  });
});

describe("field helpers", () => {
  it("splits author strings sensibly", () => {
    expect(splitAuthors("A. Smith, B. Jones and C. White")).toEqual(["A. Smith", "B. Jones", "C. White"]);
    expect(splitAuthors("Alice Smith and Bob Jones")).toEqual(["Alice Smith", "Bob Jones"]);
    expect(splitAuthors("Alice Smith, Bob Jones, and Carol White")).toEqual(["Alice Smith", "Bob Jones", "Carol White"]);
    expect(splitAuthors("Vaswani, Ashish and Shazeer, Noam")).toEqual(["Ashish Vaswani", "Noam Shazeer"]);
    expect(splitAuthors("Smith, J.; Doe, K. L.")).toEqual(["J. Smith", "K. L. Doe"]);
    expect(splitAuthors("Smith, J.")).toEqual(["J. Smith"]);
    expect(splitAuthors("E. L. Berger (Argonne), C. Bal\\'azs (Argonne) et al.")).toEqual(["E. L. Berger", "C. Balázs"]);
    expect(authorList([["Bal\\'azs", "C.", ""], ["Yuan", "C. -P.", "Jr"]])).toEqual(["C. Balázs", "C. -P. Yuan Jr"]);
    expect(authorList([{ name: "Ada Lovelace" }, { given: "Alan", family: "Turing" }])).toEqual(["Ada Lovelace", "Alan Turing"]);
  });

  it("finds years and arXiv ids", () => {
    expect(yearOf("Mon, 2 Apr 2007 19:18:42 GMT")).toBe(2007);
    expect(yearOf("2025-03-18")).toBe(2025);
    expect(yearOf(1999)).toBe(1999);
    expect(yearOf([{ version: "v1", created: "Thu, 27 Nov 1997 20:55:21 GMT" }])).toBe(1997);
    expect(yearOf("n.d.")).toBeNull();
    expect(normaliseArxivId("2401.12345v2")).toBe("2401.12345");
    expect(normaliseArxivId("arXiv:hep-th/9711200v3")).toBe("hep-th/9711200");
    expect(normaliseArxivId("https://arxiv.org/abs/1706.03762")).toBe("1706.03762");
    expect(normaliseArxivId("4983")).toBeNull();
  });

  it("resolves LaTeX outside math and leaves math as written", () => {
    expect(latexToText("M{\\\"u}ller, Fran\\c{c}ois and Erd\\H{o}s and {\\o}ystein and Ko\\v{s}ice")).toBe("Müller, François and Erdős and øystein and Košice");
    expect(latexToText("Deep {Bidirectional} \\emph{Transformers} for $\\mathcal{O}(n \\log n)$ \\cite{x} 50\\% \\{set\\}")).toBe(
      "Deep Bidirectional Transformers for $\\mathcal{O}(n \\log n)$ 50% {set}",
    );
    expect(resolveAccents("Schr\\\"odinger with $\\'e$ and {\\em kept}")).toBe("Schrödinger with $\\'e$ and {\\em kept}");
  });
});

function streamOf(text: string): Readable {
  return Readable.from([Buffer.from(text)]);
}
