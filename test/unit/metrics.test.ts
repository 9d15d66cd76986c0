import { describe, expect, it } from "vitest";
import { ndcgAt, recallAt, reciprocalRankAt, scoreRuns } from "../../src/eval/metrics.js";

const judged = (ids: string[]) => new Map(ids.map((id) => [id, 1]));

describe("retrieval metrics (trec_eval definitions)", () => {
  it("nDCG@10: relevant at ranks 1 and 3 of two relevant", () => {
    // DCG = 1/log2(2) + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3) = 1.6309
    expect(ndcgAt(["a", "x", "b"], judged(["a", "b"]), 10)).toBeCloseTo(1.5 / (1 + 1 / Math.log2(3)), 10);
  });

  it("nDCG@10 is 1 for an ideal ranking and 0 when nothing relevant is in the top 10", () => {
    expect(ndcgAt(["a", "b", "x"], judged(["a", "b"]), 10)).toBe(1);
    const late = [...Array.from({ length: 10 }, (_, i) => `x${i}`), "a"];
    expect(ndcgAt(late, judged(["a"]), 10)).toBe(0);
  });

  it("nDCG@10 uses graded relevance with linear gain", () => {
    const graded = new Map([["a", 1], ["b", 2]]);
    // DCG = 1 + 2/log2(3); IDCG = 2 + 1/log2(3)
    expect(ndcgAt(["a", "b"], graded, 10)).toBeCloseTo((1 + 2 / Math.log2(3)) / (2 + 1 / Math.log2(3)), 10);
  });

  it("nDCG@k caps the ideal ranking at k too", () => {
    // Three relevant, k = 1, the first is relevant: 1/1.
    expect(ndcgAt(["a"], judged(["a", "b", "c"]), 1)).toBe(1);
  });

  it("Recall@100 counts relevant documents found within the cut-off", () => {
    expect(recallAt(["a", "x", "c"], judged(["a", "b", "c", "d"]), 100)).toBe(0.5);
    expect(recallAt(["x", "a"], judged(["a"]), 1)).toBe(0);
  });

  it("MRR@10 is the reciprocal rank of the first relevant document", () => {
    expect(reciprocalRankAt(["x", "y", "a", "b"], judged(["a", "b"]), 10)).toBeCloseTo(1 / 3, 12);
    expect(reciprocalRankAt(["x", "y", "a"], judged(["a"]), 2)).toBe(0);
  });

  it("averages over every judged query, counting a query with no run as 0", () => {
    const qrels = new Map([
      ["q1", judged(["a"])],
      ["q2", judged(["b"])],
    ]);
    const scores = scoreRuns(new Map([["q1", ["a"]]]), qrels);
    expect(scores).toEqual({ ndcg_at_10: 0.5, recall_at_100: 0.5, mrr_at_10: 0.5, queries: 2 });
  });
});
