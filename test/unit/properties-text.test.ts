/**
 * Property-based tests of the plain-text readers (the three seed formats and their detection),
 * of LaTeX to text, and of the whitespace and id normalisation every reader relies on.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { detectFormat } from "../../src/corpus/detect.js";
import { latexToText } from "../../src/corpus/latex.js";
import { abstractId, abstractKey, collapseWhitespace } from "../../src/corpus/paper.js";
import { detectSeedFormat, parseSeedText } from "../../src/corpus/seeds.js";
import { isPapersError } from "../../src/errors.js";
import { bibEscape, text } from "../property-gen.js";

const RUNS = 3000;

/** Pieces of the seed formats, so that random text often looks like one of them. */
const seedPiece = fc.constantFrom(
  "Abstract:", "abstract -", "1. Abstract:", "arXiv:2101.00001", "arXiv:1501.12345v2", "arXiv:hep-th/9901001", " - doi: 10.1109/TAP.2018.2806404",
  " - Journal of Things 2022", "In this paper", "We", "Subscribe", "Sep 16", "12", "upvote", "\n", "\r\n", "\r", "\n\n", ".", " ", "\uFEFF",
);
const seedish = fc.array(fc.oneof(seedPiece, fc.string({ unit: "grapheme", maxLength: 12 })), { maxLength: 60 }).map((parts) => parts.join(""));

function lineCount(input: string): number {
  return input.split(/\r\n|\r|\n/).length;
}

describe("seed formats", () => {
  it("read anything: records with text and a line in the file, or UNRECOGNISED_FORMAT", () => {
    fc.assert(
      fc.property(fc.oneof(seedish, fc.string({ unit: "binary", maxLength: 400 })), (input) => {
        let records;
        try {
          records = parseSeedText(input, "f.txt");
        } catch (error) {
          expect(isPapersError(error) && error.code === "UNRECOGNISED_FORMAT").toBe(true);
          expect(detectSeedFormat(input)).toBeNull();
          return;
        }
        expect(detectSeedFormat(input)).not.toBeNull();
        for (const record of records) {
          expect(record.abstract.trim()).not.toBe("");
          expect(record.source.file).toBe("f.txt");
          expect(record.source.line).toBeGreaterThanOrEqual(1);
          expect(record.source.line).toBeLessThanOrEqual(lineCount(input));
        }
      }),
      { numRuns: RUNS * 2 },
    );
  });

  /** One-line abstracts that do not themselves contain the record marker. */
  const oneLine = text({ lines: false, maxWords: 25 }).filter((t) => t.trim() !== "" && !/abstract|\r|\n|\u2028|\u2029/i.test(t));

  it('"Abstract:" lines: one record per line, text as written, in any line ending', () => {
    fc.assert(
      fc.property(fc.array(oneLine, { minLength: 1, maxLength: 10 }), fc.constantFrom("\n", "\r\n", "\r"), fc.boolean(), (abstracts, eol, bom) => {
        const input = (bom ? "\uFEFF" : "") + abstracts.map((a) => `Abstract: ${a}`).join(eol) + eol;
        const records = parseSeedText(input, "f.txt");
        expect(records.map((r) => [r.source.line, r.abstract])).toEqual(abstracts.map((a, i) => [i + 1, a.trim()]));
      }),
      { numRuns: RUNS },
    );
  });

  /** arXiv ids of both styles; a modern id has 4 digits after the dot until 1412, 5 from 1501. */
  const arxivId = fc.oneof(
    fc.tuple(fc.integer({ min: 7, max: 14 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 9999 })).map(
      ([y, m, n]) => `${String(y).padStart(2, "0")}${String(m).padStart(2, "0")}.${String(n).padStart(4, "0")}`,
    ),
    fc.tuple(fc.integer({ min: 15, max: 29 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 99999 })).map(
      ([y, m, n]) => `${y}${String(m).padStart(2, "0")}.${String(n).padStart(5, "0")}`,
    ),
    fc.integer({ min: 1, max: 9999999 }).map((n) => `hep-th/${String(n).padStart(7, "0")}`),
  );

  it("arXiv listings: each abstract gets the id below it, with the comment lines between", () => {
    const entry = fc.record({
      abstract: oneLine.filter((a) => !/^\s*arxiv:/i.test(a)),
      comments: fc.array(fc.constantFrom("8 pages, 3 figures", "Accepted at a conference", "arXiv admin note: text overlap"), { maxLength: 2 }),
      id: arxivId,
    });
    fc.assert(
      fc.property(fc.uniqueArray(entry, { selector: (e) => e.id, minLength: 1, maxLength: 8 }), (entries) => {
        const input = entries.map((e) => [e.abstract, ...e.comments, `arXiv:${e.id}`].join("\n")).join("\n") + "\n";
        const records = parseSeedText(input, "f.txt");
        expect(records.map((r) => [r.arxivId, r.abstract.trim(), r.comments])).toEqual(entries.map((e) => [e.id, e.abstract.trim(), e.comments]));
      }),
      { numRuns: RUNS },
    );
  });

  it("format detection never throws, whatever the bytes and the file name", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.constantFrom("x", "x.csv", "x.tsv", "x.json", "x.bib", "x.gz"), fc.boolean(), (bytes, name, complete) => {
        const detection = detectFormat(Buffer.from(bytes), name, {}, complete);
        expect("format" in detection || "reason" in detection).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("LaTeX to text", () => {
  it("escaped text reads back as itself: LaTeX's special characters included", () => {
    fc.assert(
      fc.property(fc.oneof(text(), fc.string({ unit: "grapheme", maxLength: 60 })), (plain) => {
        expect(latexToText(bibEscape(plain))).toBe(plain.replace(/\s+/g, " ").trim());
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it("never throws, and never leaks its internal markers", () => {
    const latexish = fc
      .array(fc.oneof(fc.constantFrom("\\", "{", "}", "$", "\\(", "\\)", "\\[", "\\]", "\\emph{", "\\cite{", "\\'", '\\"', "\\c{", "\\toString", "\\constructor{", "~", "--", "``", "''", "%", "\\%"), fc.string({ maxLength: 5 })), { maxLength: 40 })
      .map((parts) => parts.join(""));
    fc.assert(
      fc.property(latexish, (input) => {
        const out = latexToText(input);
        expect(out).not.toMatch(/[\u0000\uE000-\uE003]/);
        expect(out).not.toMatch(/function|native code/);
        expect(out).toBe(out.trim());
      }),
      { numRuns: RUNS * 2 },
    );
  });
});

describe("normalisation", () => {
  it("collapseWhitespace is /\\s+/ → one space, trimmed", () => {
    fc.assert(
      fc.property(fc.oneof(text(), fc.string({ unit: "binary", maxLength: 200 })), (input) => {
        expect(collapseWhitespace(input)).toBe(input.replace(/\s+/g, " ").trim());
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it("a paper's hash id ignores case and spacing, and is 12 hex characters", () => {
    fc.assert(
      fc.property(text(), (input) => {
        const id = abstractId(input);
        expect(id).toMatch(/^[0-9a-f]{12}$/);
        expect(abstractId(`  ${input.toUpperCase().replace(/ /g, "\n ")} `)).toBe(abstractId(input.toUpperCase()));
        expect(abstractKey(input)).toBe(abstractKey(input.toLowerCase()));
      }),
      { numRuns: RUNS },
    );
  });
});
