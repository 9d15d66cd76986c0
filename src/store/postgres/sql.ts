/** SQL built from a search's scope, and rows read back as papers' parts. */
import type { Passage } from "../../corpus/passages.js";
import { dayRange, hasConditions, type PaperFilter } from "../../ranking/filter.js";
import { bm25TopK, type Postings } from "../../ranking/bm25.js";
import type { Scored } from "../../ranking/fusion.js";
import { PAPER_COLUMNS } from "../shared/paper-row.js";

/** The papers table's columns a PaperRow holds, as a select list. */
export const PAPER_SELECT = PAPER_COLUMNS.join(", ");

/**
 * The select list for a library's papers table: without its date column (a library written before
 * papers had dates, not written since), every date reads as null.
 */
export function paperSelect(dated: boolean): string {
  return dated ? PAPER_SELECT : PAPER_COLUMNS.map((column) => (column === "date" ? "NULL::text AS date" : column)).join(", ");
}

/**
 * A filter (and labels left out) as SQL conditions over papers, parameters numbered from `first`;
 * `dated` false for a papers table without its date column, where no paper passes since or until.
 */
export function conditions(filter: PaperFilter | undefined, exclude: ReadonlySet<number> | undefined, first: number, dated = true): { sql: string; values: unknown[] } {
  const parts: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${first + values.length - 1}`;
  };
  if (filter && hasConditions(filter)) {
    if (filter.years) {
      const [from, to] = filter.years;
      parts.push("year IS NOT NULL");
      if (from !== null) parts.push(`year >= ${param(from)}`);
      if (to !== null) parts.push(`year <= ${param(to)}`);
    }
    const days = dayRange(filter);
    if (days && !dated) parts.push("false");
    else if (days) {
      // ISO days compare as text; the papers_date index serves both bounds.
      parts.push("date IS NOT NULL");
      if (days[0] !== null) parts.push(`date >= ${param(days[0])}`);
      if (days[1] !== null) parts.push(`date <= ${param(days[1])}`);
    }
    // Zotero tags and collections are stored as categories "tag:…" and "collection:…" (corpus/zotero.ts).
    const categories = [filter.category, filter.tag && `tag:${filter.tag}`, filter.collection && `collection:${filter.collection}`]
      .filter((c): c is string => !!c)
      .map((c) => c.toLowerCase());
    if (categories.length > 0) parts.push(`category_keys @> ${param(categories)}::text[]`);
    if (filter.author) parts.push(`author_text LIKE ${param(`%${filter.author.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`);
  }
  if (exclude && exclude.size > 0) parts.push(`label <> ALL(${param([...exclude])}::integer[])`);
  return { sql: parts.length > 0 ? `WHERE ${parts.join(" AND ")}` : "", values };
}

export interface PassageRow {
  label: number;
  paper_label: number;
  text: string;
  page: number;
  last_page: number;
  section: string | null;
}

/**
 * A filter (and labels left out) as SQL conditions over passages: a passage passes when its paper
 * passes the filter. Parameters numbered from `first`.
 */
export function passageConditions(s: string, filter: PaperFilter | undefined, exclude: ReadonlySet<number> | undefined, first: number, dated = true): { sql: string; values: unknown[] } {
  const papers = conditions(filter, undefined, first, dated);
  const parts: string[] = [];
  const values = [...papers.values];
  if (papers.sql) parts.push(`paper_label IN (SELECT label FROM ${s}.papers ${papers.sql})`);
  if (exclude && exclude.size > 0) {
    values.push([...exclude]);
    parts.push(`label <> ALL($${first + values.length - 1}::integer[])`);
  }
  return { sql: parts.length > 0 ? `WHERE ${parts.join(" AND ")}` : "", values };
}

export function toPassage(row: PassageRow): Passage & { paperLabel: number } {
  return { paperLabel: row.paper_label, text: row.text, page: row.page, lastPage: row.last_page, section: row.section };
}

/** Best first, ties by label: the order the folder store's exact search gives. */
export function sortHits(rows: { label: number; score: number }[]): Scored[] {
  return rows.map((row) => ({ label: row.label, score: Number(row.score) })).sort((a, b) => b.score - a.score || a.label - b.label);
}

/**
 * BM25's k best for a question's terms with their postings as read (a term asked twice counts
 * twice, as in the folder store), within `allowed`, labels in `exclude` left out.
 */
export function bm25Hits(terms: readonly string[], found: ReadonlyMap<string, Postings>, norms: Float32Array, documents: number, k: number, allowed?: ReadonlySet<number>, exclude?: ReadonlySet<number>): Scored[] {
  const postings = terms.flatMap((term) => (found.has(term) ? [found.get(term)!] : []));
  if (postings.length === 0) return [];
  const hits = bm25TopK(postings, norms, documents, k + (exclude?.size ?? 0), allowed);
  return exclude ? hits.filter((hit) => !exclude.has(hit.label)).slice(0, k) : hits;
}
