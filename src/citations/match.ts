/**
 * Whether a reference names a paper of the library. A wrong link is worse than a missing one, so:
 * the same DOI or arXiv id links at once; otherwise the titles must be long enough, share most of
 * their words, be nearly the same string, and the years be within one when both are known; and a
 * DOI (or arXiv id) both carry that differs vetoes a title match.
 */
import type { Reference } from "../corpus/references/reference.js";
import { splitName } from "../export/exportable.js";
import { editSimilarity, matchableTitle, MIN_WORD_SHARE, normaliseTitle, TitleIndex, titleWords, wordShare } from "./titles.js";

/** What a reference is matched against: a paper's id and the fields a match reads. */
export interface LinkTarget {
  id: string;
  title: string | null;
  year: number | null;
  doi: string | null;
  arxivId: string | null;
  authors?: readonly string[];
}

/** Least edit similarity of two normalised titles for a title match. */
export const MIN_TITLE_SIMILARITY = 0.9;

/** A DOI as compared: lower case, no resolver prefix. */
export function normaliseDoi(doi: string | null): string | null {
  if (!doi) return null;
  // A link printed after the DOI and read into it ("10.1/x.https://doi.org/10.1/x") is not part of it.
  const bare = doi.trim().toLowerCase().replace(/^(https?:\/\/(dx\.)?doi\.org\/|doi:\s*)/, "").replace(/\.?https?:\/\/.*$/, "");
  return bare === "" ? null : bare;
}

/** An arXiv id as compared: no `arXiv:` prefix, no version. */
export function normaliseArxivId(id: string | null): string | null {
  if (!id) return null;
  const bare = id.trim().toLowerCase().replace(/^arxiv:/, "").replace(/v\d+$/, "");
  return bare === "" ? null : bare;
}

/** The fields of a reference or a paper as a match compares them. */
export interface MatchKeys {
  doi: string | null;
  arxivId: string | null;
  /** Normalised, or null when there is none. */
  title: string | null;
  words: string[];
  wordSet: ReadonlySet<string>;
  /** Too short to match by title alone ("Deep Learning", "The TeXbook"): needs the same title, year and first author. */
  short: boolean;
  year: number | null;
  /** The first author's family name, normalised, or null. */
  firstAuthor: string | null;
}

export function matchKeys(item: { title: string | null; year: number | null; doi: string | null; arxivId: string | null; authors?: readonly string[] }): MatchKeys {
  const title = item.title ? normaliseTitle(item.title) : "";
  const first = item.authors?.[0];
  const family = first ? normaliseTitle(splitName(first).family) : "";
  const words = titleWords(title);
  return {
    doi: normaliseDoi(item.doi),
    arxivId: normaliseArxivId(item.arxivId),
    title: title === "" ? null : title,
    words,
    wordSet: new Set(words),
    short: !matchableTitle(title, words),
    year: item.year,
    firstAuthor: family === "" ? null : family,
  };
}

/**
 * How well a reference names a paper: 2 for the same DOI or arXiv id, the titles' edit similarity
 * for a title match, 0 for no match.
 */
export function matchScore(reference: MatchKeys, paper: MatchKeys): number {
  if (reference.doi !== null && reference.doi === paper.doi) return 2;
  if (reference.arxivId !== null && reference.arxivId === paper.arxivId) return 2;
  if (reference.doi !== null && paper.doi !== null) return 0;
  if (reference.arxivId !== null && paper.arxivId !== null) return 0;
  if (reference.title === null || paper.title === null) return 0;
  if (reference.year !== null && paper.year !== null && Math.abs(reference.year - paper.year) > 1) return 0;
  if (reference.short || paper.short) {
    const sameAuthor = reference.firstAuthor !== null && reference.firstAuthor === paper.firstAuthor;
    return reference.title === paper.title && reference.year !== null && paper.year !== null && sameAuthor ? 1 : 0;
  }
  if (wordShare(reference.wordSet, paper.words) < MIN_WORD_SHARE) return 0;
  const similarity = editSimilarity(reference.title, paper.title);
  return similarity >= MIN_TITLE_SIMILARITY ? similarity : 0;
}

/** The better of two matches: higher score, then the same year, then the smaller id (stable). */
export function betterMatch<T extends { id: string; keys: MatchKeys }>(reference: MatchKeys, a: { item: T; score: number } | null, b: { item: T; score: number }): boolean {
  if (!a) return true;
  if (b.score !== a.score) return b.score > a.score;
  const sameYear = (item: T) => reference.year !== null && item.keys.year === reference.year;
  if (sameYear(b.item) !== sameYear(a.item)) return sameYear(b.item);
  return b.item.id < a.item.id;
}

/** Papers indexed by DOI, arXiv id and title words, to find the one a reference names. */
export class PaperCatalog {
  private readonly byDoi = new Map<string, CatalogEntry>();
  private readonly byArxiv = new Map<string, CatalogEntry>();
  private readonly titles = new TitleIndex<CatalogEntry>();

  constructor(papers: Iterable<LinkTarget>) {
    for (const paper of papers) {
      // Keys in full (first author, word set) only for the few papers a reference makes candidates.
      const entry = new CatalogEntry(paper);
      const doi = normaliseDoi(paper.doi);
      const arxivId = normaliseArxivId(paper.arxivId);
      if (doi && !this.byDoi.has(doi)) this.byDoi.set(doi, entry);
      if (arxivId && !this.byArxiv.has(arxivId)) this.byArxiv.set(arxivId, entry);
      const title = paper.title ? normaliseTitle(paper.title) : "";
      if (title) this.titles.add(entry, titleWords(title));
    }
  }

  /** The id of the paper `reference` names, or null; never `self` (the citing paper). */
  match(reference: Reference, self: string): string | null {
    const keys = matchKeys(reference);
    const lower = self.toLowerCase();
    for (const exact of [keys.doi && this.byDoi.get(keys.doi), keys.arxivId && this.byArxiv.get(keys.arxivId)]) {
      if (exact && exact.id.toLowerCase() !== lower) return exact.id;
    }
    if (keys.title === null) return null;
    let best: { item: CatalogEntry; score: number } | null = null;
    for (const item of this.titles.candidates(keys.words)) {
      if (item.id.toLowerCase() === lower) continue;
      const score = matchScore(keys, item.keys);
      if (score > 0 && betterMatch(keys, best, { item, score })) best = { item, score };
    }
    return best?.item.id ?? null;
  }
}

class CatalogEntry {
  private computed: MatchKeys | undefined;

  constructor(private readonly paper: LinkTarget) {}

  get id(): string {
    return this.paper.id;
  }

  get keys(): MatchKeys {
    return (this.computed ??= matchKeys(this.paper));
  }
}
