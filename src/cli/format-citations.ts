/** What `papers refs`, `papers cited-by` and `related --by` print to a person. */
import { plainPaper, plainText } from "../text-safety.js";
import type { CitingPapers, PaperReferences, RelatedHit } from "../papers.js";
import { displayTitle, formatHits, formatList } from "./format.js";

/** The list in order: library matches by id, others with their DOI or arXiv id, or the raw text. */
export function formatReferences(answer: PaperReferences): string {
  const head = `References of ${plainText(answer.paper.id)}: ${plainText(displayTitle(answer.paper))}`;
  if (answer.references.length === 0) return `${head}\nNone: ${answer.reason ?? "no references"}.`;
  const linked = answer.references.filter((entry) => entry.paper).length;
  const lines = answer.references.map((entry) => {
    const number = `${String(entry.position).padStart(3)}.`;
    const ref = entry.reference;
    if (entry.paper) return `${number} [${plainText(entry.paper.id)}] ${plainText(displayTitle(plainPaper(entry.paper)))}`;
    const where = ref.doi ? `  doi:${ref.doi}` : ref.arxivId ? `  arXiv:${ref.arxivId}` : "";
    const text = ref.title ? `${ref.title}${ref.year ? ` (${ref.year})` : ""}` : ref.raw;
    return `${number} ${plainText(text)}${plainText(where)}`;
  });
  return [head, `${answer.references.length} references, ${linked} in your library ([id]).`, "", ...lines].join("\n");
}

export function formatCitedBy(answer: CitingPapers): string {
  const head = `Cited by, in your library: ${plainText(answer.paper.id)}: ${plainText(displayTitle(answer.paper))}`;
  if (answer.citedBy.length === 0) return `${head}\nNone: ${answer.reason ?? "no citing paper"}.`;
  return `${head}\n\n${formatList(answer.citedBy)}`;
}

/** Related hits as search hits, each found by citations followed by its evidence. */
export function formatRelatedHits(hits: readonly RelatedHit[]): string {
  if (hits.length === 0) return formatHits([]);
  return hits.map((hit, i) => formatHits([hit]).replace(/^ 1\./, `${String(i + 1).padStart(2)}.`) + (hit.citations ? `\n    citations: ${plainText(hit.citations.text)}` : "")).join("\n\n");
}
