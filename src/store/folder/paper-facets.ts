import type Database from "better-sqlite3";
import { dayRange, type PaperFilter } from "../../ranking/filter.js";

/**
 * What search filters look at (years, dates, categories, authors), in memory, each loaded by the first
 * filter that needs it (through the papers_facets index, so abstracts stay on disk). After that a
 * filter is a pass over arrays, instead of an SQL scan that parses JSON in every paper's row
 * (60–150 ms a search at 74k papers): what a server answering filtered questions needs.
 */
export class PaperFacets {
  /** Every label, and its year (0 for none) by label. */
  private years: { labels: Int32Array; byLabel: Int32Array } | undefined;
  /** Labels by lower-cased category. */
  private categories: Map<string, number[]> | undefined;
  /** Each label's date as the number YYYYMMDD (0 for none). */
  private dates: Int32Array | undefined;
  /** Lower-cased author names by label. */
  private authors: string[][] | undefined;

  constructor(private readonly db: Database.Database) {}

  /** Labels of the papers a filter lets through. */
  matching(filter: PaperFilter): number[] {
    const [from, to] = filter.years ?? [null, null];
    const days = dayRange(filter);
    const [since, until] = (days ?? [null, null]).map((day) => (day === null ? null : dayNumber(day))) as [number | null, number | null];
    const author = filter.author ? filter.author.toLowerCase() : undefined;
    // Zotero tags and collections are stored as categories "tag:…" and "collection:…" (corpus/zotero.ts).
    const required = [filter.category, filter.tag && `tag:${filter.tag}`, filter.collection && `collection:${filter.collection}`]
      .filter((c): c is string => !!c)
      .map((c) => this.loadCategories().get(c.toLowerCase()) ?? []);
    const candidates = required.length > 0 ? required[0]! : this.loadYears().labels;
    const alsoIn = required.slice(1).map((labels) => new Set(labels));
    const years = filter.years ? this.loadYears().byLabel : undefined;
    const authors = author ? this.loadAuthors() : undefined;
    const dates = days ? this.loadDates() : undefined;
    const matches: number[] = [];
    for (const label of candidates) {
      if (alsoIn.some((labels) => !labels.has(label))) continue;
      if (years) {
        const year = years[label]!;
        if (year === 0 || (from !== null && year < from) || (to !== null && year > to)) continue;
      }
      if (dates) {
        const date = dates[label] ?? 0;
        if (date === 0 || (since !== null && date < since) || (until !== null && date > until)) continue;
      }
      if (authors && !authors[label]?.some((name) => name.includes(author!))) continue;
      matches.push(label);
    }
    return matches;
  }

  private loadYears(): { labels: Int32Array; byLabel: Int32Array } {
    if (!this.years) {
      const rows = this.db.prepare("SELECT label, year FROM papers").raw().all() as [number, number | null][];
      const byLabel = new Int32Array(rows.reduce((max, [label]) => Math.max(max, label + 1), 0));
      for (const [label, year] of rows) byLabel[label] = year ?? 0;
      this.years = { labels: Int32Array.from(rows, ([label]) => label), byLabel };
    }
    return this.years;
  }

  /** Dates by label, through the papers_dates index; none at all in a store written before papers had dates. */
  private loadDates(): Int32Array {
    if (!this.dates) {
      const rows = hasDateColumn(this.db) ? (this.db.prepare("SELECT label, date FROM papers WHERE date IS NOT NULL").raw().all() as [number, string][]) : [];
      this.dates = new Int32Array(rows.reduce((max, [label]) => Math.max(max, label + 1), 0));
      for (const [label, date] of rows) this.dates[label] = dayNumber(date);
    }
    return this.dates;
  }

  private loadCategories(): Map<string, number[]> {
    if (!this.categories) {
      this.categories = new Map();
      for (const [label, json] of this.db.prepare("SELECT label, categories FROM papers").raw().all() as [number, string][]) {
        for (const category of new Set((JSON.parse(json) as string[]).map((c) => c.toLowerCase()))) {
          const labels = this.categories.get(category);
          if (labels) labels.push(label);
          else this.categories.set(category, [label]);
        }
      }
    }
    return this.categories;
  }

  private loadAuthors(): string[][] {
    if (!this.authors) {
      this.authors = [];
      for (const [label, json] of this.db.prepare("SELECT label, authors FROM papers").raw().all() as [number, string][]) {
        this.authors[label] = (JSON.parse(json) as string[]).map((name) => name.toLowerCase());
      }
    }
    return this.authors;
  }
}

/** Whether the papers table has its date column: one written before papers had dates has not. */
export function hasDateColumn(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM pragma_table_info('papers') WHERE name = 'date'").get() !== undefined;
}

/** "2024-03-18" → 20240318; anything that is not such a day → 0 (no date). */
function dayNumber(day: string): number {
  const n = Number(day.replace(/-/g, ""));
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && Number.isInteger(n) ? n : 0;
}
