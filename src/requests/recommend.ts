/** The recommend request, for every front end: papers like the liked ones (and a text), unlike the unliked. */
import type { PaperIndex, Recommendations, RecommendRequest } from "../papers.js";
import { hitAnswers, type AnswerOptions } from "./answers.js";

export async function recommendPapers(index: PaperIndex, request: RecommendRequest): Promise<Recommendations> {
  const { like, unlike, text, k } = request;
  return index.recommend({ like, unlike, text, k });
}

/** The answer as `--json` and the JSON API give it: the method, what it weighed, and the hits. */
export function recommendAnswerJson(result: Recommendations, options: AnswerOptions): Record<string, unknown> {
  return { method: result.method, candidates: result.candidates, why: result.why, results: hitAnswers(result.hits, options) };
}
