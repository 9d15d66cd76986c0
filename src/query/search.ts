/** Papers that answer a question, each with the passage of its full text that matched best. */
import { bestEvidence, PASSAGE_DEPTH_FACTOR } from "../ranking/evidence.js";
import { checkFilter, hasConditions, type PaperFilter } from "../ranking/filter.js";
import type { Scored } from "../ranking/fusion.js";
import { rankByMode, type SearchMode } from "../ranking/modes.js";
import type { GenerationReader, Retrieval } from "../store/store.js";
import { checkK, checkQuestion } from "./check.js";
import { paperHits, withIds } from "./hits.js";
import type { EmbedQuery } from "./rank.js";
import { inOneGeneration, retrievalDepth, retrievalRequest, retrieve } from "./retrieve.js";
import type { RankedId, SearchHit } from "./types.js";

/**
 * The k papers that best answer a question: by meaning (dense), by its words (lexical, BM25),
 * or both fused (hybrid).
 */
export async function search(reader: GenerationReader, embedQuery: EmbedQuery, question: string, k: number, mode: SearchMode, filter?: PaperFilter): Promise<SearchHit[]> {
  const text = checkQuestion(question);
  checkK(k);
  checkFilter(filter);
  const vector = mode === "lexical" ? undefined : await embedQuery(text);
  const scope = hasConditions(filter) ? { filter } : undefined;
  // The hits, the passages' owners, the papers and the passages all from one generation: a
  // search that saw a writer commit between its reads starts again (see retrieve.ts).
  return inOneGeneration(async () => {
    // The papers of the first k dense hits are read with them only in dense mode: fused, BM25
    // brings in papers of its own (nearly always, on arXiv titles), and they are read after anyway.
    const ask = (depth: number) => retrieve(reader, retrievalRequest(mode, text, vector, retrievalDepth(mode, depth), mode === "dense" ? k : 0, scope));
    const rank = (found: Retrieval, depth: number) => rankByMode(mode, depth, () => found.dense, () => found.lexical);
    let found = await ask(k);
    // Abstract-only indexes search exactly as before; with passages, papers rank by their best
    // evidence: abstracts and passages are ranked (and fused) together, each paper taking its best.
    if (found.owners.size === 0) return paperHits(reader.location, rank(found, k), found.papers);
    const evidence = new Map<number, number>();
    let ranked: Scored[] = [];
    for (let depth = k * PASSAGE_DEPTH_FACTOR; ; depth *= PASSAGE_DEPTH_FACTOR) {
      found = await ask(depth);
      evidence.clear();
      ranked = bestEvidence(rank(found, depth), found.owners, k, evidence);
      if (ranked.length >= k || depth >= reader.vectorCount) break;
    }
    const best = ranked.map(({ label }) => evidence.get(label)!);
    const passageLabels = best.filter((label) => found.owners.has(label));
    const [papers, passages] = await Promise.all([paperHits(reader.location, ranked, found.papers), found.passages(passageLabels)]);
    const passageOf = new Map(passageLabels.map((label, i) => [label, passages[i]]));
    return papers.map((hit, i) => {
      const passage = passageOf.get(best[i]!);
      return passage ? { ...hit, passage: { text: passage.text, page: passage.page, section: passage.section } } : hit;
    });
  });
}

/** Both ranked lists that hybrid search fuses, `depth` deep: for tuning fusion and for inspection. */
export async function searchRankings(
  reader: GenerationReader,
  embedQuery: EmbedQuery,
  question: string,
  depth: number,
): Promise<{ dense: RankedId[]; lexical: RankedId[] }> {
  const text = checkQuestion(question);
  const vector = await embedQuery(text);
  return { dense: await withIds(reader, await reader.denseSearch(vector, depth)), lexical: await withIds(reader, await reader.lexicalSearch(text, depth)) };
}
