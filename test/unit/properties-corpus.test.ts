/**
 * Property-based tests of the structured readers (JSON Lines, JSON arrays, CSV, TSV, BibTeX)
 * through readCorpus, as `papers index -` reads them: generated papers written the way an
 * exporter would come back with the same fields; generated junk mixed in is skipped with its
 * line and counted; and no input at all makes the reader throw anything but a documented error.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { collapseWhitespace } from "../../src/corpus/paper.js";
import type { Corpus } from "../../src/corpus/read-corpus.js";
import {
  nonBlankText,
  paper,
  papers,
  plainId,
  readBytes,
  readOrCode,
  toBibtex,
  toCsv,
  toJsonArray,
  toJsonLines,
  type GenPaper,
} from "../property-gen.js";

/** Invariants of every corpus, whatever went in: each record read is in exactly one paper's sources. */
function checkAccounting(corpus: Corpus): void {
  const { counts, papers: out, skipped, inputs } = corpus;
  expect(counts.records).toBe(counts.papers + counts.merged + counts.replaced);
  expect(counts.papers).toBe(out.length);
  expect(inputs.reduce((sum, input) => sum + input.records, 0)).toBe(counts.records);
  expect(out.reduce((sum, p) => sum + p.sources.length, 0)).toBe(counts.records);
  expect(skipped.filter((s) => s.kind === "record")).toHaveLength(counts.skippedRecords);
  expect(skipped.filter((s) => s.kind === "file")).toHaveLength(counts.skippedFiles);
  expect(skipped.filter((s) => s.kind === "replaced")).toHaveLength(counts.replaced);
  expect(new Set(out.map((p) => p.id.toLowerCase())).size).toBe(out.length);
  for (const p of out) {
    expect(p.id).not.toBe("");
    expect(p.abstract.trim()).not.toBe("");
    for (const source of p.sources) expect(Number.isInteger(source.line) && source.line >= 1).toBe(true);
  }
  for (const s of skipped) {
    expect(s.line === null || (Number.isInteger(s.line) && s.line >= 1)).toBe(true);
    expect(s.reason).not.toBe("");
  }
}

/** What reading back must give for each generated paper. */
function expected(p: GenPaper) {
  return { id: p.id, title: collapseWhitespace(p.title), abstract: collapseWhitespace(p.abstract), year: p.year, doi: p.doi };
}

function fieldsOf(corpus: Corpus) {
  return corpus.papers.map((p) => ({ id: p.id, title: p.title, abstract: p.abstract, year: p.year, doi: p.doi }));
}

/** Runs of each property; the cheap ones run thousands of times. */
const RUNS = 1000;

describe("round trips: generated papers written out and read back", () => {
  const writers: [string, (list: GenPaper[]) => string, string][] = [
    ["JSON Lines", (list) => toJsonLines(list), "jsonl"],
    ["JSON Lines with CRLF and a BOM", (list) => `\uFEFF${toJsonLines(list, "\r\n")}`, "jsonl"],
    ["a JSON array", toJsonArray, "json"],
    ["CSV", (list) => toCsv(list), "csv"],
    ["CSV with semicolons and LF", (list) => `\uFEFF${toCsv(list, ";", "\n")}`, "csv"],
    ["TSV", (list) => toCsv(list, "\t"), "tsv"],
    ["BibTeX", toBibtex, "bibtex"],
  ];
  for (const [name, write, format] of writers) {
    it(`keeps every field of every paper in ${name}`, async () => {
      await fc.assert(
        fc.asyncProperty(papers({ maxLength: 6 }), async (list) => {
          const corpus = await readBytes(write(list));
          expect(corpus.inputs[0]!.format).toBe(format);
          expect(fieldsOf(corpus)).toEqual(list.map(expected));
          expect(corpus.skipped).toEqual([]);
          expect(corpus.counts).toMatchObject({ records: list.length, papers: list.length, merged: 0, replaced: 0 });
          checkAccounting(corpus);
        }),
        { numRuns: RUNS },
      );
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Junk mixed in: every line (row, entry) in is a paper, or skipped with its line

/** A JSON Lines line that is not a paper, and why readers must skip it. */
const badJsonLine = fc.oneof(
  fc.constant("{"),
  fc.constant('{"abstract": "unterminated'),
  fc.constant("[1, 2, 3]"),
  fc.constant("42"),
  fc.constant('"just a string"'),
  fc.constant("null"),
  fc.constant('{"title": "no abstract here"}'),
  fc.constant('{"abstract": "   "}'),
  fc.constant('{"abstract": 12}'),
  fc.constant('{"abstract": ["a list"]}'),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== "" && !s.trim().startsWith("{")),
);

type Line = { kind: "paper"; paper: GenPaper } | { kind: "bad"; text: string } | { kind: "blank"; text: string };

function isObject(line: string): boolean {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

const jsonLine: fc.Arbitrary<Line> = fc.oneof(
  { weight: 3, arbitrary: paper().map((p) => ({ kind: "paper" as const, paper: p })) },
  { weight: 2, arbitrary: badJsonLine.map((text) => ({ kind: "bad" as const, text })) },
  { weight: 1, arbitrary: fc.constantFrom("", "   ", "\t").map((text) => ({ kind: "blank" as const, text })) },
);

describe("nothing lost silently", () => {
  it("JSON Lines: each non-blank line is a paper's source or a skipped record at that line", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(jsonLine, { minLength: 1, maxLength: 20 }), fc.constantFrom("\n", "\r\n"), async (lines, eol) => {
        // Unique ids, so that no two good lines merge (merging has its own property).
        const seen = new Set<string>();
        const kept = lines.filter((l) => l.kind !== "paper" || (!seen.has(l.paper.id) && seen.add(l.paper.id)));
        const text = kept.map((l) => (l.kind === "paper" ? JSON.stringify(l.paper) : l.text) + eol).join("");
        const result = await readOrCode(text);
        const good = kept.flatMap((l, i) => (l.kind === "paper" ? [i + 1] : []));
        const nonBlank = kept.flatMap((l, i) => (l.kind === "blank" ? [] : [i + 1]));
        if (typeof result === "string") {
          // Refused out loud, with a documented error: a file with no paper in it, or one that is
          // mostly not JSON, so that it is not recognised as JSON Lines at all.
          const head = kept.filter((l) => l.kind !== "blank").slice(0, 20);
          const objects = head.filter((l) => l.kind === "paper" || isObject(l.text)).length;
          expect(good.length === 0 || objects * 2 < head.length).toBe(true);
          return;
        }
        checkAccounting(result);
        const sourceLines = result.papers.flatMap((p) => p.sources.map((s) => s.line));
        const skippedLines = result.skipped.filter((s) => s.kind === "record").map((s) => s.line!);
        expect(sourceLines.sort((a, b) => a - b)).toEqual(good);
        expect([...sourceLines, ...skippedLines].sort((a, b) => a - b)).toEqual(nonBlank);
      }),
      { numRuns: RUNS },
    );
  });

  it("CSV: each row is a paper or skipped at the line it starts on, multi-line cells included", async () => {
    const row = fc.oneof(
      { weight: 3, arbitrary: paper().map((p) => ({ ok: true, cells: [p.id, p.title, p.abstract] })) },
      { weight: 1, arbitrary: fc.tuple(plainId, nonBlankText()).map(([id, t]) => ({ ok: false, cells: [id, t] })) }, // too few cells
      { weight: 1, arbitrary: fc.tuple(plainId, nonBlankText()).map(([id, t]) => ({ ok: false, cells: [id, t, "  ", "extra"] })) }, // too many
      { weight: 1, arbitrary: fc.tuple(plainId, nonBlankText()).map(([id, t]) => ({ ok: false, cells: [id, t, " \t "] })) }, // blank abstract
    );
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(row, { selector: (r) => r.cells[0], minLength: 1, maxLength: 15 }), fc.constantFrom("\n", "\r\n"), async (rows, eol) => {
        let text = `"id","title","abstract"${eol}`;
        let line = 2;
        const starts: { ok: boolean; line: number }[] = [];
        for (const r of rows) {
          starts.push({ ok: r.ok, line });
          const written = r.cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(",") + eol;
          text += written;
          line += written.split(/\r\n|\r|\n/).length - 1;
        }
        expectEachRecordAtItsLine(await readOrCode(text), starts);
      }),
      { numRuns: RUNS },
    );
  });

  it("BibTeX: each entry is a paper or skipped at its line, malformed ones included", async () => {
    const entry = fc.oneof(
      { weight: 3, arbitrary: paper().map((p) => ({ ok: true, text: toBibtex([p]) })) },
      { weight: 1, arbitrary: plainId.map((id) => ({ ok: false, text: `@article{${id},\n  title = {No abstract}\n}\n` })) },
      { weight: 1, arbitrary: plainId.map((id) => ({ ok: false, text: `@article{${id},\n  abstract = {}\n}\n` })) },
      { weight: 1, arbitrary: plainId.map((id) => ({ ok: false, text: `@article{${id}\n  abstract = {missing comma}\n}\n` })) },
      { weight: 1, arbitrary: plainId.map((id) => ({ ok: false, text: `@article{${id},\n  abstract = {never closed\n\n` })) },
      { weight: 1, arbitrary: plainId.map((id) => ({ ok: false, text: `@article{${id},\n  abstract {no equals sign}\n}\n` })) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 12 }), async (entries) => {
        // Each entry gets its own id from its position, so that none merge.
        let text = "% generated\n";
        const starts: { ok: boolean; line: number }[] = [];
        entries.forEach((e, i) => {
          starts.push({ ok: e.ok, line: text.split("\n").length });
          text += e.text.replace(/^@article\{[^,\n]*/, `@article{k${i}`) + "\n";
        });
        expectEachRecordAtItsLine(await readOrCode(text), starts);
      }),
      { numRuns: RUNS },
    );
  });

  it("duplicate ids (in any case): the later record wins, each replacement is reported, the rest merge", async () => {
    // Ids are case-insensitive, as in the index: "A-1" is "a-1".
    const record = fc.record({ id: fc.constantFrom("a-1", "A-1", "a-2", "b-3"), abstract: fc.constantFrom("First text.", "Second text.", "Third text.") });
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 12 }), async (records) => {
        const corpus = await readBytes(records.map((r) => JSON.stringify(r) + "\n").join(""));
        checkAccounting(corpus);
        // A reference model: per id, the current text; a different text replaces it, the same merges.
        const current = new Map<string, { id: string; abstract: string }>();
        const replacedLines: number[] = [];
        let merged = 0;
        records.forEach((r, i) => {
          const before = current.get(r.id.toLowerCase());
          if (before === undefined) current.set(r.id.toLowerCase(), { id: r.id, abstract: r.abstract });
          else if (before.abstract === r.abstract) merged++;
          else {
            before.abstract = r.abstract;
            replacedLines.push(i + 1);
          }
        });
        expect(corpus.papers.map((p) => ({ id: p.id, abstract: p.abstract }))).toEqual([...current.values()]);
        expect(corpus.counts.merged).toBe(merged);
        expect(corpus.skipped.filter((s) => s.kind === "replaced").map((s) => s.line)).toEqual(replacedLines);
        for (const s of corpus.skipped) expect(s.reason).toMatch(/^same id "[^"]+" as <stdin>:\d+ with different text/);
      }),
      { numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Never throws: anything in gives a corpus or a documented PapersError

/** Random edits of a valid file: characters deleted, inserted, or the text cut short. */
function mutated(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const edit = fc.tuple(fc.nat(), fc.constantFrom("", "{", "}", "[", "]", '"', ",", "\n", "\\", "@", "\u0000", "é", "😀", "\t", '"abstract":'), fc.nat({ max: 3 }));
  return fc.tuple(valid, fc.array(edit, { maxLength: 6 })).map(([text, edits]) => {
    let out = text;
    for (const [at, insert, remove] of edits) {
      const i = out.length === 0 ? 0 : at % out.length;
      out = out.slice(0, i) + insert + out.slice(i + remove);
    }
    return out;
  });
}

describe("never throws on any input", () => {
  const cases: [string, fc.Arbitrary<string | Uint8Array>][] = [
    ["random bytes", fc.uint8Array({ maxLength: 2000 })],
    ["random text", fc.string({ unit: "binary", maxLength: 2000 })],
    ["mutated JSON Lines", mutated(papers().map((list) => toJsonLines(list)))],
    ["mutated JSON arrays", mutated(papers().map(toJsonArray))],
    ["mutated CSV", mutated(papers().map((list) => toCsv(list)))],
    ["mutated TSV", mutated(papers().map((list) => toCsv(list, "\t")))],
    ["mutated BibTeX", mutated(papers().map(toBibtex))],
  ];
  for (const [name, input] of cases) {
    it(`reads ${name} or refuses them with a documented error`, async () => {
      await fc.assert(
        fc.asyncProperty(input, async (value) => {
          const result = await readOrCode(typeof value === "string" ? value : Buffer.from(value));
          if (typeof result !== "string") checkAccounting(result);
        }),
        { numRuns: RUNS },
      );
    });
  }
});

/** Good records become papers at their first line, bad ones are skipped at theirs; nothing else. */
function expectEachRecordAtItsLine(result: Awaited<ReturnType<typeof readOrCode>>, starts: { ok: boolean; line: number }[]): void {
  const good = starts.filter((s) => s.ok).map((s) => s.line);
  if (typeof result === "string") {
    expect(good).toEqual([]);
    return;
  }
  checkAccounting(result);
  expect(result.papers.flatMap((p) => p.sources.map((s) => s.line))).toEqual(good);
  expect(result.skipped.map((s) => `${s.kind}:${s.line}`)).toEqual(starts.filter((s) => !s.ok).map((s) => `record:${s.line}`));
}
