/** The citation requests, for every front end: a paper's references, and the library papers citing it. */
import { referencePaper, type CitingPapers, type PaperIndex, type PaperReferences, type Paper } from "../papers.js";

export function paperReferences(index: PaperIndex, id: string): Promise<PaperReferences> {
  return index.references(id);
}

export function citingPapers(index: PaperIndex, id: string): Promise<CitingPapers> {
  return index.citedBy(id);
}

/** A reference list as papers to export (BibTeX for a reference manager): library matches as their papers, the rest from their parsed fields. */
export function referencesToExport(answer: PaperReferences): Paper[] {
  return answer.references.map((entry) => entry.paper ?? referencePaper(entry.reference, entry.position));
}
