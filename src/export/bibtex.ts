/**
 * BibTeX, written by hand rather than by citation-js: what `papers index` reads back
 * (src/corpus/bibtex.ts) must give the very same paper, so text is escaped exactly as that reader
 * unescapes it (math kept as written, `\ { } ~ % & # _ $` escaped, `--` and `` `` ``/`''` kept from
 * turning into dashes and quotes), and the paper's id travels in an `id` field, which the reader
 * takes as the id. citation-js's writer turns Unicode into LaTeX commands and drops unknown fields.
 *
 * Keys are `familyname + year + first title word` (as Google Scholar makes them), ASCII only;
 * papers that would share a key get `a`, `b`, … in the order of their ids, so a paper's key does
 * not depend on the order of the list, only on which papers it is exported with.
 */
import type { Paper } from "../corpus/paper.js";
import { paperUrl, splitName } from "./exportable.js";

const MATH = /(?<!\\)\$\$[\s\S]*?\$\$|(?<!\\)\$(?:\\.|[^$\\])+\$|\\\([\s\S]*?\\\)|\\\[[\s\S]*?\\\]/g;
const TITLE_STOPWORDS = new Set(["a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "towards", "toward", "is", "are", "do", "does", "can", "how", "what", "why", "when", "from", "by", "at", "via"]);

/** Text outside math, escaped so that the reader's latexToText gives it back unchanged. */
function escapeText(text: string): string {
  return text
    .replace(/[\\{}~%&#_$]/g, (c) => (c === "\\" ? "\\textbackslash{}" : c === "~" ? "\\textasciitilde{}" : `\\${c}`))
    .replace(/-(?=-)/g, "-{}")
    .replace(/`(?=`)/g, "`{}")
    .replace(/'(?=')/g, "'{}");
}

/** A field value: math as written (its braces are balanced, or it would not be TeX), the rest escaped. */
export function bibtexValue(text: string): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(MATH)) {
    if (!balanced(match[0])) continue;
    out += escapeText(text.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return out + escapeText(text.slice(last));
}

function balanced(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth < 0) return false;
  }
  return depth === 0;
}

/** "Given Family" as "Family, Given"; a name the reader would split or flip differently is braced whole. */
function bibtexName(name: string): string {
  if (/,|\s(and|others)(\s|$)|^(and|others)(\s|$)/i.test(name)) return `{${bibtexValue(name)}}`;
  const { given, family } = splitName(name);
  return bibtexValue(given ? `${family}, ${given}` : family);
}

function asciiWord(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}+/gu, "").replace(/[^A-Za-z0-9]/g, "").toLowerCase();
}

/** The key before de-duplication: lovelace2024analytical. */
export function baseKey(paper: Paper): string {
  const family = paper.authors.length > 0 ? asciiWord(splitName(paper.authors[0]!).family) : "";
  const words = (paper.title ?? paper.abstract).split(/[^\p{L}\p{N}]+/u).map(asciiWord).filter((w) => w !== "");
  const word = words.find((w) => !TITLE_STOPWORDS.has(w) && /^[a-z]/.test(w)) ?? words[0] ?? "";
  const key = `${family || "anon"}${paper.year ?? ""}${word}`;
  return key;
}

/** Unique keys for a set of papers, by id: duplicates get a, b, c… (then aa, ab…) in id order. */
export function bibtexKeys(papers: readonly Paper[]): Map<string, string> {
  const keys = new Map<string, string>();
  const byBase = new Map<string, string[]>();
  for (const paper of papers) {
    const base = baseKey(paper);
    const ids = byBase.get(base) ?? [];
    if (!ids.includes(paper.id)) ids.push(paper.id);
    byBase.set(base, ids);
  }
  const taken = new Set(byBase.keys());
  for (const [base, ids] of byBase) {
    ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (ids.length === 1) {
      keys.set(ids[0]!, base);
      continue;
    }
    let n = 0;
    for (const id of ids) {
      let key: string;
      do key = base + suffix(n++);
      while (taken.has(key));
      taken.add(key);
      keys.set(id, key);
    }
  }
  return keys;
}

/** 0 → a, 25 → z, 26 → aa, … */
function suffix(n: number): string {
  let out = "";
  for (let i = n + 1; i > 0; i = Math.floor((i - 1) / 26)) out = String.fromCharCode(97 + ((i - 1) % 26)) + out;
  return out;
}

export function formatBibtex(papers: readonly Paper[]): string {
  const keys = bibtexKeys(papers);
  return papers
    .map((paper) => {
      const fields: [string, string][] = [];
      if (paper.title) fields.push(["title", bibtexValue(paper.title)]);
      if (paper.authors.length > 0) fields.push(["author", paper.authors.map(bibtexName).join(" and ")]);
      if (paper.year !== null) fields.push(["year", String(paper.year)]);
      // BibLaTeX's date (BibTeX passes it over); papers reads it back.
      if (paper.date) fields.push(["date", paper.date]);
      if (paper.journalRef) fields.push(["journal", bibtexValue(paper.journalRef)]);
      if (paper.doi) fields.push(["doi", bibtexValue(paper.doi)]);
      if (paper.arxivId) {
        fields.push(["eprint", bibtexValue(paper.arxivId)], ["archivePrefix", "arXiv"]);
        if (paper.categories.length > 0) fields.push(["primaryClass", bibtexValue(paper.categories[0]!)]);
      }
      // Percent-encoded: no brace or backslash of a DOI can reach the field.
      const url = paperUrl(paper);
      if (url) fields.push(["url", url]);
      // A reference exported from a reference list (export/reference-paper.ts) may have no abstract.
      if (paper.abstract) fields.push(["abstract", bibtexValue(paper.abstract)]);
      fields.push(["id", bibtexValue(paper.id)]);
      const type = paper.journalRef ? "article" : "misc";
      return `@${type}{${keys.get(paper.id)},\n${fields.map(([name, value]) => `  ${name} = {${value}}`).join(",\n")}\n}\n`;
    })
    .join("\n");
}
