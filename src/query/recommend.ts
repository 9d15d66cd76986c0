/**
 * Papers like the liked ones (and a text) and unlike the unliked ones, seeds left out: see
 * src/ranking/recommend.ts for the method.
 */
import { PapersError } from "../errors.js";
import { LIMITS } from "../limits.js";
import { DOCUMENT_WEIGHTS } from "../ranking/modes.js";
import { recommend as recommendFrom, type Seed } from "../ranking/recommend.js";
import type { GenerationReader } from "../store/store.js";
import { checkK } from "./check.js";
import { hits } from "./hits.js";
import { paperSeeds } from "./seeds.js";
import type { EmbedQuery } from "./rank.js";
import type { Recommendations, RecommendRequest } from "./types.js";

/** At most LIMITS.maxSeeds likes and as many unlikes, a text of at most LIMITS.maxText characters; k 20 unless asked. */
export async function recommend(reader: GenerationReader, embedQuery: EmbedQuery, request: RecommendRequest): Promise<Recommendations> {
  const k = request.k ?? 20;
  checkK(k);
  const likeIds = request.like ?? [];
  const unlikeIds = request.unlike ?? [];
  const text = request.text?.trim();
  if (likeIds.length === 0 && !text) throw new PapersError("BAD_OPTION", "say what you like: at least one --like ID or a --text");
  if (text && text.length > LIMITS.maxText) throw new PapersError("BAD_OPTION", `the text must be at most ${LIMITS.maxText} characters, not ${text.length}`);
  const seeds = await paperSeeds(reader, likeIds, unlikeIds);
  const likes: Seed[] = [...seeds.likes];
  const unlikes = seeds.unlikes;
  if (text) likes.push({ vector: await embedQuery(text), text });
  const result = await reader.withRecommendSource((source) => recommendFrom(source, likes, unlikes, k, DOCUMENT_WEIGHTS, { exhaustive: request.exhaustive }));
  return { hits: await hits(reader, result.ranked), method: result.method, why: result.why, candidates: result.candidates };
}
