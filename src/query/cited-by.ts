/** Library papers whose reference lists name a paper. */
import type { CitationGraph } from "../citations/graph.js";
import type { Paper } from "../corpus/paper.js";
import type { GenerationReader } from "../store/store.js";
import { lookup } from "./lookup.js";
import type { CitingPapers } from "./types.js";

export async function citedBy(reader: GenerationReader, graph: CitationGraph, id: string): Promise<CitingPapers> {
  const { paper } = await lookup(reader, id);
  const citing = graph.citedBy(paper.id);
  const found = await Promise.all(citing.map((citer) => reader.byId(citer)));
  const papers = found.filter((entry) => entry !== undefined).map((entry) => entry.paper as Paper);
  const reason = papers.length > 0 ? null : graph.empty ? "no paper of the library has a reference list (they are read from PDFs and LaTeX .bbl files)" : "no reference list in the library names this paper";
  return { paper, citedBy: papers, reason };
}
