/** Papers that answer a question, each with the passage of its full text that matched best. */
import { bestEvidence, PASSAGE_DEPTH_FACTOR } from "../ranking/evidence.js";
import { checkFilter, hasConditions, type PaperFilter } from "../ranking/filter.js";
import type { Scored } from "../ranking/fusion.js";
import type { SearchMode } from "../ranking/modes.js";
import type { GenerationReader } from "../store/store.js";
import { checkK, checkQuestion } from "./check.js";
import { hits, withIds } from "./hits.js";
import { questionRetrievers, rankAsync, type EmbedQuery } from "./rank.js";
import type { RankedId, SearchHit } from "./types.js";

/**
 * The k papers that best answer a question: by meaning (dense), by its words (lexical, BM25),
 * or both fused (hybrid).
 */
export async function search(reader: GenerationReader, embedQuery: EmbedQuery, question: string, k: number, mode: SearchMode, filter?: PaperFilter): Promise<SearchHit[]> {
  const text = checkQuestion(question);
  checkK(k);
  checkFilter(filter);
  const { dense, lexical } = await questionRetrievers(reader, embedQuery, text, mode, hasConditions(filter) ? { filter } : undefined);
  const owners = await reader.passageOwners();
  // Abstract-only indexes search exactly as before; with passages, papers rank by their best
  // evidence: abstracts and passages are ranked (and fused) together, each paper taking its best.
  if (owners.size === 0) return hits(reader, await rankAsync(mode, k, dense, lexical));
  const evidence = new Map<number, number>();
  let ranked: Scored[] = [];
  for (let depth = k * PASSAGE_DEPTH_FACTOR; ; depth *= PASSAGE_DEPTH_FACTOR) {
    evidence.clear();
    ranked = bestEvidence(await rankAsync(mode, depth, dense, lexical), owners, k, evidence);
    if (ranked.length >= k || depth >= reader.vectorCount) break;
  }
  const found = await hits(reader, ranked);
  return Promise.all(
    found.map(async (hit, i) => {
      const best = evidence.get(ranked[i]!.label)!;
      const passage = owners.has(best) ? await reader.passage(best) : undefined;
      return passage ? { ...hit, passage: { text: passage.text, page: passage.page, section: passage.section } } : hit;
    }),
  );
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
