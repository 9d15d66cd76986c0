/** The citation graph of an open generation, read from its citations artifact once and kept while it is open. */
import { CitationGraph } from "../citations/graph.js";
import { CITATIONS_ARTIFACT, parseCitations } from "../store/shared/citations-store.js";
import type { GenerationReader } from "../store/store.js";

export async function loadCitationGraph(reader: GenerationReader): Promise<CitationGraph> {
  return new CitationGraph(parseCitations(await reader.artifact(CITATIONS_ARTIFACT), reader.location));
}
