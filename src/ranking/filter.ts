import { PapersError } from "../errors.js";

/** Restricts a search to papers with matching metadata; every given condition must hold. */
export interface PaperFilter {
  /** Inclusive; null on a side leaves it open. */
  years?: [from: number | null, to: number | null];
  /**
   * Only papers dated on or after this day ("YYYY-MM-DD"; "YYYY-MM" and "YYYY" mean the first day
   * of that month or year). A paper without a date is left out when `since` or `until` is given.
   */
  since?: string;
  /** Only papers dated on or before this day ("YYYY-MM" and "YYYY" mean the last day of that span). */
  until?: string;
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

/** The day a `since` (first day) or `until` (last day) bound names: `2024-03-18`, `2024-03` or `2024`. */
export function dayBound(text: string, side: "since" | "until"): string {
  const match = /^\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\s*$/.exec(typeof text === "string" ? text : "");
  const year = Number(match?.[1]);
  const month = match?.[2] === undefined ? undefined : Number(match[2]);
  const last = (m: number) => new Date(Date.UTC(year, m, 0)).getUTCDate();
  const day = match?.[3] === undefined ? undefined : Number(match[3]);
  if (!match || year < 1000 || (month !== undefined && (month < 1 || month > 12)) || (day !== undefined && (day < 1 || day > last(month!)))) {
    throw new PapersError("BAD_OPTION", `${side} must be a day such as 2024-03-18 (or a month, 2024-03, or a year, 2024), not "${String(text)}"`);
  }
  const pad = (n: number) => String(n).padStart(2, "0");
  if (month === undefined) return side === "since" ? `${year}-01-01` : `${year}-12-31`;
  if (day === undefined) return `${year}-${pad(month)}-${side === "since" ? "01" : pad(last(month))}`;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/**
 * The inclusive days a filter's `since` and `until` name (null: that side open), or undefined when
 * it gives neither. A bound that is no day, or a range that is empty, is a BAD_OPTION.
 */
export function dayRange(filter: PaperFilter | undefined): [from: string | null, to: string | null] | undefined {
  if (filter?.since === undefined && filter?.until === undefined) return undefined;
  const from = filter.since === undefined ? null : dayBound(filter.since, "since");
  const to = filter.until === undefined ? null : dayBound(filter.until, "until");
  if (from !== null && to !== null && from > to) {
    throw new PapersError("BAD_OPTION", `since ${filter.since} comes after until ${filter.until}: no day is in between`);
  }
  return [from, to];
}

export function hasConditions(filter: PaperFilter | undefined): filter is PaperFilter {
  return !!filter && (filter.years !== undefined || filter.since !== undefined || filter.until !== undefined || !!filter.category || !!filter.author || !!filter.tag || !!filter.collection);
}

/** Refuses a since or until that is no day, and a condition given empty (`--category ''`), which would otherwise quietly filter nothing. */
export function checkFilter(filter: PaperFilter | undefined): void {
  dayRange(filter);
  for (const [key, example] of [["category", "cs.CL"], ["author", "Hinton"], ["tag", "to-read"], ["collection", "Thesis"]] as const) {
    const value = filter?.[key];
    if (value !== undefined && value.trim() === "") {
      throw new PapersError("BAD_OPTION", `${key} is empty: name one (e.g. ${example}), or leave the filter out`);
    }
  }
}
