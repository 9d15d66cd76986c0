import { PapersError } from "../errors.js";

/** Restricts a search to papers with matching metadata; every given condition must hold. */
export interface PaperFilter {
  /** Inclusive; null on a side leaves it open. */
  years?: [from: number | null, to: number | null];
  /** A category the paper carries anywhere in its list (`cs.CL`), case-insensitive. */
  category?: string;
  /** Part of any author's name, case-insensitive. */
  author?: string;
  /** A Zotero tag the paper carries, case-insensitive. */
  tag?: string;
  /** A Zotero collection the paper is in (directly or through a subcollection), case-insensitive. */
  collection?: string;
}

/** Reads `2024`, `2024..2026`, `2024..` or `..2020`. */
export function parseYearRange(text: string): [number | null, number | null] {
  const match = /^\s*(\d{4})?\s*(\.\.)?\s*(\d{4})?\s*$/.exec(text);
  if (!match || (!match[1] && !match[3]) || (!match[2] && match[3])) {
    throw new PapersError("BAD_OPTION", `year must look like 2024, 2024..2026, 2024.. or ..2020, not "${text}"`);
  }
  const from = match[1] ? Number(match[1]) : null;
  const to = match[2] ? (match[3] ? Number(match[3]) : null) : from;
  if (from !== null && to !== null && from > to) {
    throw new PapersError("BAD_OPTION", `year range ${text} is empty: the first year comes after the last`);
  }
  return [from, to];
}

export function hasConditions(filter: PaperFilter | undefined): filter is PaperFilter {
  return !!filter && (filter.years !== undefined || !!filter.category || !!filter.author || !!filter.tag || !!filter.collection);
}

/** Refuses a condition given empty (`--category ''`), which would otherwise quietly filter nothing. */
export function checkFilter(filter: PaperFilter | undefined): void {
  for (const [key, example] of [["category", "cs.CL"], ["author", "Hinton"], ["tag", "to-read"], ["collection", "Thesis"]] as const) {
    const value = filter?.[key];
    if (value !== undefined && value.trim() === "") {
      throw new PapersError("BAD_OPTION", `${key} is empty: name one (e.g. ${example}), or leave the filter out`);
    }
  }
}
