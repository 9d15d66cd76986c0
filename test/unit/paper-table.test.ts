import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Paper } from "../../src/corpus/paper.js";
import { PaperTable } from "../../src/store/folder/paper-table.js";
import { isPapersError, openOrBuildIndex } from "../../src/papers.js";
import { tempDir } from "../helpers.js";

const paper = (id: string, title: string | null, abstract: string): Paper => ({
  id, title, abstract, arxivId: null, doi: null, journalRef: null, comments: ["c"], authors: [], categories: [], year: null, date: null, sources: [{ file: "f.txt", line: 1 }],
});

describe("PaperTable", () => {
  const store = PaperTable.create(join(tempDir(), "papers.db"));
  store.upsert(
    [
      paper("a1", "Speculative decoding", "Drafting tokens with a small model speeds up decoding."),
      paper("b2", null, "Graph neural networks predict molecular properties."),
      paper("c3", "Decoders", "We study decoders of error-correcting codes; decoding is decoded."),
    ].map((p, label) => ({ label, paper: p })),
  );

  it("finds records by label and by id, case-insensitively", () => {
    expect(store.byLabel(1)?.id).toBe("b2");
    expect(store.byId("A1")).toMatchObject({ label: 0, paper: { title: "Speculative decoding", comments: ["c"] } });
    expect(store.byId("zz")).toBeUndefined();
    expect(store.count()).toBe(3);
  });

  it("ranks by BM25 with stemming over title and abstract", () => {
    const hits = store.lexicalSearch("decode", 10);
    expect(hits.map((h) => h.label).sort()).toEqual([0, 2]);
    expect(hits[0]!.label).toBe(2); // "decoders ... decoding ... decoded": more matches of the stem
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
    expect(store.lexicalSearch("molecular", 10).map((h) => h.label)).toEqual([1]);
  });

  it("replaces a paper's record and full text in place, and removes papers", () => {
    const other = PaperTable.create(join(tempDir(), "papers.db"));
    other.upsert([{ label: 0, paper: paper("a1", null, "About decoding.") }, { label: 1, paper: paper("b2", null, "About graphs.") }]);
    const before = other.entries().get("a1")!.hash;
    other.upsert([{ label: 0, paper: paper("a1", null, "Now about molecules.") }]);
    expect(other.entries().get("a1")!.hash).not.toBe(before);
    expect(other.lexicalSearch("decoding", 10)).toEqual([]);
    expect(other.lexicalSearch("molecules", 10).map((h) => h.label)).toEqual([0]);
    other.remove([1]);
    expect(other.lexicalSearch("graphs", 10)).toEqual([]);
    expect([...other.entries().keys()]).toEqual(["a1"]);
    expect(other.nextLabel()).toBe(1);
  });

  it("treats query syntax in a question as plain words", () => {
    expect(store.lexicalSearch('decod* OR "graph" NEAR( AND -', 10).map((h) => h.label)).toContain(1);
    expect(store.lexicalSearch("!!! ???", 10)).toEqual([]);
  });
});

describe("openOrBuildIndex", () => {
  it("says so when there is neither an index nor papers to build one from", async () => {
    const missing = join(tempDir(), "no-seeds");
    const error = await openOrBuildIndex({ indexDir: join(tempDir(), "index"), buildIfMissing: true }, [missing]).catch((e: unknown) => e);
    expect(isPapersError(error) && error.code).toBe("NO_INDEX");
    expect((error as Error).message).toContain(missing);
  });
});
