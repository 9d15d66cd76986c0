/**
 * Which format an input is in, from its first bytes; the file name's extension only breaks ties.
 *
 * - "json": a JSON array of objects (`[` then `{`);
 * - "jsonl": one JSON object per line (the arXiv metadata snapshot is one);
 * - "bibtex": the first thing that is not a `%` comment is an `@type{` entry;
 * - "csv" / "tsv": a header row that names an abstract column, split by tabs, commas or semicolons;
 * - "pdf": a PDF file (`%PDF-` in its first kilobyte);
 * - "seeds": anything else that is text, for parseSeedText to recognise (or not).
 */
import { parse as parseCsvSync } from "csv-parse/sync";
import { FIELD_CANDIDATES, type FieldMap } from "./fields.js";
import { isPdf } from "./pdf.js";

export type Format = "json" | "jsonl" | "bibtex" | "csv" | "tsv" | "seeds" | "pdf";

export type Detection = { format: Format; delimiter?: string } | { reason: string };

/** The extension that says what a file is, past a `.gz`. */
export function extensionOf(name: string): string {
  const match = /\.([A-Za-z0-9]+)(?:\.gz)?$/i.exec(name);
  return match ? match[1]!.toLowerCase() : "";
}

export function detectFormat(head: Buffer, name: string, fields: FieldMap, complete: boolean): Detection {
  if (isPdf(head, name)) return { format: "pdf" };
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    return { reason: "UTF-16 text: save it as UTF-8" };
  }
  if (isBinary(head)) return { reason: "binary data, not text" };
  let text = head.toString("utf8").replace(/^\uFEFF/, "");
  if (text.trim() === "") return { reason: "empty file" };
  // Only whole lines count: the head may end in the middle of one.
  if (!complete) {
    const lastBreak = text.lastIndexOf("\n");
    if (lastBreak > 0) text = text.slice(0, lastBreak + 1);
  }
  const ext = extensionOf(name);
  const start = text.trimStart();
  if (ext === "bbl") return { reason: "a LaTeX bibliography (.bbl): it gives the references of the PDF of the same name beside it" };

  if (/^\[\s*(?:\{|\]\s*$)/.test(start) || (start.startsWith("[") && ext === "json")) return { format: "json" };
  if (start.startsWith("{")) return detectJsonLines(text, complete);

  const firstContent = text.split(/\r\n|\r|\n/).find((line) => line.trim() !== "" && !line.trimStart().startsWith("%"));
  if (firstContent !== undefined && /^\s*@\s*[A-Za-z]+\s*[{(]/.test(firstContent)) return { format: "bibtex" };
  if (ext === "bib" && /^\s*@\s*[A-Za-z]+\s*[{(]/m.test(text)) return { format: "bibtex" };

  // JSON Lines whose first line is damaged: most of the first lines are objects all the same.
  if (mostlyJsonObjects(text)) return { format: "jsonl" };

  const table = detectTable(text, ext, fields);
  if (table) return table;
  return { format: "seeds" };
}

/** NUL bytes, or many control characters, in the first 8 KB. */
function isBinary(head: Buffer): boolean {
  const sample = head.subarray(0, 8192);
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return true;
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20 && byte !== 0x1b)) control++;
  }
  return control > sample.length / 10;
}

/**
 * JSON Lines when a line parses as a JSON object. A file whose first line is a bare `{` is
 * pretty-printed JSON, which is not read (it cannot be streamed or given line numbers).
 */
function detectJsonLines(text: string, complete: boolean): Detection {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  const candidates = lines.filter((line) => line !== "").slice(0, 20);
  if (candidates.some(isJsonObject)) return { format: "jsonl" };
  if (candidates[0] === "{" || (complete && isJsonObject(text.trim()))) {
    return { reason: "a pretty-printed JSON object: give JSON Lines (one object per line) or a JSON array of objects" };
  }
  return { format: "jsonl" };
}

function mostlyJsonObjects(text: string): boolean {
  const lines = text.split(/\r\n|\r|\n/).map((line) => line.trim()).filter((line) => line !== "").slice(0, 20);
  const objects = lines.filter(isJsonObject).length;
  return objects > 0 && objects * 2 >= lines.length;
}

function isJsonObject(line: string): boolean {
  if (!line.startsWith("{") || !line.endsWith("}")) return false;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

const DELIMITERS: [string, Format][] = [
  ["\t", "tsv"],
  [",", "csv"],
  [";", "csv"],
];

/** The header row's columns when split by a delimiter, or null when it does not split cleanly. */
export function headerCells(text: string, delimiter: string): string[] | null {
  const firstLine = text.split(/\r\n|\r|\n/).find((line) => line.trim() !== "") ?? "";
  try {
    const rows = parseCsvSync(firstLine, { delimiter, relax_quotes: true, bom: true, to_line: 1 }) as string[][];
    return rows[0]?.map((cell) => cell.trim()) ?? null;
  } catch {
    return null;
  }
}

/** Whether a column name is where the abstract is (the --field override, or a known name). */
export function isAbstractColumn(column: string, fields: FieldMap): boolean {
  const names = fields.abstract ? [fields.abstract] : FIELD_CANDIDATES.abstract;
  return names.some((name) => name.toLowerCase() === column.toLowerCase());
}

function detectTable(text: string, ext: string, fields: FieldMap): Detection | null {
  let best: { format: Format; delimiter: string; cells: number } | null = null;
  for (const [delimiter, format] of DELIMITERS) {
    const cells = headerCells(text, delimiter);
    if (!cells || cells.length < (ext === "csv" || ext === "tsv" ? 1 : 2)) continue;
    if (!cells.some((cell) => isAbstractColumn(cell, fields))) continue;
    if (!best || cells.length > best.cells) best = { format, delimiter, cells: cells.length };
  }
  if (best) return { format: best.format, delimiter: best.delimiter };
  // A .csv or .tsv without an abstract column is still a table: its reader says what is missing.
  if (ext === "tsv") return { format: "tsv", delimiter: "\t" };
  if (ext === "csv") {
    const header = text.split(/\r\n|\r|\n/).find((line) => line.trim() !== "") ?? "";
    return { format: "csv", delimiter: count(header, ";") > count(header, ",") ? ";" : "," };
  }
  return null;
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}
