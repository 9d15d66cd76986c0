/**
 * Exports: a list of papers (hits with scores, or plain papers) in one of the formats reference
 * managers and scripts read. One function for the CLI, the HTTP API and MCP.
 */
import { PapersError } from "../errors.js";
import { paperJson } from "../corpus/paper.js";
import { formatBibtex } from "./bibtex.js";
import { formatCslJson } from "./csl.js";
import { formatCsv } from "./csv.js";
import type { ExportItem } from "./exportable.js";
import { formatMarkdown } from "./markdown.js";
import { formatRis } from "./ris.js";

export const EXPORT_FORMATS = ["json", "jsonl", "csv", "bibtex", "ris", "csl-json", "markdown"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The media type each format is served as. */
export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  json: "application/json; charset=utf-8",
  jsonl: "application/x-ndjson; charset=utf-8",
  csv: "text/csv; charset=utf-8; header=present",
  bibtex: "application/x-bibtex; charset=utf-8",
  ris: "application/x-research-info-systems; charset=utf-8",
  "csl-json": "application/vnd.citationstyles.csl+json; charset=utf-8",
  markdown: "text/markdown; charset=utf-8",
};

export function parseExportFormat(value: string): ExportFormat {
  if ((EXPORT_FORMATS as readonly string[]).includes(value)) return value as ExportFormat;
  throw new PapersError("BAD_OPTION", `unknown format "${value}": choose one of ${EXPORT_FORMATS.join(", ")}`);
}

/**
 * The papers as one document of the format. JSON and JSON lines carry every field of `--json`
 * (with the score, and any extra fields a hit carries, such as `explain`); the citation formats
 * carry the bibliographic ones.
 */
export function exportPapers(items: readonly ExportItem[], format: ExportFormat): string {
  switch (format) {
    case "json":
      return JSON.stringify(items.map(jsonOf), null, 2) + "\n";
    case "jsonl":
      return items.map((item) => JSON.stringify(jsonOf(item)) + "\n").join("");
    case "csv":
      return formatCsv(items);
    case "bibtex":
      return formatBibtex(items);
    case "ris":
      return formatRis(items);
    case "csl-json":
      return formatCslJson(items) + "\n";
    case "markdown":
      return formatMarkdown(items);
  }
}

/** paperJson plus the extras a hit carries (calibrated score, explanation), after the paper's own fields. */
function jsonOf(item: ExportItem): Record<string, unknown> {
  const out = paperJson(item, item.score);
  for (const [key, value] of Object.entries(item as unknown as Record<string, unknown>)) if (!(key in out) && value !== undefined) out[key] = value;
  return out;
}
