/**
 * A paper from the lines of a PDF's text layer (pure: no pdf.js here, so every rule is testable
 * on plain lines): title, authors, abstract, arXiv id, DOI, year, and the body as section-tagged
 * text on pages, which passages.ts cuts into passages.
 */
import { splitAuthors } from "./fields.js";
import type { BodySegment } from "./passages.js";
import type { PdfLine, PdfText } from "./pdf-text.js";
import { pdfReferences } from "./references/pdf-references.js";
import type { Reference } from "./references/reference.js";

export interface PdfPaper {
  title: string | null;
  authors: string[];
  abstract: string;
  /** Whether the abstract came after an "Abstract" heading (else: the first paragraph of body text). */
  abstractHeading: boolean;
  arxivId: string | null;
  doi: string | null;
  year: number | null;
  body: BodySegment[];
  /** The reference list, read (and left out of the body). */
  references: Reference[];
  /** Words in the whole text layer. */
  words: number;
  /** Section headings found in the body. */
  sections: number;
}

/** Metadata titles that name a file or a tool, not the paper. */
const JUNK_TITLE = /^(microsoft (word|powerpoint)|untitled|title|document\d*|paper|draft|slides?)\b|\.(docx?|tex|dvi|pdf|rtf|odt|indd|ps)\b|^[\w\s-]*\.\w{2,4}$|^\s*$/i;
/** "Abstract" alone on its line, or run in: "Abstract—We …", "Abstract. We …", "ABSTRACT: …". */
const ABSTRACT_HEADING = /^a\s?b\s?s\s?t\s?r\s?a\s?c\s?t(\s*[.:]?$|\s*[.:—–-]\s*\S)/i;
const ABSTRACT_LINE = /^a\s?b\s?s\s?t\s?r\s?a\s?c\s?t\s*[.:—–-]?\s*(.*)$/i;
const ABSTRACT_END = /^(keywords?|key\s+words|index\s+terms|ccs\s+concepts|acm\s+reference|general\s+terms|subjects?)\b/i;
const KNOWN_HEADING = /^((\d+(\.\d+)*|[IVX]+)\.?\s+)?(introduction|related\s+work|background|preliminaries|methods?|methodology|materials\s+and\s+methods|experiments?|evaluation|results|discussion|conclusions?|references|bibliography|acknowledge?ments?|appendix)$/i;
const NUMBERED_HEADING = /^((\d+(\.\d+)*)\.?|[IVX]+\.|[A-Z]\.)\s+\S/;
const END_OF_BODY = /^((\d+|[IVX]+)\.?\s+)?(references|bibliography|literature\s+cited)$/i;
const ARXIV_ID = /(?:arxiv[:\s]\s*|arxiv\.org\/(?:abs|pdf)\/)(\d{4}\.\d{4,5}|[a-z-]+(?:\.[a-z]{2})?\/\d{7})(?:v\d+)?/i;
const DOI = /\b(10\.\d{4,9}\/[^\s"<>]+)/;
/** A line that is an id and nothing else: "DOI: 10.1/x", "https://doi.org/10.1/x", "arXiv:2403.01234v2 [cs.NI] 14 Mar 2024". */
const ID_LINE = /^((doi|digital object identifier)\s*:?\s*|https?:\/\/(dx\.)?doi\.org\/)?10\.\d{4,9}\/\S+$|^arxiv:\s*\S+(\s+\[[\w.-]+\])?(\s+\d{1,2}\s+\w{3,9}\.?\s+\d{4})?$/i;

export function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** Reads a paper's parts from its lines; see the module comment. */
export function pdfPaper(pdf: PdfText): PdfPaper {
  const lines = pdf.lines.filter((line) => !/^\d{1,4}$/.test(line.text.trim()));
  const bodySize = typicalSize(lines);
  const heading = (line: PdfLine) => isHeading(line, bodySize);
  const firstPage = lines.filter((line) => line.page === 1);

  // Title: the metadata's unless it is junk, else the largest text on page 1.
  const metaTitle = clean(String(pdf.info.Title ?? ""));
  let titleEnd = -1;
  let title: string | null = null;
  const largest = Math.max(0, ...firstPage.map((line) => line.size));
  if (largest > 0) {
    const start = firstPage.findIndex((line) => line.size >= largest - 0.1);
    let end = start;
    while (end + 1 < firstPage.length && firstPage[end + 1]!.size >= largest - 0.1) end++;
    titleEnd = end;
    if (largest > bodySize * 1.1) title = joinLines(firstPage.slice(start, end + 1));
  }
  if (metaTitle && !JUNK_TITLE.test(metaTitle) && words(metaTitle) >= 2) title = metaTitle;

  // The abstract: after its heading, up to the first section heading or keywords.
  let abstract = "";
  let abstractHeading = false;
  let bodyStart = titleEnd + 1;
  const abstractAt = lines.findIndex((line) => line.page <= 2 && ABSTRACT_HEADING.test(line.text.trim()));
  const headerEnd = abstractAt >= 0 ? abstractAt : firstBodyLine(lines, titleEnd + 1, bodySize);
  if (abstractAt >= 0) {
    abstractHeading = true;
    const first = ABSTRACT_LINE.exec(lines[abstractAt]!.text)![1]!;
    const parts: PdfLine[] = first ? [{ ...lines[abstractAt]!, text: first }] : [];
    let i = abstractAt + 1;
    for (; i < lines.length && !heading(lines[i]!) && !ABSTRACT_END.test(lines[i]!.text); i++) parts.push(lines[i]!);
    // Keywords set in on the abstract's last line end it too.
    abstract = joinLines(parts).replace(/\s(index\s+terms|key\s?words?)\s*[—–:.-].*$/i, "").trim();
    bodyStart = i;
  } else {
    const paragraph = firstParagraph(lines, headerEnd, bodySize);
    abstract = joinLines(paragraph.lines);
    bodyStart = paragraph.end;
  }

  // Authors: the metadata's, else name-like cells between the title and the abstract.
  const metaAuthors = splitAuthors(clean(String(pdf.info.Author ?? "")));
  const authors = metaAuthors.length > 0 ? metaAuthors : headerAuthors(lines.slice(titleEnd + 1, Math.max(titleEnd + 1, headerEnd)), bodySize);

  // The header from the unfiltered lines: a date line "2019" looks like a page number.
  const headerCut = lines[headerEnd] ? pdf.lines.indexOf(lines[headerEnd]!) : 0;
  const header = pdf.lines.slice(0, Math.max(0, headerCut)).map((l) => l.text);
  // Ids from the metadata, the side stamp, the title block, and lines of page 1 before the first
  // section that hold an id alone ("DOI: 10.1/x"): never from a sentence, which cites another paper.
  const idLines = firstPage.slice(0, frontMatterEnd(firstPage, bodyStart - lines.indexOf(firstPage[0]!), heading)).map((line) => line.text.trim()).filter((text) => ID_LINE.test(text));
  const front = [String(pdf.info.Subject ?? ""), String(pdf.info.Keywords ?? ""), String(pdf.info.doi ?? ""), pdf.marginText, ...header, ...idLines].join("\n");
  const arxiv = ARXIV_ID.exec(front);
  const arxivId = arxiv ? arxiv[1]! : null;
  const doiMatch = DOI.exec(front);
  const doi = doiMatch ? doiMatch[1]!.replace(/[.,;:)\]]+$/, "") : null;
  const year = yearOf(arxivId, [pdf.marginText, ...header].join("\n"), String(pdf.info.CreationDate ?? ""));

  // The body stops at the reference list, so its entries are not passages to search.
  const { references, heading: listAt } = pdfReferences(lines, bodySize);
  const body = bodySegments(lines.slice(bodyStart, listAt !== null && listAt >= bodyStart ? listAt : lines.length), heading);
  return {
    title,
    authors,
    abstract,
    abstractHeading,
    arxivId,
    doi,
    year,
    body,
    references,
    sections: new Set(body.map((segment) => segment.section).filter((section) => section !== null)).size,
    words: pdf.lines.reduce((sum, line) => sum + words(line.text), 0),
  };
}

/** Where page 1's front matter ends: the first section heading from `from` on (an index into `page`). */
function frontMatterEnd(page: readonly PdfLine[], from: number, heading: (line: PdfLine) => boolean): number {
  for (let i = Math.max(0, from); i < page.length; i++) if (heading(page[i]!)) return i;
  return page.length;
}

/** The body font size: the size of most of the text. */
function typicalSize(lines: readonly PdfLine[]): number {
  const weight = new Map<number, number>();
  for (const line of lines) {
    const size = Math.round(line.size * 10) / 10;
    weight.set(size, (weight.get(size) ?? 0) + line.text.length);
  }
  let best = 10;
  let most = -1;
  for (const [size, chars] of weight) if (chars > most) [best, most] = [size, chars];
  return best;
}

/** A section heading: short, and either larger than body text or numbered or a usual name. */
export function isHeading(line: PdfLine, bodySize: number): boolean {
  const text = line.text.replace(/\t/g, " ").trim();
  const n = words(text);
  if (n === 0 || n > 12 || /[.,;:]$/.test(text)) return false;
  if (KNOWN_HEADING.test(text)) return true;
  return line.size > bodySize * 1.12 && (NUMBERED_HEADING.test(text) || n <= 8) && /[A-Za-z]/.test(text);
}

/** The first line of body-size text after the title block. */
function firstBodyLine(lines: readonly PdfLine[], from: number, bodySize: number): number {
  for (let i = from; i < lines.length; i++) if (Math.abs(lines[i]!.size - bodySize) < 0.6 && words(lines[i]!.text) >= 6) return i;
  return from;
}

/** The first paragraph of body text with at least 20 words, and the line after it. */
function firstParagraph(lines: readonly PdfLine[], from: number, bodySize: number): { lines: PdfLine[]; end: number } {
  let i = from;
  while (i < lines.length) {
    while (i < lines.length && (Math.abs(lines[i]!.size - bodySize) >= 0.6 || isHeading(lines[i]!, bodySize))) i++;
    const paragraph: PdfLine[] = [];
    for (; i < lines.length; i++) {
      const line = lines[i]!;
      const previous = paragraph.at(-1);
      if (Math.abs(line.size - bodySize) >= 0.6 || isHeading(line, bodySize)) break;
      if (previous && paragraphBreak(previous, line)) break;
      paragraph.push(line);
    }
    if (words(joinLines(paragraph)) >= 20) return { lines: paragraph, end: i };
  }
  return { lines: [], end: from };
}

/** A new paragraph: a wide vertical gap, or an indented line after one that ended a sentence. */
function paragraphBreak(previous: PdfLine, line: PdfLine): boolean {
  if (line.page !== previous.page) return false;
  const gap = previous.y - line.y;
  if (gap > 1.9 * line.size) return true;
  return line.x - previous.x > 0.8 * line.size && gap > 0 && /[.!?:]["')]?$/.test(previous.text);
}

/** Lines joined into text: a hyphen at a line end followed by a lower-case letter joins the word. */
export function joinLines(lines: readonly Pick<PdfLine, "text">[]): string {
  // Each line's text once, with what goes before it (" ", or "" after a joined hyphen), joined at
  // the end; only the previous line is tested for a hyphen. Testing the whole text so far at
  // every line made this quadratic (100,000 short lines took minutes).
  const pieces: string[] = [];
  for (const line of lines) {
    const next = line.text.replace(/\t/g, " ").trim();
    if (!next) continue;
    const last = pieces.length - 1;
    if (last >= 0 && /[A-Za-z][-\u00ad\u2010]$/.test(pieces[last]!) && /^[a-z]/.test(next)) {
      pieces[last] = pieces[last]!.slice(0, -1);
      pieces.push("", next);
    } else pieces.push(pieces.length > 0 ? " " : "", next);
  }
  return pieces.join("").replace(/\u00ad/g, "").replace(/\s+/g, " ").trim();
}

function clean(text: string): string {
  return text.normalize("NFKC").replace(/\s+/g, " ").trim();
}

const NOT_A_NAME = /\d|@|https?:|universit|institut|department|division|school|college|laborator|centre|center|group|inc\b|ltd|abstract|arxiv|\b(january|february|march|april|may|june|july|august|september|october|november|december)\b/i;

/** Name-like cells (two to four capitalised words) of the lines between title and abstract. */
function headerAuthors(lines: readonly PdfLine[], bodySize: number): string[] {
  const names: string[] = [];
  for (const line of lines) {
    if (line.size < bodySize - 0.6) continue;
    for (const cell of line.text.split(/\t|,\s*|\s+and\s+/)) {
      const name = cell.replace(/[*†‡§¶∗]|\d+$/g, "").trim();
      const parts = name.split(/\s+/);
      if (parts.length < 2 || parts.length > 4 || NOT_A_NAME.test(name)) continue;
      if (parts.every((part) => /^[\p{Lu}][\p{L}'.-]*$/u.test(part)) && !names.includes(name)) names.push(name);
    }
  }
  // Dozens of "names" are headings of a slide deck or a table, not a byline.
  return names.length > 12 ? [] : names;
}

/** From an arXiv id (YYMM), else a year in the header, else the file's creation date. */
function yearOf(arxivId: string | null, header: string, creationDate: string): number | null {
  const modern = arxivId && /^(\d{2})\d{2}\./.exec(arxivId);
  if (modern) return 2000 + Number(modern[1]);
  const old = arxivId && /\/(\d{2})\d{5}$/.exec(arxivId);
  if (old) return Number(old[1]) > 90 ? 1900 + Number(old[1]) : 2000 + Number(old[1]);
  const inHeader = /\b(19[5-9]\d|20[0-4]\d)\b/.exec(header);
  if (inHeader) return Number(inHeader[1]);
  const created = /^(?:D:)?(\d{4})/.exec(creationDate);
  return created ? Number(created[1]) : null;
}

/** Body lines as text per section and page, up to the references. */
function bodySegments(lines: readonly PdfLine[], heading: (line: PdfLine) => boolean): BodySegment[] {
  const segments: BodySegment[] = [];
  let section: string | null = null;
  let pending: PdfLine[] = [];
  let page = lines[0]?.page ?? 1;
  const flush = () => {
    const text = joinLines(pending);
    // Before the first heading, a line or two (a DOI, a copyright line) is not body text.
    if (text && (section !== null || words(text) >= 20)) segments.push({ section, page, text });
    pending = [];
  };
  for (const line of lines) {
    if (heading(line)) {
      flush();
      if (END_OF_BODY.test(line.text.trim())) return segments;
      section = line.text.replace(/\t/g, " ").replace(/\s+/g, " ").trim();
      page = line.page;
      continue;
    }
    if (ABSTRACT_END.test(line.text) && section === null) continue;
    if (line.page !== page) {
      // Each page's text is its own segment, so that every passage knows its pages.
      flush();
      page = line.page;
    }
    pending.push(line);
  }
  flush();
  return segments;
}
