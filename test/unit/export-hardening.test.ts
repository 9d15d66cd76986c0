/**
 * Issue 27, items 12-16: what an export writes cannot run in a spreadsheet, drive a terminal,
 * make Markdown links or break BibTeX, and author lists read back as the people they name.
 * Pure functions only: exportPapers, papers' own readers (through readCorpus on bytes), pdfPaper.
 */
import { parse as parseRis } from "astrocite-ris";
import { parse as parseCsv } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { splitAuthors } from "../../src/corpus/fields.js";
import { newPaper, type Paper } from "../../src/corpus/paper.js";
import { pdfPaper } from "../../src/corpus/pdf-paper.js";
import { EXPORT_FORMATS, exportPapers, type ExportFormat } from "../../src/export/formats.js";
import { plainText } from "../../src/cli/format.js";
import { readBytes } from "../property-gen.js";

/** Any control character but the line breaks a format itself writes. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

function paper(fields: Partial<Paper> & { id: string }): Paper {
  return newPaper({ abstract: `The abstract of ${fields.id}, long enough to be a paper.`, sources: [{ file: "x.jsonl", line: 1 }], ...fields });
}

/** The papers an export gives back when papers reads it again. */
async function readBack(papers: Paper[], format: ExportFormat): Promise<Paper[]> {
  return (await readBytes(exportPapers(papers, format))).papers;
}

describe("CSV export: formula injection (item 12)", () => {
  const formulas = paper({
    id: "=1+1",
    title: '=HYPERLINK("https://evil.example","click")',
    authors: ["+Mallory Formula", "Eve Normal"],
    doi: "-10.1/x",
    journalRef: "@SUM(A1:A9)",
    categories: ["=cs.CR"],
    abstract: "=cmd|' /C calc'!A0 is how a cell runs a program.",
  });

  it("puts OWASP's ' before every text cell that starts = + - @, so no cell is a formula", () => {
    const [header, row] = parseCsv(exportPapers([formulas], "csv")) as string[][];
    expect(header).toContain("abstract");
    for (const cell of row!) expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(row).toEqual(expect.arrayContaining(["'=1+1", `'=HYPERLINK("https://evil.example","click")`, "'+Mallory Formula; Eve Normal", "'-10.1/x", "'@SUM(A1:A9)", "'=cs.CR"]));
  });

  it("reads papers' own CSV back without the marks, a ' of the text itself included", async () => {
    const quoted = paper({ id: "q-1", title: "'=already quoted", abstract: "''+twice quoted abstract that stays as it was." });
    const [back, backQuoted] = await readBack([formulas, quoted], "csv");
    expect(back).toMatchObject({ id: formulas.id, title: formulas.title, doi: formulas.doi, journalRef: formulas.journalRef, abstract: formulas.abstract, authors: formulas.authors });
    expect(backQuoted).toMatchObject({ title: quoted.title, abstract: quoted.abstract });
  });

  it("keeps a leading ' in a CSV papers did not write", async () => {
    const [read] = (await readBytes("id,title,abstract\nx-1,'=kept,An abstract that is long enough.\n")).papers;
    expect(read!.title).toBe("'=kept");
  });
});

const EVIL = paper({
  id: "evil-\u001b[1m1",
  title: "Evil \u001b[31mRED \u001b]0;pwned\u0007 \u009b31m C1 \u007f del",
  abstract: "An abstract \u001b]52;c;cGF5bG9hZA==\u0007 that \u001b[H moves the cursor \u0090 and NUL \u0000 here.",
  authors: ["Mallory \u001b[8m Hidden"],
  categories: ["cs.\u001bCR"],
  comments: ["\u001b[?1049h alternate screen"],
  doi: "10.1/\u001b[5m",
  journalRef: "J \u009b2J",
});

describe("control characters (item 13)", () => {
  it.each(EXPORT_FORMATS)("--format %s writes none to the terminal", (format) => {
    expect(exportPapers([EVIL], format)).not.toMatch(CONTROL);
  });

  it("text formats neutralise them as human output does (plainText), and drop NUL", () => {
    for (const format of ["ris", "csv"] as const) {
      const out = exportPapers([EVIL], format);
      expect(out, format).toContain(plainText("Evil \u001b[31mRED \u001b]0;pwned\u0007 \u009b31m C1 \u007f del"));
      expect(out, format).toMatch(/NUL +here/);
    }
  });

  it("JSON formats keep every field exactly", () => {
    for (const format of ["json", "csl-json"] as const) expect(JSON.parse(exportPapers([EVIL], format))[0].title).toBe(EVIL.title);
    expect(JSON.parse(exportPapers([EVIL], "jsonl")).abstract).toBe(EVIL.abstract);
  });
});

describe("Markdown injection (item 14)", () => {
  const evilDoi = "10.1000/x) [pwn](javascript:alert(1)";

  it("percent-encodes the link target, so a DOI cannot close the link and open another", () => {
    const md = exportPapers([paper({ id: "d-1", title: "Evil DOI", doi: evilDoi })], "markdown");
    // A link is `](` after a bracket that is not backslash-escaped.
    const links = [...md.matchAll(/(?<!\\)\]\(([^)\s]*)\)/g)].map((m) => m[1]);
    expect(links).toEqual(["https://doi.org/10.1000/x%29%20%5Bpwn%5D%28javascript:alert%281%29"]);
    expect(md).toContain("doi:10.1000/x) \\[pwn\\](javascript:alert(1)");
  });

  it("keeps each paper one list item: blank lines in a title or abstract are collapsed", () => {
    const papers = [
      paper({ id: "t-1", title: "A title\n\nwith a blank line\n\n2. and a fake item", abstract: "First paragraph.\n\n# Heading\n\n- list\n> quote" }),
      paper({ id: "t-2", title: "Next", authors: ["A\n\nB"] }),
    ];
    const md = exportPapers(papers, "markdown");
    const entries = md.split("\n\n").filter((block) => /^\d+\. /.test(block));
    expect(entries.map((e) => e.split(" ")[0])).toEqual(["1.", "2."]);
    expect(md.match(/^\d+\. /gm)).toEqual(["1. ", "2. "]);
    expect(md).toContain("**A title with a blank line 2. and a fake item**");
    expect(md).toContain("   > First paragraph. \\# Heading - list \\> quote\n");
  });

  it("writes an id with backticks as a code span they cannot end", () => {
    const md = exportPapers([paper({ id: "a`b``c", title: "T" })], "markdown");
    expect(md).toContain("id ```a`b``c```");
  });
});

describe("BibTeX re-import (item 15)", () => {
  it("escapes a DOI with braces in every field, url included, and reads it back", async () => {
    const doi = "10.1000/a}{b\\c%d";
    const bib = exportPapers([paper({ id: "b-1", title: "Braces", doi })], "bibtex");
    expect(bib).toContain("url = {https://doi.org/10.1000/a%7D%7Bb%5Cc%25d}");
    const [back] = await readBack([paper({ id: "b-1", title: "Braces", doi })], "bibtex");
    expect(back).toMatchObject({ id: "b-1", title: "Braces", doi });
  });

  it("strips NUL, so one NUL does not make the .bib binary data", async () => {
    const bib = exportPapers([paper({ id: "n-1", title: "Null\u0000 title" })], "bibtex");
    expect(bib).not.toContain("\u0000");
    const [back] = await readBack([paper({ id: "n-1", title: "Null\u0000 title" })], "bibtex");
    expect(back).toMatchObject({ id: "n-1", title: "Null title" });
  });

  it("escapes an arXiv id in eprint and url", () => {
    const bib = exportPapers([paper({ id: "e-1", arxivId: "2401.0}{1" })], "bibtex");
    expect(bib).toContain("eprint = {2401.0\\}\\{1}");
    expect(bib).toContain("url = {https://arxiv.org/abs/2401.0%7D%7B1}");
  });
});

describe("authors (item 16)", () => {
  it("PDF metadata 'Lovelace, Ada; Babbage, Charles' is two people", () => {
    const line = (text: string, size: number, y: number) => ({ text, size, x: 72, y, page: 1 });
    const lines = [line("A Paper About Engines", 18, 700), line("Abstract", 10, 650), ...Array.from({ length: 6 }, (_, i) => line(`We study the analytical engine and its programs, line ${i + 1} of the abstract.`, 10, 630 - i * 12))];
    const read = pdfPaper({ pages: 1, lines, info: { Author: "Lovelace, Ada; Babbage, Charles" }, marginText: "" });
    expect(read.authors).toEqual(["Ada Lovelace", "Charles Babbage"]);
  });

  it("one 'Last, First M.' alone is one person", () => {
    expect(splitAuthors("Knuth, Donald E.")).toEqual(["Donald E. Knuth"]);
    expect(splitAuthors("Lovelace, Ada King")).toEqual(["Ada King Lovelace"]);
    expect(splitAuthors("van der Berg, Jean-Pierre")).toEqual(["Jean-Pierre van der Berg"]);
    expect(splitAuthors("Smith, Jr., John")).toEqual(["John Smith Jr."]);
    expect(splitAuthors("Knuth, Donald E. and Lovelace, Ada")).toEqual(["Donald E. Knuth", "Ada Lovelace"]);
    // A family name alone and a full name stay two people.
    expect(splitAuthors("Plato, B. Jones")).toEqual(["Plato", "B. Jones"]);
  });

  it("keeps '(1+1)' in a name, and drops only affiliations and footnote marks", () => {
    expect(splitAuthors("The (1+1) Evolution Team")).toEqual(["The (1+1) Evolution Team"]);
    expect(splitAuthors("A. Author (1 and 2), B. Author (2) ((1) Argonne, (2) CERN)")).toEqual(["A. Author", "B. Author"]);
    expect(splitAuthors("E. L. Berger (Argonne), C. Bal\\'azs (*)")).toEqual(["E. L. Berger", "C. Balázs"]);
  });

  it("CSV round trip keeps 'Knuth, Donald E.' one person and '(1+1)' in a name", async () => {
    const [knuth, team, both] = await readBack(
      [paper({ id: "k-1", authors: ["Knuth, Donald E."] }), paper({ id: "k-2", authors: ["The (1+1) Evolution Team"] }), paper({ id: "k-3", authors: ["Knuth, Donald E.", "The (1+1) Evolution Team"] })],
      "csv",
    );
    expect(knuth!.authors).toEqual(["Donald E. Knuth"]);
    expect(team!.authors).toEqual(["The (1+1) Evolution Team"]);
    expect(both!.authors).toEqual(["Donald E. Knuth", "The (1+1) Evolution Team"]);
  });

  it("CSL-JSON and BibTeX keys take the family name of 'Knuth, Donald E.' as Knuth", () => {
    const knuth = paper({ id: "c-1", title: "Literate programming", year: 1984, authors: ["Knuth, Donald E.", "Smith, Jr., John"] });
    const [item] = JSON.parse(exportPapers([knuth], "csl-json"));
    expect(item.author).toEqual([{ family: "Knuth", given: "Donald E." }, { family: "Smith", given: "John", suffix: "Jr." }]);
    expect(exportPapers([knuth], "bibtex")).toMatch(/^@misc\{knuth1984literate,$/m);
  });

  it("RIS writes 'Knuth, Donald E.' as one AU", () => {
    const [item] = parseRis(exportPapers([paper({ id: "r-1", authors: ["Knuth, Donald E.", "Ada Lovelace"] })], "ris")) as unknown as { author: { family: string; given: string }[] }[];
    expect(item!.author).toEqual([{ family: "Knuth", given: "Donald E." }, { family: "Lovelace", given: "Ada" }]);
  });
});
