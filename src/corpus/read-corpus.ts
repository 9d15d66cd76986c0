/**
 * Reads every input into distinct papers. Each file's format is recognised by its content
 * (detect.ts); records stream from the format's reader straight into the merger, so a large
 * file is never held twice. A bad record or an unreadable file inside a larger input is
 * reported in `skipped` and the run goes on; only a path that does not exist, a sole input that
 * is not readable, or an input with no papers at all is an error.
 */
import type { Readable } from "node:stream";
import { PapersError } from "../errors.js";
import { readBibtex } from "./bibtex.js";
import { readCsv } from "./csv.js";
import { detectFormat, type Format } from "./detect.js";
import { recordEvent, skippedFile, type ReadEvent } from "./events.js";
import { normaliseFields, type FieldMap } from "./fields.js";
import { inputLimits, type InputLimits } from "./input-limits.js";
import { checkGrobid } from "./references/grobid.js";
import { expandPaths, InputTooLarge, openInput, readAllBytes, readAllText, type InputFile } from "./inputs.js";
import { readJsonArray, readJsonLines } from "./json.js";
import { formatSkipped, PaperMerger, type Paper, type Skipped } from "./paper.js";
import { readPdf } from "./pdf.js";
import { parseSeedText } from "./seeds.js";

export type { Format } from "./detect.js";
export type { FieldMap, FieldName } from "./fields.js";
export { FIELD_NAMES, parseFieldOptions } from "./fields.js";
export type { ReadEvent } from "./events.js";
export { formatSkipped, type Skipped } from "./paper.js";

export interface ReadOptions {
  /** Canonical field → source field name (`--field abstract=summary`), for JSON, CSV and BibTeX. */
  fields?: Readonly<Record<string, string>>;
  /** What `-` reads; default process.stdin. */
  stdin?: Readable;
  /** What one input may cost to read (PDF pages, inflated bytes, …); see input-limits.ts. */
  limits?: Partial<InputLimits>;
  /** A GROBID server's URL: PDFs' reference lists are read by it (references/grobid.ts). */
  grobid?: string;
}

/** One input file: its format (null when it was not read) and how many records it gave. */
export interface InputSummary {
  file: string;
  format: Format | null;
  compression: "gzip" | null;
  records: number;
}

export interface CorpusCounts {
  /** Input files found (stdin counts as one). */
  files: number;
  /** Records read from them. */
  records: number;
  /** Distinct papers the records merged into. */
  papers: number;
  /** Records left out (bad lines, rows, entries without an abstract, …). */
  skippedRecords: number;
  /** Whole files (or their rest) left out: binary, empty, unrecognised, cut short. */
  skippedFiles: number;
  /** Papers whose text a later record with the same id replaced. */
  replaced: number;
  /** Records that were the same paper as an earlier one (same text or id) and were merged into it. */
  merged: number;
}

export interface Corpus {
  papers: Paper[];
  /** Every input file, as named in sources ("<stdin>" for `-`). */
  files: string[];
  /** What was left out or replaced, in input order, each with file, line and reason. */
  skipped: Skipped[];
  inputs: InputSummary[];
  counts: CorpusCounts;
}

/** Events of the whole read: a file starting, then its records and skips. */
export type CorpusEvent = ReadEvent | { type: "file"; input: InputSummary };

/**
 * Streams the records of every input in order, without merging; stop early by breaking out of
 * the loop (files are closed). Throws UNREADABLE_FILE / NO_INPUT / UNRECOGNISED_FORMAT as
 * readCorpus does before anything is read from a sole bad input.
 */
export async function* readRecords(paths: readonly string[], options: ReadOptions = {}): AsyncGenerator<CorpusEvent> {
  const { files, skipped } = expandPaths(paths);
  if (files.length === 0) throw noInputFiles(paths, skipped);
  yield* readFileRecords(files, skipped, options, files.length === 1);
}

/** The error for paths that hold no input file at all. */
export function noInputFiles(paths: readonly string[], skipped: readonly Skipped[]): PapersError {
  const why = skipped.length > 0 ? ` (${skipped.map(formatSkipped).join("; ")})` : "";
  return new PapersError("NO_INPUT", `no input files in ${paths.join(", ")}${why}: give files or folders of abstracts`);
}

/**
 * The records of files already found (expandPaths), after the skips found with them; `sole`: the
 * files are the whole input, one file, so a file that cannot be read is an error, not a skip.
 */
export async function* readFileRecords(files: readonly InputFile[], skipped: readonly Skipped[], options: ReadOptions, sole: boolean): AsyncGenerator<CorpusEvent> {
  const fields = normaliseFields(options.fields);
  const limits = inputLimits(options.limits);
  for (const entry of skipped) yield { type: "skipped", skipped: entry };
  if (options.grobid !== undefined) await checkGrobid(options.grobid);
  for (const file of files) yield* readFile(file, fields, options.stdin, sole, limits, options.grobid);
}

async function* readFile(file: InputFile, fields: FieldMap, stdin: Readable | undefined, sole: boolean, limits: InputLimits, grobid: string | undefined): AsyncGenerator<CorpusEvent> {
  const summary: InputSummary = { file: file.name, format: null, compression: null, records: 0 };
  let opened;
  try {
    opened = await openInput(file, stdin, { maxBytes: limits.maxGzipInflatedBytes, maxRatio: limits.maxGzipRatio });
  } catch (error) {
    if (sole || file.path === "-") throw error;
    yield { type: "file", input: summary };
    yield skippedFile(file.name, null, (error as Error).message.replace(/^cannot read \S+: /, "cannot read: "));
    return;
  }
  if ("reason" in opened) {
    if (sole) throw new PapersError("UNRECOGNISED_FORMAT", `cannot read ${file.name}: ${opened.reason}`);
    yield { type: "file", input: summary };
    yield skippedFile(file.name, null, opened.reason);
    return;
  }
  summary.compression = opened.compression;
  const detection = detectFormat(opened.head, file.name, fields, opened.complete);
  if ("reason" in detection) {
    opened.stream.destroy();
    if (sole) throw new PapersError("UNRECOGNISED_FORMAT", detection.reason === "empty file" ? `${file.name} is empty: expected abstracts` : `cannot read ${file.name}: ${detection.reason}`);
    yield { type: "file", input: summary };
    yield skippedFile(file.name, null, detection.reason);
    return;
  }
  summary.format = detection.format;
  yield { type: "file", input: summary };
  const input = { format: detection.format, delimiter: detection.delimiter, stream: opened.stream, file: file.name, fields, sole, limits, grobid };
  for await (const event of formatReader(input)) {
    if (event.type === "record") summary.records++;
    yield event;
  }
}

/** One input, recognised and opened, for its format's reader. */
interface FormatInput {
  format: Format;
  delimiter: string | undefined;
  stream: Readable;
  file: string;
  fields: FieldMap;
  sole: boolean;
  limits: InputLimits;
  grobid: string | undefined;
}

async function* formatReader(input: FormatInput): AsyncGenerator<ReadEvent> {
  try {
    yield* formatRecords(input);
  } catch (error) {
    // Over a size limit while read whole (BibTeX, a PDF) or inflated: the file is skipped, named.
    if (!(error instanceof InputTooLarge)) throw error;
    yield skippedFile(input.file, null, error.message);
  }
}

async function* formatRecords({ format, delimiter, stream, file, fields, sole, limits, grobid }: FormatInput): AsyncGenerator<ReadEvent> {
  const wholeText = () => readAllText(stream, limits.maxTextFileBytes, "the limit for a file read whole (PAPERS_MAX_TEXT_FILE_BYTES)");
  switch (format) {
    case "jsonl":
      yield* readJsonLines(stream, file, fields);
      return;
    case "json":
      yield* readJsonArray(stream, file, fields);
      return;
    case "csv":
    case "tsv":
      yield* readCsv(stream, file, delimiter ?? (format === "tsv" ? "\t" : ","), fields);
      return;
    case "bibtex":
      yield* readBibtex(await wholeText(), file, fields);
      return;
    case "pdf":
      yield* readPdf(await readAllBytes(stream, limits.maxPdfBytes, "the limit per PDF (PAPERS_MAX_PDF_BYTES)"), file, limits, grobid);
      return;
    case "seeds": {
      const text = await wholeText();
      try {
        for (const record of parseSeedText(text, file)) yield recordEvent(record);
      } catch (error) {
        if (sole) throw error;
        yield skippedFile(file, null, "not a format papers reads: expected JSON Lines, a JSON array, CSV/TSV with a header, BibTeX, \"Abstract:\" lines, a daily-papers page or an arXiv listing");
      }
      return;
    }
  }
}

/** Reads files, folders (recursively), `.gz` files and `-` (stdin) into distinct papers. */
export async function readCorpus(paths: readonly string[], options: ReadOptions = {}): Promise<Corpus> {
  const corpus = await mergeCorpus(readRecords(paths, options));
  if (corpus.papers.length === 0) throw noPapers(paths, corpus);
  return corpus;
}

/** Reads files already found into distinct papers (none is no error here); see readFileRecords. */
export function readCorpusFiles(files: readonly InputFile[], skipped: readonly Skipped[], options: ReadOptions, sole: boolean): Promise<Corpus> {
  return mergeCorpus(readFileRecords(files, skipped, options, sole));
}

/** The error for inputs that gave no paper at all, with the first reason. */
export function noPapers(paths: readonly string[], corpus: Pick<Corpus, "counts" | "skipped">): PapersError {
  const first = corpus.skipped.find((s) => s.kind !== "replaced" && s.kind !== "conflict" && s.kind !== "note");
  const why = first ? `; first: ${formatSkipped(first)}` : "";
  return new PapersError(
    "NO_INPUT",
    `no papers in ${paths.join(", ")}: ${corpus.counts.skippedRecords} records and ${corpus.counts.skippedFiles} files skipped${why}`,
  );
}

async function mergeCorpus(events: AsyncIterable<CorpusEvent>): Promise<Corpus> {
  const merger = new PaperMerger();
  const skipped: Skipped[] = [];
  const inputs: InputSummary[] = [];
  for await (const event of events) {
    if (event.type === "record") {
      const before = merger.reports.length;
      merger.add(event.record);
      for (let i = before; i < merger.reports.length; i++) skipped.push(merger.reports[i]!);
    } else if (event.type === "skipped") skipped.push(event.skipped);
    else inputs.push(event.input);
  }
  const counts: CorpusCounts = {
    files: inputs.length,
    records: merger.records,
    papers: merger.papers.length,
    merged: merger.merged,
    skippedRecords: skipped.filter((s) => s.kind === "record").length,
    skippedFiles: skipped.filter((s) => s.kind === "file").length,
    replaced: merger.replaced.length,
  };
  return { papers: merger.papers, files: inputs.map((input) => input.file), skipped, inputs, counts };
}
