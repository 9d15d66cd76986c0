/** How well papers match a question by the two raw signals, and how sure that makes the index (src/ranking/calibration.ts). */
import { queryTerms } from "../ranking/analyzer.js";
import { bm25Ceiling } from "../ranking/bm25.js";
import { CALIBRATION, relevance, type MatchFeatures } from "../ranking/calibration.js";
import type { GenerationReader } from "../store/store.js";
import { checkQuestion } from "./check.js";
import { lookup } from "./lookup.js";
import type { EmbedQuery } from "./rank.js";
import type { Confidence } from "./types.js";

/** The two raw signals the calibration reads, for each paper: its cosine with the question and its share of the BM25 ceiling. */
export async function matchFeatures(reader: GenerationReader, embedQuery: EmbedQuery, question: string, ids: readonly string[]): Promise<MatchFeatures[]> {
  const text = checkQuestion(question);
  const vector = await embedQuery(text);
  const terms = queryTerms(text);
  const { documents, frequencies } = await reader.documentFrequencies(terms);
  const ceiling = bm25Ceiling(documents, frequencies.values());
  // Exact ids (a search's hits) in one call; any other form through lookup.
  const exact = await reader.labelsOf(ids);
  const labels = await Promise.all(ids.map(async (id, i) => exact[i] ?? (await lookup(reader, id)).label));
  const [vectors, scores] = await Promise.all([reader.vectors(labels), reader.termScores(text, labels)]);
  return labels.map((_, i) => {
    const other = vectors[i]!;
    let cosine = 0;
    for (let j = 0; j < other.length; j++) cosine += other[j]! * vector[j]!;
    const bm25 = scores[i]!.reduce((sum, t) => sum + t.score, 0);
    return { cosine, lexical: ceiling > 0 ? bm25 / ceiling : 0 };
  });
}

/** Calibrated relevance of each paper (by its match features), and whether any is a confident match. */
export function confidence(features: readonly MatchFeatures[]): Confidence {
  const scores = features.map((f) => Math.round(relevance(f) * 1e4) / 1e4);
  return { relevance: scores, confident: scores.some((s) => s >= CALIBRATION.threshold), threshold: CALIBRATION.threshold };
}
