import { describe, expect, it } from "vitest";
import { lexicalMatch, lexicalTerms } from "../src/search/lexical-query.js";

describe("lexicalTerms", () => {
  it("drops English stopwords and repeats, keeping the words that carry meaning", () => {
    expect(lexicalTerms("The effect of the KV cache on the latency of decoding")).toEqual(["effect", "kv", "cache", "latency", "decoding"]);
  });

  it("keeps the stopwords of a question made only of them, so it still matches something", () => {
    expect(lexicalTerms("To be or not to be")).toEqual(["to", "be", "or", "not"]);
  });

  it("splits on punctuation and keeps letters of any script and digits", () => {
    expect(lexicalTerms("GPT-4's über-fast 注意力 decoding (2024)")).toEqual(["gpt", "4", "s", "über", "fast", "注意力", "decoding", "2024"]);
  });
});

describe("lexicalMatch", () => {
  it("quotes every term so FTS5 syntax in a question is plain text", () => {
    expect(lexicalMatch('NEAR(attention OR "sparse") AND -x*')).toBe('"near" OR "attention" OR "sparse" OR "x"');
  });

  it("is null for a question with no words", () => {
    expect(lexicalMatch("?!  ...")).toBeNull();
  });
});
