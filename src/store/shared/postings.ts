/**
 * BM25 postings as both stores keep them: one row per term, labels as uint32 then counts as uint8.
 * The folder store writes them to SQLite (folder/lexical-index.ts), PostgreSQL to its postings
 * table, from the same changes through the same code, so BM25 scores are the same in every store.
 */
import { documentTerms, type AnalyzerOptions } from "../../ranking/analyzer.js";
import type { Postings } from "../../ranking/bm25.js";

/** One document's text before and after a change; undefined on a side means absent. */
export interface TextChange {
  label: number;
  before?: string;
  after?: string;
}

/** A term's postings to add, and the documents whose old postings go, before they are written. */
export interface TermChange {
  drop?: Set<number>;
  labels: number[];
  counts: number[];
}

/** What a batch of text changes does to the postings and the document lengths, gathered before it is written. */
export class PostingChanges {
  readonly terms = new Map<string, TermChange>();
  /** New length by label; null: the document is gone. */
  readonly lengths = new Map<number, number | null>();
  /** Postings gathered so far: a writer flushes past a bound, to bound memory. */
  postings = 0;

  constructor(private readonly analysis: AnalyzerOptions = {}) {}

  add({ label, before, after }: TextChange): void {
    if (before === after) return;
    if (before !== undefined) for (const term of new Set(documentTerms(before, this.analysis))) (this.at(term).drop ??= new Set()).add(label);
    if (after === undefined) {
      this.lengths.set(label, null);
      return;
    }
    const words = documentTerms(after, this.analysis);
    this.lengths.set(label, words.length);
    const counts = new Map<string, number>();
    for (const term of words) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const [term, count] of counts) {
      const entry = this.at(term);
      entry.labels.push(label);
      // A word 255 times in one abstract is already far into BM25's saturation.
      entry.counts.push(Math.min(count, 255));
    }
    this.postings += counts.size;
  }

  clear(): void {
    this.terms.clear();
    this.lengths.clear();
    this.postings = 0;
  }

  private at(term: string): TermChange {
    let entry = this.terms.get(term);
    if (!entry) this.terms.set(term, (entry = { labels: [], counts: [] }));
    return entry;
  }
}

export function collectChanges(changes: Iterable<TextChange>, analysis: AnalyzerOptions = {}): PostingChanges {
  const collected = new PostingChanges(analysis);
  for (const change of changes) collected.add(change);
  return collected;
}

/**
 * A term's stored postings with a change applied, encoded as every store keeps them (labels as
 * uint32, then counts as uint8); null when none are left.
 */
export function mergePostings(stored: Postings | undefined, change: TermChange): Buffer | null {
  const kept: number[] = [];
  if (stored) for (let i = 0; i < stored.labels.length; i++) if (!change.drop?.has(stored.labels[i]!)) kept.push(i);
  const n = kept.length + change.labels.length;
  if (n === 0) return null;
  const blob = Buffer.alloc(n * 5);
  const labels = new Uint32Array(blob.buffer, blob.byteOffset, n);
  const counts = blob.subarray(n * 4);
  kept.forEach((from, to) => {
    labels[to] = stored!.labels[from]!;
    counts[to] = stored!.counts[from]!;
  });
  labels.set(change.labels, kept.length);
  counts.set(change.counts, kept.length);
  return blob;
}

export function decodePostings(blob: Buffer): Postings {
  const n = blob.length / 5;
  // A Uint32Array view needs 4-byte alignment, which a Buffer inside a larger one may lack.
  const bytes = blob.byteOffset % 4 === 0 ? blob : new Uint8Array(blob);
  return { labels: new Uint32Array(bytes.buffer, bytes.byteOffset, n), counts: new Uint8Array(bytes.buffer, bytes.byteOffset + n * 4, n) };
}
