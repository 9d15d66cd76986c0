/**
 * CSV and TSV with a header row, streamed through csv-parse. Cells are text as written: a cell
 * like `=SUM(A1)` or `+1` is not a formula here, only text. The one exception is papers' own CSV
 * export (known by its header, PAPERS_CSV_COLUMNS): it puts OWASP's `'` before a cell starting `=`,
 * `+`, `-`, `@`, tab or CR to keep spreadsheets from running it, and that mark, not part of the
 * text, is removed again (unguardCell), so the list reads back as it was. In any other CSV a
 * leading `'` is the author's and is kept. A row whose cell count differs from the header's is
 * reported and skipped, as are rows csv-parse cannot read.
 */
import { parse, type CsvError, type Info } from "csv-parse";
import { pipeline, type Readable } from "node:stream";
import { isAbstractColumn } from "./detect.js";
import { recordEvent, skippedFile, skippedRecord, type ReadEvent } from "./events.js";
import { FIELD_NAMES, recordFromRow, type FieldMap } from "./fields.js";

/** The header of `papers … --format csv`. */
export const PAPERS_CSV_COLUMNS = ["id", "title", "authors", "year", "arxivId", "doi", "journalRef", "categories", "score", "abstract"] as const;

/** A cell a spreadsheet reads as a formula, after any `'` put before one to keep it text. */
export const FORMULA_CELL = /^'*[=+\-@\t\r]/;

/** A cell without the one `'` that kept a formula-like text from being run (the inverse of the export's guard). */
export function unguardCell(cell: string): string {
  return cell.startsWith("'") && FORMULA_CELL.test(cell) ? cell.slice(1) : cell;
}

interface ParsedRow {
  record: string[];
  info: Info;
  raw: string;
}

/**
 * The line a record starts on, in csv-parse's numbering: it gives the line the record ends on,
 * and the raw text between. csv-parse counts every CR and every LF as a line break.
 */
function startLine(row: ParsedRow): number {
  const body = row.raw.replace(/^(?:[ \t]*(?:\r\n|\r|\n))+/, "").replace(/(?:\r\n|\r|\n)$/, "");
  return row.info.lines - count(body, "\r") - count(body, "\n");
}

function count(text: string, char: string): number {
  let n = 0;
  for (let i = text.indexOf(char); i >= 0; i = text.indexOf(char, i + 1)) n++;
  return n;
}

export async function* readCsv(stream: Readable, file: string, delimiter: string, fields: FieldMap): AsyncGenerator<ReadEvent> {
  const errors: ReadEvent[] = [];
  // csv-parse counts a CRLF inside a quoted cell as two lines, where editors (and the other
  // readers here) count one: lines so far counted twice, subtracted to give the line people see.
  // Kept in csv-parse's callbacks, which run in input order, ahead of this loop.
  let doubled = 0;
  const parser = parse({
    delimiter,
    bom: true,
    info: true,
    raw: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    // With `info` and `raw` the record handed here is {record, info, raw}, which the types miss.
    on_record: (record) => {
      const row = record as unknown as ParsedRow;
      const line = startLine(row) - doubled;
      doubled += count(row.raw, "\r\n");
      return { ...row, line } as unknown as string[];
    },
    on_skip: (error: CsvError | undefined, raw?: string) => {
      if (error) errors.push(skippedRecord(file, typeof error.lines === "number" ? Math.max(1, error.lines - doubled) : 1, `cannot read this row: ${error.message}`));
      doubled += count(raw ?? "", "\r\n");
      return undefined;
    },
  });
  const rows = pipeline(stream, parser, () => {});
  let header: string[] | null = null;
  let ownExport = false;
  let lastLine = 0;
  try {
    for await (const row of rows as AsyncIterable<ParsedRow & { line: number }>) {
      yield* errors.splice(0);
      const line = row.line;
      lastLine = row.info.lines;
      if (header === null) {
        header = row.record.map((cell) => cell.trim());
        ownExport = header.join(",") === PAPERS_CSV_COLUMNS.join(",");
        const problem = headerProblem(header, fields);
        if (problem) {
          yield skippedFile(file, line, problem);
          return;
        }
        continue;
      }
      if (row.record.length !== header.length) {
        yield skippedRecord(file, line, `row has ${row.record.length} cells, the header has ${header.length}`);
        continue;
      }
      const object: Record<string, string> = {};
      header.forEach((column, i) => {
        object[column] = ownExport ? unguardCell(row.record[i]!) : row.record[i]!;
      });
      const record = recordFromRow(object, fields, { file, line });
      yield typeof record === "string" ? skippedRecord(file, line, record) : recordEvent(record);
    }
    yield* errors.splice(0);
  } catch (error) {
    yield* errors.splice(0);
    yield skippedFile(file, lastLine + 1, `reading stopped after line ${lastLine}: ${(error as Error).message}`);
  } finally {
    parser.destroy();
  }
}

/** Why a header cannot be read: no abstract column, or a --field naming a column it lacks. */
function headerProblem(header: string[], fields: FieldMap): string | null {
  const columns = header.map((c) => `"${c}"`).join(", ");
  for (const name of FIELD_NAMES) {
    const column = fields[name];
    if (column !== undefined && !header.some((c) => c.toLowerCase() === column.toLowerCase())) {
      return `no column "${column}" (from --field ${name}=${column}); the columns are ${columns}`;
    }
  }
  if (!header.some((c) => isAbstractColumn(c, fields))) {
    return `no abstract column in the header (${columns}): name it with --field abstract=COLUMN`;
  }
  return null;
}
