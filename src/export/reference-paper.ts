/**
 * A reference of a paper's list as a paper record, to export with the rest (`papers refs --format
 * bibtex`): its parsed fields, the venue as the journal reference, the raw text as the abstract when
 * nothing else says what it is. Its id is `ref-N` (its place in the list), so export keys stay unique.
 */
import { newPaper, type Paper } from "../corpus/paper.js";
import type { Reference } from "../corpus/references/reference.js";

export function referencePaper(reference: Reference, position: number): Paper {
  return newPaper({
    id: `ref-${position}`,
    abstract: reference.title ? "" : reference.raw,
    sources: [],
    title: reference.title ?? null,
    authors: [...reference.authors],
    year: reference.year,
    doi: reference.doi,
    arxivId: reference.arxivId,
    journalRef: reference.venue,
  });
}
