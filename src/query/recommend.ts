/**
 * Papers like the liked ones (and a text) and unlike the unliked ones, seeds left out: see
 * src/ranking/recommend.ts for the method.
 */
import { documentText } from "../corpus/paper.js";
import { PapersError } from "../errors.js";
import { LIMITS } from "../limits.js";
import { DOCUMENT_WEIGHTS } from "../ranking/modes.js";
import { recommend as recommendFrom, type Seed } from "../ranking/recommend.js";
import type { GenerationReader } from "../store/store.js";
import { checkK } from "./check.js";
import { hits } from "./hits.js";
import { lookup } from "./lookup.js";
import type { EmbedQuery } from "./rank.js";
import type { Recommendations, RecommendRequest } from "./types.js";

/** At most LIMITS.maxSeeds likes and as many unlikes, a text of at most LIMITS.maxText characters; k 20 unless asked. */
export async function recommend(reader: GenerationReader, embedQuery: EmbedQuery, request: RecommendRequest): Promise<Recommendations> {
  const k = request.k ?? 20;
  checkK(k);
  const likeIds = request.like ?? [];
  const unlikeIds = request.unlike ?? [];
  const text = request.text?.trim();
  const { maxSeeds, maxText } = LIMITS;
  if (likeIds.length === 0 && !text) throw new PapersError("BAD_OPTION", "say what you like: at least one --like ID or a --text");
  if (likeIds.length > maxSeeds || unlikeIds.length > maxSeeds) throw new PapersError("BAD_OPTION", `at most ${maxSeeds} likes and ${maxSeeds} unlikes`);
  if (text && text.length > maxText) throw new PapersError("BAD_OPTION", `the text must be at most ${maxText} characters, not ${text.length}`);
  const seedOf = async (id: string): Promise<Seed> => {
    const { label, paper } = await lookup(reader, id);
    return { label, vector: await reader.vector(label), text: documentText(paper) };
  };
  const likes = await Promise.all(likeIds.map(seedOf));
  const unlikes = await Promise.all(unlikeIds.map(seedOf));
  const both = likes.find((like) => unlikes.some((u) => u.label === like.label));
  if (both) {
    const [paper] = await reader.byLabels([both.label!]);
    throw new PapersError("BAD_OPTION", `paper "${paper?.id}" is both liked and unliked: keep it on one side`);
  }
  if (text) likes.push({ vector: await embedQuery(text), text });
  const result = await reader.withRecommendSource((source) => recommendFrom(source, likes, unlikes, k, DOCUMENT_WEIGHTS, request.exhaustive));
  return { hits: await hits(reader, result.ranked), method: result.method, why: result.why, candidates: result.candidates };
}
