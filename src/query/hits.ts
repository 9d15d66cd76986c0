/** Ranked labels turned into what a caller reads: papers with their scores, or ids. */
import type { Paper } from "../corpus/paper.js";
import { PapersError } from "../errors.js";
import type { Scored } from "../ranking/fusion.js";
import type { GenerationReader } from "../store/store.js";
import type { RankedId, SearchHit } from "./types.js";

/** The papers of ranked labels, with their scores; a label without a paper is a damaged index. */
export function hits(reader: GenerationReader, ranked: readonly Scored[]): Promise<SearchHit[]> {
  return paperHits(reader.location, ranked, (labels) => reader.byLabels(labels));
}

/** As hits, with the papers read by `papers` (a retrieval's, from the generation its hits came from). */
export async function paperHits(location: string, ranked: readonly Scored[], papers: (labels: readonly number[]) => Promise<(Paper | undefined)[]>): Promise<SearchHit[]> {
  const found = await papers(ranked.map((n) => n.label));
  return ranked.map(({ label, score }, i) => {
    const paper = found[i];
    if (!paper) throw new PapersError("INDEX_DAMAGED", `index at ${location} is damaged (vector ${label} has no paper): run \`papers index\` to rebuild it`);
    return { ...paper, score };
  });
}

/** Ranked labels with their papers' ids ("" for a label without a paper). */
export async function withIds(reader: GenerationReader, list: readonly Scored[]): Promise<RankedId[]> {
  const papers = await reader.byLabels(list.map((s) => s.label));
  return list.map((s, i) => ({ ...s, id: papers[i]?.id ?? "" }));
}
