/**
 * One reference's text parsed into fields. Identifiers come first, by pattern anywhere (DOI, arXiv
 * id, URL), and are taken out of the text; then the authors at the start (authors.ts), the year
 * (in brackets after the authors, else the last year-like number), the title (in quotes, else the
 * sentence after the authors) and the venue (what follows the title, up to volume, pages or year).
 */
import { scanAuthors } from "./authors.js";
import { findArxivId, findDoi, findUrl, withoutIdentifiers } from "./identifiers.js";
import type { Reference } from "./reference.js";

const YEAR = /(?<![\d./–-])(1[6-9]\d\d|20\d\d)[a-z]?(?![\d/]|[-–]\d)/g;
const BRACKET_YEAR = /\(\s*(?:[A-Z][a-z]{2,8}\.?\s+)?(1[6-9]\d\d|20\d\d)[a-z]?\s*\)/;
/** Words whose full stop does not end a sentence. */
const ABBREVIATION = /(?:^|[\s(])(?:\p{Lu}|al|vs|eds?|vol|no|pp|proc|conf|int|intl|trans|univ|dept|inc|ltd|jr|sr|st|e\.g|i\.e|cf|fig|ch|sec|rev|phys|lett|j|mr|dr|prof|ann|natl|acad|sci|res|comput|math|stat|soc|assoc|rep|tech)\.$/iu;

/** The fields of one reference; `raw` is kept as given (whitespace collapsed). */
export function parseReference(text: string, label: string | null): Reference {
  const raw = text.replace(/\s+/g, " ").trim();
  const body = withoutIdentifiers(raw).replace(/\b(?:doi|DOI|URL|url)\s*:?\s*(?=[.,;]|$)/g, "").replace(/\s{2,}/g, " ").trim();
  const { authors, rest } = scanAuthors(body);
  // Author-date styles put the year right after the authors: "(2003)." (APA) or "2003." (Chicago).
  const leadingYear = authors.length > 0 ? /^\s*[.,]?\s*(1[6-9]\d\d|20\d\d)[a-z]?\.\s+/.exec(rest) : null;
  const afterAuthors = (leadingYear ? rest.slice(leadingYear[0].length) : rest)
    .replace(/^\s*[.,:;]?\s*\(\s*(?:[A-Z][a-z]{2,8}\.?\s+)?(1[6-9]\d\d|20\d\d)[a-z]?\s*\)\s*[.,:]?/, "")
    .replace(/^\s*[.,:;]\s*/, "")
    .trim();
  // Authors ended by a comma and no quotes (siam, ieeetr books): the title ends at the next comma or stop.
  const { title, after } = authors.length > 0 && /^\s*,\s*(?!["“‘'])\S/u.test(rest) ? commaTitle(afterAuthors) : titleOf(afterAuthors);
  return {
    raw,
    label,
    authors,
    title,
    year: leadingYear ? Number(leadingYear[1]) : yearOf(mainPart(body)),
    venue: venueOf(mainPart(after)),
    doi: findDoi(raw),
    arxivId: findArxivId(raw),
    url: findUrl(raw),
  };
}

/** Sentences about other editions ("Reprinted as …, 1986", "Also available as …") are not the work's own. */
const OTHER_EDITION = /\.\s+(?:Also|Reprinted|Reprint|Available|Originally|Republished|Translated|See\s+also|Extended\s+version)\b[\s\S]*$/;

function mainPart(text: string): string {
  return text.replace(OTHER_EDITION, ".");
}

/** A title in quotes ("“Attention is all you need,” in …"), else the first sentence. */
function titleOf(text: string): { title: string | null; after: string } {
  const quoted = /^["“‘']\s*(.+?)\s*,?\s*["”’'](?=\s|[.,;:]|$)/u.exec(text);
  if (quoted) return { title: cleanTitle(quoted[1]!), after: text.slice(quoted[0].length) };
  let end = sentenceEnd(text);
  // "TeX: The Program, volume B of Computers & Typesetting." – the series is not the title.
  const series = /,\s+(?:volume|vol\.|pages|pp\.|chapter|\d+(?:st|nd|rd|th)\s+edition)\b/i.exec(text.slice(0, end));
  if (series) end = series.index;
  const title = cleanTitle(text.slice(0, end));
  return { title, after: text.slice(end) };
}

/** A title ended by a comma or a full stop: "L. A. Adamic and E. Adar, Friends and neighbors on the web, Social Networks, …". */
function commaTitle(text: string): { title: string | null; after: string } {
  const comma = /,\s/.exec(text);
  const stop = sentenceEnd(text);
  const end = comma && comma.index < stop ? comma.index : stop;
  return { title: cleanTitle(text.slice(0, end)), after: text.slice(end) };
}

/** Where the first sentence ends: after `.`, `?` or `!` and a space, not after an initial or an abbreviation. */
function sentenceEnd(text: string): number {
  const pattern = /([.?!])(?=\s+\S|$)/g;
  for (const match of text.matchAll(pattern)) {
    const before = text.slice(0, match.index + 1);
    if (match[1] === "." && ABBREVIATION.test(before)) continue;
    return match[1] === "." ? match.index : match.index + 1;
  }
  return text.length;
}

/** What stands where a title would, and is none. */
const NOT_A_TITLE = /^(?:personal|private)\s+communication|^(?:unpublished|in\s+press|forthcoming|manuscript|to\s+appear|submitted)(?:\s+manuscript)?$/i;

function cleanTitle(text: string): string | null {
  const title = text.replace(/^\s*[.,;:]\s*/, "").replace(/[\s.,;:]+$/, "").trim();
  return /\p{L}{2}/u.test(title) && !NOT_A_TITLE.test(title) ? title : null;
}

/** The venue: after the title, past "In", up to a comma, a bracket, a volume, pages or a year. */
function venueOf(text: string): string | null {
  let venue = text.replace(/^[\s.,;:?!]+/, "").replace(/^In:?\s+/i, "");
  const stop = /,\s|\s\(|\.\s|\s\d+\s*[(,:]|\s(?:vol|no|pp|pages)\.?\s|\s(?:1[6-9]\d\d|20\d\d)[.,]?$|\.$/i.exec(venue);
  if (stop) venue = venue.slice(0, stop.index);
  venue = venue.replace(/[\s.,;:]+$/, "").trim();
  return /\p{L}{2}/u.test(venue) ? venue : null;
}

/** A year in brackets (author-year styles) wins; else the last year-like number that is not a page or a range. */
function yearOf(text: string): number | null {
  const bracketed = BRACKET_YEAR.exec(text);
  if (bracketed) return Number(bracketed[1]);
  let year: number | null = null;
  for (const match of text.matchAll(YEAR)) year = Number(match[1]);
  return year;
}
