import { describe, expect, it } from "vitest";
import { snippet } from "../src/papers.js";

const ABSTRACT =
  "Large language models are slow to serve. " +
  "We study many things about training data and its curation at scale, with long explanations that go on for a while. " +
  "Speculative decoding reduces decode latency by drafting tokens with a small model and verifying them in parallel. " +
  "Our experiments on three benchmarks show a 2.5x speed-up with identical outputs. " +
  "Code and models are released for anyone to reproduce the results reported in this paper and extend them further.";

describe("snippet", () => {
  it("returns a short abstract whole", () => {
    expect(snippet("A short abstract. Two sentences.", "anything")).toBe("A short abstract. Two sentences.");
  });

  it("starts at the sentence sharing the most words with the question", () => {
    const text = snippet(ABSTRACT, "ways to reduce decode latency", 200);
    expect(text.startsWith("…Speculative decoding reduces decode latency")).toBe(true);
    expect(text.endsWith("…")).toBe(true);
    expect(text.length).toBeLessThanOrEqual(201 + 1);
    // Cut at a word: the piece before the mark is a prefix of the abstract's words.
    expect(ABSTRACT).toContain(text.slice(1, -1));
    expect(ABSTRACT.slice(ABSTRACT.indexOf(text.slice(1, -1)) + text.length - 2)).toMatch(/^\s/);
  });

  it("starts at the beginning without a question, or when no sentence shares a word", () => {
    for (const question of [undefined, "quantum chromodynamics"]) {
      const text = snippet(ABSTRACT, question, 120);
      expect(text.startsWith("Large language models are slow to serve.")).toBe(true);
      expect(text.endsWith("…")).toBe(true);
      expect(text.length).toBeLessThanOrEqual(121);
    }
  });

  it("prefers the earliest sentence on a tie, and cuts a single long word", () => {
    expect(snippet(`Decoding one. Decoding two. ${"x".repeat(400)}`, "decoding", 50).startsWith("Decoding one.")).toBe(true);
    expect(snippet("y".repeat(400), undefined, 50)).toBe(`${"y".repeat(50)}…`);
  });
});
