/**
 * Readers for the plain-text formats abstracts come in. The format is recognised by content,
 * never by file name:
 *
 * - "abstract-lines": one `Abstract:<text>` record per line;
 * - "daily-papers": a copied daily-papers web page (title line, then the abstract paragraph),
 *   with the page chrome ("Subscribe", "Sep 16", vote counts, …) dropped;
 * - "arxiv-listing": abstracts each followed by optional comment lines and an `arXiv:ID` line
 *   (optionally ` - doi: DOI` or ` - <journal ref>`), which runs straight into the next abstract.
 *
 * Records keep the abstract text as written; `mergeRecords` resolves TeX escapes and spacing.
 */
import { PapersError } from "../errors.js";
import type { PaperRecord } from "./paper.js";

export type SeedFormat = "abstract-lines" | "daily-papers" | "arxiv-listing";

/** The one place that says a text is in no known format. */
function unrecognisedFormat(file: string, text: string): PapersError {
  if (text.trim() === "") return new PapersError("UNRECOGNISED_FORMAT", `${file} is empty: expected abstracts`);
  return new PapersError(
    "UNRECOGNISED_FORMAT",
    `cannot tell the format of ${file}: expected "Abstract:" lines, a daily-papers page or an arXiv listing`,
  );
}

/** Detects the format and reads the records; throws, naming the file, if the format is unknown. */
export function parseSeedText(text: string, file: string): PaperRecord[] {
  switch (detectSeedFormat(text)) {
    case "abstract-lines":
      return parseAbstractLines(text, file);
    case "daily-papers":
      return parseDailyPapersPage(text, file);
    case "arxiv-listing":
      return parseArxivListing(text, file);
    case null:
      throw unrecognisedFormat(file, text);
  }
}

/** Which format a text is in, or null when it is none of them (or empty). */
export function detectSeedFormat(text: string): SeedFormat | null {
  const lines = splitLines(text)
    .map((line) => line.trim())
    .filter((line) => line !== "");
  const last = lines.at(-1);
  if (last === undefined) return null;
  // At least half the lines carry the prefix; the others may be wrapped continuations.
  const prefixed = lines.filter((line) => ABSTRACT_PREFIX.test(line)).length;
  if (prefixed * 2 >= lines.length) return "abstract-lines";
  // An id line at the very end, or one with the next abstract glued to it: a bare id line
  // alone in the middle of a page is not enough.
  const ids = lines.map(readArxivId);
  if (ids.at(-1) || ids.some((id) => id !== null && id.rest.trim() !== "")) return "arxiv-listing";
  if (parseDailyPapersPage(text, "").some((record) => record.title !== null)) return "daily-papers";
  return null;
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

/** Lines of a text, without a UTF-8 byte-order mark, for LF, CRLF and CR line endings. */
function splitLines(text: string): string[] {
  return text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
}

function wordCount(line: string): number {
  return line.split(/\s+/).filter(Boolean).length;
}

function record(
  file: string,
  line: number,
  abstract: string,
  fields: Partial<Omit<PaperRecord, "abstract" | "source">> = {},
): PaperRecord {
  return {
    sourceId: null,
    title: fields.title ?? null,
    abstract,
    arxivId: fields.arxivId ?? null,
    doi: fields.doi ?? null,
    journalRef: fields.journalRef ?? null,
    comments: fields.comments ?? [],
    authors: [],
    categories: [],
    year: null,
    date: null,
    source: { file, line },
  };
}

// ---------------------------------------------------------------------------------------------
// "Abstract:" lines

/** `Abstract:` in any case, optionally after a list marker ("1.", "[3]", "-"), or `Abstract —`. */
const ABSTRACT_PREFIX = /^\s*(?:(?:\[\d+\]|\(\d+\)|\d+[.)]|[-*•])\s*)?abstract\s*(?::|[-–—](?=\s))\s*/i;

/** A record glued to the end of the previous one ("…1024 nodes.Abstract:Existing …"). */
const GLUED_ABSTRACT = /(?<=[.!?)\]"'’”])\s*Abstract:\s*/;

/**
 * A line without the prefix is normally the wrapped continuation of the record above it; it is
 * a record of its own only when it looks like a whole abstract: it starts with a capital or a
 * digit and is long (40+ words), or fairly long (20+ words) after a record that ended a sentence.
 */
function startsNewAbstract(previous: string, line: string): boolean {
  if (previous === "" || !/^[A-Z0-9]/.test(line)) return false;
  const words = wordCount(line);
  return words >= 40 || (words >= 20 && /[.!?]["')\]’”]?$/.test(previous));
}

export function parseAbstractLines(text: string, file: string): PaperRecord[] {
  const records: PaperRecord[] = [];
  let current: { text: string; line: number } | null = null;
  const flush = () => {
    if (current && current.text !== "") records.push(record(file, current.line, current.text));
    current = null;
  };
  for (const [index, raw] of splitLines(text).entries()) {
    const lineNo = index + 1;
    const prefix = ABSTRACT_PREFIX.exec(raw);
    const [first = "", ...glued] = (prefix ? raw.slice(prefix[0].length) : raw).split(GLUED_ABSTRACT).map((s) => s.trim());
    if (prefix) {
      flush();
      current = { text: first, line: lineNo };
    } else if (first !== "") {
      if (current && current.text === "") current = { text: first, line: lineNo };
      else if (current && !startsNewAbstract(current.text, first)) current.text += `\n${first}`;
      else {
        flush();
        current = { text: first, line: lineNo };
      }
    }
    for (const piece of glued) {
      flush();
      current = { text: piece, line: lineNo };
    }
  }
  flush();
  return records;
}

// ---------------------------------------------------------------------------------------------
// Daily-papers page

/** Page chrome known by its exact text (compared in lower case). */
const CHROME_TEXT = new Set([
  "new",
  "get trending papers in your email inbox!",
  "subscribe",
  "daily papers",
  "papers",
  "trending papers",
  "upvote",
  "upvoted",
  "upvotes",
  "submitted by",
  "previous",
  "next",
  "daily",
  "weekly",
  "monthly",
  "view paper",
  "view arxiv page",
  "view pdf",
  "add to collection",
  "hugging face",
  "search",
  "log in",
  "sign up",
]);

const MONTH = "(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?";

/** Page chrome known by its shape. */
const CHROME_PATTERNS: RegExp[] = [
  /^by\s*AK\b/i, // "byAK and the research community"
  /^get trending papers\b/i,
  /^(?:submitted|published|updated)(?:\s+(?:by|on))?\b/i, // "Submitted by AK", "Published on Sep 15"
  /^(?:upvote|upvoted|upvotes)\b/i,
  /^[\d.,]+\s*[kKmM]?$/, // vote and comment counts
  new RegExp(`^${MONTH}\\s+\\d{1,2}(?:,?\\s+\\d{4})?$`, "i"), // "Sep 16", "Sep 16, 2024"
  new RegExp(`^\\d{1,2}\\s+${MONTH}(?:\\s+\\d{4})?$`, "i"), // "16 Sep 2024"
  /^\d{4}-\d{2}-\d{2}$/,
  /^[·•]?\s*\d+\s+(?:authors?|comments?|upvotes?|likes?|models?|datasets?|spaces?|collections?)$/i,
  /^https?:\/\/\S+$/i,
  /^[\s·•|–—-]+$/,
];

function isChrome(line: string): boolean {
  return CHROME_TEXT.has(line.toLowerCase()) || CHROME_PATTERNS.some((pattern) => pattern.test(line));
}

/** An abstract paragraph: long (30+ words), or 12+ words ending a sentence with a period. */
function isParagraph(line: string): boolean {
  const words = wordCount(line);
  return words >= 30 || (words >= 12 && /\.["')\]’”]?$/.test(line));
}

/** A title: a short line (2+ words, no paragraph) that is not chrome and ends without a period. */
function isTitle(line: string): boolean {
  return !isParagraph(line) && !isChrome(line) && wordCount(line) >= 2 && line.length <= 300 && !/\.$/.test(line);
}

/**
 * Each abstract paragraph takes the nearest title-shaped line above it (since the previous
 * paragraph); chrome lines in between are skipped. A paragraph right below another one (only
 * blank lines between) continues that abstract; anything else that is not a title is dropped.
 */
export function parseDailyPapersPage(text: string, file: string): PaperRecord[] {
  const records: PaperRecord[] = [];
  let title: string | null = null;
  let current: { title: string | null; text: string; line: number } | null = null;
  let lastWasParagraph = false;
  const flush = () => {
    if (current) records.push(record(file, current.line, current.text, { title: current.title }));
    current = null;
  };
  for (const [index, raw] of splitLines(text).entries()) {
    const line = raw.trim();
    if (line === "") continue;
    if (isParagraph(line)) {
      if (current && lastWasParagraph) current.text += `\n${line}`;
      else {
        flush();
        current = { title, text: line, line: index + 1 };
        title = null;
      }
      lastWasParagraph = true;
      continue;
    }
    lastWasParagraph = false;
    if (isTitle(line)) title = line;
  }
  flush();
  return records;
}

// ---------------------------------------------------------------------------------------------
// arXiv listing

/**
 * Reads `arXiv:ID` (new style `2404.09336`, old style `hep-th/9901001`, either with an optional
 * version) at the start of a line; `rest` is what follows it. The number of digits after the dot
 * is fixed by the month (4 until 1412, 5 from 1501), so an abstract starting with a digit is safe.
 */
function readArxivId(line: string): { id: string; rest: string } | null {
  const prefix = /^\s*arxiv:\s?/i.exec(line);
  if (!prefix) return null;
  const body = line.slice(prefix[0].length);
  const modern = /^(\d{4})\.(\d{4,5})/.exec(body);
  if (modern) {
    const [, yymm = "", digits = ""] = modern;
    const length = Number(yymm) >= 1501 ? 5 : 4;
    if (digits.length < length) return null;
    const end = 5 + length;
    const version = /^v\d+/.exec(body.slice(end))?.[0] ?? "";
    return { id: `${yymm}.${digits.slice(0, length)}`, rest: body.slice(end + version.length) };
  }
  const old = /^([a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?\/\d{7})(v\d+)?/.exec(body);
  if (old) return { id: old[1] ?? "", rest: body.slice(old[0].length) };
  return null;
}

/**
 * The first word of an abstract: a capitalised word ("In", "Unsupervised", "Self-supervised")
 * or "A", followed by a space or a comma-like mark.
 */
const FIRST_WORD = String.raw`(?:[A-Z][a-z]+(?:[-'’][A-Za-z]+)*|A)`;

/** In a DOI token with the abstract glued on: the abstract's first word at the token's end. */
const WORD_AT_END = new RegExp(`${FIRST_WORD}[,;:]?$`);

/**
 * Where a journal reference gives way to the abstract: a digit, lower-case letter, closing
 * bracket or period immediately followed (no space) by a first word ("…Systems 2022Deep neural").
 * Journal references put spaces before their capitalised words, so this finds the seam; a name
 * like "eLife " or "JavaScript " in the reference itself would be split too early.
 */
const JOURNAL_SEAM = new RegExp(`[0-9a-z)\\]}.](?=${FIRST_WORD}[\\s,;:])`);

/**
 * Splits what follows an id: ` - doi: DOI`, ` - journal ref`, in any order, then the next
 * abstract. A DOI has no spaces, so the abstract's first word is the capitalised word ending its
 * first space-free token ("10.1109/TAP.2018.2806404In this" → DOI, "In this…"); a token at the end
 * of the line, or followed by " - ", is all DOI.
 */
function splitIdTail(tail: string): { doi: string | null; journalRef: string | null; abstract: string } {
  let doi: string | null = null;
  let journalRef: string | null = null;
  let rest = tail;
  for (;;) {
    const separator = /^\s*-\s+/.exec(rest);
    if (!separator) break;
    rest = rest.slice(separator[0].length);
    const doiLabel = /^doi:\s*/i.exec(rest);
    if (doiLabel) {
      rest = rest.slice(doiLabel[0].length);
      const token = /^\S*/.exec(rest)?.[0] ?? "";
      const after = rest.slice(token.length);
      const word = after.trim() === "" || /^\s+-\s/.test(after) ? null : WORD_AT_END.exec(token);
      const cut = word && word.index > 0 ? word.index : token.length;
      doi = token.slice(0, cut) || null;
      rest = rest.slice(cut);
      continue;
    }
    const seam = JOURNAL_SEAM.exec(rest);
    const nextDoi = /\s+-\s+doi:/i.exec(rest);
    if (nextDoi && (!seam || nextDoi.index < seam.index)) {
      journalRef = rest.slice(0, nextDoi.index).trim() || null;
      rest = rest.slice(nextDoi.index);
      continue;
    }
    const cut = seam ? seam.index + 1 : rest.length;
    journalRef = rest.slice(0, cut).trim() || null;
    rest = rest.slice(cut);
  }
  return { doi, journalRef, abstract: rest.trim() };
}

/**
 * An abstract is the first line of its entry (the file's first line, or the text glued after an
 * id); the lines after it, up to the next id line, are its comments ("8 pages", "arXiv admin
 * note: …"). An entry the file ends without an id for is kept with no id.
 */
export function parseArxivListing(text: string, file: string): PaperRecord[] {
  const records: PaperRecord[] = [];
  let current: { abstract: string; line: number; comments: string[] } | null = null;
  for (const [index, raw] of splitLines(text).entries()) {
    const line = raw.trim();
    if (line === "") continue;
    const id = readArxivId(line);
    if (!id) {
      if (current) current.comments.push(line);
      else current = { abstract: line, line: index + 1, comments: [] };
      continue;
    }
    const { doi, journalRef, abstract } = splitIdTail(id.rest);
    if (current) {
      records.push(record(file, current.line, current.abstract, { arxivId: id.id, doi, journalRef, comments: current.comments }));
    }
    current = abstract === "" ? null : { abstract, line: index + 1, comments: [] };
  }
  if (current) {
    const { abstract, line, comments } = current;
    records.push(record(file, line, abstract, { comments }));
  }
  return records;
}
