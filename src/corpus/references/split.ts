/**
 * A reference list's lines split into single references.
 *
 * - Labelled lists (`[12]`, `12.`, `[Knu84]`): a reference starts at each label, numbers taken only
 *   in sequence (1, 2, 3, …), so a line that starts with "25." inside an entry starts nothing.
 * - Author-year lists (no labels): by the hanging indent, a reference's first line sitting left of
 *   the lines that continue it, per column (two-column pages have two left edges); without an
 *   indent, by the wider gap between references.
 * - Pages and columns: lines come in reading order, so an entry that runs on into the next column
 *   or page is joined (its continuation is indented, or follows a line that did not end a sentence).
 * - Line ends: a hyphen before a lower-case letter is undone; a DOI or URL cut by the line break is
 *   joined without a space.
 */
import type { PdfLine } from "../pdf-text.js";
import { continuesIdentifier } from "./identifiers.js";

export interface ListEntry {
  /** Its label as printed ("12" for `[12]` or `12.`), or null. */
  label: string | null;
  /** Its text, one line, the label taken off. */
  text: string;
}

const NUMBER_LABEL = /^\s*(?:\[(\d{1,4})\]|(\d{1,4})\.(?=\s)|\((\d{1,4})\))\s*/;
const BRACKET_LABEL = /^\s*\[([^\]\s][^\]]{0,39})\]\s*/;

export function splitReferences(given: readonly PdfLine[]): ListEntry[] {
  if (given.length === 0) return [];
  const lines = withFragmentsJoined(given);
  const groups = numbered(lines) ?? bracketed(lines) ?? byIndent(lines);
  return groups
    .map(({ label, lines: group }) => ({ label, text: joinEntryLines(group.map((line) => line.text)) }))
    .filter((entry) => /\p{L}/u.test(entry.text));
}

/**
 * A line pdf-text.ts broke where a superscript moved the baseline ("[AGB", "+", "18] Waleed …")
 * joined again: pieces on one page that sit within half a line of each other, each right of the
 * one before; a smaller piece (the superscript) joins without spaces.
 */
function withFragmentsJoined(lines: readonly PdfLine[]): PdfLine[] {
  const out: PdfLine[] = [];
  // Lines that end in a superscript: what follows on the baseline joins them without a space too.
  const endsRaised = new Set<PdfLine>();
  for (const line of lines) {
    const last = out.at(-1);
    if (last && last.page === line.page && Math.abs(last.y - line.y) < 0.5 * Math.max(last.size, line.size) && line.x > last.x && (line.text.length <= 3 || last.text.length <= 6 || line.size < last.size)) {
      const raised = line.size < last.size - 1;
      const joined = { ...last, text: last.text + (raised || endsRaised.has(last) ? "" : " ") + line.text, size: Math.max(last.size, line.size) };
      if (raised) endsRaised.add(joined);
      out[out.length - 1] = joined;
    } else out.push(line);
  }
  return out;
}

interface Group {
  label: string | null;
  lines: PdfLine[];
}

/** Numbered in sequence from 1: at least two labels, the first on the list's first line. */
function numbered(lines: readonly PdfLine[]): Group[] | null {
  const first = NUMBER_LABEL.exec(lines[0]!.text);
  if (!first || Number(first[1] ?? first[2] ?? first[3]) !== 1) return null;
  const groups: Group[] = [];
  let expected = 1;
  for (const line of lines) {
    const match = NUMBER_LABEL.exec(line.text);
    const number = match ? Number(match[1] ?? match[2] ?? match[3]) : NaN;
    if (match && number === expected) {
      groups.push({ label: String(number), lines: [{ ...line, text: line.text.slice(match[0].length) }] });
      expected++;
    } else if (groups.length > 0) groups.at(-1)!.lines.push(line);
  }
  return groups.length >= 2 || lines.length <= 3 ? groups : null;
}

/** Alphabetic labels (`[Knu84]`, `[Adamic and Adar, 2003]`) on each entry's first line, all at the same left edge. */
function bracketed(lines: readonly PdfLine[]): Group[] | null {
  if (!BRACKET_LABEL.test(lines[0]!.text)) return null;
  const labelled = lines.filter((line) => BRACKET_LABEL.test(line.text));
  if (labelled.length < 2) return null;
  const groups: Group[] = [];
  const lefts = columnLefts(lines);
  for (const line of lines) {
    const match = BRACKET_LABEL.exec(line.text);
    if (match && Math.abs(line.x - lefts[columnOf(line, lines)]!) < 0.4 * line.size) groups.push({ label: match[1]!, lines: [{ ...line, text: line.text.slice(match[0].length) }] });
    else if (groups.length > 0) groups.at(-1)!.lines.push(line);
  }
  return groups;
}

/**
 * Author-year lists: by indents where there are any (hanging: an entry starts at the left edge;
 * or, when the list's first line is indented, an entry starts indented, as a paragraph does),
 * else by the gaps between entries.
 */
function byIndent(lines: readonly PdfLine[]): Group[] {
  const lefts = columnLefts(lines);
  const hanging = lines.some((line) => line.x - lefts[columnOf(line, lines)]! > 0.4 * line.size);
  const firstIndented = lines[0]!.x - lefts[columnOf(lines[0]!, lines)]! > 0.4 * lines[0]!.size;
  const spacing = typicalSpacing(lines);
  const groups: Group[] = [];
  let previous: PdfLine | undefined;
  for (const line of lines) {
    const column = columnOf(line, lines);
    const atLeft = Math.abs(line.x - lefts[column]!) < 0.4 * line.size;
    const sameColumn = previous !== undefined && previous.page === line.page && columnOf(previous, lines) === column;
    let starts: boolean;
    if (previous === undefined) starts = true;
    else if (hanging) starts = firstIndented ? !atLeft : atLeft;
    else if (sameColumn) starts = previous.y - line.y > 1.4 * spacing;
    else starts = /[.]$/.test(previous.text.trim());
    if (starts) groups.push({ label: null, lines: [line] });
    else groups.at(-1)!.lines.push(line);
    previous = line;
  }
  return groups;
}

const COLUMN_GAP = 120;

/** 0 for the left column, 1 for the right (a line starting over COLUMN_GAP points right of its page's leftmost line). */
function columnOf(line: PdfLine, lines: readonly PdfLine[]): number {
  return line.x > pageLeft(line.page, lines) + COLUMN_GAP ? 1 : 0;
}

const pageLefts = new WeakMap<readonly PdfLine[], Map<number, number>>();

function pageLeft(page: number, lines: readonly PdfLine[]): number {
  let lefts = pageLefts.get(lines);
  if (!lefts) {
    lefts = new Map();
    for (const line of lines) lefts.set(line.page, Math.min(lefts.get(line.page) ?? Infinity, line.x));
    pageLefts.set(lines, lefts);
  }
  return lefts.get(page)!;
}

/**
 * Each column's left edge over the whole list: the leftmost line start in it on any page (pages
 * share their margins, so a column holding only the end of an entry still knows its edge).
 */
function columnLefts(lines: readonly PdfLine[]): [number, number] {
  const lefts: [number, number] = [Infinity, Infinity];
  for (const line of lines) {
    const column = columnOf(line, lines);
    lefts[column] = Math.min(lefts[column]!, line.x);
  }
  return lefts;
}

/** The usual baseline distance between consecutive lines of one column. */
function typicalSpacing(lines: readonly PdfLine[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const gap = lines[i - 1]!.y - lines[i]!.y;
    if (lines[i]!.page === lines[i - 1]!.page && gap > 0) gaps.push(gap);
  }
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 4)] ?? 12;
}

/**
 * Lines of one reference as one line: a hyphen at a line's end before a lower-case letter joins the
 * word; a DOI or URL the break cut joins with no space; anything else with one space.
 */
export function joinEntryLines(lines: readonly string[]): string {
  let out = "";
  for (const raw of lines) {
    const next = raw.replace(/\t/g, " ").replace(/\s+/g, " ").trim();
    if (!next) continue;
    if (!out) out = next;
    else if (continuesIdentifier(out, next)) out += next;
    else if (/\p{L}[-\u00ad\u2010]$/u.test(out) && /^\p{Ll}/u.test(next)) out = out.slice(0, -1) + next;
    // Before a capital the hyphen may be the word's own ("SI-GIR" stays joined, hyphen kept).
    else if (/\p{L}[-\u2010]$/u.test(out) && /^\p{Lu}/u.test(next)) out += next;
    else out += " " + next;
  }
  return typeset(out.replace(/\u00ad/g, ""));
}

/** Spacing accents TeX sets as a glyph of their own before the letter, and the combining mark each stands for. */
const SPACING_ACCENTS: Record<string, string> = {
  "\u00b4": "\u0301", "\u02ca": "\u0301", "`": "\u0300", "\u02cb": "\u0300", "\u02c6": "\u0302", "\u02dc": "\u0303", "\u00a8": "\u0308",
  "\u02d8": "\u0306", "\u02c7": "\u030c", "\u00b8": "\u0327", "\u02da": "\u030a", "\u02dd": "\u030b", "\u00af": "\u0304", "\u02d9": "\u0307",
};

/**
 * What TeX's typesetting leaves in a text layer, undone: an accent set apart from its letter
 * ("Wo ́ zniakowski", "Wo ´ zniakowski") joined to it, and the TeX and LaTeX logos set letter by
 * letter ("L a T E X") written as words.
 */
export function typeset(text: string): string {
  return text
    .replace(/\s?([\u0300-\u036f])\s?(\p{L})/gu, (_m, mark: string, letter: string) => letter + mark)
    .replace(/(\p{L})\s([\u00b4\u02ca\u02cb\u02c6\u02dc\u00a8\u02d8\u02c7\u00b8\u02da\u02dd\u00af\u02d9])\s?(\p{L})/gu, (_m, before: string, accent: string, letter: string) => before + letter + SPACING_ACCENTS[accent]!)
    .replace(/\bL\s?a\s?T\s?E\s?X\b/g, "LaTeX")
    .replace(/\bT\s?E\s?X\b/g, "TeX")
    .normalize("NFC");
}
