/**
 * Named state kept with an index (store/shared/index-state.ts: where an arXiv harvest got to,
 * likes), on every store of the matrix (store-factories.ts): written in the same commit as the
 * papers, kept by later updates and removals, through --rebuild and a move to another store; and
 * UpdateOptions.keepStored, which leaves a stored paper as it is.
 */
import { describe, expect, it } from "vitest";
import { copyIndex, openIndex, removePapers, type Paper, type PapersOptions } from "../src/papers.js";
import { openStore } from "../src/store/open-store.js";
import { STATE_ARTIFACT, parseIndexState } from "../src/store/shared/index-state.js";
import { HASH_MODEL, hashEmbedderLoader } from "./hash-embedder.js";
import { factories } from "./store-factories.js";

const embedder = hashEmbedderLoader();
const withModel = (options: PapersOptions): PapersOptions => ({ ...options, embedder });

function corpus(n: number): Paper[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `p${i}`, title: `Paper ${i}`, abstract: `Abstract ${i} about topic ${i % 3} and method ${i % 5}.`, arxivId: null, doi: null, journalRef: null,
    comments: [], authors: [`Author ${i}`], categories: ["cs.CL"], year: 2020, date: null, sources: [{ file: "corpus.jsonl", line: i + 1 }],
  }));
}

describe.each(factories)("named state in the $name store", (factory) => {
  it("keeps named state with the index: set in the papers' commit, kept by updates, removals, --rebuild and moves", async () => {
    const { options } = factory.fresh();
    const papers = corpus(12);
    const model = { spec: HASH_MODEL, dtype: "q8" as const };
    const load = () => embedder.load(HASH_MODEL, "q8");
    const stateOf = async (where: PapersOptions) => {
      const index = await openIndex(withModel(where));
      try {
        return parseIndexState(await index.artifact(STATE_ARTIFACT), index.info().indexPath);
      } finally {
        await index.close();
      }
    };
    const store = await openStore(options);
    try {
      await store.update(papers, model, load, { state: { harvest: { datestamp: "2026-06-29" } } });
      expect(await stateOf(options)).toEqual({ harvest: { datestamp: "2026-06-29" } });
      // State alone changes: still a commit; the same state again: none.
      const before = await store.liveGeneration();
      await store.update(papers, model, load, { state: { likes: ["x"] } });
      const after = await store.liveGeneration();
      expect(after).not.toBe(before);
      await store.update(papers, model, load, { state: { likes: ["x"] } });
      expect(await store.liveGeneration()).toBe(after);
      expect(await stateOf(options)).toEqual({ harvest: { datestamp: "2026-06-29" }, likes: ["x"] });
      // A stored paper keepStored picks is left as it is; the other fields' changes are counted as refreshed.
      const changed = [{ ...papers[0]!, abstract: "Replaced text." }, { ...papers[1]!, year: 1990 }];
      const kept = await store.update(changed, model, load, { keepStored: (stored) => stored.id === papers[0]!.id });
      expect(kept).toMatchObject({ kept: [papers[0]!.id], updated: 0, unchanged: 1, refreshed: 1 });
    } finally {
      await store.close();
    }
    await removePapers([papers[2]!.id], options);
    expect(await stateOf(options)).toEqual({ harvest: { datestamp: "2026-06-29" }, likes: ["x"] });
    // A rebuild replaces the papers, never the state (a null value removes a name).
    const rebuilt = await openStore(options);
    try {
      await rebuilt.update(papers.slice(0, 3), model, load, { rebuild: true, state: { likes: null } });
    } finally {
      await rebuilt.close();
    }
    expect(await stateOf(options)).toEqual({ harvest: { datestamp: "2026-06-29" } });
    const other = (factories.find((f) => f !== factory) ?? factory).fresh().options;
    await copyIndex(withModel(options), withModel(other));
    expect(await stateOf(other)).toEqual({ harvest: { datestamp: "2026-06-29" } });
    expect((await openIndex(withModel(other)).then(async (index) => [(await index.get(papers[0]!.id)).abstract, await index.close()]))[0]).toBe(papers[0]!.abstract);
  });
});
