/** The related request, for every front end: the papers closest to one in the index, or to a text. */
import { DEFAULT_RELATED_BY, PapersError, type Paper, type PaperIndex, type RelatedBy, type RelatedHit, type SearchMode } from "../papers.js";

/** One of `id` (a paper in the index) and `text` (a passage not in it); the front end checks there is one. */
export interface RelatedRequest {
  id?: string;
  text?: string;
  k: number;
  mode: SearchMode;
  /** By meaning, citations or both; unsaid: DEFAULT_RELATED_BY (meaning for a text). */
  by?: RelatedBy;
}

export interface RelatedAnswer {
  /** The paper given by id; null for a text. */
  paper: Paper | null;
  text: string | null;
  mode: SearchMode;
  by: RelatedBy;
  hits: RelatedHit[];
}

export async function relatedPapers(index: PaperIndex, request: RelatedRequest): Promise<RelatedAnswer> {
  const { id, text, k, mode } = request;
  if (id !== undefined) {
    const paper = await index.get(id);
    const by = request.by ?? DEFAULT_RELATED_BY;
    const hits = by === "meaning" ? await index.related(paper.id, k, mode) : await index.relatedBy(paper.id, k, by, mode);
    return { paper, text: null, mode, by, hits };
  }
  if (request.by !== undefined && request.by !== "meaning") throw new PapersError("BAD_OPTION", `related --by ${request.by} needs a paper id: a text has no citations`);
  return { paper: null, text: text!, mode, by: "meaning", hits: await index.relatedToText(text!, k, mode) };
}
