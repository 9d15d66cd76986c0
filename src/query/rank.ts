/** Ranking with retrievers that answer asynchronously (a store may be a database). */
import type { Scored } from "../ranking/fusion.js";
import { FUSION_DEPTH, rankByMode, type SearchMode } from "../ranking/modes.js";
import type { GenerationReader, SearchScope } from "../store/store.js";

/** A ranked list of labels, `depth` deep, from one retriever (dense or lexical). */
export type Retriever = (depth: number) => Promise<Scored[]>;

/** The question's embedding by the index's model (cached and batched: see QueryEmbeddings). */
export type EmbedQuery = (text: string) => Promise<Float32Array>;

/** Ranks as rankByMode does: both retrievers are asked at once, and only those the mode needs. */
export async function rankAsync(mode: SearchMode, k: number, dense: Retriever, lexical: Retriever, weights?: readonly [number, number]): Promise<Scored[]> {
  const depth = mode === "hybrid" ? Math.max(k, FUSION_DEPTH) : k;
  const [denseList, lexicalList] = await Promise.all([mode === "lexical" ? [] : dense(depth), mode === "dense" ? [] : lexical(depth)]);
  return rankByMode(mode, k, () => denseList, () => lexicalList, weights);
}

/**
 * Both retrievers with a question as the query, within one scope (one object for both: a store
 * resolves its filter once); the question is embedded only when the mode reads vectors.
 */
export async function questionRetrievers(
  reader: GenerationReader,
  embedQuery: EmbedQuery,
  text: string,
  mode: SearchMode,
  scope?: SearchScope,
): Promise<{ dense: Retriever; lexical: Retriever }> {
  const vector = mode === "lexical" ? undefined : await embedQuery(text);
  return {
    dense: (depth) => reader.denseSearch(vector!, depth, scope),
    lexical: (depth) => reader.lexicalSearch(text, depth, scope),
  };
}
