/**
 * Exports: a list of papers (hits with scores, or plain papers) in one of the formats reference
 * managers and scripts read. One function for the CLI, the HTTP API and MCP.
 */
import { PapersError } from "../errors.js";
import { paperJson } from "../corpus/paper.js";
import { formatBibtex } from "./bibtex.js";
import { formatCslJson } from "./csl.js";
import { formatCsv } from "./csv.js";
import { exportablePaper, type ExportItem } from "./exportable.js";
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
  if (format === "json" || format === "jsonl" || format === "csl-json") return exportJson(items, format);
  // Text formats go to terminals and editors as they are: no control character gets through.
  const safe = items.map(exportablePaper);
  switch (format) {
    case "csv":
      return formatCsv(safe);
    case "bibtex":
      return formatBibtex(safe);
    case "ris":
      return formatRis(safe);
    case "markdown":
      return formatMarkdown(safe);
  }
}

/**
 * The JSON formats keep every field exactly: JSON.stringify escapes C0 control characters, and
 * DEL and the C1 ones (CSI U+009B, …), which it leaves raw, are escaped here (they only occur
 * inside strings), so no format writes a control character to a terminal.
 */
function exportJson(items: readonly ExportItem[], format: "json" | "jsonl" | "csl-json"): string {
  const text =
    format === "json" ? JSON.stringify(items.map(jsonOf), null, 2) + "\n"
    : format === "jsonl" ? items.map((item) => JSON.stringify(jsonOf(item)) + "\n").join("")
    : formatCslJson(items) + "\n";
  return text.replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** paperJson plus the extras a hit carries (calibrated score, explanation), after the paper's own fields. */
function jsonOf(item: ExportItem): Record<string, unknown> {
  const out = paperJson(item, item.score);
  for (const [key, value] of Object.entries(item as unknown as Record<string, unknown>)) if (!(key in out) && value !== undefined) out[key] = value;
  return out;
}
