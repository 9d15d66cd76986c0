import { stemmer } from "stemmer";

/**
 * Text analysis for BM25, the same for abstracts and questions: Unicode-normalised, accents
 * removed, lower-cased, split into runs of letters and digits, English words Porter-stemmed
 * (so "decoding", "decoders" and "decoded" meet at "decod").
 *
 * English stopwords are indexed but dropped from questions, as Lucene's EnglishAnalyzer (and so
 * the Anserini BM25 baselines BEIR reports) drops them: they carry almost no BM25 weight, yet
 * "the" or "of" match nearly every abstract, and scoring every one of them costs time. A
 * question made only of stopwords keeps them, so it still finds something.
 */
const STOPWORDS = new Set([
  // Lucene's ENGLISH_STOP_WORDS_SET.
  "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
  "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they",
  "this", "to", "was", "will", "with",
]);

/** Stems by word: an abstract repeats its words, and a corpus has far fewer words than tokens. */
const stems = new Map<string, string>();
const MAX_CACHED_STEMS = 200_000;

function words(text: string): string[] {
  return text.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function stem(word: string): string {
  let stemmed = stems.get(word);
  if (stemmed === undefined) {
    // Porter's rules are for English words; anything else (digits, other scripts) stays as it is.
    stemmed = /^[a-z]+$/.test(word) ? stemmer(word) : word;
    if (stems.size >= MAX_CACHED_STEMS) stems.clear();
    stems.set(word, stemmed);
  }
  return stemmed;
}

/** Every term of a document, in order, repeats kept (the document's length counts them). */
export function documentTerms(text: string): string[] {
  return words(text).map(stem);
}

/** The distinct terms of a question worth matching, stopwords left out unless nothing else is left. */
export function queryTerms(question: string): string[] {
  const all = words(question);
  const content = all.filter((w) => !STOPWORDS.has(w));
  return [...new Set((content.length > 0 ? content : all).map(stem))];
}

/** Each word of a text with its stem, in order: to show a stem ("decod") as a word a person wrote ("decoding"). */
export function wordStems(text: string): [word: string, stem: string][] {
  return words(text).map((word) => [word, stem(word)]);
}
