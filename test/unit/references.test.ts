/**
 * Reading reference lists (src/corpus/references/), on text and laid-out lines made here: parsing
 * each style's entries, identifiers anywhere (and cut by a line break), splitting numbered and
 * author-year lists over columns and pages, finding the list, .bbl files, and the caps cleanPaper puts on them.
 */
import { describe, expect, it } from "vitest";
import { cleanPaper, FIELD_LIMITS, newPaper } from "../../src/corpus/paper.js";
import type { PdfLine } from "../../src/corpus/pdf-text.js";
import { bblReferences } from "../../src/corpus/references/bbl.js";
import { findArxivId, findDoi, findUrl } from "../../src/corpus/references/identifiers.js";
import { parseReference } from "../../src/corpus/references/parse.js";
import { pdfReferences } from "../../src/corpus/references/pdf-references.js";
import type { Reference } from "../../src/corpus/references/reference.js";
import { findReferenceList } from "../../src/corpus/references/reference-list.js";
import { joinEntryLines, splitReferences, typeset } from "../../src/corpus/references/split.js";

describe("parsing one reference", () => {
  const cases: [string, string, Partial<Reference>][] = [
    [
      "plain",
      "Lada A. Adamic and Eytan Adar. Friends and neighbors on the web. Social Networks, 25(3):211–230, 2003.",
      { authors: ["Lada A. Adamic", "Eytan Adar"], title: "Friends and neighbors on the web", year: 2003, venue: "Social Networks" },
    ],
    [
      "ieeetr",
      "A. Vaswani, N. Shazeer, N. Parmar, and I. Polosukhin, “Attention is all you need,” in Advances in Neural Information Processing Systems, vol. 30, pp. 5998–6008, 2017.",
      { authors: ["A. Vaswani", "N. Shazeer", "N. Parmar", "I. Polosukhin"], title: "Attention is all you need", year: 2017, venue: "Advances in Neural Information Processing Systems" },
    ],
    [
      "apalike",
      "Karpukhin, V., Oğuz, B., Chen, D., and tau Yih, W. (2020). Dense passage retrieval for open-domain question answering. In Proceedings of the 2020 Conference on Empirical Methods in Natural Language Processing, pages 6769–6781.",
      { authors: ["V. Karpukhin", "B. Oğuz", "D. Chen", "W. tau Yih"], title: "Dense passage retrieval for open-domain question answering", year: 2020 },
    ],
    [
      "acm",
      "Adamic, L. A., and Adar, E. Friends and neighbors on the web. Social Networks 25, 3 (2003), 211–230.",
      { authors: ["L. A. Adamic", "E. Adar"], title: "Friends and neighbors on the web", year: 2003, venue: "Social Networks" },
    ],
    [
      "ieeetr book",
      "C. D. Manning, P. Raghavan, and H. Schütze, Introduction to Information Retrieval. Cambridge, UK: Cambridge University Press, 2008.",
      { authors: ["C. D. Manning", "P. Raghavan", "H. Schütze"], title: "Introduction to Information Retrieval", year: 2008 },
    ],
    [
      "siam (title ended by a comma)",
      "L. A. Adamic and E. Adar, Friends and neighbors on the web, Social Networks, 25 (2003), pp. 211–230.",
      { authors: ["L. A. Adamic", "E. Adar"], title: "Friends and neighbors on the web", year: 2003, venue: "Social Networks" },
    ],
    [
      "chicago (first name surname-first, the others given-first)",
      "Adamic, L. A. and E. Adar (2003). Friends and neighbors on the web. Social Networks 25 (3), 211–230.",
      { authors: ["L. A. Adamic", "E. Adar"], title: "Friends and neighbors on the web", year: 2003, venue: "Social Networks" },
    ],
    [
      "Chicago author-date (the year after the authors, no brackets)",
      "Adorno, Theodor W., and Walter Benjamin. 1999. The Complete Correspondence, 1928–1940. Cambridge, MA: Harvard University Press.",
      { authors: ["Theodor W. Adorno", "Walter Benjamin"], title: "The Complete Correspondence, 1928–1940", year: 1999 },
    ],
    [
      "no authors",
      "The Chicago Manual of Style, 13th edition, 1982. University of Chicago Press, Chicago, Illinois.",
      { authors: [], title: "The Chicago Manual of Style", year: 1982 },
    ],
    [
      "a reprint's year is not the work's",
      "Donald E. Knuth. The TeX Book. Addison-Wesley, Reading, Massachusetts, 1984. Reprinted as Vol. A of Computers & Typesetting, 1986.",
      { authors: ["Donald E. Knuth"], title: "The TeX Book", year: 1984 },
    ],
    [
      "et al.",
      "Waleed Ammar, Dirk Groeneveld, Jason Dunkelberger, et al. Construction of the literature graph in Semantic Scholar. arXiv preprint arXiv:1805.02262, 2018.",
      { authors: ["Waleed Ammar", "Dirk Groeneveld", "Jason Dunkelberger"], title: "Construction of the literature graph in Semantic Scholar", year: 2018, venue: "arXiv preprint", arxivId: "1805.02262" },
    ],
  ];
  for (const [style, text, expected] of cases) {
    it(`reads a ${style} entry`, () => {
      expect(parseReference(text, null)).toMatchObject({ raw: text, ...expected });
    });
  }

  it("keeps the label and raw text, and reads no title from 'Personal communication'", () => {
    expect(parseReference("Richard J. Beach. Personal communication.", "21")).toMatchObject({ label: "21", authors: ["Richard J. Beach"], title: null, year: null });
  });
});

describe("identifiers anywhere in a reference", () => {
  it("finds DOIs (lower-case, trailing stop and unbalanced brackets off, inner brackets kept)", () => {
    expect(findDoi("Social Networks, 25(3), 2003. doi: 10.1016/S0378-8733(03)00009-1.")).toBe("10.1016/s0378-8733(03)00009-1");
    expect(findDoi("(see https://doi.org/10.1145/1571941.1572114)")).toBe("10.1145/1571941.1572114");
    expect(findDoi("no identifier, pages 10–25, 1963")).toBeNull();
  });
  it("finds arXiv ids in their printed forms, without the version", () => {
    expect(findArxivId("arXiv preprint arXiv:1412.6980, 2014")).toBe("1412.6980");
    expect(findArxivId("https://arxiv.org/abs/2106.09685v2")).toBe("2106.09685");
    expect(findArxivId("CoRR, abs/1810.04805, 2018")).toBe("1810.04805");
    expect(findArxivId("arXiv:hep-th/9901001")).toBe("hep-th/9901001");
  });
  it("gives the first URL that is not a DOI link", () => {
    expect(findUrl("doi: https://doi.org/10.1/x. URL http://www.lrec-conf.org/a.pdf.")).toBe("http://www.lrec-conf.org/a.pdf");
  });
  it("joins a DOI or URL that a line break cut, and undoes hyphenation", () => {
    const joined = joinEntryLines(["ideas. Science, 122(3159):108–111, 1955. doi: 10.", "1126/science.122.3159.108. Friends and neigh-", "bors on the web."]);
    expect(joined).toBe("ideas. Science, 122(3159):108–111, 1955. doi: 10.1126/science.122.3159.108. Friends and neighbors on the web.");
    expect(findDoi(joinEntryLines(["pages 39–48, 2020. doi: 10.1145/3397271.", "3401075."]))).toBe("10.1145/3397271.3401075");
    // A DOI that ends a line is not continued by a new URL.
    expect(findDoi(joinEntryLines(["doi: 10.1561/1500000019.", "https://doi.org/10.1561/1500000019."]))).toBe("10.1561/1500000019");
  });
  it("joins accents TeX set apart and the logos set letter by letter", () => {
    expect(typeset("H. Wo \u0301 zniakowski and L a T E X")).toBe("H. Woźniakowski and LaTeX");
  });
});

/** Lines as pdf-text.ts lays them out: `[text, x, y, page]`, 10-point type. */
function lines(...rows: [string, number, number, number?][]): PdfLine[] {
  return rows.map(([text, x, y, page]) => ({ text, x, y, page: page ?? 1, size: 10 }));
}

describe("splitting a list into references", () => {
  it("splits a numbered list only at labels in sequence", () => {
    const list = lines(["[1] A. Author. A title. Journal, 2001.", 72, 700], ["[2] B. Author. Another title. Journal,", 72, 688], ["25. Pages go on, 2002.", 82, 676], ["[3] C. Author. A third. 2003.", 72, 664]);
    const entries = splitReferences(list);
    expect(entries.map((e) => e.label)).toEqual(["1", "2", "3"]);
    expect(entries[1]!.text).toBe("B. Author. Another title. Journal, 25. Pages go on, 2002.");
  });

  it("splits an author-year list by hanging indents in two columns, across a page", () => {
    const list = lines(
      ["Lada A. Adamic and Eytan Adar. Friends and neigh-", 72, 240, 2],
      ["bors on the web. Social Networks, 2003.", 82, 228, 2],
      ["Waleed Ammar and Dirk Groeneveld. Construction of the lit-", 72, 205, 2],
      ["erature graph. arXiv preprint arXiv:1805.02262, 2018.", 320.6, 707, 2],
      ["Vincent D. Blondel. Fast unfolding of communities. 2008.", 310.6, 676, 2],
      ["Jacob Devlin. BERT: Pre-training of deep bidirectional", 310.6, 300, 2],
      ["transformers. In Proceedings of NAACL, 2019.", 82, 707, 3],
      ["Eugene Garfield. Citation indexes for science. 1955.", 72, 690, 3],
    );
    const entries = splitReferences(list);
    expect(entries.map((e) => e.text)).toEqual([
      "Lada A. Adamic and Eytan Adar. Friends and neighbors on the web. Social Networks, 2003.",
      "Waleed Ammar and Dirk Groeneveld. Construction of the literature graph. arXiv preprint arXiv:1805.02262, 2018.",
      "Vincent D. Blondel. Fast unfolding of communities. 2008.",
      "Jacob Devlin. BERT: Pre-training of deep bidirectional transformers. In Proceedings of NAACL, 2019.",
      "Eugene Garfield. Citation indexes for science. 1955.",
    ]);
    expect(entries.every((e) => e.label === null)).toBe(true);
  });

  it("joins an alpha label that a superscript broke into three lines ([AGB, +, 18])", () => {
    const list: PdfLine[] = [
      { text: "[AA03]\tLada A. Adamic and Eytan Adar. Friends and neighbors on the", x: 133.8, y: 225, page: 2, size: 10 },
      { text: "web. Social Networks, 25(3):211–230, 2003.", x: 189, y: 213.1, page: 2, size: 10 },
      { text: "[AGB", x: 133.8, y: 193.2, page: 2, size: 10 },
      { text: "+", x: 158.6, y: 196.8, page: 2, size: 7 },
      { text: "18] Waleed Ammar and Dirk Groeneveld. Construction of the literature", x: 165.2, y: 193.2, page: 2, size: 10 },
      { text: "graph in Semantic Scholar. arXiv preprint arXiv:1805.02262, 2018.", x: 189, y: 181.2, page: 2, size: 10 },
    ];
    expect(splitReferences(list).map((e) => [e.label, e.text.slice(0, 20)])).toEqual([["AA03", "Lada A. Adamic and E"], ["AGB+18", "Waleed Ammar and Dir"]]);
  });

  it("splits a list whose entries start indented, as paragraphs do", () => {
    const list = lines(["Adamic, L. A. and Adar, E. (2003). Friends and", 82, 700], ["neighbors on the web. Social Networks.", 72, 688], ["Garfield, E. (1955). Citation indexes for science.", 82, 676], ["Science, 122(3159).", 72, 664]);
    expect(splitReferences(list).map((e) => e.text)).toEqual(["Adamic, L. A. and Adar, E. (2003). Friends and neighbors on the web. Social Networks.", "Garfield, E. (1955). Citation indexes for science. Science, 122(3159)."]);
  });

  it("splits a list without indents by the wider gaps between references", () => {
    const list = lines(["Adamic, L. A. and Adar, E. (2003). Friends and", 72, 700], ["neighbors on the web. Social Networks.", 72, 688], ["Garfield, E. (1955). Citation indexes for science.", 72, 670], ["Science, 122(3159).", 72, 658]);
    expect(splitReferences(list).map((e) => e.text)).toEqual(["Adamic, L. A. and Adar, E. (2003). Friends and neighbors on the web. Social Networks.", "Garfield, E. (1955). Citation indexes for science. Science, 122(3159)."]);
  });
});

describe("finding the list", () => {
  const page = (n: number, body: string[]): PdfLine[] => [
    { text: "Running Head\t" + n, x: 72, y: 760, page: n, size: 9 },
    ...body.map((text, i) => ({ text, x: 72, y: 700 - 12 * i, page: n, size: 10 })),
  ];

  it("starts after the last References heading and stops at an appendix, without running heads", () => {
    const all = [
      ...page(1, ["A paper cites [1] and [2]; see the References.", "References"]),
      ...page(2, ["[1] A. Author. A title. Journal, 2001.", "[2] B. Author. Another title. Journal, 2002."]),
      ...page(3, ["Appendix A Proofs", "The proof is left to the reader."]),
    ];
    all.find((line) => line.text === "Appendix A Proofs")!.size = 14;
    const found = findReferenceList(all, 10)!;
    expect(all[found.heading]!.text).toBe("References");
    expect(found.lines.map((line) => line.text)).toEqual(["[1] A. Author. A title. Journal, 2001.", "[2] B. Author. Another title. Journal, 2002."]);
    expect(pdfReferences(all, 10).references.map((r) => [r.label, r.title, r.year])).toEqual([["1", "A title", 2001], ["2", "Another title", 2002]]);
  });

  it("knows Bibliography, Literature Cited and Works Cited headings, numbered or not", () => {
    for (const heading of ["Bibliography", "7 Literature Cited", "WORKS CITED", "VIII. REFERENCES"]) {
      const all = lines(["Body text ends here.", 72, 700], [heading, 72, 680], ["[1] A. Author. A title. 2001.", 72, 660]);
      expect(pdfReferences(all, 10).references, heading).toHaveLength(1);
    }
    expect(pdfReferences(lines(["No list in this paper.", 72, 700]), 10)).toEqual({ references: [], heading: null });
  });
});

describe("a .bbl file", () => {
  it("gives one reference per \\bibitem, with labels for numbered styles and none for natbib's author-year", () => {
    const numbered = String.raw`\begin{thebibliography}{10}
\bibitem{adamic2003friends}
Lada~A. Adamic and Eytan Adar.
\newblock Friends and neighbors on the web.
\newblock {\em Social Networks}, 25(3):211--230, 2003.

\bibitem{hochreiter1997long}
Sepp Hochreiter and J{\"u}rgen Schmidhuber.
\newblock Long short-term memory.
\newblock {\em Neural Computation}, 9(8):1735--1780, 1997.
\end{thebibliography}`;
    expect(bblReferences(numbered)).toMatchObject([
      { label: "1", authors: ["Lada A. Adamic", "Eytan Adar"], title: "Friends and neighbors on the web", year: 2003, venue: "Social Networks" },
      { label: "2", authors: ["Sepp Hochreiter", "Jürgen Schmidhuber"], title: "Long short-term memory", year: 1997 },
    ]);
    const natbib = String.raw`\bibitem[Karpukhin et~al.(2020)Karpukhin, O{\u{g}}uz, and Min]{karpukhin2020dense}
Vladimir Karpukhin, Barlas O{\u{g}}uz, and Sewon Min.
\newblock Dense passage retrieval.
\newblock In \emph{Proceedings of EMNLP}, pages 6769--6781, 2020.
\newblock \doi{10.18653/v1/2020.emnlp-main.550}.`;
    expect(bblReferences(natbib)).toMatchObject([{ label: null, authors: ["Vladimir Karpukhin", "Barlas Oğuz", "Sewon Min"], year: 2020, doi: "10.18653/v1/2020.emnlp-main.550" }]);
  });
});

describe("references on a paper", () => {
  it("are capped by cleanPaper: at most FIELD_LIMITS.references, each field cut, NUL removed", () => {
    const reference: Reference = { raw: "x".repeat(5_000), label: "1", authors: ["A\u0000da"], title: "T\u0000", year: 2001, venue: null, doi: null, arxivId: null, url: null };
    const paper = cleanPaper(newPaper({ id: "p", abstract: "a", sources: [], references: Array.from({ length: 1_500 }, () => reference) }));
    expect(paper.references).toHaveLength(FIELD_LIMITS.references);
    expect(paper.references![0]).toMatchObject({ authors: ["Ada"], title: "T", year: 2001 });
    expect(paper.references![0]!.raw.length).toBe(FIELD_LIMITS.reference);
  });
});
