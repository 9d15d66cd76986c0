/**
 * Citation links on every store of the matrix (store-factories.ts): references given with papers
 * are matched (DOI, arXiv id, strict title) and stored in the same commit; updates are incremental
 * (a new reference list replaces the old, a removed paper's links go, a paper added later is linked
 * from references already stored), and links survive likes commits and a move to another store.
 */
import { describe, expect, it } from "vitest";
import { copyIndex, indexPaperList, likePapers, openIndex, removePapers, type Paper, type PapersOptions, type Reference } from "../src/papers.js";
import { hashEmbedderLoader } from "./hash-embedder.js";
import { factories } from "./store-factories.js";

const embedder = hashEmbedderLoader();
const withModel = (options: PapersOptions): PapersOptions => ({ ...options, embedder });

function paper(id: string, title: string, fields: Partial<Paper> = {}): Paper {
  return {
    id, title, abstract: `${title}. An abstract about ${title.toLowerCase()}.`, arxivId: null, doi: null, journalRef: null, comments: [], authors: ["A. Author"],
    categories: ["cs.CL"], year: 2020, date: null, sources: [{ file: "papers.jsonl", line: 1 }], ...fields,
  };
}

function ref(fields: Partial<Reference>): Reference {
  return { raw: fields.title ?? "a reference", label: null, authors: [], title: null, year: null, venue: null, doi: null, arxivId: null, url: null, ...fields };
}

const LIBRARY = [
  paper("bert", "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding", { year: 2019, arxivId: "1810.04805" }),
  paper("attention", "Attention Is All You Need", { year: 2017, doi: "10.5555/3295222.3295349" }),
  paper("elmo", "Deep Contextualized Word Representations", { year: 2018 }),
  paper("gpt", "Improving Language Understanding by Generative Pre-Training", { year: 2018 }),
  paper("glove", "GloVe: Global Vectors for Word Representation", { year: 2014 }),
];

/** A survey citing four library papers (by arXiv id, DOI, title, title) and two works the library lacks. */
const SURVEY_REFS = [
  ref({ title: "Bert: pre-training of deep bidirectional transformers for language understanding", arxivId: "1810.04805v2", year: 2019 }),
  ref({ title: "Attention is all you need", doi: "10.5555/3295222.3295349", year: 2017 }),
  ref({ title: "Deep contextualized word representations.", year: 2018 }),
  ref({ title: "Glove: Global vectors for word representation", year: 2020 }),
  ref({ title: "Distributed Representations of Words and Phrases and their Compositionality", year: 2013 }),
  ref({ title: "Sequence to Sequence Learning with Neural Networks", year: 2014 }),
];

describe.each(factories)("citation links on the $name store", (factory) => {
  it("links references, updates them incrementally, and keeps them through likes and moves", { timeout: 120_000 }, async () => {
    const { options } = factory.fresh();
    const survey = paper("survey", "A Survey of Pretrained Language Models", { references: SURVEY_REFS });
    const other = paper("other", "Word Embeddings Revisited", {
      references: [ref({ title: "Distributed representations of words and phrases and their compositionality", year: 2013 }), ref({ title: "Attention Is All You Need", year: 2017 })],
    });
    await indexPaperList([...LIBRARY, survey, other], ["papers.jsonl"], withModel(options));

    let index = await openIndex(withModel(options));
    try {
      const refs = await index.references("survey");
      expect(refs.reason).toBeNull();
      // GloVe's reference gives 2020 for a 2014 paper: more than a year apart, so no link.
      expect(refs.references.map((r) => r.paper?.id ?? null)).toEqual(["bert", "attention", "elmo", null, null, null]);
      expect(refs.references[4]!.key).toBe("title:distributed representations of words and phrases and their compositionality");
      expect((await index.citedBy("attention")).citedBy.map((p) => p.id).sort()).toEqual(["other", "survey"]);
      expect(await index.citedBy("gpt")).toMatchObject({ citedBy: [], reason: "no reference list in the library names this paper" });
      expect(await index.references("gpt")).toMatchObject({ references: [], reason: expect.stringMatching(/no reference list was read/) });
      // Survey and other both cite word2vec (not in the library) and Attention: coupling, with its evidence.
      const related = await index.relatedBy("survey", 5, "citations");
      const byOther = related.find((hit) => hit.id === "other")!;
      expect(byOther.citations!.bothCite.map((w) => w.title)).toContain("Distributed Representations of Words and Phrases and their Compositionality");
      expect(byOther.citations!.text).toMatch(/^both cite /);
      // Bert and elmo are cited together by the survey.
      expect((await index.relatedBy("bert", 5, "citations")).find((hit) => hit.id === "elmo")!.citations!.text).toMatch(/cited together by 1 of your papers/);
    } finally {
      await index.close();
    }

    // A paper added later is linked from the references already stored, without re-reading them.
    await indexPaperList([paper("w2v", "Distributed Representations of Words and Phrases and Their Compositionality", { year: 2013 })], ["more.jsonl"], withModel(options));
    // The survey read again with another list: the new list replaces the old.
    await indexPaperList([{ ...survey, references: [SURVEY_REFS[1]!, ref({ title: "Improving language understanding by generative pre-training", year: 2018 })] }], ["papers.jsonl"], withModel(options));
    index = await openIndex(withModel(options));
    try {
      expect((await index.references("other")).references.map((r) => r.paper?.id ?? null)).toEqual(["w2v", "attention"]);
      expect((await index.references("survey")).references.map((r) => r.paper?.id ?? null)).toEqual(["attention", "gpt"]);
      expect((await index.citedBy("bert")).citedBy).toEqual([]);
    } finally {
      await index.close();
    }

    // A removed paper's links go: the reference becomes an external work again; its own list goes too.
    await removePapers(["attention", "other"], options);
    await likePapers(["gpt"], options);
    index = await openIndex(withModel(options));
    try {
      const refs = await index.references("survey");
      expect(refs.references.map((r) => r.paper?.id ?? null)).toEqual([null, "gpt"]);
      expect(refs.references[0]!.key).toBe("doi:10.5555/3295222.3295349");
      expect((await index.citedBy("w2v")).citedBy).toEqual([]);
    } finally {
      await index.close();
    }

    // Moved to another store (the other kind when there is one), the links come along.
    const moved = (factories.find((f) => f !== factory) ?? factory).fresh().options;
    await copyIndex(withModel(options), withModel(moved));
    index = await openIndex(withModel(moved));
    try {
      expect((await index.references("survey")).references.map((r) => r.paper?.id ?? null)).toEqual([null, "gpt"]);
      expect((await index.citedBy("gpt")).citedBy.map((p) => p.id)).toEqual(["survey"]);
    } finally {
      await index.close();
    }
  });
});
