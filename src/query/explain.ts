/**
 * Why each paper answers a question: its abstract's sentence closest to the question (the
 * sentences embedded now, for these papers only, and cached), and the question's terms it
 * matched with their share of its BM25 score.
 */
import { contentHash, documentText, type Paper } from "../corpus/paper.js";
import type { Embedder } from "../embed/embedder.js";
import { closest, matchedTerms, splitSentences, type Explanation } from "../ranking/explain.js";
import type { GenerationReader } from "../store/store.js";
import { checkQuestion } from "./check.js";
import type { EmbedQuery } from "./rank.js";

/** Sentence embeddings kept for explanations, by paper (id and text), at most this many papers. */
const EXPLAIN_CACHE_PAPERS = 2_000;

export interface Sentences {
  sentences: string[];
  vectors: Float32Array[];
}

/** Papers' abstract sentences with their embeddings, by paper id + content hash; oldest dropped first (a Map keeps insertion order). */
export class SentenceCache {
  private readonly entries = new Map<string, Sentences>();

  /** Each paper's sentences, those not cached yet embedded now, in one batch. */
  async of(papers: readonly Paper[], loadEmbedder: () => Promise<Embedder>): Promise<Sentences[]> {
    const keys = papers.map((p) => `${p.id}\n${contentHash(p)}`);
    const found = keys.map((key) => this.entries.get(key));
    const missing = keys.flatMap((_, i) => (found[i] ? [] : [i]));
    if (missing.length > 0) {
      const split = missing.map((i) => splitSentences(papers[i]!.abstract));
      const embedder = await loadEmbedder();
      const vectors = await embedder.embedDocuments(split.flat());
      let at = 0;
      missing.forEach((i, n) => {
        const sentences = split[n]!;
        found[i] = { sentences, vectors: vectors.slice(at, at + sentences.length) };
        this.entries.set(keys[i]!, found[i]!);
        at += sentences.length;
      });
      while (this.entries.size > EXPLAIN_CACHE_PAPERS) this.entries.delete(this.entries.keys().next().value!);
    }
    return found as Sentences[];
  }
}

export async function explain(
  reader: GenerationReader,
  embedQuery: EmbedQuery,
  sentences: (papers: readonly Paper[]) => Promise<Sentences[]>,
  question: string,
  papers: readonly Paper[],
): Promise<Explanation[]> {
  const text = checkQuestion(question);
  const vector = await embedQuery(text);
  const split = await sentences(papers);
  return Promise.all(
    papers.map(async (paper, i) => {
      const { sentences, vectors } = split[i]!;
      const best = closest(vector, vectors);
      const [label] = await reader.labelsOf([paper.id]);
      const scores = label === undefined ? [] : (await reader.termScores(text, [label]))[0]!;
      return {
        sentence: sentences[best.index] ?? paper.abstract,
        sentenceScore: Math.round(best.score * 1e4) / 1e4,
        terms: matchedTerms(scores, documentText(paper)),
      };
    }),
  );
}
