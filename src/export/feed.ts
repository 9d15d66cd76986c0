/**
 * A feed as a document: a Markdown digest to read, one self-contained HTML page, or an Atom feed
 * (RFC 4287) a feed reader subscribes to. (JSON is the request layer's answer, as for every
 * request.) The types are the feed's shape (src/query/types.ts's Feed fits them), so that this
 * part needs nothing above it.
 */
import { PapersError } from "../errors.js";
import { exportablePaper, exportText } from "./exportable.js";
import { EXPORT_CONTENT_TYPES } from "./formats.js";
import type { FeedDocument, FeedDocumentOptions, FeedEntry } from "./feed-entry.js";
import { formatFeedAtom } from "./feed-atom.js";
import { formatFeedHtml } from "./feed-html.js";
import { formatFeedMarkdown } from "./feed-markdown.js";

export type { FeedDocument, FeedDocumentOptions, FeedEntry } from "./feed-entry.js";

export const FEED_FORMATS = ["markdown", "json", "html", "atom"] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];

/** The media type each format is served as (Markdown and JSON as the exports are). */
export const FEED_CONTENT_TYPES: Record<FeedFormat, string> = { ...pick(EXPORT_CONTENT_TYPES, "markdown", "json"), html: "text/html; charset=utf-8", atom: "application/atom+xml; charset=utf-8" };

export function parseFeedFormat(value: string): FeedFormat {
  if ((FEED_FORMATS as readonly string[]).includes(value)) return value as FeedFormat;
  throw new PapersError("BAD_OPTION", `unknown feed format "${value}": choose one of ${FEED_FORMATS.join(", ")}`);
}

/** The feed as a Markdown, HTML or Atom document; every text from the papers neutralised for it. */
export function formatFeed(feed: FeedDocument, format: Exclude<FeedFormat, "json">, options: FeedDocumentOptions): string {
  const safe = { ...feed, items: feed.items.map(safeEntry) };
  switch (format) {
    case "markdown":
      return formatFeedMarkdown(safe);
    case "html":
      return formatFeedHtml(safe, options);
    case "atom":
      return formatFeedAtom(safe, options);
  }
}

function pick<K extends string>(types: Record<string, string>, ...keys: K[]): Record<K, string> {
  return Object.fromEntries(keys.map((key) => [key, types[key]!])) as Record<K, string>;
}

function safeEntry(entry: FeedEntry): FeedEntry {
  return {
    ...exportablePaper(entry),
    nearest: { ...entry.nearest, id: exportText(entry.nearest.id), title: entry.nearest.title === null ? null : exportText(entry.nearest.title) },
    words: entry.words.map((w) => ({ ...w, word: exportText(w.word) })),
  };
}
