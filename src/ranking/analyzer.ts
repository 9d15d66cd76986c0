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

/**
 * Chinese, Japanese and Korean write words without spaces, so a run of their characters is split
 * into overlapping character bigrams (a lone character stays a unigram), as Lucene's CJKAnalyzer
 * does: unlike a dictionary segmenter (Intl.Segmenter), bigrams come out the same whatever ICU
 * version Node ships, so postings written by one Node match questions read by another. The
 * prolonged sound mark ー (U+30FC, script Common) belongs to the katakana word it lengthens.
 */
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc]+/u;
const CJK_OR_NOT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc]+|[^\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc]+/gu;

/** How text is split into terms: `cjkBigrams` false is the analysis of format 3 indexes (CJK runs whole). */
export interface AnalyzerOptions {
  cjkBigrams?: boolean;
}

/** Stems by word: an abstract repeats its words, and a corpus has far fewer words than tokens. */
const stems = new Map<string, string>();
const MAX_CACHED_STEMS = 200_000;

/** The words of a text as BM25 reads them (normalised, lower-cased, CJK in bigrams), not stemmed. */
export function textWords(text: string, options: AnalyzerOptions = {}): string[] {
  if (options.cjkBigrams === false) return text.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  // Accents go, but not the (semi-)voiced marks of kana (が is not か); NFC then puts kana and
  // Hangul syllables (which NFKD splits into jamo) back together. Text without either is as before.
  const normalised = text.normalize("NFKD").replace(/(?<![\p{Script=Hiragana}\p{Script=Katakana}])\p{M}+/gu, "").normalize("NFC");
  const runs = normalised.toLowerCase().match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
  const out: string[] = [];
  for (const run of runs) {
    if (!CJK_RUN.test(run)) {
      out.push(run);
      continue;
    }
    for (const part of run.match(CJK_OR_NOT) ?? []) {
      if (!CJK_RUN.test(part)) out.push(part);
      else bigrams(part, out);
    }
  }
  return out;
}

/** Overlapping character bigrams of a CJK run (its code points), or the run itself when one character long. */
function bigrams(run: string, out: string[]): void {
  const chars = Array.from(run);
  if (chars.length === 1) out.push(run);
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
}

/** A word's stem (Porter for English words; anything else as it is). */
export function wordStem(word: string): string {
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
export function documentTerms(text: string, options?: AnalyzerOptions): string[] {
  return textWords(text, options).map(wordStem);
}

/** The distinct terms of a question worth matching, stopwords left out unless nothing else is left. */
export function queryTerms(question: string, options?: AnalyzerOptions): string[] {
  const all = textWords(question, options);
  const content = all.filter((w) => !STOPWORDS.has(w));
  return [...new Set((content.length > 0 ? content : all).map(wordStem))];
}

/** Each word of a text with its stem, in order: to show a stem ("decod") as a word a person wrote ("decoding"). */
export function wordStems(text: string): [word: string, stem: string][] {
  return textWords(text).map((word) => [word, wordStem(word)]);
}
