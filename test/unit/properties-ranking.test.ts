/**
 * Property-based tests of the pure ranking code: fusion (reciprocal rank and min-max score
 * fusion, and how search modes use them) and the retrieval metrics eval reports.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ndcgAt, recallAt, reciprocalRankAt, scoreRuns, type Judgments } from "../../src/eval/metrics.js";
import { normalizedScoreFusion, reciprocalRankFusion, type Scored } from "../../src/ranking/fusion.js";
import { FUSION_DEPTH, rankByMode, SEARCH_MODES } from "../../src/ranking/modes.js";

const RUNS = 3000;

/** A retriever's answer: distinct labels, best score first (as HNSW and BM25 give them). */
const rankedList = fc
  .uniqueArray(fc.record({ label: fc.integer({ min: 0, max: 60 }), score: fc.double({ min: -1e6, max: 1e6, noNaN: true }) }), {
    selector: (s) => s.label,
    maxLength: 40,
  })
  .map((list) => list.sort((a, b) => b.score - a.score));

const lists = fc.array(rankedList, { minLength: 1, maxLength: 4 });
const weightsFor = (n: number) => fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: n, maxLength: n });

function labelsOf(list: readonly Scored[]): number[] {
  return list.map((s) => s.label);
}

function union(all: readonly (readonly Scored[])[]): number[] {
  return [...new Set(all.flatMap(labelsOf))].sort((a, b) => a - b);
}

/** Best first, ties by label: the order both fusions promise. */
function expectOrdered(fused: readonly Scored[]): void {
  for (let i = 1; i < fused.length; i++) {
    const [a, b] = [fused[i - 1]!, fused[i]!];
    expect(a.score > b.score || (a.score === b.score && a.label < b.label)).toBe(true);
  }
}

describe("fusion", () => {
  for (const [name, fuse] of [
    ["reciprocal rank fusion", reciprocalRankFusion],
    ["min-max score fusion", normalizedScoreFusion],
  ] as const) {
    it(`${name}: every label of every list once, best first, finite scores within the weights' sum`, () => {
      fc.assert(
        fc.property(lists.chain((ls) => fc.tuple(fc.constant(ls), weightsFor(ls.length))), ([ls, weights]) => {
          const fused = fuse(ls, weights);
          expect(labelsOf(fused).sort((a, b) => a - b)).toEqual(union(ls));
          expectOrdered(fused);
          const total = weights.reduce((a, b) => a + b, 0);
          for (const { score } of fused) {
            expect(Number.isFinite(score)).toBe(true);
            expect(score).toBeGreaterThanOrEqual(0);
            expect(score).toBeLessThanOrEqual(total + 1e-9);
          }
        }),
        { numRuns: RUNS },
      );
    });

    it(`${name}: a label first in every list comes first`, () => {
      fc.assert(
        fc.property(lists, fc.integer({ min: 100, max: 200 }), (ls, top) => {
          // Put `top` at the head of every list, with a score above the others.
          const withTop = ls.map((list) => [{ label: top, score: (list[0]?.score ?? 0) + 1 }, ...list]);
          expect(fuse(withTop)[0]!.label).toBe(top);
        }),
        { numRuns: RUNS },
      );
    });

    it(`${name}: does not depend on the order the lists come in (up to rounding)`, () => {
      fc.assert(
        fc.property(lists, (ls) => {
          // Sums in another order may differ in the last bit, so near-ties may swap: compare scores.
          const forward = new Map(fuse(ls).map((s) => [s.label, s.score]));
          const backward = fuse([...ls].reverse());
          expect(backward).toHaveLength(forward.size);
          for (const { label, score } of backward) expect(Math.abs(score - forward.get(label)!)).toBeLessThan(1e-12);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it("reciprocal rank fusion ignores scores: only ranks count", () => {
    fc.assert(
      fc.property(lists, fc.double({ min: -100, max: 100, noNaN: true }), (ls, shift) => {
        const rescored = ls.map((list) => list.map((s, i) => ({ label: s.label, score: shift - i })));
        expect(reciprocalRankFusion(rescored)).toEqual(reciprocalRankFusion(ls));
      }),
      { numRuns: RUNS },
    );
  });

  it("min-max fusion does not change when a list's scores are scaled and shifted", () => {
    // Integer scores, power-of-two scales and integer shifts: exact in floating point.
    const intList = fc
      .uniqueArray(fc.record({ label: fc.integer({ min: 0, max: 60 }), score: fc.integer({ min: -1000, max: 1000 }) }), { selector: (s) => s.label, maxLength: 30 })
      .map((list) => list.sort((a, b) => b.score - a.score));
    fc.assert(
      fc.property(fc.array(intList, { minLength: 1, maxLength: 3 }), fc.integer({ min: -4, max: 8 }), fc.integer({ min: -1000, max: 1000 }), (ls, power, shift) => {
        const scaled = ls.map((list) => list.map((s) => ({ label: s.label, score: s.score * 2 ** power + shift })));
        expect(normalizedScoreFusion(scaled)).toEqual(normalizedScoreFusion(ls));
      }),
      { numRuns: RUNS },
    );
  });

  it("min-max fusion takes a list of 300,000 (no spread of the scores onto the stack)", () => {
    const big = Array.from({ length: 300_000 }, (_, i) => ({ label: i, score: 300_000 - i }));
    const fused = normalizedScoreFusion([big, big.slice(0, 10)]);
    expect(fused).toHaveLength(300_000);
    expect(fused[0]).toEqual({ label: 0, score: 2 });
  });

  it("rankByMode: at most k results, all from the retrievers, hybrid looking at least FUSION_DEPTH deep", () => {
    fc.assert(
      fc.property(rankedList, rankedList, fc.integer({ min: 1, max: 120 }), fc.constantFrom(...SEARCH_MODES), (dense, lexical, k, mode) => {
        const depths: number[] = [];
        const retriever = (list: Scored[]) => (depth: number) => (depths.push(depth), list.slice(0, depth));
        const out = rankByMode(mode, k, retriever(dense), retriever(lexical));
        expect(out.length).toBeLessThanOrEqual(k);
        const allowed = new Set(mode === "dense" ? labelsOf(dense) : mode === "lexical" ? labelsOf(lexical) : union([dense, lexical]));
        for (const s of out) expect(allowed.has(s.label)).toBe(true);
        expect(new Set(labelsOf(out)).size).toBe(out.length);
        if (mode === "hybrid") {
          expect(depths).toEqual([Math.max(k, FUSION_DEPTH), Math.max(k, FUSION_DEPTH)]);
          expect(out.length).toBe(Math.min(k, allowed.size));
          for (const s of out) expect(s.score).toBeLessThanOrEqual(1 + 1e-12);
        } else {
          expect(out).toEqual((mode === "dense" ? dense : lexical).slice(0, k));
        }
      }),
      { numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Metrics

const docId = fc.constantFrom(...Array.from({ length: 30 }, (_, i) => `d${i}`));
/** Judgments with any grades, negative ones (TREC's "harmful") and zeros included. */
const judgments: fc.Arbitrary<Judgments> = fc
  .array(fc.tuple(docId, fc.integer({ min: -2, max: 3 })), { maxLength: 15 })
  .map((pairs) => new Map(pairs));
/** Any ranking, repeats included: metrics must stay in range whatever a run says. */
const ranking = fc.array(docId, { maxLength: 40 });
const cutoff = fc.integer({ min: 0, max: 50 });

/** The ideal ranking: relevant documents by grade, best first. */
function ideal(judged: Judgments): string[] {
  return [...judged].filter(([, g]) => g > 0).sort((a, b) => b[1] - a[1]).map(([id]) => id);
}

describe("metrics", () => {
  it("nDCG, recall and reciprocal rank are in [0, 1] for any ranking and judgments", () => {
    fc.assert(
      fc.property(ranking, judgments, cutoff, (ranked, judged, k) => {
        for (const metric of [ndcgAt, recallAt, reciprocalRankAt]) {
          const value = metric(ranked, judged, k);
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(1 + 1e-12);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("the ideal ranking scores 1 (when anything is relevant), whatever follows it", () => {
    fc.assert(
      fc.property(judgments, ranking, fc.integer({ min: 1, max: 50 }), (judged, tail, k) => {
        const best = ideal(judged);
        fc.pre(best.length > 0);
        const ranked = [...best, ...tail];
        expect(ndcgAt(ranked, judged, k)).toBeCloseTo(1, 12);
        expect(reciprocalRankAt(ranked, judged, k)).toBe(1);
        if (k >= best.length) expect(recallAt(ranked, judged, k)).toBe(1);
      }),
      { numRuns: RUNS },
    );
  });

  it("a ranking with nothing relevant in it scores 0", () => {
    fc.assert(
      fc.property(judgments, ranking, cutoff, (judged, ranked, k) => {
        const irrelevant = ranked.filter((id) => !((judged.get(id) ?? 0) > 0));
        for (const metric of [ndcgAt, recallAt, reciprocalRankAt]) expect(metric(irrelevant, judged, k)).toBe(0);
      }),
      { numRuns: RUNS },
    );
  });

  it("moving a more relevant document above a less relevant one never lowers nDCG", () => {
    fc.assert(
      fc.property(fc.uniqueArray(docId, { minLength: 2, maxLength: 30 }), judgments, fc.nat(), fc.integer({ min: 1, max: 50 }), (ranked, judged, at, k) => {
        const i = at % (ranked.length - 1);
        const [upper, lower] = [ranked[i]!, ranked[i + 1]!];
        fc.pre(Math.max(0, judged.get(lower) ?? 0) > Math.max(0, judged.get(upper) ?? 0));
        const swapped = [...ranked];
        [swapped[i], swapped[i + 1]] = [lower, upper];
        expect(ndcgAt(swapped, judged, k)).toBeGreaterThanOrEqual(ndcgAt(ranked, judged, k) - 1e-12);
      }),
      { numRuns: RUNS },
    );
  });

  it("scoreRuns averages over every judged query, each mean in [0, 1]", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.stringMatching(/^q[0-9]{1,2}$/), judgments, ranking), { maxLength: 8 }), (queries) => {
        const qrels = new Map(queries.map(([q, judged]) => [q, judged]));
        const runs = new Map(queries.filter((_, i) => i % 3 !== 0).map(([q, , ranked]) => [q, ranked]));
        const scores = scoreRuns(runs, qrels);
        expect(scores.queries).toBe(qrels.size);
        for (const value of [scores.ndcg_at_10, scores.recall_at_100, scores.mrr_at_10]) {
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(1 + 1e-12);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
