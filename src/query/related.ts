/**
 * Papers close to a whole document: one in the index (related, its neighbours) or a text that
 * is not (a draft abstract). The document is the question, ranked with DOCUMENT_WEIGHTS.
 */
import { documentText } from "../corpus/paper.js";
import { bestEvidence, PASSAGE_DEPTH_FACTOR } from "../ranking/evidence.js";
import type { Scored } from "../ranking/fusion.js";
import { DOCUMENT_WEIGHTS, type SearchMode } from "../ranking/modes.js";
import type { GenerationReader } from "../store/store.js";
import { checkK, checkQuestion } from "./check.js";
import { hits, withIds } from "./hits.js";
import { lookup } from "./lookup.js";
import { rankAsync, type EmbedQuery, type Retriever } from "./rank.js";
import type { RankedId, SearchHit } from "./types.js";

/** The k papers closest to one already in the index, itself left out. */
export async function related(reader: GenerationReader, id: string, k: number, mode: SearchMode): Promise<SearchHit[]> {
  checkK(k);
  const { dense, lexical } = await paperRetrievers(reader, id);
  return hits(reader, await rankAsync(mode, k, dense, lexical, DOCUMENT_WEIGHTS));
}

/** Both ranked lists that related fuses, `depth` deep: for choosing its mode (bench/related-mode.mjs). */
export async function relatedRankings(reader: GenerationReader, id: string, depth: number): Promise<{ dense: RankedId[]; lexical: RankedId[] }> {
  const { dense, lexical } = await paperRetrievers(reader, id);
  return { dense: await withIds(reader, await dense(depth)), lexical: await withIds(reader, await lexical(depth)) };
}

/**
 * The k papers closest to a text that is not in the index (a draft abstract): the text is the
 * question, ranked as related ranks a paper's neighbours.
 */
export async function relatedToText(reader: GenerationReader, embedQuery: EmbedQuery, text: string, k: number, mode: SearchMode): Promise<SearchHit[]> {
  const question = checkQuestion(text);
  checkK(k);
  const vector = mode === "lexical" ? undefined : await embedQuery(question);
  const { dense, lexical } = await documentRetrievers(reader, vector, question);
  return hits(reader, await rankAsync(mode, k, dense, lexical, DOCUMENT_WEIGHTS));
}

/** The retrievers with a paper of the index as the question (its vector and text). */
async function paperRetrievers(reader: GenerationReader, id: string) {
  const { label, paper } = await lookup(reader, id);
  return documentRetrievers(reader, await reader.vector(label), documentText(paper), label);
}

/**
 * Dense and lexical retrievers over papers for a whole document as the question. With passages
 * in the index, papers rank by their best evidence; `self` (a paper in the index) and its own
 * passages are left out.
 */
async function documentRetrievers(
  reader: GenerationReader,
  vector: Float32Array | undefined,
  text: string,
  self?: number,
): Promise<{ dense: Retriever; lexical: Retriever }> {
  const owners = await reader.passageOwners();
  const other = (hit: number) => self === undefined || (hit !== self && owners.get(hit) !== self);
  const exclude = self === undefined ? undefined : new Set([self, ...[...owners].filter(([, owner]) => owner === self).map(([label]) => label)]);
  const deeper = owners.size === 0 ? 1 : PASSAGE_DEPTH_FACTOR;
  const papers = (found: Scored[], depth: number) => bestEvidence(found.filter((h) => other(h.label)), owners, depth, new Map());
  return {
    dense: async (depth) => papers(await reader.denseSearch(vector!, depth * deeper, exclude && { exclude }), depth),
    lexical: async (depth) => papers(await reader.lexicalSearch(text, depth * deeper + 1), depth),
  };
}
