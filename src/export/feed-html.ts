/**
 * A feed as one self-contained HTML page: no script, no external resource (its one style sheet is
 * inline, allowed by the page's own Content-Security-Policy by its hash), links to each paper's
 * arXiv (or DOI) page only; every text escaped. It opens from a file, a mail or a static server.
 */
import { createHash } from "node:crypto";
import { paperUrl } from "./exportable.js";
import { abstractStart, entryDate, escapeXml, whyText, windowText, type FeedDocument, type FeedDocumentOptions, type FeedEntry } from "./feed-entry.js";

const STYLE = [
  "body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222;background:#fff}",
  "h1{font-size:1.4rem}ol{padding-left:1.5rem}li{margin-bottom:1.4rem}",
  ".meta,.why,footer{color:#555;font-size:.9rem}.why{font-style:italic}blockquote{margin:.4rem 0 0 0;color:#333}",
  "@media (prefers-color-scheme:dark){body{background:#111;color:#ddd}a{color:#8ab4f8}.meta,.why,footer,blockquote{color:#aaa}}",
].join("");
const STYLE_HASH = createHash("sha256").update(STYLE).digest("base64");
/** Nothing may load or run; only the inline style, by its hash. */
export const FEED_PAGE_CSP = `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; base-uri 'none'; form-action 'none'`;

export function formatFeedHtml(feed: FeedDocument, options: FeedDocumentOptions): string {
  const title = escapeXml(`New papers for you, ${windowText(feed)}`);
  const body = feed.items.length === 0 ? `<p>No new papers in this window.</p>` : `<ol>\n${feed.items.map(htmlEntry).join("\n")}\n</ol>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${FEED_PAGE_CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${title}</h1>
${body}
<footer>Made by papers on ${escapeXml(options.now.toISOString().slice(0, 16).replace("T", " "))} UTC.</footer>
</body>
</html>
`;
}

function htmlEntry(entry: FeedEntry): string {
  const url = paperUrl(entry);
  const title = escapeXml(entry.title?.trim() ? entry.title : abstractStart(entry.abstract, 80));
  const meta = [entry.authors.join(", "), entryDate(entry) ?? (entry.year === null ? "" : String(entry.year)), entry.id].filter(Boolean).map(escapeXml).join(" · ");
  return [
    `<li>${url ? `<a href="${escapeXml(url)}" rel="noreferrer">${title}</a>` : title}`,
    `<div class="meta">${meta}</div>`,
    `<div class="why">Why: ${escapeXml(whyText(entry))}</div>`,
    `<blockquote>${escapeXml(abstractStart(entry.abstract))}</blockquote></li>`,
  ].join("\n");
}
