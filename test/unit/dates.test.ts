/**
 * Issue 23 part 2, every paper has a day: the readers' dates (JSON, CSV, BibTeX, the arXiv
 * snapshot's versions, Zotero's stored form, arXiv records), cleanPaper keeping only real days,
 * and since/until checked as the library takes them. Fast tier: temporary files, no model (a
 * Zotero library read whole, with its dates, is test/zotero.test.ts).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { arxivPaper } from "../../src/arxiv/record.js";
import { cleanDay, monthOf, parseDay, zoteroDay } from "../../src/corpus/dates.js";
import { cleanPaper, newPaper } from "../../src/corpus/paper.js";
import { readCorpus } from "../../src/corpus/read-corpus.js";
import { checkFilter, dayBound, dayRange } from "../../src/ranking/filter.js";
import { tempDir } from "../helpers.js";

const FORMATS = new URL("../fixtures/formats/", import.meta.url).pathname;
const ABSTRACT = "We study a problem in some depth and report what we found about it here.";

/** The papers read from one file of this text, by id: [year, date]. */
async function datesOf(name: string, text: string): Promise<Record<string, [number | null, string | null]>> {
  const file = join(tempDir(), name);
  writeFileSync(file, text);
  const { papers } = await readCorpus([file]);
  return Object.fromEntries(papers.map((p) => [p.id, [p.year, p.date]]));
}

describe("days as sources write them", () => {
  it("reads ISO days and timestamps, RFC 2822, and day-month-year in words; a month or a year alone is no day", () => {
    expect(parseDay("2024-03-18")).toBe("2024-03-18");
    expect(parseDay("2024-3-8")).toBe("2024-03-08");
    expect(parseDay("2024-03-18T23:59:59Z")).toBe("2024-03-18");
    expect(parseDay("2024/03/18")).toBe("2024-03-18");
    // arXiv's snapshot: the day as written, not moved to the reader's time zone.
    expect(parseDay("Mon, 2 Apr 2007 19:18:42 GMT")).toBe("2007-04-02");
    expect(parseDay("Sat, 31 Dec 2005 23:59:59 GMT")).toBe("2005-12-31");
    expect(parseDay("2 April 2007")).toBe("2007-04-02");
    expect(parseDay("April 2, 2007")).toBe("2007-04-02");
    expect(parseDay("Sept. 9 2001")).toBe("2001-09-09");
    for (const none of ["2024-03", "2024", "March 2024", "2024-02-30", "2023-02-29", "2024-13-01", "Foo 2 2007", "", "yesterday", 20240318, null]) {
      expect(parseDay(none), String(none)).toBeNull();
    }
    expect(parseDay("2024-02-29")).toBe("2024-02-29");
  });

  it("reads months by number, name and abbreviation", () => {
    expect(["jan", "January", "1", "01", "JAN.", "sep", "Sept", "september", "12"].map(monthOf)).toEqual([1, 1, 1, 1, 1, 9, 9, 9, 12]);
    expect(["0", "13", "ja", "Janus", "", "mayday"].map(monthOf)).toEqual([null, null, null, null, null, null]);
  });

  it("reads Zotero's stored form: a day when year, month and day are all given", () => {
    expect(zoteroDay("2001-12-18 2001-12-18")).toBe("2001-12-18");
    expect(zoteroDay("2024-06-12 June 12, 2024")).toBe("2024-06-12");
    expect(zoteroDay("2021-03-00 March 2021")).toBeNull();
    expect(zoteroDay("1982-00-00 1982")).toBeNull();
    expect(zoteroDay("0000-00-00 Spring")).toBeNull();
    expect(zoteroDay("12 June 2024")).toBe("2024-06-12");
  });

  it("cleanPaper keeps a real day only, and takes the year from it when the paper has none", () => {
    const paper = (fields: object) => cleanPaper(newPaper({ id: "x", abstract: ABSTRACT, sources: [], ...fields }));
    expect(paper({ date: "2024-03-18" })).toMatchObject({ date: "2024-03-18", year: 2024 });
    expect(paper({ date: "2024-03-18", year: 2023 })).toMatchObject({ date: "2024-03-18", year: 2023 });
    expect(paper({ date: "2024-02-30" })).toMatchObject({ date: null, year: null });
    expect(paper({ date: "2024-03", year: 2024 })).toMatchObject({ date: null, year: 2024 });
    expect(paper({ date: "2024-03-18\u0000" })).toMatchObject({ date: null });
    expect(paper({ date: undefined })).toMatchObject({ date: null });
    expect(cleanDay("2024-03-18")).toBe("2024-03-18");
  });
});

describe("the readers' dates", () => {
  it("JSON: a date or published field, a year kept when the date has no day", async () => {
    const lines = [
      { id: "a", abstract: ABSTRACT + " a", date: "2024-03-18" },
      { id: "b", abstract: ABSTRACT + " b", published: "2023-11-02T10:00:00Z" },
      { id: "c", abstract: ABSTRACT + " c", date: "2024-03" },
      { id: "d", abstract: ABSTRACT + " d", year: 2019, date: "2020-01-05" },
      { id: "e", abstract: ABSTRACT + " e", publication_date: "5 May 2015" },
      { id: "f", abstract: ABSTRACT + " f", year: 2001 },
    ];
    expect(await datesOf("p.jsonl", lines.map((l) => JSON.stringify(l)).join("\n"))).toEqual({
      a: [2024, "2024-03-18"],
      b: [2023, "2023-11-02"],
      c: [2024, null],
      d: [2019, "2020-01-05"],
      e: [2015, "2015-05-05"],
      f: [2001, null],
    });
  });

  it("CSV: a date or published column", async () => {
    const csv = `id,abstract,date,published\na,"${ABSTRACT} a",2024-03-18,\nb,"${ABSTRACT} b",,2022-07-09\nc,"${ABSTRACT} c",2021,\n`;
    expect(await datesOf("p.csv", csv)).toEqual({ a: [2024, "2024-03-18"], b: [2022, "2022-07-09"], c: [2021, null] });
  });

  it("BibTeX: date, or year with month (macro, name or number) and day", async () => {
    const entry = (key: string, fields: string) => `@article{${key},\n  abstract = {${ABSTRACT} ${key}},\n  ${fields}\n}\n`;
    const bib = [
      entry("macro", "year = 2020, month = jan, day = 5"),
      entry("name", "year = {2020}, month = {February}, day = {29}"),
      entry("number", "year = 2021, month = 3, day = {07}"),
      entry("date", "date = {2019-08-14}"),
      entry("published", "published = {2018-08-14}, year = 2018"),
      entry("monthonly", "year = 2022, month = may"),
      entry("noday", "year = 2021, month = feb, day = 30"),
      entry("range", "date = {2019-08}"),
    ].join("\n");
    expect(await datesOf("p.bib", bib)).toEqual({
      macro: [2020, "2020-01-05"],
      name: [2020, "2020-02-29"],
      number: [2021, "2021-03-07"],
      date: [2019, "2019-08-14"],
      published: [2018, "2018-08-14"],
      monthonly: [2022, null],
      noday: [2021, null],
      range: [2019, null],
    });
  });

  it("the arXiv metadata snapshot: the first version's day, never the last update", async () => {
    const { papers } = await readCorpus([join(FORMATS, "arxiv-snapshot.json")]);
    expect(papers.map((p) => [p.id, p.year, p.date])).toEqual([
      ["0704.0001", 2007, "2007-04-02"],
      ["hep-th/9711200", 1997, "1997-11-27"],
      ["1706.03762", 2017, "2017-06-12"],
    ]);
  });

  it("arXiv records: the day of the first version", () => {
    const record = { id: "2404.09336", title: "T", abstract: ABSTRACT, authors: [], categories: ["cs.CL"], comments: null, journalRef: null, doi: null, license: null, created: "2024-04-14", updated: "2024-05-01", sets: [] };
    expect(arxivPaper(record as unknown as Parameters<typeof arxivPaper>[0], { file: "oai", line: 1 })).toMatchObject({ year: 2024, date: "2024-04-14" });
    expect(arxivPaper({ ...record, created: null } as unknown as Parameters<typeof arxivPaper>[0], { file: "oai", line: 1 })).toMatchObject({ year: null, date: null });
  });

});

describe("since and until", () => {
  it("take days, months and years as the first or last day of their span", () => {
    expect(dayBound("2024-03-18", "since")).toBe("2024-03-18");
    expect(dayBound(" 2024-03-18 ", "until")).toBe("2024-03-18");
    expect(dayBound("2024-02", "since")).toBe("2024-02-01");
    expect(dayBound("2024-02", "until")).toBe("2024-02-29");
    expect(dayBound("2023-02", "until")).toBe("2023-02-28");
    expect(dayBound("2024", "since")).toBe("2024-01-01");
    expect(dayBound("2024", "until")).toBe("2024-12-31");
    expect(dayRange({ since: "2024-03" })).toEqual(["2024-03-01", null]);
    expect(dayRange({ until: "2024" })).toEqual([null, "2024-12-31"]);
    expect(dayRange({ since: "2024-03-18", until: "2024-03-18" })).toEqual(["2024-03-18", "2024-03-18"]);
    expect(dayRange({ years: [2020, null] })).toBeUndefined();
  });

  it("refuse what is no day, and an empty range, as BAD_OPTION", () => {
    for (const since of ["2024-02-30", "2024-13", "2024-00", "24-03-18", "2024-3-18", "yesterday", "", "0999", "2024..2025", "2024-03-18T00:00"]) {
      expect(() => checkFilter({ since }), since).toThrow(expect.objectContaining({ code: "BAD_OPTION", message: expect.stringMatching(/^since must be a day such as 2024-03-18/) }));
    }
    expect(() => checkFilter({ until: "2024-02-30" })).toThrow(expect.objectContaining({ code: "BAD_OPTION", message: expect.stringMatching(/^until must be a day/) }));
    expect(() => checkFilter({ since: "2024-05", until: "2024-04-30" })).toThrow(expect.objectContaining({ code: "BAD_OPTION", message: expect.stringMatching(/comes after until/) }));
    expect(() => checkFilter({ since: "2024-04-30", until: "2024-04" })).not.toThrow();
  });
});
