import { describe, expect, it } from "vitest";
import { documentTerms, queryTerms } from "../../src/ranking/analyzer.js";

describe("queryTerms", () => {
  it("drops English stopwords and repeats, and stems what is left", () => {
    expect(queryTerms("The effect of the KV cache on the latency of decoding the decoders")).toEqual(["effect", "kv", "cach", "latenc", "decod"]);
  });

  it("keeps the stopwords of a question made only of them, so it still matches something", () => {
    expect(queryTerms("To be or not to be")).toEqual(["to", "be", "or", "not"]);
  });

  it("splits on punctuation, folds accents, keeps letters of any script and digits, and CJK as bigrams", () => {
    expect(queryTerms("GPT-4's Über-fast 注意力 décodage (2024)")).toEqual(["gpt", "4", "s", "uber", "fast", "注意", "意力", "decodag", "2024"]);
  });

  it("treats query syntax as plain words", () => {
    expect(queryTerms('NEAR(attention OR "sparse") AND -x*')).toEqual(["near", "attent", "spars", "x"]);
    expect(queryTerms("?!  ...")).toEqual([]);
  });
});

describe("documentTerms", () => {
  it("keeps every term in order, stopwords and repeats included, as the document's length counts them", () => {
    expect(documentTerms("Decoding the decoded: decoders.")).toEqual(["decod", "the", "decod", "decod"]);
  });

  it("analyses a question's words as it analyses a document's, so they meet", () => {
    const doc = new Set(documentTerms("Naïve Bayes classifiers generalise surprisingly well"));
    for (const term of queryTerms("naive classifier generalises")) expect(doc).toContain(term);
  });
});
