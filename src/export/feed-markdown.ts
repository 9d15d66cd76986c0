/** A feed as a Markdown digest: a heading, then per paper its title (linked), authors, date, id and why, and the abstract's start. */
import { paperUrl } from "./exportable.js";
import { abstractStart, entryDate, whyText, windowText, type FeedDocument } from "./feed-entry.js";
import { codeSpan, escapeMarkdown } from "./markdown.js";

export function formatFeedMarkdown(feed: FeedDocument): string {
  const head = `# New papers for you, ${escapeMarkdown(windowText(feed))}\n\n`;
  if (feed.items.length === 0) return `${head}No new papers in this window.\n`;
  const entries = feed.items.map((p, i) => {
    const title = escapeMarkdown(p.title?.trim() ? p.title : abstractStart(p.abstract, 80));
    const url = paperUrl(p);
    const meta = [p.authors.length > 0 ? escapeMarkdown(p.authors.join(", ")) : null, entryDate(p) ?? (p.year === null ? null : String(p.year)), `id ${codeSpan(p.id)}`]
      .filter((part) => part !== null)
      .join(" · ");
    return `${i + 1}. **${url ? `[${title}](${url})` : title}**\n   ${meta}\n   *Why:* ${escapeMarkdown(whyText(p))}\n\n   > ${escapeMarkdown(abstractStart(p.abstract))}\n`;
  });
  return head + entries.join("\n");
}
