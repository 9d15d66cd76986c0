/** ask's pure parts (issue 26): sentence scores, near-duplicates, the token budget, the Markdown and JSON answer, abstaining. */
import { describe, expect, it } from "vitest";
import { tokenCount } from "../../src/corpus/passages.js";
import { evidenceLine, formatAnswer, NOT_CONFIDENT, NO_EVIDENCE, NO_ROOM, parseAnswerFormat, referenceLine } from "../../src/export/answer.js";
import type { Answer, EvidencePaper } from "../../src/query/types.js";
import { checkAskBudget, checkAskK } from "../../src/query/check.js";
import { LIMITS } from "../../src/limits.js";
import {
  distinctBest,
  jaccard,
  isMethodQuestion,
  lengthFeature,
  methodFeature,
  sentenceScore,
  SENTENCE_WEIGHTS,
  termOverlap,
  termSet,
  withinBudget,
  type SentenceFeatures,
} from "../../src/ranking/sentence-evidence.js";

const features = (over: Partial<SentenceFeatures>): SentenceFeatures => ({
  cosine: 0.5,
  overlap: 0.5,
  paper: 0.5,
  reciprocalRank: 1,
  position: 0.5,
  passage: 0,
  length: 0.5,
  centrality: 0.5,
  firstPerson: 0,
  method: 0,
  ...over,
});

const paper = (id: string, over: Partial<EvidencePaper> = {}): EvidencePaper => ({
  id,
  title: `Paper ${id}`,
  year: 2024,
  authors: ["Ada Lovelace", "Charles Babbage"],
  url: `https://arxiv.org/abs/${id}`,
  key: `lovelace2024${id}`,
  ...over,
});

describe("sentence scores", () => {
  it("rank a sentence closer in meaning above one less close, all else equal", () => {
    expect(sentenceScore(features({ cosine: 0.7 }))).toBeGreaterThan(sentenceScore(features({ cosine: 0.4 })));
  });

  it("follow every weighted feature: more of a positively weighted one scores higher", () => {
    for (const [name, weight] of Object.entries(SENTENCE_WEIGHTS) as [keyof SentenceFeatures, number][]) {
      if (weight === 0) continue;
      const low = sentenceScore(features({ [name]: 0.2 }));
      const high = sentenceScore(features({ [name]: 0.8 }));
      expect(Math.sign(high - low), name).toBe(Math.sign(weight));
    }
  });

  it("count the question's idf weight a sentence covers", () => {
    const weights = new Map([
      ["latenc", 3],
      ["decod", 1],
    ]);
    expect(termOverlap(weights, "This lowers decoding latency.")).toBeCloseTo(1);
    expect(termOverlap(weights, "Latency was measured.")).toBeCloseTo(0.75);
    expect(termOverlap(weights, "Nothing related here.")).toBe(0);
    expect(termOverlap(new Map(), "Latency")).toBe(0);
  });

  it("mark a method question's contribution sentences, and no other question's", () => {
    for (const q of ["ways to reduce decode latency", "How can we speed up decoding?", "methods for faster inference"]) expect(isMethodQuestion(q), q).toBe(true);
    for (const q of ["0-dimensional biomaterials lack inductive properties.", "decode latency", "ACE inhibitors reduce mortality"]) expect(isMethodQuestion(q), q).toBe(false);
    expect(methodFeature(true, "Motivated by this, we propose to identify quasi-independent layers.")).toBe(1);
    expect(methodFeature(true, "A dynamic quantization technique is proposed to cut memory traffic.")).toBe(1);
    expect(methodFeature(true, "Recent works on reducing latency through layer removing, however, lead to a drop.")).toBe(0);
    expect(methodFeature(false, "We propose to identify quasi-independent layers.")).toBe(0);
  });

  it("saturate the length feature", () => {
    expect(lengthFeature(10)).toBeLessThan(lengthFeature(30));
    expect(lengthFeature(200)).toBe(1);
  });
});

describe("near-duplicates", () => {
  it("are dropped: the better of two sentences that share most of their terms stays", () => {
    const sentences = [
      { text: "We propose concurrent computation of quasi-independent layers to reduce latency.", score: 0.9 },
      { text: "We propose the concurrent computation of quasi-independent layers, reducing latency.", score: 0.8 },
      { text: "Speculative decoding drafts tokens with a small model.", score: 0.7 },
    ];
    expect(jaccard(termSet(sentences[0]!.text), termSet(sentences[1]!.text))).toBeGreaterThanOrEqual(0.6);
    const kept = distinctBest(sentences, 10);
    expect(kept.map((s) => s.score)).toEqual([0.9, 0.7]);
  });

  it("are judged best first, and at most `limit` are kept", () => {
    const sentences = [
      { text: "alpha beta gamma", score: 0.1 },
      { text: "delta epsilon zeta", score: 0.3 },
      { text: "eta theta iota", score: 0.2 },
    ];
    expect(distinctBest(sentences, 2).map((s) => s.text)).toEqual(["delta epsilon zeta", "eta theta iota"]);
  });
});

describe("the token budget", () => {
  const items = [
    { text: "one two three four five six seven eight nine ten", ref: "a" },
    { text: "one two three four five six seven eight nine ten", ref: "a" },
    { text: "one two three", ref: "b" },
  ];
  const cost = (item: { text: string }) => tokenCount(item.text);
  const reference = (item: { ref: string }) => ({ key: item.ref, cost: 10 });

  it("counts each reference once and stops at the first sentence that does not fit, never cutting one", () => {
    // fixed 5 + (13 + 10) + 13 = 41 fits in 45; the third needs 4 + 10 more.
    const kept = withinBudget(items, 45, 5, cost, reference);
    expect(kept).toEqual(items.slice(0, 2));
    expect(withinBudget(items, 55, 5, cost, reference)).toEqual(items);
    expect(withinBudget(items, 20, 5, cost, reference)).toEqual([]);
  });

  it("keeps the printed Markdown answer within the budget", () => {
    const references = [paper("2404.00242"), paper("2205.10350")];
    const texts = Array.from({ length: 12 }, (_, i) => `Sentence number ${i} says how decode latency falls when layers run at once, measured on LLaMA.`);
    const fixed = tokenCount("**Q:** ways to reduce decode latency") + tokenCount("References:");
    for (const budget of [60, 120, 200, 400]) {
      const kept = withinBudget(
        texts.map((text, i) => ({ text, paper: references[i % 2]! })),
        budget,
        fixed,
        (c) => tokenCount(evidenceLine({ id: 20, text: c.text, page: null, section: null, paper: c.paper })),
        (c) => ({ key: c.paper.key, cost: tokenCount(referenceLine(c.paper, 5)) }),
      );
      const cited = [...new Set(kept.map((c) => c.paper))];
      const answer: Answer = {
        question: "ways to reduce decode latency",
        confident: true,
        evidence: kept.map((c, i) => ({ id: i + 1, text: c.text, score: 1 - i / 100, page: null, section: null, paper: c.paper })),
        references: cited,
      };
      const markdown = formatAnswer(answer, "markdown");
      expect(tokenCount(markdown), `budget ${budget}`).toBeLessThanOrEqual(budget);
      if (budget >= 200) expect(kept.length).toBeGreaterThan(1);
    }
  });

  it("is checked: a whole number within LIMITS, as is ask's k", () => {
    expect(() => checkAskBudget(LIMITS.minAskBudget - 1)).toThrow(/budget must be a whole number of tokens/);
    expect(() => checkAskBudget(LIMITS.minAskBudget + 0.5)).toThrow(/budget/);
    expect(() => checkAskBudget(LIMITS.maxAskBudget + 1)).toThrow(/budget/);
    expect(() => checkAskBudget(LIMITS.askDefaultBudget)).not.toThrow();
    expect(() => checkAskK(0)).toThrow(/k must be a whole number from 1 to/);
    expect(() => checkAskK(LIMITS.maxAskK + 1)).toThrow(/k must/);
    expect(() => checkAskK(LIMITS.askDefaultK)).not.toThrow();
  });
});

describe("the answer as Markdown and JSON", () => {
  const cqil = paper("2404.00242", { title: "CQIL: Inference Latency Optimization with Concurrent Computation of Quasi-Independent Layers", authors: ["Longwei Zou", "Qingyang Wang", "Han Zhao", "Jiangang Kong"] });
  const pdf = paper("flow", { url: null, authors: [], year: null, title: "Flow classification", key: "anonflow" });
  const answer: Answer = {
    question: "ways to reduce decode latency",
    confident: true,
    evidence: [
      { id: 1, text: "We propose to identify quasi-independent layers, which can be concurrently computed.", score: 0.81, page: null, section: null, paper: cqil },
      { id: 2, text: "The classifier needs *eight* packets.", score: 0.62, page: 2, section: "3 Method", paper: pdf },
      { id: 3, text: "CQIL reduces latency by up to 48.3%.", score: 0.6, page: null, section: null, paper: cqil },
    ],
    references: [cqil, pdf],
  };

  it("cites each sentence [n] with its paper's key and place, then numbers the references with their keys", () => {
    const markdown = formatAnswer(answer, "markdown");
    const lines = markdown.split("\n");
    expect(lines[0]).toBe("**Q:** ways to reduce decode latency");
    expect(markdown).toContain("[1] We propose to identify quasi-independent layers, which can be concurrently computed. (lovelace20242404.00242, abstract)");
    // Markdown in a sentence is escaped; a PDF sentence names its page and section.
    expect(markdown).toContain("[2] The classifier needs \\*eight\\* packets. (anonflow, p. 2, §3 Method)");
    expect(markdown).toMatch(/\n1\. `lovelace20242404\.00242`: Longwei Zou, Qingyang Wang, Han Zhao et al\. \(2024\)\. CQIL: .* https:\/\/arxiv\.org\/abs\/2404\.00242 id `2404\.00242`\n/);
    expect(markdown).toMatch(/\n2\. `anonflow`: Flow classification\. id `flow`\n/);
    expect(markdown).not.toContain(NOT_CONFIDENT);
  });

  it("says so when nothing is confidently relevant, and when nothing was found", () => {
    expect(formatAnswer({ ...answer, confident: false }, "markdown")).toContain(NOT_CONFIDENT);
    const empty = formatAnswer({ question: "q", confident: false, evidence: [], references: [] }, "markdown");
    expect(empty).toContain(NO_EVIDENCE);
    expect(empty).not.toContain("References");
    expect(formatAnswer({ ...answer, evidence: [], references: [] }, "markdown")).toContain(NO_ROOM);
  });

  it("gives JSON with {question, confident, evidence:[{id,text,score,page,section,paper}], references}", () => {
    const json = JSON.parse(formatAnswer(answer, "json"));
    expect(Object.keys(json)).toEqual(["question", "confident", "evidence", "references"]);
    expect(Object.keys(json.evidence[0])).toEqual(["id", "text", "score", "page", "section", "paper"]);
    expect(json.evidence[1]).toMatchObject({ page: 2, section: "3 Method", paper: { id: "flow", key: "anonflow" } });
    expect(json.references.map((r: EvidencePaper) => r.id)).toEqual(["2404.00242", "flow"]);
  });

  it("parses its format names and refuses others", () => {
    expect(parseAnswerFormat("JSON")).toBe("json");
    expect(() => parseAnswerFormat("html")).toThrow(/unknown answer format "html": use markdown or json/);
  });
});
