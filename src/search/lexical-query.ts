/**
 * Turns a question into an FTS5 MATCH expression for BM25.
 *
 * English stopwords are dropped, as Lucene's EnglishAnalyzer (and so the Anserini BM25 baselines
 * BEIR reports) drops them: they carry almost no BM25 weight, yet "the" or "of" match nearly every
 * abstract, and scoring every one of them is what made a lexical query slow on a large index.
 * A question made only of stopwords keeps them, so it still finds something.
 */
const STOPWORDS = new Set([
  // Lucene's ENGLISH_STOP_WORDS_SET.
  "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
  "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they",
  "this", "to", "was", "will", "with",
]);

/** The distinct lower-case words of a question worth matching, stopwords left out. */
export function lexicalTerms(question: string): string[] {
  const words = [...new Set(question.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];
  const content = words.filter((w) => !STOPWORDS.has(w));
  return content.length > 0 ? content : words;
}

/** An FTS5 MATCH expression that ORs the question's terms, or null when it has none. */
export function lexicalMatch(question: string): string | null {
  const terms = lexicalTerms(question);
  // Every word quoted, so FTS5 operators and punctuation in a question are plain text.
  return terms.length === 0 ? null : terms.map((t) => `"${t}"`).join(" OR ");
}
