/**
 * Topic labels by c-TF-IDF (as BERTopic does): the terms frequent in one topic's papers and rare
 * in the others. Terms are the BM25 analyzer's stems (and pairs of adjacent stems), shown as the
 * word written most often for each stem.
 */
import { textWords, wordStem, wordStems } from "../ranking/analyzer.js";

export interface TopicTerms {
  /** Readable terms, most distinctive first ("language models", "reinforcement", …). */
  terms: string[];
  /** The label: the first few terms. */
  label: string;
}

export interface LabelOptions {
  /** Terms per topic kept. */
  terms?: number;
  /** Terms shown in the label. */
  labelTerms?: number;
  /** A term must occur in at least this share of a topic's papers to describe it (and in 2 papers). */
  minShare?: number;
}

/**
 * Words that say nothing about a topic: English function words and the vocabulary of every
 * abstract ("we propose a novel method…"). Compared as stems.
 */
const LABEL_STOPWORDS = [
  "a", "about", "above", "across", "after", "again", "against", "all", "almost", "along", "also", "although", "always", "among",
  "an", "and", "another", "any", "are", "as", "at", "be", "because", "been", "before", "being", "between", "both", "but", "by",
  "can", "could", "do", "does", "done", "due", "during", "each", "either", "else", "etc", "even", "ever", "every", "for", "from",
  "further", "had", "has", "have", "having", "here", "how", "however", "i", "if", "in", "into", "is", "it", "its", "itself",
  "just", "less", "many", "may", "might", "more", "most", "much", "must", "neither", "no", "nor", "not", "of", "often", "on",
  "once", "one", "only", "or", "other", "our", "ours", "out", "over", "own", "per", "rather", "same", "several", "should",
  "since", "so", "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those",
  "through", "thus", "to", "too", "two", "three", "under", "up", "upon", "us", "use", "used", "uses", "using", "very", "via",
  "was", "we", "well", "were", "what", "when", "where", "whether", "which", "while", "who", "whose", "why", "will", "with",
  "within", "without", "would", "yet", "you", "your", "first", "second", "new", "novel", "propose", "proposed", "present",
  "paper", "work", "study", "show", "shows", "shown", "result", "results", "method", "methods", "approach", "approaches",
  "based", "existing", "different", "various", "provide", "problem", "problems", "demonstrate", "achieve", "effective",
  "performance", "significantly", "furthermore", "moreover", "addition", "introduce", "task", "tasks", "state", "art",
  "experiments", "experimental", "extensive", "outperforms", "compared", "framework", "propos", "wide", "large", "recent",
  "recently", "make", "makes", "well", "able", "however", "key", "important", "challenge", "challenges", "improve", "improves",
  "improved", "improvement", "allow", "allows", "enable", "enables", "consider", "given", "obtain", "obtained", "significant",
  "conduct", "evaluate", "evaluation", "benchmark", "benchmarks", "high", "low", "better", "best", "set", "develop", "developed",
  "analysis", "leverage", "leverages", "address", "addresses", "specifically", "particular", "particularly", "respectively",
  "code", "available", "github", "com", "https", "http", "www", "et", "al", "e", "g", "ie", "eg", "via", "way", "ways",
  "previous", "prior", "further", "fully", "across", "first", "finally", "thereby", "whereas", "therefore", "often",
  "remain", "remains", "remaining", "limited", "limitation", "limitations", "towards", "toward",
  "still", "need", "needs", "require", "requires", "requiring", "lack", "gap", "gaps", "ability", "abilities", "capability",
  "capabilities", "potential", "crucial", "critical", "essential", "generally", "general", "specific", "whole", "end",
  "level", "range", "number", "amount", "highly", "strong", "strongly", "simple", "efficient",
  "efficiently", "effectively", "accuracy", "accurate", "quality", "superior", "competitive", "scalable", "settings",
  "setting", "comprehensive", "reveal", "reveals", "find", "findings", "insights", "understanding", "explore", "investigate",
  "like", "unlike", "importantly", "notably", "instead", "besides", "additionally", "usually", "typically", "commonly",
].map((w) => wordStems(w)[0]?.[1] ?? w);
const STOP_STEMS = new Set(LABEL_STOPWORDS);

/**
 * Words too general in computer science to name a topic alone, though they do in a pair:
 * "learning" says nothing, "reinforcement learning" does.
 */
const NOT_ALONE = new Set(
  ["model", "models", "learning", "data", "network", "networks", "system", "systems", "training", "generation", "information",
    "algorithm", "algorithms", "neural", "deep", "language", "tasks", "dataset", "datasets", "image", "images", "agent",
    "agents", "framework", "design", "process", "modeling", "inference", "prediction", "optimization", "error", "real",
    "time", "world", "multi", "single"].map((w) => wordStems(w)[0]?.[1] ?? w),
);

/** Runs of text between punctuation: a pair of words is never read across "(", "," or ".". */
const CLAUSE_BREAK = /[.,;:!?()[\]{}"\u201c\u201d]+/;

/** Whether a stem may be part of a term: not a stopword, not a number, at least 3 letters (or a CJK bigram). */
function usable(stem: string): boolean {
  if (STOP_STEMS.has(stem)) return false;
  if (/^\d+$/.test(stem)) return false;
  return stem.length >= 3 || /[^\x00-\x7f]/.test(stem);
}

/**
 * The c-TF-IDF terms of each topic. `texts[i]` is paper i's text, `topic[i]` its topic
 * (0..topics-1). A term's weight in topic c is tf(t, c) / |c| · log(1 + A / f(t)), with terms
 * counted once per paper (an abstract repeating a word is not a topic about it), so in papers:
 * tf(t, c) the topic's papers with the term, |c| its papers, A the papers of the average topic,
 * f(t) the papers with the term in all topics. Counted in words (BERTopic's unit), a term in a
 * third of a corpus of LLM papers still outweighed the terms that set one topic apart. Terms in
 * fewer than minShare of the topic's papers are left out, so one paper's pet word never names a
 * topic.
 */
export function labelTopics(texts: readonly string[], topic: ArrayLike<number>, topics: number, options: LabelOptions = {}): TopicTerms[] {
  const keep = options.terms ?? 10;
  const shown = options.labelTerms ?? 3;
  const minShare = options.minShare ?? 0.02;
  // A term is a number: a stem's id, or a pair of them (termKey). Each topic's papers' terms
  // (each paper's once) go into one list per topic, sorted and counted in runs at the end. At
  // 74,728 abstracts, Maps of millions of pair terms took 15 s and 540 MB; numbers in typed
  // arrays take a fraction of both.
  const vocabulary = new Stems();
  const perTopic = Array.from({ length: topics }, () => new TermList());
  const papers = new Array<number>(topics).fill(0);
  /** Per word as written: its stem's id and how often it was written (a stem shows its most written word). */
  const written = new Map<string, { stem: number; count: number }>();
  const paperTerms = new TermList();
  texts.forEach((text, i) => {
    const c = topic[i]!;
    if (c < 0 || c >= topics) return;
    papers[c]!++;
    paperTerms.length = 0;
    for (const clause of text.split(CLAUSE_BREAK)) {
      let previous = -1;
      for (const word of textWords(clause)) {
        let entry = written.get(word);
        if (!entry) written.set(word, (entry = { stem: vocabulary.id(wordStem(word)), count: 0 }));
        const id = entry.stem;
        if (!vocabulary.usable[id]) {
          previous = -1;
          continue;
        }
        entry.count++;
        // A stem too general alone (NOT_ALONE) still makes pairs.
        if (vocabulary.alone[id]) paperTerms.push(termKey(id, ALONE));
        if (previous >= 0) paperTerms.push(termKey(previous, id));
        previous = id;
      }
    }
    perTopic[c]!.pushDistinct(paperTerms);
  });
  const counted = perTopic.map((list) => list.runs());
  const totalOf = (key: number) => counted.reduce((sum, runs) => sum + runs.countOf(key), 0);
  const spelling = spellings(written, vocabulary.stems);
  const termOf = (key: number) => {
    const [a, b] = termStems(key);
    return b === ALONE ? vocabulary.stems[a]! : `${vocabulary.stems[a]!} ${vocabulary.stems[b]!}`;
  };
  // Terms are counted once per paper, so papers are the unit: A is the average topic's papers.
  const average = papers.reduce((a, b) => a + b, 0) / Math.max(1, topics);
  return counted.map(({ keys, counts }, c) => {
    // (A topic of one paper can only be named by that paper's words.)
    const least = Math.min(papers[c]!, Math.max(2, Math.ceil(minShare * papers[c]!)));
    const scored: [string, number][] = [];
    for (let r = 0; r < keys.length; r++) {
      if (counts[r]! < least) continue;
      scored.push([termOf(keys[r]!), (counts[r]! / Math.max(1, papers[c]!)) * Math.log(1 + average / totalOf(keys[r]!))]);
    }
    scored.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const chosen = pickTerms(scored.map(([term]) => term), keep);
    const terms = chosen.map((term) => term.split(" ").map((stem) => spelling.get(stem)!).join(" "));
    return { terms, label: terms.slice(0, shown).join(", ") };
  });
}

/** Stem ids below 2^26 (a pair's key is then below 2^52, exact in a double); ALONE marks a single stem. */
const STEM_SPACE = 2 ** 26;
const ALONE = STEM_SPACE - 1;

/** The term of stem a followed by stem b (ALONE: stem a by itself) as one number. */
function termKey(a: number, b: number): number {
  return a * STEM_SPACE + b;
}

function termStems(key: number): [number, number] {
  return [Math.floor(key / STEM_SPACE), key % STEM_SPACE];
}

/** A growing list of term keys. */
class TermList {
  private data = new Float64Array(256);
  length = 0;

  push(key: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = key;
  }

  /** Appends another list's keys, each once. */
  pushDistinct(other: TermList): void {
    const keys = other.data.subarray(0, other.length).sort();
    if (this.length + keys.length > this.data.length) this.grow(this.length + keys.length);
    for (let i = 0; i < keys.length; i++) if (i === 0 || keys[i] !== keys[i - 1]) this.data[this.length++] = keys[i]!;
  }

  /** The distinct keys, ascending, and how often each occurs. */
  runs(): TermRuns {
    const sorted = this.data.subarray(0, this.length).sort();
    let distinct = 0;
    for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
    const keys = new Float64Array(distinct), counts = new Int32Array(distinct);
    let r = -1;
    for (let i = 0; i < sorted.length; i++) {
      if (i === 0 || sorted[i] !== sorted[i - 1]) keys[++r] = sorted[i]!;
      counts[r]!++;
    }
    this.data = new Float64Array(0);
    this.length = 0;
    return new TermRuns(keys, counts);
  }

  private grow(least: number): void {
    const grown = new Float64Array(Math.max(least, 2 * this.data.length));
    grown.set(this.data.subarray(0, this.length));
    this.data = grown;
  }
}

class TermRuns {
  constructor(readonly keys: Float64Array, readonly counts: Int32Array) {}

  /** How often `key` occurs (binary search), 0 when never. */
  countOf(key: number): number {
    let lo = 0, hi = this.keys.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.keys[mid]!;
      if (at === key) return this.counts[mid]!;
      if (at < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }
}

/** Stems numbered as first met, with whether each may be part of a term, and alone. */
class Stems {
  readonly stems: string[] = [];
  usable: Uint8Array = new Uint8Array(1024);
  alone: Uint8Array = new Uint8Array(1024);
  private readonly ids = new Map<string, number>();

  id(stem: string): number {
    let id = this.ids.get(stem);
    if (id !== undefined) return id;
    id = this.stems.length;
    if (id >= this.usable.length) {
      const [usable, alone] = [new Uint8Array(2 * id), new Uint8Array(2 * id)];
      usable.set(this.usable);
      alone.set(this.alone);
      [this.usable, this.alone] = [usable, alone];
    }
    this.ids.set(stem, id);
    this.stems.push(stem);
    this.usable[id] = usable(stem) ? 1 : 0;
    this.alone[id] = NOT_ALONE.has(stem) ? 0 : 1;
    return id;
  }
}

/** Each stem's most written word (ties: the first in code-unit order), from the words' counts. */
function spellings(written: ReadonlyMap<string, { stem: number; count: number }>, stems: readonly string[]): Map<string, string> {
  const best = new Map<string, [form: string, count: number]>();
  for (const [word, { stem: id, count }] of written) {
    if (count === 0) continue;
    const stem = stems[id]!;
    const current = best.get(stem);
    if (!current || count > current[1] || (count === current[1] && word < current[0])) best.set(stem, [word, count]);
  }
  return new Map([...best].map(([stem, [form]]) => [stem, form]));
}

/**
 * The best `keep` terms, skipping one already said: a word inside a chosen pair, or a pair
 * sharing a word with one ("hallucination detection", not then "mitigate hallucination"). A pair
 * replaces the words chosen before it ("language", "language models" → "language models").
 */
export function pickTerms(ranked: readonly string[], keep: number): string[] {
  const chosen: string[] = [];
  for (const term of ranked) {
    if (chosen.length >= keep) break;
    const parts = term.split(" ");
    const covered = parts.length === 1
      ? chosen.some((c) => c.split(" ").includes(term))
      : parts.some((p) => chosen.some((c) => c.includes(" ") && c.split(" ").includes(p)));
    if (covered) continue;
    // A pair takes the place of the single words chosen before it ("learning" → "reinforcement learning").
    const absorbed = parts.length > 1 ? chosen.findIndex((c) => parts.includes(c)) : -1;
    if (absorbed < 0) {
      chosen.push(term);
      continue;
    }
    chosen[absorbed] = term;
    for (let i = chosen.length - 1; i > absorbed; i--) if (parts.includes(chosen[i]!)) chosen.splice(i, 1);
  }
  return chosen;
}
