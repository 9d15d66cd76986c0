/**
 * BM25 postings as papers keeps them (one row per term: labels as uint32, then counts as uint8;
 * see src/index/lexical-index.ts), computed in memory for a store that writes them elsewhere
 * (PostgreSQL): the same terms and the same blobs, so BM25 scores are the same in every store.
 */
import { documentTerms, type AnalyzerOptions } from "../search/analyzer.js";
import type { Postings } from "../search/bm25.js";
import type { TermChange, TextChange } from "../index/lexical-index.js";

/** What a batch of text changes does to the postings and the document lengths. */
export interface PostingChanges {
  terms: Map<string, TermChange>;
  /** New length by label; null: the document is gone. */
  lengths: Map<number, number | null>;
}

export function collectChanges(changes: Iterable<TextChange>, analysis: AnalyzerOptions = {}): PostingChanges {
  const terms = new Map<string, TermChange>();
  const lengths = new Map<number, number | null>();
  const at = (term: string) => {
    let entry = terms.get(term);
    if (!entry) terms.set(term, (entry = { labels: [], counts: [] }));
    return entry;
  };
  for (const { label, before, after } of changes) {
    if (before === after) continue;
    if (before !== undefined) for (const term of new Set(documentTerms(before, analysis))) (at(term).drop ??= new Set()).add(label);
    if (after === undefined) {
      lengths.set(label, null);
      continue;
    }
    const words = documentTerms(after, analysis);
    lengths.set(label, words.length);
    const counts = new Map<string, number>();
    for (const term of words) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const [term, count] of counts) {
      const entry = at(term);
      entry.labels.push(label);
      // A word 255 times in one abstract is already far into BM25's saturation.
      entry.counts.push(Math.min(count, 255));
    }
  }
  return { terms, lengths };
}

export function decodePostings(blob: Buffer): Postings {
  const n = blob.length / 5;
  // A Uint32Array view needs 4-byte alignment, which a Buffer inside a larger one may lack.
  const bytes = blob.byteOffset % 4 === 0 ? blob : new Uint8Array(blob);
  return { labels: new Uint32Array(bytes.buffer, bytes.byteOffset, n), counts: new Uint8Array(bytes.buffer, bytes.byteOffset + n * 4, n) };
}
