import type { Scored } from "./fusion.js";

/**
 * Papers ranked by their best evidence. A retriever over papers and passages returns both; each
 * hit counts for its paper (a passage's owner, or the paper itself), a paper scores its best hit,
 * and which hit that was is written into `evidence` (paper label → hit label).
 */
export function bestEvidence(hits: readonly Scored[], owners: ReadonlyMap<number, number>, depth: number, evidence: Map<number, number>): Scored[] {
  const papers: Scored[] = [];
  for (const { label, score } of hits) {
    const paper = owners.get(label) ?? label;
    if (evidence.has(paper)) continue;
    evidence.set(paper, label);
    papers.push({ label: paper, score });
    if (papers.length === depth) break;
  }
  return papers;
}

/**
 * How much deeper than the papers wanted a search over papers and passages looks, so that papers
 * with many passages near the question do not crowd the others out of the list.
 */
export const PASSAGE_DEPTH_FACTOR = 4;
