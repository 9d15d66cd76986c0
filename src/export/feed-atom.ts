/**
 * A feed as Atom (RFC 4287), for a feed reader: the feed's id, title, updated and author, then one
 * entry per paper with a stable id (`urn:papers:feed:<paper id>`: the same paper is the same entry
 * in every day's feed, so a reader shows it once), its title, a link to its arXiv (or DOI) page,
 * `updated` its date, its authors and categories, and a summary: why it is there, then the start
 * of its abstract. Every text is escaped; characters XML forbids are replaced.
 */
import { paperUrl, urlPath } from "./exportable.js";
import { abstractStart, entryDate, escapeXml, whyText, windowText, type FeedDocument, type FeedDocumentOptions, type FeedEntry } from "./feed-entry.js";

export const FEED_ID = "urn:papers:feed";

export function formatFeedAtom(feed: FeedDocument, options: FeedDocumentOptions): string {
  const updated = instant(options.now);
  const lines = [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<feed xmlns="http://www.w3.org/2005/Atom">`,
    `  <id>${FEED_ID}</id>`,
    `  <title>${escapeXml(`New papers for you, ${windowText(feed)}`)}</title>`,
    `  <updated>${updated}</updated>`,
    // An entry without authors takes the feed's (RFC 4287 §4.1.1: one of the two must have one).
    `  <author><name>papers</name></author>`,
    `  <generator>papers</generator>`,
    ...feed.items.flatMap((entry) => atomEntry(entry, updated)),
    `</feed>`,
  ];
  return lines.join("\n") + "\n";
}

function atomEntry(entry: FeedEntry, fallback: string): string[] {
  const date = entryDate(entry);
  const url = paperUrl(entry);
  const title = entry.title?.trim() ? entry.title : abstractStart(entry.abstract, 80);
  return [
    `  <entry>`,
    `    <id>${escapeXml(`${FEED_ID}:${urlPath(entry.id)}`)}</id>`,
    `    <title>${escapeXml(title)}</title>`,
    ...(url ? [`    <link rel="alternate" type="text/html" href="${escapeXml(url)}"/>`] : []),
    `    <updated>${date ? `${date}T00:00:00Z` : fallback}</updated>`,
    ...entry.authors.map((name) => `    <author><name>${escapeXml(name)}</name></author>`),
    ...entry.categories.map((term) => `    <category term="${escapeXml(term)}"/>`),
    `    <summary type="text">${escapeXml(`Why: ${whyText(entry)}.\n\n${abstractStart(entry.abstract)}`)}</summary>`,
    // Without an alternate link, an entry must carry its content (RFC 4287 §4.1.2).
    ...(url ? [] : [`    <content type="text">${escapeXml(entry.abstract)}</content>`]),
    `  </entry>`,
  ];
}

/** An instant as RFC 3339 in UTC, to the second. */
function instant(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
