/**
 * CSL-JSON (the Citation Style Language's item format, read by Zotero, Pandoc, citeproc): one
 * item per paper. Written here from the schema rather than through a library, as it is a plain
 * mapping of fields to JSON; test/export.test.ts checks citeproc-js renders it.
 */
import type { Paper } from "../corpus/paper.js";
import { paperUrl, splitName } from "./exportable.js";

export interface CslName {
  given?: string;
  family?: string;
  suffix?: string;
}

export interface CslItem {
  id: string;
  type: "article" | "article-journal";
  title?: string;
  abstract: string;
  author?: CslName[];
  issued?: { "date-parts": number[][] };
  DOI?: string;
  URL?: string;
  "container-title"?: string;
  /** arXiv: the archive and the paper's id there (CSL 1.0.2 for preprints). */
  archive?: string;
  archive_location?: string;
  number?: string;
  publisher?: string;
}

/** A paper as a CSL item: a preprint (`article`) unless it has a journal reference. */
export function paperToCsl(paper: Paper): CslItem {
  const item: CslItem = { id: paper.id, type: paper.journalRef ? "article-journal" : "article", abstract: paper.abstract };
  if (paper.title) item.title = paper.title;
  if (paper.authors.length > 0) item.author = paper.authors.map((name) => splitName(name));
  // The day when the paper has one in its year, else the year.
  if (paper.date && Number(paper.date.slice(0, 4)) === paper.year) item.issued = { "date-parts": [paper.date.split("-").map(Number)] };
  else if (paper.year !== null) item.issued = { "date-parts": [[paper.year]] };
  if (paper.doi) item.DOI = paper.doi;
  const url = paperUrl(paper);
  if (url) item.URL = url;
  if (paper.journalRef) item["container-title"] = paper.journalRef;
  if (paper.arxivId) {
    item.archive = "arXiv";
    item.archive_location = paper.arxivId;
    item.number = paper.arxivId;
    if (!paper.journalRef) item.publisher = "arXiv";
  }
  return item;
}

export function formatCslJson(papers: readonly Paper[]): string {
  return JSON.stringify(papers.map(paperToCsl), null, 2);
}
