/**
 * Calibrated relevance and "no confident match": the pure parts, and the claims with the real model
 * on the seeds (questions about them against nonsense and everyday questions).
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auroc, chooseThreshold, fitCalibration, relevance } from "../src/ranking/calibration.js";
import { closest, matchedTerms, splitSentences } from "../src/ranking/explain.js";
import { indexPapers, openIndex, type PaperIndex } from "../src/papers.js";
import { SEEDS, modelsDir, runCli, tempDir } from "./helpers.js";

describe("calibration, pure", () => {
  it("AUROC: 1 when every positive outscores every negative, 0.5 for ties, 0 reversed", () => {
    expect(auroc([0.9, 0.8], [0.1, 0.2])).toBe(1);
    expect(auroc([0.5], [0.5])).toBe(0.5);
    expect(auroc([0.1], [0.9])).toBe(0);
  });

  it("the threshold separates the two sides where they separate", () => {
    const t = chooseThreshold([0.7, 0.8, 0.9], [0.1, 0.2, 0.3]);
    expect(t).toBeGreaterThan(0.3);
    expect(t).toBeLessThanOrEqual(0.7);
  });

  it("the fit weighs the signals that tell relevant from irrelevant, and relevance grows with them", () => {
    const examples = Array.from({ length: 200 }, (_, i) => {
      const relevant = i % 4 === 0;
      return { features: { cosine: (relevant ? 0.6 : 0.2) + (i % 7) * 0.02, lexical: (i % 5) * 0.05 }, relevant };
    });
    const fit = fitCalibration(examples);
    expect(fit.cosine).toBeGreaterThan(0);
    const calibration = { ...fit, model: "x", threshold: 0.5 };
    expect(relevance({ cosine: 0.7, lexical: 0.1 }, calibration)).toBeGreaterThan(relevance({ cosine: 0.2, lexical: 0.1 }, calibration));
    expect(relevance({ cosine: 0.7, lexical: 0.1 }, calibration)).toBeGreaterThan(0.5);
    expect(relevance({ cosine: 0.2, lexical: 0.1 }, calibration)).toBeLessThan(0.5);
  });
});

describe("explanations, pure", () => {
  it("splits sentences without breaking decimals, and picks the closest vector", () => {
    expect(splitSentences("We reach 1.4x speed-up. It works!  Really?")).toEqual(["We reach 1.4x speed-up.", "It works!", "Really?"]);
    const q = new Float32Array([1, 0]);
    expect(closest(q, [new Float32Array([0, 1]), new Float32Array([0.8, 0.6])])).toEqual({ index: 1, score: expect.closeTo(0.8, 5) });
  });

  it("matched terms: shares of the BM25 score that add up to 1, with the paper's own words", () => {
    const terms = matchedTerms([{ term: "decod", score: 3 }, { term: "latenc", score: 1 }, { term: "gpu", score: 0 }], "Decoding latency: decoders decode.");
    expect(terms.map((t) => [t.term, t.share])).toEqual([["decod", 0.75], ["latenc", 0.25]]);
    expect(terms[0]!.words.sort()).toEqual(["Decoding", "decode", "decoders"]);
  });
});

describe("no confident match, real model on the seeds", () => {
  const indexDir = join(tempDir("papers-calibration-"), "index");
  let index: PaperIndex;
  beforeAll(async () => {
    await indexPapers([SEEDS], { indexDir, modelsDir: modelsDir(), offline: true });
    index = await openIndex({ indexDir, modelsDir: modelsDir(), offline: true });
  }, 300_000);
  afterAll(async () => index?.close());

  const top = async (question: string) => {
    const hits = await index.search(question, 10);
    return index.confidence(question, hits);
  };

  it("a question the seeds answer is a confident match; nonsense and everyday questions are not", async () => {
    const real = await top("ways to reduce decode latency");
    expect(real.confident).toBe(true);
    for (const question of ["banana spaceship umbrella tuesday", "how to fold a fitted sheet", "best beaches in portugal"]) {
      const other = await top(question);
      expect(other.confident, question).toBe(false);
      expect(Math.max(...other.relevance)).toBeLessThan(Math.max(...real.relevance));
    }
  });

  it("the CLI says so on both streams, and the hybrid score no longer says 1.000 for nonsense", () => {
    const out = runCli(["--index", indexDir, "search", "banana", "spaceship", "umbrella", "-k", "3"]);
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^No confident match/);
    expect(out.stderr).toMatch(/No confident match/);
    expect(out.stdout).not.toMatch(/ 1\.000 /);
    const sure = runCli(["--index", indexDir, "search", "ways to reduce decode latency", "-k", "3", "--json"]);
    const hits = JSON.parse(sure.stdout) as { relevance: number; score: number }[];
    expect(sure.stderr).toBe("");
    expect(hits[0]!.relevance).toBeGreaterThan(0);
    expect(hits[0]!.relevance).toBeLessThan(1);
  });
});
