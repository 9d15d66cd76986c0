/**
 * A paper's day: "YYYY-MM-DD", read from what the sources write (ISO days and timestamps, arXiv's
 * "Mon, 2 Apr 2007 19:18:42 GMT", "2 April 2007", "April 2, 2007", BibTeX's year, month and day,
 * Zotero's "2007-04-02 2 April 2007"). A date without a day ("2024-03", "2024") is no day: the
 * paper keeps its year, and its date is null.
 */

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

/** The day a year, month (1–12) and day of month make, or null when there is no such day. */
export function dayFrom(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return null;
  if (year < 1000 || year > 2999 || month < 1 || month > 12 || day < 1) return null;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > days) return null;
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** A month from its number (1, "01") or its English name or abbreviation ("jan", "January", "Sept."). */
export function monthOf(value: string | number): number | null {
  const text = String(value).trim().toLowerCase().replace(/\.$/, "");
  if (/^\d{1,2}$/.test(text)) {
    const month = Number(text);
    return month >= 1 && month <= 12 ? month : null;
  }
  if (text.length < 3) return null;
  const index = MONTHS.findIndex((name) => name.startsWith(text));
  return index < 0 ? null : index + 1;
}

const ISO_DAY = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T\s])/;
const SLASHED_DAY = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/;
/** "Mon, 2 Apr 2007 19:18:42 GMT", "2 April 2007", "02 Apr. 2007". */
const DAY_MONTH_YEAR = /^(?:[A-Za-z]{3,9},?\s+)?(\d{1,2})\s+([A-Za-z]{3,9}\.?)\s+(\d{4})(?:$|[\s,])/;
/** "April 2, 2007", "Apr 2 2007". */
const MONTH_DAY_YEAR = /^([A-Za-z]{3,9}\.?)\s+(\d{1,2}),?\s+(\d{4})(?:$|[\s,])/;

/**
 * The day a text names, or null: ISO days (`2024-03-18`, `2024-03-18T09:00:00Z`, `2024/03/18`),
 * RFC 2822 (`Mon, 2 Apr 2007 19:18:42 GMT`, the day as written, not moved to another time zone),
 * `2 April 2007` and `April 2, 2007`. A month or a year alone is no day.
 */
export function parseDay(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const text = value.trim();
  if (text === "" || text.length > 100) return null;
  let match = ISO_DAY.exec(text) ?? SLASHED_DAY.exec(text);
  if (match) return dayFrom(Number(match[1]), Number(match[2]), Number(match[3]));
  match = DAY_MONTH_YEAR.exec(text);
  if (match) return dayOf(match[3]!, match[2]!, match[1]!);
  match = MONTH_DAY_YEAR.exec(text);
  if (match) return dayOf(match[3]!, match[1]!, match[2]!);
  return null;
}

function dayOf(year: string, month: string, day: string): string | null {
  const m = monthOf(month);
  return m === null ? null : dayFrom(Number(year), m, Number(day));
}

/**
 * Zotero's stored date, "YYYY-MM-DD original text" (its multipart form, `00` for a month or day not
 * given): the day when all three are given; else the original text read as a day.
 */
export function zoteroDay(value: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?: |$)/.exec(value.trim());
  if (match) return dayFrom(Number(match[1]), Number(match[2]), Number(match[3]));
  return parseDay(value);
}

/** A date as stored and shown: a valid "YYYY-MM-DD" day, anything else null. */
export function cleanDay(value: string | null | undefined): string | null {
  if (typeof value !== "string") return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return match && dayFrom(Number(match[1]), Number(match[2]), Number(match[3])) === value ? value : null;
}

/** The year of a "YYYY-MM-DD" day. */
export function yearOfDay(day: string): number {
  return Number(day.slice(0, 4));
}
