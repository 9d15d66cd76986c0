/**
 * What arXiv says about one paper, as its OAI-PMH `arXiv` metadata format and its Atom API give
 * it (docs/arxiv-harvest.md has the formats and their sources), and how that becomes a Paper.
 */
import { normaliseArxivId } from "../corpus/fields.js";
import { collapseWhitespace, newPaper, type Paper, type Source } from "../corpus/paper.js";

/** One author as arXiv splits the name; `name` is "Forenames Keyname Suffix". */
export interface ArxivAuthor {
  name: string;
  /** The family name; null when the source gives the name whole (the Atom API). */
  keyname: string | null;
  forenames: string | null;
  suffix: string | null;
}

/** A paper as arXiv describes it, every field kept (Paper has no place yet for some of them). */
export interface ArxivRecord {
  /** Without a version: `2404.09336` or `hep-th/9901001`. */
  id: string;
  /** The version the metadata is of, when the source says (the Atom API does; OAI-PMH does not). */
  version: number | null;
  /** The OAI-PMH header datestamp (YYYY-MM-DD, the record's last change); null from the Atom API. */
  datestamp: string | null;
  /** The OAI-PMH sets the record is in (`cs:cs:CL`); empty from the Atom API. */
  sets: string[];
  /** First version's date, YYYY-MM-DD. */
  created: string | null;
  /** Latest version's date, YYYY-MM-DD; null when there is only one version. */
  updated: string | null;
  authors: ArxivAuthor[];
  /** Whitespace collapsed, LaTeX left as written. */
  title: string;
  /** Whitespace collapsed, LaTeX left as written; "" when arXiv gives none. */
  abstract: string;
  /** arXiv categories, the primary first. */
  categories: string[];
  comments: string | null;
  journalRef: string | null;
  doi: string | null;
  /** The licence URL, e.g. http://creativecommons.org/licenses/by/4.0/. */
  license: string | null;
  reportNo: string | null;
  mscClass: string | null;
  acmClass: string | null;
}

/** A record whose OAI-PMH header says status="deleted": it carries no metadata. */
export interface DeletedRecord {
  id: string;
  datestamp: string;
}

/**
 * The bare arXiv id of an OAI identifier (`oai:arXiv.org:hep-th/9901001`), an abs URL or an id
 * with a version; null for anything else. Lower case is kept for old-style archives (`hep-th`).
 */
export function bareArxivId(value: string): string | null {
  const trimmed = value.trim().replace(/^oai:arXiv\.org:/i, "");
  return normaliseArxivId(trimmed);
}

/** The version number at the end of an id (`2404.09336v2` → 2), else null. */
export function versionOf(value: string): number | null {
  const match = /v(\d+)$/.exec(value.trim());
  return match ? Number(match[1]) : null;
}

/** "Forenames Keyname Suffix", skipping the parts arXiv leaves out. */
export function authorName(parts: { keyname: string | null; forenames: string | null; suffix: string | null }): string {
  return collapseWhitespace([parts.forenames, parts.keyname, parts.suffix].filter((p) => p).join(" "));
}

/** YYYY-MM-DD from an arXiv date (`2024-04-14` or `2024-04-14T17:59:59Z`); null if it is none. */
export function dayOf(value: string | null | undefined): string | null {
  if (!value) return null;
  const match = /^(\d{4}-\d{2}-\d{2})(?:$|T)/.exec(value.trim());
  return match ? match[1]! : null;
}

/** Categories from arXiv's space-separated list, primary first, each once. */
export function categoryList(value: string | null | undefined, primary?: string | null): string[] {
  const out: string[] = [];
  for (const c of [primary ?? "", ...(value ?? "").split(/\s+/)]) if (c && !out.includes(c)) out.push(c);
  return out;
}

/**
 * The Paper for a record, with what Paper holds today: id and arxivId (no version), title and
 * abstract (whitespace collapsed, LaTeX as written), authors, categories (primary first),
 * comments, journal-ref, DOI, and the day (and year) of the first version. The update date, the
 * licence and the sets stay in the ArxivRecord.
 */
export function arxivPaper(record: ArxivRecord, source: Source): Paper {
  const date = dayOf(record.created);
  const year = record.created ? Number(record.created.slice(0, 4)) : null;
  return newPaper({
    id: record.id,
    abstract: record.abstract,
    sources: [source],
    title: record.title === "" ? null : record.title,
    arxivId: record.id,
    doi: record.doi,
    journalRef: record.journalRef,
    comments: record.comments ? [record.comments] : [],
    authors: record.authors.map((a) => a.name).filter((n) => n !== ""),
    categories: [...record.categories],
    year,
    date,
  });
}
