/**
 * A Markdown reading list: a numbered entry per paper with its authors, year, link and abstract.
 * Text from the papers cannot make markup: every field is one line (a blank line would end the
 * list item), Markdown's special characters are backslash-escaped, links point only where
 * paperUrl says (percent-encoded, so a DOI cannot close the link), and the id is a code span
 * its own backticks cannot end.
 */
import { collapseWhitespace } from "../corpus/paper.js";
import { paperUrl, type ExportItem } from "./exportable.js";

/** One line, with the characters that would turn text into Markdown markup backslash-escaped. */
export function escapeMarkdown(text: string): string {
  return collapseWhitespace(text).replace(/([\\`*_[\]<>#|~])/g, "\\$1");
}

/** A code span around any text: fenced by one backtick more than its longest run, padded where it touches one. */
export function codeSpan(text: string): string {
  const line = collapseWhitespace(text);
  const longest = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = line.startsWith("`") || line.endsWith("`") ? " " : "";
  return `${fence}${pad}${line}${pad}${fence}`;
}

export function formatMarkdown(items: readonly ExportItem[]): string {
  return items
    .map((p, i) => {
      const title = escapeMarkdown(p.title?.trim() ? p.title : p.abstract.slice(0, 80) + (p.abstract.length > 80 ? "…" : ""));
      const url = paperUrl(p);
      const head = `${i + 1}. **${url ? `[${title}](${url})` : title}**`;
      const meta = [
        p.authors.length > 0 ? escapeMarkdown(p.authors.join(", ")) : null,
        p.year === null ? null : String(p.year),
        p.arxivId ? `arXiv:${escapeMarkdown(p.arxivId)}` : null,
        p.doi ? `doi:${escapeMarkdown(p.doi)}` : null,
        p.score === undefined ? null : `score ${p.score.toFixed(3)}`,
        `id ${codeSpan(p.id)}`,
      ]
        .filter((part) => part !== null)
        .join(" · ");
      return `${head}\n   ${meta}\n\n   > ${escapeMarkdown(p.abstract)}\n`;
    })
    .join("\n");
}
