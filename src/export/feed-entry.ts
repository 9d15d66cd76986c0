/** What every feed format shares: the feed's shape (src/query/types.ts's Feed fits it) and the words that explain an entry. */
import { collapseWhitespace, type Paper } from "../corpus/paper.js";

/** One paper of a feed: the paper, its score, the liked paper it is closest to, its words. */
export interface FeedEntry extends Paper {
  score: number;
  nearest: { id: string; title: string | null; cosine: number };
  words: readonly { word: string; weight: number }[];
}

export interface FeedDocument {
  since: string | null;
  until: string | null;
  items: readonly FeedEntry[];
}

/** When the document is made (Atom's feed `updated`, the page's footer). */
export interface FeedDocumentOptions {
  now: Date;
}

/** Text as XML (and HTML) character data or an attribute value: markup characters escaped, characters XML 1.0 forbids replaced. */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd")
    .replace(/[&<>"']/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "#39" }[c]};`);
}

/** "2026-06-29 to 2026-07-01", "since 2026-06-29", "up to 2026-07-01". */
export function windowText(feed: FeedDocument): string {
  if (feed.since && feed.until) return feed.since === feed.until ? feed.since : `${feed.since} to ${feed.until}`;
  return feed.since ? `since ${feed.since}` : `up to ${feed.until ?? "now"}`;
}

/** Why a paper is in the feed, in words: the liked paper it is closest to, and the words it has. */
export function whyText(entry: FeedEntry): string {
  const like = entry.nearest.title ? `“${collapseWhitespace(entry.nearest.title)}” (${entry.nearest.id})` : entry.nearest.id;
  const words = entry.words.length > 0 ? `; words: ${entry.words.map((w) => w.word).join(", ")}` : "";
  return `closest to your like ${like}, cosine ${entry.nearest.cosine.toFixed(2)}${words}`;
}

/** The first sentences of an abstract, at most `max` characters, cut at a word. */
export function abstractStart(abstract: string, max = 400): string {
  const text = collapseWhitespace(abstract);
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), max / 2))}…`;
}

/** The paper's date (day precision) when it has one. */
export function entryDate(entry: FeedEntry): string | null {
  return entry.date ?? null;
}
