import { describe, expect, it } from "vitest";
import { normalize, poolTokens } from "../src/embed/embedder.js";
import { keepSeparator, transformersLoader } from "../src/embed/transformers-embedder.js";
import { modelsDir } from "./helpers.js";

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe("pooling", () => {
  // Two texts, three tokens, two dimensions; the second text has one padding token.
  const hidden = Float32Array.from([1, 0, 3, 0, 2, 9, /* text 2 */ 0, 2, 0, 4, 100, 100]);
  const mask = [1, 1, 1, 1, 1, 0];

  it("averages only real tokens for mean pooling", () => {
    const [a, b] = poolTokens(hidden, mask, [2, 3, 2], "mean");
    expect(Array.from(a!)).toEqual(Array.from(normalize(Float32Array.from([2, 3]))));
    expect(Array.from(b!)).toEqual([0, 1]);
  });

  it("takes the first token for CLS pooling", () => {
    const [a, b] = poolTokens(hidden, mask, [2, 3, 2], "cls");
    expect(Array.from(a!)).toEqual([1, 0]);
    expect(Array.from(b!)).toEqual([0, 1]);
  });

  it("takes the last real token for lasttoken pooling", () => {
    const [a, b] = poolTokens(hidden, mask, [2, 3, 2], "lasttoken");
    expect(Array.from(a!)).toEqual(Array.from(normalize(Float32Array.from([2, 9]))));
    expect(Array.from(b!)).toEqual([0, 1]);
  });
});

describe("keepSeparator", () => {
  it("ends a truncated row with [SEP] and leaves short rows alone", () => {
    const ids = BigInt64Array.from([101n, 5n, 6n, 7n, /* short row */ 101n, 8n, 102n, 0n]);
    const mask = BigInt64Array.from([1n, 1n, 1n, 1n, 1n, 1n, 1n, 0n]);
    keepSeparator(ids, mask, 4, 4, 102);
    expect(Array.from(ids)).toEqual([101n, 5n, 6n, 102n, 101n, 8n, 102n, 0n]);
  });

  it("does nothing when no row reached the limit", () => {
    const ids = BigInt64Array.from([101n, 5n, 6n, 7n]);
    keepSeparator(ids, BigInt64Array.from([1n, 1n, 1n, 1n]), 4, 256, 102);
    expect(Array.from(ids)).toEqual([101n, 5n, 6n, 7n]);
  });
});

describe("the real model", () => {
  it("embeds unit vectors that put paraphrases closer than unrelated text", async () => {
    const loader = transformersLoader({ modelsDir: modelsDir(), offline: true });
    const embedder = await loader.load(await loader.describe("all-MiniLM-L6-v2", "q8"), "q8");
    try {
      const [a, b, c] = await embedder.embedDocuments([
        "Speculative decoding makes language model inference faster.",
        "A method to speed up text generation with large language models.",
        "Homotopy groups of indecomposable complexes after localization at 2.",
      ]);
      expect(a).toHaveLength(384);
      expect(dot(a!, a!)).toBeCloseTo(1, 5);
      expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!) + 0.2);
      // Batching and sorting by length must not move a text's vector by more than int8 does: q8
      // quantises activations per batch tensor, so its companions shift a text slightly (0.994).
      const [alone] = await embedder.embedDocuments(["A method to speed up text generation with large language models."]);
      expect(dot(alone!, b!)).toBeGreaterThan(0.99);
    } finally {
      await embedder.dispose();
    }
  });
});
