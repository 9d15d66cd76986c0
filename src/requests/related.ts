/** The related request, for every front end: the papers closest to one in the index, or to a text. */
import type { Paper, PaperIndex, SearchHit, SearchMode } from "../papers.js";

/** One of `id` (a paper in the index) and `text` (a passage not in it); the front end checks there is one. */
export interface RelatedRequest {
  id?: string;
  text?: string;
  k: number;
  mode: SearchMode;
}

export interface RelatedAnswer {
  /** The paper given by id; null for a text. */
  paper: Paper | null;
  text: string | null;
  mode: SearchMode;
  hits: SearchHit[];
}

export async function relatedPapers(index: PaperIndex, request: RelatedRequest): Promise<RelatedAnswer> {
  const { id, text, k, mode } = request;
  if (id !== undefined) {
    const paper = await index.get(id);
    return { paper, text: null, mode, hits: await index.related(paper.id, k, mode) };
  }
  return { paper: null, text: text!, mode, hits: await index.relatedToText(text!, k, mode) };
}
