/**
 * Papers and hits as JSON-ready answers, built once for every front end. A network answer (HTTP,
 * MCP over HTTP) leaves out `sources`, the files a paper was read from: a client has no business
 * knowing the server's paths unless the server was started to show them (see `paths`).
 */
import { dirname, isAbsolute } from "node:path";
import { paperJson, type Answer, type CitingPapers, type Explanation, type Paper, type PaperReferences, type RelatedHit, type SearchHit } from "../papers.js";

/** What an answer may hold: `paths` is whether file paths (a paper's sources) go out. */
export interface AnswerOptions {
  paths: boolean;
}

/** A local front end's answers (the CLI, MCP over stdio) keep the files papers were read from. */
export const LOCAL: AnswerOptions = { paths: true };

/** A search hit with its calibrated relevance, and why it matches when that was asked. */
export interface RelevantHit extends SearchHit {
  relevance: number;
  explain?: Explanation;
}

/** A paper as `--json` prints it (with its score, for a hit), its sources left out unless `paths`. */
export function paperAnswer(paper: Paper & { passage?: unknown }, options: AnswerOptions, score?: number): Record<string, unknown> {
  const json = paperJson(paper, score);
  if (!options.paths) delete json.sources;
  return json;
}

/** A search hit: the paper with its score, its relevance, and its explanation when asked. */
export function relevantHitAnswer(hit: RelevantHit, options: AnswerOptions): Record<string, unknown> {
  return { ...paperAnswer(hit, options, hit.score), relevance: hit.relevance, ...(hit.explain ? { explain: hit.explain } : {}) };
}

/** Hits of related and recommend: each paper with its score. */
export function hitAnswers(hits: readonly SearchHit[], options: AnswerOptions): Record<string, unknown>[] {
  return hits.map((hit) => paperAnswer(hit, options, hit.score));
}

/**
 * A message for a network answer (why a new generation could not be opened, say), with the index's
 * location, and the folder holding its generations, named only as `<index>`.
 */
export function hideIndexLocation(message: string, indexPath: string): string {
  const places = [indexPath, ...(isAbsolute(indexPath) ? [dirname(indexPath)] : [])].filter((place) => place.length > 1);
  return places.reduce((text, place) => text.split(place).join("<index>"), message);
}

/** Saved likes as `papers likes --json` and GET /api/likes give them: ids and titles, and the missing apart. */
export function likesAnswerJson(likes: { liked: readonly Paper[]; unliked: readonly Paper[]; missing: readonly { id: string; liked: boolean }[] }): Record<string, unknown> {
  const brief = (papers: readonly Paper[]) => papers.map((paper) => ({ id: paper.id, title: paper.title }));
  return { liked: brief(likes.liked), unliked: brief(likes.unliked), missing: likes.missing };
}

/**
 * `ask`'s answer as `--format json`, GET /api/ask and the MCP evidence tool give it:
 * `{question, confident, evidence, references}` (as formatAnswer's JSON). With `contexts` (the
 * search page asks for them), each evidence sentence also carries the abstract or passage it
 * sits in, to be shown highlighted there.
 */
export function askAnswerJson(answer: Answer, contexts?: readonly (string | null)[]): Record<string, unknown> {
  const { question, confident, references } = answer;
  const evidence = contexts ? answer.evidence.map((sentence, i) => ({ ...sentence, context: contexts[i] ?? null })) : answer.evidence;
  return { question, confident, evidence, references };
}

/** A paper's reference list as `papers refs --json`, GET /api/papers/:id/refs and MCP `refs` give it. */
export function referencesAnswerJson(answer: PaperReferences, options: AnswerOptions): Record<string, unknown> {
  return {
    paper: { id: answer.paper.id, title: answer.paper.title },
    references: answer.references.map((entry) => ({
      position: entry.position,
      ...entry.reference,
      paper: entry.paper ? paperAnswer(entry.paper, options) : null,
      key: entry.key,
    })),
    reason: answer.reason,
  };
}

/** The papers citing one, as `papers cited-by --json`, GET /api/papers/:id/cited-by and MCP `cited_by` give them. */
export function citedByAnswerJson(answer: CitingPapers, options: AnswerOptions): Record<string, unknown> {
  return { paper: { id: answer.paper.id, title: answer.paper.title }, citedBy: answer.citedBy.map((paper) => paperAnswer(paper, options)), reason: answer.reason };
}

/** Related hits with their citation evidence, when they have some. */
export function relatedHitAnswers(hits: readonly RelatedHit[], options: AnswerOptions): Record<string, unknown>[] {
  return hits.map((hit) => ({ ...paperAnswer(hit, options, hit.score), ...(hit.citations ? { citations: hit.citations } : {}) }));
}
