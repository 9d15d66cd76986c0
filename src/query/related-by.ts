/**
 * Related work by citations (co-citation, bibliographic coupling, direct citations; see
 * src/citations/graph.ts) or by meaning and citations fused (src/citations/related-fusion.ts), each
 * paper with its citation evidence. `meaning` is src/query/related.ts.
 */
import { describeEvidence, type CitationGraph, type CitationNeighbour } from "../citations/graph.js";
import { BOTH_DEPTH, fuseRelated } from "../citations/related-fusion.js";
import { RELATED_MODE, type SearchMode } from "../ranking/modes.js";
import type { GenerationReader } from "../store/store.js";
import { checkK } from "./check.js";
import { lookup } from "./lookup.js";
import { related } from "./related.js";
import type { RelatedBy, RelatedHit } from "./types.js";

export async function relatedBy(reader: GenerationReader, graph: CitationGraph, id: string, k: number, by: RelatedBy, mode: SearchMode = RELATED_MODE, weight?: number): Promise<RelatedHit[]> {
  checkK(k);
  const { paper } = await lookup(reader, id);
  // Without citation links, both is meaning exactly (the same search, not a deeper one cut short).
  if (by === "meaning" || (by === "both" && !graph.linked(paper.id))) return related(reader, paper.id, k, mode);
  const neighbours = graph.neighbours(paper.id);
  const evidence = new Map(neighbours.map((n) => [n.id.toLowerCase(), n]));
  if (by === "citations") return withPapers(reader, neighbours.slice(0, k), evidence);
  const dense = await related(reader, paper.id, Math.max(k, BOTH_DEPTH), mode);
  if (neighbours.length === 0) return dense.slice(0, k);
  const byId = new Map(dense.map((hit) => [hit.id.toLowerCase(), hit]));
  const fused = fuseRelated(dense, neighbours, weight).slice(0, k);
  const missing = fused.filter((f) => !byId.has(f.id.toLowerCase()));
  const fetched = await withPapers(reader, missing.map((f) => ({ ...evidence.get(f.id.toLowerCase())!, score: f.score })), evidence);
  const found = new Map(fetched.map((hit) => [hit.id.toLowerCase(), hit]));
  return fused.map((f) => {
    const hit = byId.get(f.id.toLowerCase()) ?? found.get(f.id.toLowerCase())!;
    return withEvidence({ ...hit, score: f.score }, evidence.get(f.id.toLowerCase()));
  });
}

async function withPapers(reader: GenerationReader, list: readonly CitationNeighbour[], evidence: ReadonlyMap<string, CitationNeighbour>): Promise<RelatedHit[]> {
  const found = await Promise.all(list.map((n) => reader.byId(n.id)));
  return list.flatMap((n, i) => {
    const entry = found[i];
    return entry ? [withEvidence({ ...entry.paper, score: n.score }, evidence.get(n.id.toLowerCase()))] : [];
  });
}

function withEvidence(hit: RelatedHit, neighbour: CitationNeighbour | undefined): RelatedHit {
  return neighbour ? { ...hit, citations: { ...neighbour.evidence, text: describeEvidence(neighbour.evidence) } } : hit;
}
