/** The show and list requests, for every front end: one paper, and the papers in the index. */
import type { Paper, PaperIndex } from "../papers.js";

/** A paper by id, arXiv id or arxiv.org link. */
export function showPaper(index: PaperIndex, id: string): Promise<Paper> {
  return index.get(id);
}

export interface PaperPage {
  total: number;
  offset: number;
  limit: number;
  /** The offset of the next page; null on the last. */
  nextOffset: number | null;
  papers: Paper[];
}

/** One page of the papers, in index order; every paper when no page is asked for. */
export async function listPapers(index: PaperIndex, page?: { offset: number; limit: number }): Promise<PaperPage> {
  if (!page) {
    const papers = await index.list();
    return { total: papers.length, offset: 0, limit: papers.length, nextOffset: null, papers };
  }
  const { offset, limit } = page;
  const { total, papers } = await index.listPage(offset, limit);
  const next = offset + papers.length;
  return { total, offset, limit, nextOffset: next < total ? next : null, papers };
}
