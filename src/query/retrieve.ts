/**
 * A search's reads from one generation: through the store's own `retrieve` when it has one (a
 * database answers the facts, the hits and the likely papers in one round trip), else through the
 * reader's methods (a folder generation never changes while open, so they agree by themselves).
 */
import { FUSION_DEPTH, type SearchMode } from "../ranking/modes.js";
import { GenerationMovedError, type GenerationReader, type Retrieval, type RetrievalRequest } from "../store/store.js";

/** How many times a search starts again when the generation moved under it (a writer committing). */
const RETRIES = 5;

/** How deep each retriever looks for the k best of a mode (rankByMode's depths). */
export function retrievalDepth(mode: SearchMode, k: number): number {
  return mode === "hybrid" ? Math.max(k, FUSION_DEPTH) : k;
}

/** The retrievers a mode needs, with the question's embedding when it reads vectors. */
export function retrievalRequest(mode: SearchMode, text: string, vector: Float32Array | undefined, depth: number, prefetch: number, scope?: RetrievalRequest["scope"]): RetrievalRequest {
  return { vector: mode === "lexical" ? undefined : vector, text: mode === "dense" ? undefined : text, depth, scope, prefetch };
}

export async function retrieve(reader: GenerationReader, request: RetrievalRequest): Promise<Retrieval> {
  if (reader.retrieve) return reader.retrieve(request);
  const [dense, lexical, owners] = await Promise.all([
    request.vector ? reader.denseSearch(request.vector, request.depth, request.scope) : [],
    request.text !== undefined ? reader.lexicalSearch(request.text, request.depth, request.scope) : [],
    reader.passageOwners(),
  ]);
  return { dense, lexical, owners, papers: (labels) => reader.byLabels(labels), passages: (labels) => reader.passagesByLabels(labels) };
}

/** Runs a search again, from its first read, when a generation moved under it. */
export async function inOneGeneration<T>(search: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await search();
    } catch (error) {
      if (!(error instanceof GenerationMovedError) || attempt >= RETRIES) throw error;
    }
  }
}
