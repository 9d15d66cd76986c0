import { documentTerms, queryTerms } from "./analyzer.js";

/** About how long a snippet is: two or three sentences of an abstract, enough to quote. */
export const SNIPPET_CHARS = 300;

/**
 * The part of an abstract worth showing next to a hit: starting at the sentence that shares the
 * most words with the question (the first sentence when none does, or when there is no question),
 * running on to about `maxChars`, cut at a word and marked with "…" where text was left out.
 */
export function snippet(abstract: string, question?: string, maxChars = SNIPPET_CHARS): string {
  const text = abstract.trim();
  if (text.length <= maxChars) return text;
  const sentences = text.split(/(?<=[.!?])\s+/);
  const start = question === undefined ? 0 : bestSentence(sentences, question);
  const rest = sentences.slice(start).join(" ");
  const lead = start > 0 ? "…" : "";
  if (rest.length <= maxChars) return lead + rest;
  const cut = rest.slice(0, maxChars);
  const atWord = cut.replace(/\s+\S*$/, "");
  return `${lead}${atWord.length > 0 ? atWord : cut}…`;
}

/** The index of the sentence with the most distinct question terms; the earliest on a tie. */
function bestSentence(sentences: readonly string[], question: string): number {
  const wanted = new Set(queryTerms(question));
  let best = 0;
  let bestCount = 0;
  sentences.forEach((sentence, i) => {
    const count = new Set(documentTerms(sentence).filter((term) => wanted.has(term))).size;
    if (count > bestCount) [best, bestCount] = [i, count];
  });
  return best;
}
