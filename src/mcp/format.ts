/** How the MCP tools and the paper resource shape a paper for an agent. */
import { paperJson, snippet, type HitPassage, type Paper } from "../papers.js";

/** The resource a paper is read from: `papers://paper/{id}`, the id percent-encoded (old arXiv ids hold a "/"). */
export function paperUri(id: string): string {
  return `papers://paper/${encodeURIComponent(id)}`;
}

export function arxivUrl(paper: Paper): string | null {
  return paper.arxivId ? `https://arxiv.org/abs/${paper.arxivId}` : null;
}

export function doiUrl(paper: Paper): string | null {
  return paper.doi ? `https://doi.org/${paper.doi}` : null;
}

/** A paper in a list: what an agent needs to pick it, cite it and link it, without the abstract. */
export function paperSummary(paper: Paper) {
  return {
    id: paper.id,
    title: paper.title,
    authors: paper.authors,
    year: paper.year,
    date: paper.date ?? null,
    categories: paper.categories,
    arxivId: paper.arxivId,
    doi: paper.doi,
    arxivUrl: arxivUrl(paper),
    doiUrl: doiUrl(paper),
    uri: paperUri(paper.id),
  };
}

/**
 * A search or related hit: the summary, the score as `--json` gives it (4 places), and a snippet
 * (from the sentence that best matches `question`, when there is one). A hit found by a passage
 * of its full text (a PDF) carries the passage with its page, and its snippet comes from it, so
 * that an agent quotes what matched and can cite the page.
 */
export function hitSummary(hit: Paper & { passage?: HitPassage }, score: number, question?: string) {
  const passage = hit.passage ? { text: hit.passage.text, page: hit.passage.page, section: hit.passage.section } : null;
  return { ...paperSummary(hit), score: paperJson(hit, score).score as number, snippet: snippet(passage?.text ?? hit.abstract, question), passage };
}

/** A whole paper: every field `show --json` gives, and the links; the files it was read from only with `paths`. */
export function paperDetail(paper: Paper, paths: boolean) {
  return { ...paperSummary(paper), abstract: paper.abstract, journalRef: paper.journalRef, comments: paper.comments, ...(paths ? { sources: paper.sources } : {}) };
}

/** A paper as the resource's text: a title line, its metadata one per line, then the abstract. */
export function paperText(paper: Paper): string {
  // A paper without a title is headed by its first sentence, as `papers show` does.
  const heading = paper.title ?? (/^(.+?[.!?])(\s|$)/.exec(paper.abstract)?.[1] ?? paper.id);
  const lines = [`# ${heading}`, "", `id: ${paper.id}`];
  if (paper.authors.length > 0) lines.push(`authors: ${paper.authors.join(", ")}`);
  if (paper.year !== null) lines.push(`year: ${paper.year}`);
  if (paper.date) lines.push(`date: ${paper.date}`);
  if (paper.categories.length > 0) lines.push(`categories: ${paper.categories.join(" ")}`);
  if (paper.arxivId) lines.push(`arXiv: ${paper.arxivId} ${arxivUrl(paper)}`);
  if (paper.doi) lines.push(`doi: ${paper.doi} ${doiUrl(paper)}`);
  if (paper.journalRef) lines.push(`journal: ${paper.journalRef}`);
  for (const comment of paper.comments) lines.push(`comment: ${comment}`);
  lines.push("", paper.abstract, "");
  return lines.join("\n");
}
