/**
 * How well references were read, against ground truth: the count, and per field (title, year,
 * DOI, arXiv id) precision and recall. For bench/references.mjs and the fixture tests.
 *
 * - Alignment: each reference read is paired with at most one true entry, greedily by the share of
 *   the entry's words (title, surnames, year) that its raw text holds, best pairs first, none
 *   under a half.
 * - A field is correct when the pair's values are equal after normalising: titles lower-cased,
 *   accents and everything but letters and digits dropped ("Pre-training" = "pretraining"); years
 *   as numbers; DOIs and arXiv ids lower-cased.
 * - Precision: correct values / values read (a value read for an entry with none is wrong).
 *   Recall: correct values / true values that the list prints (a style that prints no DOI has no
 *   DOI to find: `printedDoi`, `printedArxiv`).
 */
import { readBibtex } from "../bibtex.js";
import type { PaperRecord } from "../paper.js";
import { bblEntries, bblText } from "./bbl.js";
import type { Reference } from "./reference.js";

export interface TruthEntry {
  title: string | null;
  authors: string[];
  year: number | null;
  doi: string | null;
  arxivId: string | null;
  /** Whether the printed list shows the DOI / the arXiv id (else recall does not count it). */
  printedDoi: boolean;
  printedArxiv: boolean;
}

export const SCORED_FIELDS = ["title", "year", "doi", "arxivId"] as const;
export type ScoredField = (typeof SCORED_FIELDS)[number];

export interface FieldScore {
  correct: number;
  read: number;
  expected: number;
}

export interface ReferenceScore {
  found: number;
  expected: number;
  fields: Record<ScoredField, FieldScore>;
}

export function normaliseTitle(title: string): string {
  return title.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
}

function words(text: string): Set<string> {
  return new Set(text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 1));
}

/** For each reference read, the index of its true entry, or null. */
export function alignReferences(found: readonly Reference[], truth: readonly TruthEntry[]): (number | null)[] {
  const pairs: { i: number; j: number; score: number }[] = [];
  const truthWords = truth.map((t) => words([t.title ?? "", ...t.authors.map((a) => a.split(/\s+/).at(-1) ?? ""), t.year ?? ""].join(" ")));
  found.forEach((reference, i) => {
    const mine = words(reference.raw);
    truthWords.forEach((theirs, j) => {
      let shared = 0;
      for (const w of theirs) if (mine.has(w)) shared++;
      // How much of the entry's words the reference holds: a long reference (editors, a reprint)
      // holds all of its entry's words and many more.
      const score = shared / (theirs.size || 1);
      if (score >= 0.5) pairs.push({ i, j, score });
    });
  });
  pairs.sort((a, b) => b.score - a.score);
  const out: (number | null)[] = found.map(() => null);
  const taken = new Set<number>();
  for (const { i, j } of pairs) {
    if (out[i] !== null || taken.has(j)) continue;
    out[i] = j;
    taken.add(j);
  }
  return out;
}

function same(field: ScoredField, read: Reference, truth: TruthEntry): boolean {
  const a = read[field];
  const b = truth[field];
  if (a === null || b === null) return false;
  if (field === "title") return normaliseTitle(String(a)) === normaliseTitle(String(b));
  return String(a).toLowerCase() === String(b).toLowerCase();
}

export function scoreReferences(found: readonly Reference[], truth: readonly TruthEntry[]): ReferenceScore {
  const aligned = alignReferences(found, truth);
  const fields = Object.fromEntries(SCORED_FIELDS.map((f) => [f, { correct: 0, read: 0, expected: 0 }])) as Record<ScoredField, FieldScore>;
  for (const t of truth) {
    if (t.title !== null) fields.title.expected++;
    if (t.year !== null) fields.year.expected++;
    if (t.doi !== null && t.printedDoi) fields.doi.expected++;
    if (t.arxivId !== null && t.printedArxiv) fields.arxivId.expected++;
  }
  found.forEach((reference, i) => {
    const j = aligned[i];
    for (const field of SCORED_FIELDS) {
      if (reference[field] === null) continue;
      fields[field].read++;
      if (j !== null && j !== undefined && same(field, reference, truth[j]!)) fields[field].correct++;
    }
  });
  return { found: found.length, expected: truth.length, fields };
}

/** Summed over several scores. */
export function addScores(scores: readonly ReferenceScore[]): ReferenceScore {
  const total: ReferenceScore = { found: 0, expected: 0, fields: Object.fromEntries(SCORED_FIELDS.map((f) => [f, { correct: 0, read: 0, expected: 0 }])) as Record<ScoredField, FieldScore> };
  for (const score of scores) {
    total.found += score.found;
    total.expected += score.expected;
    for (const f of SCORED_FIELDS) {
      total.fields[f].correct += score.fields[f].correct;
      total.fields[f].read += score.fields[f].read;
      total.fields[f].expected += score.fields[f].expected;
    }
  }
  return total;
}

export const precision = (s: FieldScore): number => (s.read === 0 ? 1 : s.correct / s.read);
export const recall = (s: FieldScore): number => (s.expected === 0 ? 1 : s.correct / s.expected);

/**
 * The truth for a document built by BibTeX: its `.bbl` says which entries are cited and in what
 * order (and what is printed), the `.bib` gives each entry's fields.
 */
export function bibTruth(bib: string, bbl: string): TruthEntry[] {
  const records = new Map<string, PaperRecord>();
  // The .bib has no abstracts: the title stands in, so that every entry is a record.
  for (const event of readBibtex(bib, "library.bib", { abstract: "title" })) {
    if (event.type === "record" && event.record.sourceId !== null) records.set(event.record.sourceId, event.record);
  }
  return bblEntries(bbl).map((entry) => {
    const record = records.get(entry.key);
    if (!record) throw new Error(`${entry.key}: cited in the .bbl, not in the .bib`);
    const printed = bblText(entry.latex).toLowerCase();
    return {
      title: record.title,
      authors: record.authors,
      year: record.year,
      doi: record.doi?.toLowerCase() ?? null,
      arxivId: record.arxivId?.toLowerCase() ?? null,
      printedDoi: record.doi !== null && printed.includes(record.doi.toLowerCase()),
      printedArxiv: record.arxivId !== null && printed.includes(record.arxivId.toLowerCase()),
    };
  });
}
