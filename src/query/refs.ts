/** A paper's reference list, in order, each with the library paper it names or its external work's key. */
import type { CitationGraph } from "../citations/graph.js";
import type { GenerationReader } from "../store/store.js";
import { lookup } from "./lookup.js";
import type { PaperReferences } from "./types.js";

export async function refs(reader: GenerationReader, graph: CitationGraph, id: string): Promise<PaperReferences> {
  const { paper } = await lookup(reader, id);
  const entry = graph.references(paper.id);
  if (!entry) return { paper, references: [], reason: "no reference list was read for this paper (references are read from PDFs and LaTeX .bbl files)" };
  const linked = [...new Set(entry.to.filter((to): to is string => to !== null))];
  const found = await Promise.all(linked.map((to) => reader.byId(to)));
  const papers = new Map(linked.map((to, i) => [to.toLowerCase(), found[i]?.paper ?? null]));
  const references = entry.refs.map((reference, i) => {
    const to = entry.to[i] ?? null;
    const match = to === null ? null : papers.get(to.toLowerCase()) ?? null;
    return { position: i + 1, reference, paper: match, key: match ? null : graph.workKey(paper.id, i) };
  });
  return { paper, references, reason: null };
}
