/** The search request, for every front end: the papers that answer a question, each with its relevance. */
import { parseYearRange, type PaperFilter, type PaperIndex, type SearchMode } from "../papers.js";
import { relevantHitAnswer, type AnswerOptions, type RelevantHit } from "./answers.js";

/**
 * The filters as a front end takes them: text, as typed (`year` as 2024, 2020..2023, 2021.., ..2019;
 * `since` and `until` as days, 2024-03-18, or a month or a year; the library checks them).
 */
export type SearchFilters = Omit<PaperFilter, "years"> & { year?: string };

export interface SearchRequest {
  question: string;
  k: number;
  mode: SearchMode;
  filters?: SearchFilters;
  /** Say why each paper matches (its closest sentence, the question's words it has). */
  explain?: boolean;
}

export interface SearchAnswer {
  question: string;
  mode: SearchMode;
  /** false: no confident match, the best relevance is under the calibrated threshold. */
  confident: boolean;
  threshold: number;
  hits: RelevantHit[];
}

/** The library's filter for the typed filters (the year range parsed); undefined when none is given. */
export function searchFilter(filters: SearchFilters | undefined): PaperFilter | undefined {
  if (!filters) return undefined;
  const { year, since, until, category, author, tag, collection } = filters;
  if ([year, since, until, category, author, tag, collection].every((value) => value === undefined)) return undefined;
  return { years: year === undefined ? undefined : parseYearRange(year), since, until, category, author, tag, collection };
}

export async function searchPapers(index: PaperIndex, request: SearchRequest): Promise<SearchAnswer> {
  const { question, k, mode, explain } = request;
  const found = await index.search(question, k, mode, searchFilter(request.filters));
  const explanations = explain ? await index.explain(question, found) : undefined;
  const confidence = await index.confidence(question, found);
  const hits = found.map((hit, i) => ({ ...hit, relevance: confidence.relevance[i]!, ...(explanations ? { explain: explanations[i] } : {}) }));
  return { question, mode, confident: confidence.confident, threshold: confidence.threshold, hits };
}

/** The JSON API's answer: the question, whether any paper answers it confidently, and the hits. */
export function searchAnswerJson(answer: SearchAnswer, options: AnswerOptions): Record<string, unknown> {
  const { question, mode, confident, threshold } = answer;
  return { query: question, mode, confident, threshold, results: answer.hits.map((hit) => relevantHitAnswer(hit, options)) };
}
