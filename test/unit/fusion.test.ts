import { describe, expect, it } from "vitest";
import { normalizedScoreFusion, reciprocalRankFusion } from "../../src/ranking/fusion.js";
import { rankByMode } from "../../src/ranking/modes.js";

const list = (...labels: number[]) => labels.map((label, i) => ({ label, score: 10 - i }));

describe("reciprocal rank fusion", () => {
  it("sums 1/(k + rank) over lists", () => {
    const fused = reciprocalRankFusion([list(1, 2, 3), list(3, 1)], undefined, 60);
    expect(fused.map((s) => s.label)).toEqual([1, 3, 2]);
    expect(fused[0]!.score).toBeCloseTo(1 / 61 + 1 / 62, 12);
    expect(fused[1]!.score).toBeCloseTo(1 / 63 + 1 / 61, 12);
    expect(fused[2]!.score).toBeCloseTo(1 / 62, 12);
  });

  it("ignores the scale of scores, and weights lists", () => {
    const a = [{ label: 1, score: 1000 }, { label: 2, score: -5 }];
    const b = [{ label: 2, score: 0.9 }, { label: 1, score: 0.1 }];
    expect(reciprocalRankFusion([a, b], [1, 2]).map((s) => s.label)).toEqual([2, 1]);
    expect(reciprocalRankFusion([a, b], [2, 1]).map((s) => s.label)).toEqual([1, 2]);
  });

  it("breaks ties by label and handles empty lists", () => {
    expect(reciprocalRankFusion([list(5), list(4)]).map((s) => s.label)).toEqual([4, 5]);
    expect(reciprocalRankFusion([[], []])).toEqual([]);
  });
});

describe("normalized score fusion", () => {
  it("min-max scales each list to [0, 1] and adds weighted scores", () => {
    const dense = [{ label: 1, score: 0.9 }, { label: 2, score: 0.7 }, { label: 3, score: 0.5 }];
    const lexical = [{ label: 3, score: 20 }, { label: 2, score: 10 }, { label: 4, score: 0 }];
    const fused = normalizedScoreFusion([dense, lexical], [0.6, 0.4]);
    const byLabel = new Map(fused.map((s) => [s.label, s.score]));
    expect(byLabel.get(1)).toBeCloseTo(0.6, 12); // 0.6*1 + missing
    expect(byLabel.get(2)).toBeCloseTo(0.5, 12); // 0.6*0.5 + 0.4*0.5
    expect(byLabel.get(3)).toBeCloseTo(0.4, 12); // 0.6*0 + 0.4*1
    expect(byLabel.get(4)).toBeCloseTo(0, 12);
    expect(fused.map((s) => s.label)).toEqual([1, 2, 3, 4]);
  });

  it("gives a one-item or flat list full score", () => {
    expect(normalizedScoreFusion([[{ label: 7, score: 3 }]])).toEqual([{ label: 7, score: 1 }]);
  });
});

describe("rankByMode", () => {
  const dense = (depth: number) => list(1, 2, 3, 4).slice(0, depth);
  const lexical = (depth: number) => list(3, 4, 9).slice(0, depth);

  it("uses one retriever for dense and lexical, both fused for hybrid", () => {
    expect(rankByMode("dense", 2, dense, lexical).map((s) => s.label)).toEqual([1, 2]);
    expect(rankByMode("lexical", 2, dense, lexical).map((s) => s.label)).toEqual([3, 4]);
    // Min-max halves: 3 → 0.5·(1/3) + 0.5·1, 1 → 0.5·1, 2 → 0.5·(2/3), 4 → 0 + 0.5·0.5, 9 → 0.
    expect(rankByMode("hybrid", 5, dense, lexical).map((s) => s.label)).toEqual([3, 1, 2, 4, 9]);
  });
});
