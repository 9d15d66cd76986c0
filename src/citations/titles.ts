/**
 * Titles compared as a reference list prints them and as a library holds them: normalised (case,
 * accents, punctuation and spacing do not count), split into words, and scored by edit distance.
 * A title index finds every title that could pass the match rule (see match.ts) without comparing
 * against all of them: any title sharing at least MIN_WORD_SHARE of the larger word set contains
 * one of the query's rarest words (pigeonhole), so looking up those few words is complete.
 */

/**
 * Lower case, accents dropped, hyphens dropped ("Pre-training" and a PDF's "Pretraining" are one
 * word), anything else not a letter or digit a single space.
 */
export function normaliseTitle(title: string): string {
  // Most titles are ASCII: the same result without the Unicode passes (a commit normalises a whole library's titles).
  if (PRINTABLE_ASCII.test(title)) return title.replace(/(?<=[A-Za-z])-\s*(?=[A-Za-z])/g, "").toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
  return title
    .replace(/(?<=\p{L})[-\u2010\u2011]\s*(?=\p{L})/gu, "")
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** The distinct words of a normalised title. */
export function titleWords(normalised: string): string[] {
  if (normalised === "") return [];
  // A title has a few words: a scan allocates less than a Set (a commit splits a whole library's titles).
  const words: string[] = [];
  for (const word of normalised.split(" ")) if (!words.includes(word)) words.push(word);
  return words;
}

/** Shortest normalised title matched by title alone ("Introduction" or "Appendix" never are). */
export const MIN_TITLE_CHARS = 16;
export const MIN_TITLE_WORDS = 3;
/** Share of the larger word set two titles must share to be compared at all. */
export const MIN_WORD_SHARE = 0.8;

/** Whether a normalised title is long enough to be matched by title alone. */
export function matchableTitle(normalised: string, words: readonly string[] = titleWords(normalised)): boolean {
  return normalised.length >= MIN_TITLE_CHARS && words.length >= MIN_TITLE_WORDS;
}

/** Shared words over the larger word set, in [0, 1] (`a` as a set: it is compared with many). */
export function wordShare(a: ReadonlySet<string>, b: readonly string[]): number {
  if (a.size === 0 || b.length === 0) return 0;
  const larger = Math.max(a.size, b.length);
  // Too different in length to share enough: no need to count.
  if (Math.min(a.size, b.length) < MIN_WORD_SHARE * larger) return 0;
  let shared = 0;
  for (const word of b) if (a.has(word)) shared++;
  return shared / larger;
}

/** 1 - Levenshtein distance / longer length, in [0, 1]: 1 is the same string. */
export function editSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return 1;
  // Two rows of the distance table are enough.
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    [previous, current] = [current, previous];
  }
  return 1 - previous[b.length]! / longer;
}

/**
 * Items by the words of their titles. `candidates` gives every item whose title shares at least
 * MIN_WORD_SHARE of the larger word set with the query (and some more): it looks up only the
 * query's n - ceil(MIN_WORD_SHARE * n) + 1 rarest words, one of which any such title must hold.
 */
export class TitleIndex<T> {
  private readonly byWord = new Map<string, T[]>();

  /** `words`: the title's distinct words (titleWords). */
  add(item: T, words: readonly string[]): void {
    for (const word of words) {
      const list = this.byWord.get(word);
      if (list) list.push(item);
      else this.byWord.set(word, [item]);
    }
  }

  candidates(words: readonly string[]): Set<T> {
    const needed = words.length - Math.ceil(MIN_WORD_SHARE * words.length) + 1;
    const rarest = words
      .map((word) => this.byWord.get(word) ?? [])
      .sort((a, b) => a.length - b.length)
      .slice(0, needed);
    return new Set(rarest.flat());
  }
}
