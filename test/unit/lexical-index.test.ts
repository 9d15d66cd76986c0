/**
 * The BM25 index: scoring checked against a direct transcription of the formula, and the
 * incremental index (adds, changes, removals, in several flushes) against one built from scratch.
 */
import Database from "better-sqlite3";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LexicalIndex } from "../../src/store/folder/lexical-index.js";
import type { TextChange } from "../../src/store/shared/postings.js";
import { documentTerms, queryTerms } from "../../src/ranking/analyzer.js";
import { BM25, bm25TopK, lengthNorms, type Postings } from "../../src/ranking/bm25.js";

/** BM25 as the textbook writes it, one document at a time, with Lucene's idf. */
function referenceScores(docs: Map<number, string>, question: string): Map<number, number> {
  const analysed = new Map([...docs].map(([label, text]) => [label, documentTerms(text)]));
  const average = [...analysed.values()].reduce((sum, t) => sum + t.length, 0) / docs.size;
  const scores = new Map<number, number>();
  for (const term of queryTerms(question)) {
    const df = [...analysed.values()].filter((t) => t.includes(term)).length;
    if (df === 0) continue;
    const idf = Math.log(1 + (docs.size - df + 0.5) / (df + 0.5));
    for (const [label, terms] of analysed) {
      const tf = terms.filter((t) => t === term).length;
      if (tf === 0) continue;
      const norm = BM25.k1 * (1 - BM25.b + (BM25.b * terms.length) / average);
      scores.set(label, (scores.get(label) ?? 0) + (idf * tf * (BM25.k1 + 1)) / (tf + norm));
    }
  }
  return scores;
}

function newIndex(flushAt?: number): LexicalIndex {
  const db = new Database(":memory:");
  LexicalIndex.createTables(db);
  return new LexicalIndex(db, flushAt);
}

const WORDS = ["decoding", "decoder", "latency", "cache", "graph", "graphs", "molecule", "the", "of", "attention", "sparse", "token"];
const text = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 12 }).map((w) => w.join(" "));
const question = fc.array(fc.constantFrom(...WORDS, "absent"), { minLength: 1, maxLength: 4 }).map((w) => w.join(" "));

describe("bm25TopK", () => {
  it("scores as the formula does, best first with ties by label, and only allowed labels", () => {
    fc.assert(
      fc.property(
        fc.array(text, { minLength: 1, maxLength: 15 }),
        question,
        fc.integer({ min: 1, max: 20 }),
        fc.option(fc.uniqueArray(fc.integer({ min: 0, max: 14 }))),
        (texts, q, k, allowedList) => {
          const docs = new Map(texts.map((t, label) => [label, t]));
          const index = newIndex();
          index.apply([...docs].map(([label, after]) => ({ label, after })));
          const allowed = allowedList ? new Set(allowedList) : undefined;
          const expected = [...referenceScores(docs, q)]
            .filter(([label]) => !allowed || allowed.has(label))
            .sort((a, b) => b[1] - a[1] || a[0] - b[0])
            .slice(0, k);
          const got = index.search(q, k, allowed);
          expect(got.map((h) => h.label).sort()).toEqual(expected.map(([label]) => label).sort());
          got.forEach((hit, i) => expect(hit.score).toBeCloseTo(expected[i]![1], 4));
          for (let i = 1; i < got.length; i++) expect(got[i - 1]!.score >= got[i]!.score).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keeps the k best of many with a bounded heap", () => {
    const n = 5000;
    const postings: Postings = { labels: Uint32Array.from({ length: n }, (_, i) => i), counts: Uint8Array.from({ length: n }, (_, i) => 1 + (i % 7)) };
    const norms = lengthNorms(Uint32Array.from({ length: n }, (_, i) => 10 + (i % 13)), n, n * 16);
    const all = bm25TopK([postings], norms, n, n);
    const top = bm25TopK([postings], norms, n, 25);
    expect(top).toEqual(all.slice(0, 25));
    expect(bm25TopK([postings], norms, n, 0)).toEqual([]);
  });
});

describe("LexicalIndex", () => {
  it("after any sequence of adds, changes and removals, answers as an index built from scratch", () => {
    const step = fc.record({ label: fc.integer({ min: 0, max: 9 }), after: fc.option(text, { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(fc.array(step, { maxLength: 8 }), { maxLength: 6 }), fc.integer({ min: 1, max: 20 }), question, (batches, flushAt, q) => {
        const live = new Map<number, string>();
        const incremental = newIndex(flushAt);
        for (const batch of batches) {
          const changes: TextChange[] = [];
          const seen = new Set<number>();
          for (const { label, after } of batch) {
            if (seen.has(label) || (after === undefined && !live.has(label))) continue;
            seen.add(label);
            changes.push({ label, before: live.get(label), after });
            if (after === undefined) live.delete(label);
            else live.set(label, after);
          }
          incremental.apply(changes);
        }
        const scratch = newIndex();
        scratch.apply([...live].map(([label, after]) => ({ label, after })));
        expect(incremental.search(q, 10)).toEqual(scratch.search(q, 10));
      }),
      { numRuns: 300 },
    );
  });

  it("finds nothing for a question without words or with only unknown ones", () => {
    const index = newIndex();
    index.apply([{ label: 0, after: "Sparse attention for long documents" }]);
    expect(index.search("?!", 5)).toEqual([]);
    expect(index.search("zebrafish", 5)).toEqual([]);
    expect(index.search("attentions", 5).map((h) => h.label)).toEqual([0]);
  });
});
