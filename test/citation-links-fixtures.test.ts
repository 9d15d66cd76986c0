/**
 * Library-link precision and recall through an index (folder store, hash embedder: links do not
 * depend on it): the reference-list fixture PDFs indexed with a library of their .bib's entries,
 * every 4th left out (bench/citation-links.mjs measures the same without an index, and prints the
 * figures). Floors: precision 0.97, recall 0.9, the targets.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { indexPaperList, openIndex } from "../src/papers.js";
// @ts-expect-error: a bench script in JavaScript, without types.
import { bibLibrary, fixturePdfs, truthOf } from "../bench/citation-links.mjs";
import { hashEmbedderLoader } from "./hash-embedder.js";
import { tempDir } from "./helpers.js";

describe("library links of the fixture PDFs", () => {
  it("links their references to the library with precision >= 0.97 and recall >= 0.9", { timeout: 120_000 }, async () => {
    const entries = (await bibLibrary()) as { id: string; title: string }[];
    const library = entries.filter((_, i) => i % 4 !== 3);
    const inLibrary = new Set(library.map((p) => p.id));
    // Two fixtures (ieeetr in one and two columns) print the same abstract: one paper (its id is the abstract's hash), kept once.
    const pdfs = ((await fixturePdfs()) as { file: string; paper: { id: string; references: unknown[] } }[]).filter((p, i, all) => all.findIndex((q) => q.paper.id === p.paper.id) === i);
    const options = { indexDir: join(tempDir(), "index"), embedder: hashEmbedderLoader() };
    // The PDFs first and the library after: every link is made from stored references, by the incremental path.
    await indexPaperList(pdfs.map((p) => p.paper) as never, ["fixtures"], options);
    await indexPaperList(library as never, ["library.bib"], options);
    const index = await openIndex(options);
    let links = 0, right = 0, linkable = 0, found = 0;
    try {
      for (const { paper } of pdfs) {
        const { references } = await index.references(paper.id);
        expect(references).toHaveLength(paper.references.length);
        for (const entry of references) {
          const truth = truthOf(entry.reference.raw, entries) as { id: string } | null;
          if (truth && inLibrary.has(truth.id)) linkable++;
          if (entry.paper) {
            links++;
            if (entry.paper.id === truth?.id) right++;
            if (entry.paper.id === truth?.id && inLibrary.has(truth.id)) found++;
          }
        }
      }
      // Cited by every fixture PDF.
      expect((await index.citedBy("vaswani2017attention")).citedBy).toHaveLength(pdfs.length);
    } finally {
      await index.close();
    }
    expect(links).toBeGreaterThan(0);
    expect(right / links).toBeGreaterThanOrEqual(0.97);
    expect(found / linkable).toBeGreaterThanOrEqual(0.9);
  });
});
