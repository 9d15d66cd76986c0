/** Matching references to papers, and the incremental link update (src/citations/). */
import { describe, expect, it } from "vitest";
import { CitationGraph, describeEvidence } from "../../src/citations/graph.js";
import { linkCitations, type CitationData } from "../../src/citations/links.js";
import { PaperCatalog, type LinkTarget } from "../../src/citations/match.js";
import { fuseRelated } from "../../src/citations/related-fusion.js";
import { editSimilarity, normaliseTitle, TitleIndex, titleWords } from "../../src/citations/titles.js";
import type { Reference } from "../../src/corpus/references/reference.js";

const ref = (fields: Partial<Reference>): Reference => ({ raw: fields.title ?? "", label: null, authors: [], title: null, year: null, venue: null, doi: null, arxivId: null, url: null, ...fields });
const target = (id: string, title: string, fields: Partial<LinkTarget> = {}): LinkTarget => ({ id, title, year: 2020, doi: null, arxivId: null, ...fields });

describe("matching a reference to a library paper", () => {
  const catalog = new PaperCatalog([
    target("a", "Learning Transferable Visual Models From Natural Language Supervision", { year: 2021, arxivId: "2103.00020" }),
    target("b", "Deep Residual Learning for Image Recognition", { year: 2016, doi: "10.1109/cvpr.2016.90" }),
    target("c", "Identity Mappings in Deep Residual Networks", { year: 2016 }),
    target("d", "Neural Machine Translation by Jointly Learning to Align and Translate", { year: 2015 }),
  ]);

  it("links by DOI or arXiv id first, whatever the title says", () => {
    expect(catalog.match(ref({ title: "Some other title entirely here", doi: "https://doi.org/10.1109/CVPR.2016.90" }), "x")).toBe("b");
    expect(catalog.match(ref({ title: null, arxivId: "arXiv:2103.00020v3" }), "x")).toBe("a");
  });

  it("links by a title equal but for case, accents and punctuation, the year within one", () => {
    expect(catalog.match(ref({ title: "Neural machine translation by jointly learning to align and translate.", year: 2014 }), "x")).toBe("d");
    expect(catalog.match(ref({ title: "Identity mappings in deep residual networks", year: null }), "x")).toBe("c");
  });

  it("refuses a near title, a year two apart, a differing DOI, a short title and the citing paper itself", () => {
    // Same words but one: "Identity mappings" against "Deep residual learning" share too little.
    expect(catalog.match(ref({ title: "Deep Residual Learning for Speech Recognition", year: 2016 }), "x")).toBeNull();
    expect(catalog.match(ref({ title: "Deep residual learning for image recognition", year: 2018 }), "x")).toBeNull();
    expect(catalog.match(ref({ title: "Deep residual learning for image recognition", doi: "10.1/other" }), "x")).toBeNull();
    expect(catalog.match(ref({ title: "Deep learning" }), "x")).toBeNull();
    expect(catalog.match(ref({ title: "Deep residual learning for image recognition" }), "b")).toBeNull();
  });

  it("normalises titles and scores them by edit distance", () => {
    expect(normaliseTitle("Über  Sätze—und *Beweise*!")).toBe("uber satze und beweise");
    expect(editSimilarity("kitten", "sitting")).toBeCloseTo(1 - 3 / 7);
    const index = new TitleIndex<string>();
    index.add("x", titleWords("a study of graph neural networks"));
    expect(index.candidates(titleWords("graph neural networks a study of"))).toContain("x");
    expect(index.candidates(titleWords("completely unrelated words here")).size).toBe(0);
  });
});

describe("the incremental link update", () => {
  const papers = [target("p1", "Graph Attention Networks for Citation Data"), target("p2", "Semi-Supervised Classification with Graph Convolutional Networks")];
  const refs = [ref({ title: "Semi-supervised classification with graph convolutional networks" }), ref({ title: "Inductive Representation Learning on Large Graphs" })];

  it("matches a new list, links a paper added later from stored references, unlinks a removed one", () => {
    const first = linkCitations({ previous: null, given: [{ id: "p1", references: refs }], written: papers, removed: [] }, () => papers);
    expect(first.data.papers).toEqual([{ id: "p1", refs, to: ["p2", null] }]);
    const sage = target("p3", "Inductive representation learning on large graphs");
    let catalogCalls = 0;
    const second = linkCitations({ previous: first.data, given: [sage], written: [sage], removed: [] }, () => {
      catalogCalls++;
      return [...papers, sage];
    });
    // No new list: the library is not matched again, yet the stored reference now names p3.
    expect(catalogCalls).toBe(0);
    expect(second.data.papers[0]!.to).toEqual(["p2", "p3"]);
    const third = linkCitations({ previous: second.data, given: [], written: [], removed: ["P2"] }, () => []);
    expect(third).toMatchObject({ changed: true, data: { papers: [{ to: [null, "p3"] }] } });
    // The same list given again changes nothing.
    expect(linkCitations({ previous: third.data, given: [{ id: "p1", references: refs }], written: [], removed: [] }, () => []).changed).toBe(false);
  });
});

describe("the citation graph", () => {
  const data: CitationData = {
    version: 1,
    papers: [
      { id: "c1", refs: [ref({ title: "Paper A is cited here" }), ref({ title: "Paper B is cited here" }), ref({ title: "An External Work With A Long Title", doi: "10.1/x" })], to: ["a", "b", null] },
      { id: "c2", refs: [ref({ title: "An external work with a long title" }), ref({ doi: "10.1/x" })], to: [null, null] },
    ],
  };
  const graph = new CitationGraph(data);

  it("scores co-citation and coupling through external works, with their evidence", () => {
    expect(graph.citedBy("A")).toEqual(["c1"]);
    const ofA = graph.neighbours("a");
    expect(ofA.find((n) => n.id === "b")!.evidence.citedTogetherBy).toEqual(["c1"]);
    // c2 prints the work once by title and once by DOI: one work, known by both keys, shared with c1.
    const ofC1 = graph.neighbours("c1");
    const c2 = ofC1.find((n) => n.id === "c2")!;
    expect(c2.evidence.bothCite).toHaveLength(1);
    expect(describeEvidence(c2.evidence)).toBe('both cite "An External Work With A Long Title"');
    expect(ofC1.find((n) => n.id === "a")!.evidence.cites).toBe(true);
  });

  it("fuses meaning and citations, each scaled to [0, 1]", () => {
    const fused = fuseRelated([{ id: "x", score: 0.9 }, { id: "y", score: 0.7 }, { id: "w", score: 0.5 }], [{ id: "y", score: 2 }, { id: "z", score: 1 }], 0.5);
    expect(fused.map((f) => f.id)).toEqual(["y", "x", "z", "w"]);
    expect(fused[0]!.score).toBeCloseTo(0.75);
  });
});
