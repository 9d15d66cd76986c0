/** CSV with a header row (RFC 4180 quoting by csv-stringify, the sibling of the csv-parse that reads CSV in). */
import { stringify } from "csv-stringify/sync";
import type { ExportItem } from "./exportable.js";

const COLUMNS = ["id", "title", "authors", "year", "arxivId", "doi", "journalRef", "categories", "score", "abstract"] as const;

export function formatCsv(items: readonly ExportItem[]): string {
  const rows = items.map((p) => [
    p.id,
    p.title ?? "",
    p.authors.join("; "),
    p.year ?? "",
    p.arxivId ?? "",
    p.doi ?? "",
    p.journalRef ?? "",
    p.categories.join(" "),
    p.score === undefined ? "" : Math.round(p.score * 1e4) / 1e4,
    p.abstract,
  ]);
  return stringify(rows, { header: true, columns: [...COLUMNS] });
}
