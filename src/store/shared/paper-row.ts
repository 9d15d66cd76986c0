import type { Paper } from "../../corpus/paper.js";
import { PapersError } from "../../errors.js";
import { REBUILD_HINT } from "./manifest.js";

/** A papers row as both stores keep it (SQLite in folder/paper-table.ts, PostgreSQL in postgres/). */
export interface PaperRow {
  label: number;
  id: string;
  content_hash: string;
  title: string | null;
  abstract: string;
  arxiv_id: string | null;
  doi: string | null;
  journal_ref: string | null;
  comments: string;
  authors: string;
  categories: string;
  year: number | null;
  sources: string;
  /** "YYYY-MM-DD"; absent from an index written before papers had dates, read as null. */
  date?: string | null;
}

/** The columns of a PaperRow, in the order both stores write them. */
export const PAPER_COLUMNS = [
  "label", "id", "content_hash", "title", "abstract", "arxiv_id", "doi", "journal_ref",
  "comments", "authors", "categories", "year", "sources", "date",
] as const;

/** A stored row as a paper; a row whose JSON fields do not read back is a damaged index, said so. */
export function toPaper(row: PaperRow): Paper {
  const list = <T>(field: "comments" | "authors" | "categories" | "sources"): T[] => {
    let value: unknown;
    try {
      value = JSON.parse(row[field]);
    } catch {
      value = undefined;
    }
    if (!Array.isArray(value)) throw new PapersError("INDEX_DAMAGED", `the index is damaged (paper "${row.id}": its ${field} are not a JSON list): ${REBUILD_HINT}`);
    return value as T[];
  };
  return {
    id: row.id,
    title: row.title,
    abstract: row.abstract,
    arxivId: row.arxiv_id,
    doi: row.doi,
    journalRef: row.journal_ref,
    comments: list<string>("comments"),
    authors: list<string>("authors"),
    categories: list<string>("categories"),
    year: row.year,
    date: row.date ?? null,
    sources: list<Paper["sources"][number]>("sources"),
  };
}
