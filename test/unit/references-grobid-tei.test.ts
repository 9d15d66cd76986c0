/** GROBID's TEI answer read into references (src/corpus/references/grobid-tei.ts), on a TEI file written after GROBID's TEI writer. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TeiProblem, teiReferences } from "../../src/corpus/references/grobid-tei.js";

const TEI = readFileSync(new URL("../fixtures/references/grobid/processReferences.tei.xml", import.meta.url), "utf8");

describe("GROBID TEI", () => {
  it("reads each biblStruct of the listBibl (not the header's): authors, title, container, year, ids, raw text", () => {
    expect(teiReferences(TEI)).toEqual([
      {
        raw: "[1] Lada A. Adamic and Eytan Adar. Friends and neighbors on the web. Social Networks, 25(3):211-230, 2003.",
        label: "1",
        authors: ["Lada A Adamic", "Eytan Adar"],
        title: "Friends and neighbors on the web",
        year: 2003,
        venue: "Social Networks",
        doi: "10.1016/s0378-8733(03)00009-1",
        arxivId: null,
        url: null,
      },
      {
        raw: "[17] Diederik P. Kingma and Jimmy Ba. Adam: A method for stochastic optimization. arXiv preprint arXiv:1412.6980, 2014.",
        label: "17",
        authors: ["Diederik P Kingma", "Jimmy Ba"],
        title: "Adam: A method for stochastic optimization",
        year: 2014,
        venue: "arXiv preprint",
        doi: null,
        arxivId: "1412.6980",
        url: null,
      },
      {
        raw: "[23] Christopher D. Manning, Prabhakar Raghavan, and Hinrich Schütze. Introduction to Information Retrieval. Cambridge University Press, Cambridge, UK, 2008.",
        label: "23",
        authors: ["Christopher D Manning", "Prabhakar Raghavan", "Hinrich Schütze"],
        title: "Introduction to Information Retrieval",
        year: 2008,
        venue: null,
        doi: null,
        arxivId: null,
        url: "https://nlp.stanford.edu/IR-book/",
      },
    ]);
  });

  it("refuses XML that does not parse, and XML that is not TEI", () => {
    expect(() => teiReferences(TEI.slice(0, TEI.length / 2))).toThrow(TeiProblem);
    expect(() => teiReferences("<html><body>Service unavailable</body></html>")).toThrow(/not TEI/);
  });

  it("gives no references for a TEI answer without a listBibl", () => {
    expect(teiReferences('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/><text><back/></text></TEI>')).toEqual([]);
  });
});
