/**
 * Full text cut into passages of about 200–300 tokens for embedding and BM25: sentences are kept
 * whole, a passage never spans two sections, and each records the pages it came from.
 */

/** A piece of a paper's full text, found on `page` (to `lastPage`) in `section`. */
/** Body text of one section on one page, in reading order. */
export interface BodySegment {
  section: string | null;
  page: number;
  text: string;
}

export interface Passage {
  text: string;
  page: number;
  lastPage: number;
  section: string | null;
}

/** Tokens are counted as words × 1.3, about what MiniLM's WordPiece makes of English prose. */
export const TOKENS_PER_WORD = 1.3;
export const PASSAGE_TOKENS = { target: 250, max: 300, minTail: 80 } as const;

export function tokenCount(text: string): number {
  return Math.ceil(text.split(/\s+/).filter(Boolean).length * TOKENS_PER_WORD);
}

/** Sentences, split after . ! ? followed by a capital, digit or opening bracket. */
export function sentences(text: string): string[] {
  return text.split(/(?<=[.!?]["')\]]?)\s+(?=["'(\[]?[\p{Lu}\d])/u).filter((s) => s.trim() !== "");
}

/** Cuts body segments into passages; see the module comment. */
export function cutPassages(segments: readonly BodySegment[], limits = PASSAGE_TOKENS): Passage[] {
  const passages: Passage[] = [];
  let current: { parts: string[]; tokens: number; page: number; lastPage: number; section: string | null } | undefined;
  const close = () => {
    if (!current) return;
    const text = current.parts.join(" ");
    const previous = passages.at(-1);
    // A short tail joins the passage before it in the same section rather than stand alone.
    if (current.tokens < limits.minTail && previous && previous.section === current.section && tokenCount(previous.text) + current.tokens <= limits.max + limits.minTail) {
      previous.text += " " + text;
      previous.lastPage = current.lastPage;
    } else passages.push({ text, page: current.page, lastPage: current.lastPage, section: current.section });
    current = undefined;
  };
  for (const segment of segments) {
    if (current && current.section !== segment.section) close();
    for (const sentence of sentences(segment.text)) {
      for (const piece of splitLong(sentence, limits.max)) {
        const tokens = tokenCount(piece);
        if (current && current.tokens + tokens > limits.max && current.tokens >= limits.minTail) close();
        current ??= { parts: [], tokens: 0, page: segment.page, lastPage: segment.page, section: segment.section };
        current.parts.push(piece);
        current.tokens += tokens;
        current.lastPage = segment.page;
        if (current.tokens >= limits.target) close();
      }
    }
  }
  close();
  return passages;
}

/** A "sentence" longer than a passage (a table, a list without stops) cut by words. */
function splitLong(sentence: string, maxTokens: number): string[] {
  const all = sentence.split(/\s+/).filter(Boolean);
  const size = Math.floor(maxTokens / TOKENS_PER_WORD);
  if (all.length <= size) return [sentence];
  const pieces: string[] = [];
  for (let i = 0; i < all.length; i += size) pieces.push(all.slice(i, i + size).join(" "));
  return pieces;
}
