/** A Markdown reading list: a numbered entry per paper with its authors, year, link and abstract. */
import { paperUrl, type ExportItem } from "./exportable.js";

/** Backslash-escapes the characters that would turn text into Markdown markup. */
function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>#|])/g, "\\$1");
}

export function formatMarkdown(items: readonly ExportItem[]): string {
  return items
    .map((p, i) => {
      const title = escapeMarkdown(p.title ?? p.abstract.slice(0, 80) + (p.abstract.length > 80 ? "…" : ""));
      const url = paperUrl(p);
      const head = `${i + 1}. **${url ? `[${title}](${url})` : title}**`;
      const meta = [p.authors.length > 0 ? escapeMarkdown(p.authors.join(", ")) : null, p.year === null ? null : String(p.year), p.arxivId ? `arXiv:${p.arxivId}` : null, p.doi ? `doi:${escapeMarkdown(p.doi)}` : null, p.score === undefined ? null : `score ${p.score.toFixed(3)}`, `id \`${p.id}\``]
        .filter((part) => part !== null)
        .join(" · ");
      return `${head}\n   ${meta}\n\n   > ${escapeMarkdown(p.abstract)}\n`;
    })
    .join("\n");
}
