/**
 * How much one input may cost to read: pages, text and passages of a PDF, bytes a PDF's streams
 * or a .gz file inflate to, and the size of a field once read. A file over a limit is skipped
 * with the limit named (or, for a field, cut short), so that one hostile or mistaken file can
 * neither stall a run nor exhaust its memory. Each can be set per call (ReadOptions.limits,
 * readZotero's limits) or, for the CLI, by an environment variable (PAPERS_MAX_PDF_PAGES, …).
 */
import { PapersError } from "../errors.js";

export interface InputLimits {
  /** Pages of one PDF (a 2,000-page PDF is a book series or a generated file, not a paper). */
  maxPdfPages: number;
  /** Characters of text read from one PDF. */
  maxPdfTextChars: number;
  /** Passages one PDF is cut into. */
  maxPdfPassages: number;
  /** Bytes of one PDF file. */
  maxPdfBytes: number;
  /** Bytes a PDF's compressed text and font streams may inflate to, all together. */
  maxPdfInflatedBytes: number;
  /** Bytes one .gz input may inflate to. */
  maxGzipInflatedBytes: number;
  /**
   * How many times its compressed size a .gz input may inflate to, once past GZIP_RATIO_GRACE:
   * text compresses 3 to 10 times; a 1 MB file of zeros inflates to 1 GB (a decompression bomb).
   */
  maxGzipRatio: number;
  /** Bytes of a BibTeX or plain-text file, which are read whole (JSON and CSV are streamed). */
  maxTextFileBytes: number;
}

const MB = 1024 * 1024;

export const DEFAULT_INPUT_LIMITS: Readonly<InputLimits> = {
  maxPdfPages: 2_000,
  maxPdfTextChars: 10_000_000,
  maxPdfPassages: 5_000,
  maxPdfBytes: 1024 * MB,
  maxPdfInflatedBytes: 256 * MB,
  // The arXiv snapshot is about 4.5 GB inflated.
  maxGzipInflatedBytes: 32 * 1024 * MB,
  maxGzipRatio: 200,
  // Node cannot make a string of more than 512 MB; a real .bib is a few MB.
  maxTextFileBytes: 256 * MB,
};

/** The environment variable that sets each limit for a whole run (the CLI's way to set one). */
const ENV_NAMES: Record<keyof InputLimits, string> = {
  maxPdfPages: "PAPERS_MAX_PDF_PAGES",
  maxPdfTextChars: "PAPERS_MAX_PDF_TEXT_CHARS",
  maxPdfPassages: "PAPERS_MAX_PDF_PASSAGES",
  maxPdfBytes: "PAPERS_MAX_PDF_BYTES",
  maxPdfInflatedBytes: "PAPERS_MAX_PDF_INFLATED_BYTES",
  maxGzipInflatedBytes: "PAPERS_MAX_GZIP_INFLATED_BYTES",
  maxGzipRatio: "PAPERS_MAX_GZIP_RATIO",
  maxTextFileBytes: "PAPERS_MAX_TEXT_FILE_BYTES",
};

/** Inflated bytes a .gz input may reach before its ratio is held to maxGzipRatio. */
export const GZIP_RATIO_GRACE = 64 * MB;

/** The limits in force: those given, else the environment's, else the defaults. */
export function inputLimits(given: Partial<InputLimits> = {}, env: NodeJS.ProcessEnv = process.env): InputLimits {
  const limits = { ...DEFAULT_INPUT_LIMITS };
  for (const key of Object.keys(ENV_NAMES) as (keyof InputLimits)[]) {
    const raw = env[ENV_NAMES[key]];
    const value = given[key] ?? (raw === undefined || raw === "" ? undefined : Number(raw));
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) {
      const name = given[key] !== undefined ? `limit ${key}` : ENV_NAMES[key];
      throw new PapersError("BAD_OPTION", `${name} must be a whole number of at least 1, not ${JSON.stringify(given[key] ?? raw)}`);
    }
    limits[key] = value;
  }
  return limits;
}

/** A number of bytes as people read it: "1.5 GB", "64 MB", "900 bytes". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MB) return `${Number((bytes / (1024 * MB)).toFixed(1))} GB`;
  if (bytes >= MB) return `${Number((bytes / MB).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} bytes`;
}
