import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { parse as parseRis } from "astrocite-ris";
import { parse as parseCsv } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { readCorpus } from "../src/corpus/read-corpus.js";
import { bibtexKeys } from "../src/export/bibtex.js";
import { exportPapers, type ExportItem, type Paper } from "../src/papers.js";
import { REPO, runCli, tempDir } from "./helpers.js";

const TRICKY = join(REPO, "test", "fixtures", "export-tricky.jsonl");
const ARXIV = join(REPO, "..", "shared", "data", "arxiv-cs-listings", "papers.jsonl.gz");
const ARXIV_FALLBACK = "/work/shared/data/arxiv-cs-listings/papers.jsonl.gz";

/** The fields a round trip must keep. */
const same = (p: Paper) => ({ id: p.id, title: p.title, abstract: p.abstract, authors: p.authors, year: p.year, arxivId: p.arxivId, doi: p.doi, journalRef: p.journalRef });

async function papersOf(path: string): Promise<Paper[]> {
  return (await readCorpus([path], {})).papers;
}

/** The first n real arXiv records, when the shared data is there (it is on CI). */
function arxivSample(dir: string, n: number): string | null {
  const source = [ARXIV, ARXIV_FALLBACK].find((p) => existsSync(p));
  if (!source) return null;
  const lines = gunzipSync(readFileSync(source)).toString("utf8").split("\n").slice(0, n);
  const file = join(dir, "arxiv-sample.jsonl");
  writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

describe("BibTeX export", () => {
  it("round-trips through papers list --format bibtex, papers index and papers list", () => {
    const dir = tempDir();
    const first = join(dir, "first");
    const second = join(dir, "second");
    expect(runCli(["--index", first, "index", TRICKY]).status).toBe(0);
    const bib = runCli(["--index", first, "list", "--format", "bibtex"]);
    expect(bib.status).toBe(0);
    writeFileSync(join(dir, "out.bib"), bib.stdout);
    const indexed = runCli(["--index", second, "index", join(dir, "out.bib"), "--json"]);
    expect(indexed.status, indexed.stderr).toBe(0);
    expect(JSON.parse(indexed.stdout).skipped).toBe(0);
    const before = JSON.parse(runCli(["--index", first, "list", "--json"]).stdout) as Paper[];
    const after = JSON.parse(runCli(["--index", second, "list", "--json"]).stdout) as Paper[];
    expect(after.map(same).sort((a, b) => a.id.localeCompare(b.id))).toEqual(before.map(same).sort((a, b) => a.id.localeCompare(b.id)));
    expect(before.length).toBe(5);
  });

  it("keeps the text, authors and ids of 2,000 real arXiv abstracts exactly", async () => {
    const dir = tempDir();
    const sample = arxivSample(dir, 2000);
    if (!sample) return;
    const papers = await papersOf(sample);
    writeFileSync(join(dir, "all.bib"), exportPapers(papers, "bibtex"));
    const back = await papersOf(join(dir, "all.bib"));
    expect(back.map(same)).toEqual(papers.map(same));
  });

  it("writes arXiv ids as eprint with archivePrefix, the DOI, journal and year", async () => {
    const [paper] = await papersOf(TRICKY);
    const bib = exportPapers([paper!], "bibtex");
    expect(bib).toMatch(/^@article\{lovelace2024sub,$/m);
    expect(bib).toContain("eprint = {2401.00001}");
    expect(bib).toContain("archivePrefix = {arXiv}");
    expect(bib).toContain("doi = {10.1234/abcd.5678}");
    expect(bib).toContain("journal = {J. Sorting 12 (2024) 1-{}-10}");
    expect(bib).toContain("year = {2024}");
    expect(bib).toContain("author = {Lovelace, Ada King and Müller, José and Berg, Jean-Pierre van der and Plato and {Smith, Jr., John}}");
  });

  it("gives unique keys that depend on the ids, not on the order of the list", async () => {
    const papers = await papersOf(TRICKY);
    const keys = bibtexKeys(papers);
    const reversed = bibtexKeys([...papers].reverse());
    expect([...keys.values()].length).toBe(new Set(keys.values()).size);
    expect(Object.fromEntries(reversed)).toEqual(Object.fromEntries(keys));
    // Three papers share lovelace2024sort…: the one with the smallest id gets "a".
    expect(keys.get("2401.00002")).toBe("lovelace2024sortinga");
    expect(keys.get("2401.00003")).toBe("lovelace2024sortingb");
  });
});

describe("RIS and CSL-JSON export", () => {
  it("RIS parses with astrocite-ris, which did not write it, to the same papers", async () => {
    const papers = await papersOf(TRICKY);
    const items = parseRis(exportPapers(papers, "ris")) as unknown as Record<string, any>[];
    expect(items.map((i) => i.id)).toEqual(papers.map((p) => p.id));
    items.forEach((item, i) => {
      const paper = papers[i]!;
      expect(item.title ?? null).toBe(paper.title);
      expect(item.abstract).toBe(paper.abstract);
      const names = (item.author ?? []).map((a: any) => [a.given, a.family].filter(Boolean).join(" "));
      expect(names.length).toBe(paper.authors.length);
      paper.authors.forEach((name, n) => {
        if (!name.includes(",")) expect(names[n]).toBe(name);
      });
      expect(item.issued ? Number(item.issued["date-parts"][0][0]) : null).toBe(paper.year);
      expect(item.DOI ?? null).toBe(paper.doi);
    });
  });

  it("CSL-JSON renders with citeproc-js: every paper's title and year in the bibliography", async () => {
    const papers = await papersOf(TRICKY);
    const items = JSON.parse(exportPapers(papers, "csl-json")) as { id: string }[];
    const CSL = createRequire(import.meta.url)("citeproc");
    const sys = { retrieveLocale: () => LOCALE, retrieveItem: (id: string) => items.find((item) => item.id === id) };
    const engine = new CSL.Engine(sys, STYLE);
    engine.setOutputFormat("text");
    engine.updateItems(items.map((item) => item.id));
    const [, entries] = engine.makeBibliography() as [unknown, string[]];
    expect(entries.length).toBe(papers.length);
    for (const paper of papers) {
      const entry = entries.find((e) => e.includes(paper.title ?? "(no title)"));
      if (paper.title) expect(entry, paper.title).toBeDefined();
      if (paper.year !== null && entry) expect(entry).toContain(String(paper.year));
    }
  });
});

describe("CSV, JSON lines and Markdown export", () => {
  it("CSV parses back to the same ids, titles, abstracts and scores", async () => {
    const papers: ExportItem[] = (await papersOf(TRICKY)).map((p, i) => ({ ...p, score: 1 / (i + 1) }));
    const rows = parseCsv(exportPapers(papers, "csv"), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.id, r.title || null, r.abstract, Number(r.score)])).toEqual(papers.map((p) => [p.id, p.title, p.abstract, Math.round(p.score! * 1e4) / 1e4]));
  });

  it("JSON lines: one object per line with every --json field and the score", async () => {
    const papers: ExportItem[] = (await papersOf(TRICKY)).map((p) => ({ ...p, score: 0.5 }));
    const lines = exportPapers(papers, "jsonl").trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.id, l.score, l.authors])).toEqual(papers.map((p) => [p.id, 0.5, p.authors]));
  });

  it("Markdown escapes markup in titles and links arXiv papers", async () => {
    const papers = await papersOf(TRICKY);
    const md = exportPapers(papers, "markdown");
    expect(md).toContain("[Sub-$O(n \\\\log n)$ sorting -- with {braces} & 100% of the\\_underscores](https://arxiv.org/abs/2401.00001)");
    expect(md.match(/^\d+\. \*\*/gm)?.length).toBe(papers.length);
  });
});

const LOCALE = `<?xml version="1.0" encoding="utf-8"?>
<locale xmlns="http://purl.org/net/xbiblio/csl" version="1.0" xml:lang="en-US">
  <terms><term name="and">and</term><term name="et-al">et al.</term><term name="no date" form="short">n.d.</term></terms>
</locale>`;

const STYLE = `<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>test</title><id>test</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography>
    <layout>
      <names variable="author"><name/></names>
      <date variable="issued" prefix=" (" suffix=")"><date-part name="year"/></date>
      <text variable="title" prefix=". "/>
      <text variable="container-title" prefix=". "/>
      <text variable="DOI" prefix=". doi:"/>
      <text variable="abstract" prefix=". "/>
    </layout>
  </bibliography>
</style>`;
