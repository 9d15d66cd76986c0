/**
 * Identifiers in a reference's text, found by pattern anywhere in it: DOI, arXiv id, URL. Also the
 * join of an identifier a line break cut (`doi: 10.` / `1145/3397271`), which a plain line join
 * would split with a space.
 */

/** `10.PREFIX/suffix`: the suffix runs to whitespace; trailing punctuation is trimmed after. */
const DOI = /\b10\.\d{4,9}\/[^\s"<>]+/;
/** New-style ids (`arXiv:2106.09685v2`, `arxiv.org/abs/2106.09685`, `CoRR abs/2106.09685`) and old-style (`hep-th/9901001`). */
const ARXIV = [
  /\barxiv\s*[:.]?\s*(\d{4}\.\d{4,5})(?:v\d+)?\b/i,
  /\barxiv\.org\/(?:abs|pdf)\/(\d{4}\.\d{4,5}|[a-z-]+(?:\.[a-z]{2})?\/\d{7})(?:v\d+)?/i,
  /\bcorr\s*,?\s*abs\/(\d{4}\.\d{4,5})(?:v\d+)?\b/i,
  /\barxiv\s*:\s*([a-z-]+(?:\.[a-z]{2})?\/\d{7})(?:v\d+)?\b/i,
];
const URL = /\bhttps?:\/\/[^\s"<>]+/gi;

/** A DOI, lower-case, without trailing punctuation (a closing bracket kept when it closes one inside). */
export function findDoi(text: string): string | null {
  const match = DOI.exec(text);
  if (!match) return null;
  return trimId(match[0]).toLowerCase();
}

export function findArxivId(text: string): string | null {
  for (const pattern of ARXIV) {
    const match = pattern.exec(text);
    if (match) return match[1]!.toLowerCase();
  }
  return null;
}

/** The first URL that is not a DOI link (a DOI link gives the DOI instead). */
export function findUrl(text: string): string | null {
  for (const match of text.matchAll(URL)) {
    const url = trimId(match[0]);
    if (!/^https?:\/\/(dx\.)?doi\.org\//i.test(url)) return url;
  }
  return null;
}

/** Trailing sentence punctuation off an id; a `)` or `]` stays when the id opened one. */
function trimId(id: string): string {
  let out = id.replace(/[.,;:'"’”]+$/, "");
  for (;;) {
    const last = out.at(-1);
    const open = last === ")" ? "(" : last === "]" ? "[" : null;
    if (open === null) return out;
    const opened = out.split(open).length - 1;
    const closed = out.split(last!).length - 1;
    if (closed <= opened) return out;
    out = out.slice(0, -1).replace(/[.,;:]+$/, "");
  }
}

/** An identifier left open at a line's end: a DOI or URL cut after `.`, `/`, `-` or `_` (or `doi:` alone). */
const OPEN_ID = /(?:\bhttps?:\/\/\S*|\b10\.\S*)[./_-]$|\b10\.$/i;
/** What may continue it on the next line: a first word that starts with a digit or a lower-case letter, or holds a `/` (not a new URL or id). */
const ID_CONTINUES = /^(?![Hh][Tt][Tt][Pp][Ss]?:|[Ww]{3}\.|(?:doi|DOI|URL|url|arXiv|arxiv)\b)(?:[\p{Ll}\d]|[^\s]*\/)/u;

/** Whether `next` continues an identifier that `line` left open, so the two join with no space. */
export function continuesIdentifier(line: string, next: string): boolean {
  return OPEN_ID.test(line.trimEnd()) && ID_CONTINUES.test(next.trimStart());
}

/** The text with every DOI, arXiv id and URL taken out, for parsing the fields around them. */
export function withoutIdentifiers(text: string): string {
  return text
    .replace(/\b(?:doi|DOI)\s*:?\s*10\.\d{4,9}\/[^\s"<>]+/g, " ")
    .replace(/\bURL\s+https?:\/\/\S+/g, " ")
    .replace(URL, " ")
    .replace(new RegExp(DOI.source, "g"), " ")
    .replace(/\barxiv\s*:\s*(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[a-z]{2})?\/\d{7})(?:v\d+)?(?:\s*\[[\w.-]+\])?/gi, " ")
    .replace(/\s+([.,;])/g, "$1")
    .replace(/\s{2,}/g, " ")
    .trim();
}
