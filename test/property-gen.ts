/**
 * Generators for the property tests: text that mixes scripts (CJK, Arabic, emoji), separators
 * and characters that mean something to a format or a spreadsheet, and papers made of it; plus
 * writers that put papers into each input format the way a careful exporter would.
 */
import { Readable } from "node:stream";
import fc from "fast-check";
import { readCorpus, type Corpus } from "../src/corpus/read-corpus.js";
import { isPapersError } from "../src/errors.js";

/** Words and marks that stress readers: delimiters, quotes, formula starters, other scripts. */
export const TRICKY = [
  "the", "model", "Attention", "2024", "深度学习", "数据", "نموذج", "لغوي", "😀", "🧪👩‍🔬", "Müller", "naïve", "e\u0301",
  ",", ";", "\t", '"', "'", "“quoted”", "=cmd|' /C calc'!A0", "=SUM(A1:A9)", "+1", "-2", "@SUM(1)", "|", "#", "%", "&",
  "[", "]", "{", "}", "(", ")", "<b>", "a:b", "http://x.y/z", "—", "…", "\u00a0", "\u200b",
] as const;

/** Characters that are whitespace to `\s` (collapsed by the merger). */
const SPACES = [" ", " ", " ", "  ", "\t", "\n", "\r\n"] as const;

/** Free text without backslashes (TeX escapes are a different property), possibly multi-line. */
export function text(options: { minWords?: number; maxWords?: number; lines?: boolean } = {}): fc.Arbitrary<string> {
  const word = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...TRICKY) },
    { weight: 2, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 8 }) },
    { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z]{1,10}$/) },
  );
  const space = options.lines === false ? fc.constant(" ") : fc.constantFrom(...SPACES);
  return fc
    .array(fc.tuple(word, space), { minLength: options.minWords ?? 1, maxLength: options.maxWords ?? 30 })
    .map((parts) => parts.map(([w, s]) => w + s).join("").replace(/\\/g, "/"));
}

/** Text that has something besides whitespace in it. */
export function nonBlankText(options: Parameters<typeof text>[0] = {}): fc.Arbitrary<string> {
  return text(options).filter((t) => t.trim() !== "");
}

export interface GenPaper {
  id: string;
  title: string;
  abstract: string;
  year: number | null;
  doi: string | null;
}

/** Ids that are not arXiv-shaped (those merge by arXiv id too) and differ in more than case. */
export const plainId = fc.stringMatching(/^[a-z]{1,4}-[0-9]{1,4}$/);

export function paper(options: { lines?: boolean } = {}): fc.Arbitrary<GenPaper> {
  return fc.record({
    id: plainId,
    title: nonBlankText({ maxWords: 8, lines: false }),
    abstract: nonBlankText({ minWords: 1, maxWords: 40, lines: options.lines }),
    year: fc.option(fc.integer({ min: 1500, max: 2199 }), { nil: null }),
    doi: fc.option(fc.stringMatching(/^10\.[0-9]{4}\/[a-z0-9.]{1,12}$/), { nil: null }),
  });
}

/** Papers with distinct ids. */
export function papers(options: { minLength?: number; maxLength?: number; lines?: boolean } = {}): fc.Arbitrary<GenPaper[]> {
  return fc.uniqueArray(paper(options), {
    selector: (p) => p.id,
    minLength: options.minLength ?? 1,
    maxLength: options.maxLength ?? 8,
  });
}

// ---------------------------------------------------------------------------------------------
// Writers

function jsonObject(p: GenPaper): Record<string, unknown> {
  return { id: p.id, title: p.title, abstract: p.abstract, year: p.year, doi: p.doi };
}

export function toJsonLines(list: readonly GenPaper[], eol = "\n"): string {
  return list.map((p) => JSON.stringify(jsonObject(p)) + eol).join("");
}

export function toJsonArray(list: readonly GenPaper[]): string {
  return JSON.stringify(list.map(jsonObject), null, 1);
}

/** RFC 4180 quoting: every cell quoted, quotes doubled, so any text survives. */
function csvCell(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

export function toCsv(list: readonly GenPaper[], delimiter = ",", eol = "\r\n"): string {
  const rows = [["id", "title", "abstract", "year", "doi"]];
  for (const p of list) rows.push([p.id, p.title, p.abstract, p.year === null ? "" : String(p.year), p.doi ?? ""]);
  return rows.map((row) => row.map(csvCell).join(delimiter) + eol).join("");
}

/** LaTeX's special characters escaped so that they read back as themselves. */
export function bibEscape(value: string): string {
  return value.replace(/[\\{}$&%#_~^]/g, (c) =>
    c === "\\" ? "\\textbackslash{}" : c === "~" ? "\\textasciitilde{}" : c === "^" ? "\\^{}" : `\\${c}`,
  )
    // `--`, `` `` `` and `''` are dashes and quotes in LaTeX: an empty group keeps them apart.
    .replace(/-(?=-)/g, "-{}")
    .replace(/`(?=`)/g, "`{}")
    .replace(/'(?=')/g, "'{}")
    // A line starting `@name{` inside a value is taken for the next entry (how the reader recovers
    // from an unclosed brace): a group around the `@` keeps it text.
    .replace(/@/g, "{@}");
}

export function toBibtex(list: readonly GenPaper[]): string {
  return list
    .map((p) => {
      const fields = [`  title = {${bibEscape(p.title)}}`, `  abstract = {${bibEscape(p.abstract)}}`];
      if (p.year !== null) fields.push(`  year = ${p.year}`);
      if (p.doi !== null) fields.push(`  doi = {${p.doi}}`);
      return `@article{${p.id},\n${fields.join(",\n")}\n}\n`;
    })
    .join("\n");
}

// ---------------------------------------------------------------------------------------------
// Reading

/** readCorpus on bytes given as standard input. */
export function readBytes(bytes: Buffer | string, fields?: Record<string, string>): Promise<Corpus> {
  const stdin = Readable.from([typeof bytes === "string" ? Buffer.from(bytes) : bytes]);
  return readCorpus(["-"], { stdin, fields });
}

/** The errors readCorpus documents for inputs it cannot use. */
export const DOCUMENTED = new Set(["NO_INPUT", "UNRECOGNISED_FORMAT", "UNREADABLE_FILE"]);

/** readCorpus, with a documented PapersError turned into its code; anything else is rethrown. */
export async function readOrCode(bytes: Buffer | string): Promise<Corpus | string> {
  try {
    return await readBytes(bytes);
  } catch (error) {
    if (isPapersError(error) && DOCUMENTED.has(error.code)) return error.code;
    throw error;
  }
}
