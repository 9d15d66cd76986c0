/**
 * CSV with a header row (RFC 4180 quoting by csv-stringify, the sibling of the csv-parse that reads
 * CSV in). A text cell a spreadsheet would run as a formula (starting `=`, `+`, `-`, `@`, tab or
 * CR) gets a leading `'`, as OWASP advises; so does one that already starts with `'` and then one
 * of those, so that papers' CSV reader, which knows its own header and removes one such `'`
 * there (unguardCell), gives every cell back exactly.
 */
import { stringify } from "csv-stringify/sync";
import { FORMULA_CELL, PAPERS_CSV_COLUMNS } from "../corpus/csv.js";
import type { ExportItem } from "./exportable.js";

function textCell(text: string): string {
  return FORMULA_CELL.test(text) ? `'${text}` : text;
}

export function formatCsv(items: readonly ExportItem[]): string {
  const rows = items.map((p) => [
    textCell(p.id),
    textCell(p.title ?? ""),
    textCell(p.authors.join("; ")),
    p.year ?? "",
    textCell(p.arxivId ?? ""),
    textCell(p.doi ?? ""),
    textCell(p.journalRef ?? ""),
    textCell(p.categories.join(" ")),
    p.score === undefined ? "" : Math.round(p.score * 1e4) / 1e4,
    textCell(p.abstract),
  ]);
  return stringify(rows, { header: true, columns: [...PAPERS_CSV_COLUMNS] });
}
