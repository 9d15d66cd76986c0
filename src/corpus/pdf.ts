/**
 * The PDF reader: one paper per file, with its full text as passages. A file that cannot be a
 * paper is skipped with the reason, never a crash:
 * - cut short (no %%EOF marker near the end): "truncated";
 * - encrypted with a user password: "encrypted";
 * - fewer than MIN_TEXT_WORDS words in the text layer: "no text layer: needs OCR" (a scan);
 * - no "Abstract" heading, and either fewer than MIN_PAPER_WORDS words or no section headings:
 *   "not a paper" (an invoice, a letter, a form); a paper without an abstract heading but with
 *   sections (Introduction, 2 Methods, …) is still read, its first paragraph as the abstract;
 * - over a limit of InputLimits (bytes, inflated bytes, pages, characters, passages): the limit.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import type { ReadEvent } from "./events.js";
import { noteEvent, recordEvent, skippedFile } from "./events.js";
import { DEFAULT_INPUT_LIMITS, formatBytes, type InputLimits } from "./input-limits.js";
import type { PaperRecord } from "./paper.js";
import { cutPassages } from "./passages.js";
import { pdfPaper } from "./pdf-paper.js";
import { inflatedTooMuch } from "./pdf-streams.js";
import { PdfProblem, readPdfText } from "./pdf-text.js";
import { bblReferences } from "./references/bbl.js";
import { GrobidProblem, grobidReferences } from "./references/grobid.js";

export const MIN_TEXT_WORDS = 20;
const MAX_BBL_BYTES = 10 * 1024 * 1024;
export const MIN_PAPER_WORDS = 250;

/** A PDF file: `%PDF-` first, or (readers allow junk before it) within the first KB of a `.pdf`. */
export function isPdf(head: Buffer, name: string): boolean {
  return /^\s*%PDF-/.test(head.subarray(0, 64).toString("latin1")) || (/\.pdf$/i.test(name) && head.subarray(0, 1024).includes("%PDF-"));
}

/**
 * Its references, best source first: a LaTeX `.bbl` of the same name beside the PDF (exact, as
 * BibTeX wrote them), else a GROBID server when `grobid` names one, else the built-in reader. A
 * PDF GROBID fails on keeps the built-in reader's, with a note saying so.
 */
export async function* readPdf(data: Buffer, file: string, limits: InputLimits = DEFAULT_INPUT_LIMITS, grobid?: string): AsyncGenerator<ReadEvent> {
  // pdf.js takes (detaches) the bytes it reads: GROBID gets a copy.
  const forGrobid = grobid !== undefined ? Uint8Array.from(data) : null;
  const result = await pdfRecord(data, file, limits);
  if ("reason" in result) {
    yield skippedFile(file, null, result.reason);
    return;
  }
  const bbl = bblBeside(file);
  if (bbl !== null) result.references = bblReferences(bbl);
  else if (grobid !== undefined && forGrobid !== null) {
    try {
      result.references = await grobidReferences(grobid, forGrobid, basename(file));
    } catch (error) {
      if (!(error instanceof GrobidProblem)) throw error;
      yield noteEvent(file, `GROBID read no references (${error.message}): they are the built-in reader's`);
    }
  }
  yield recordEvent(result);
}

/** The text of `NAME.bbl` beside `NAME.pdf`, or null. */
function bblBeside(file: string): string | null {
  const bbl = file.replace(/\.pdf$/i, ".bbl");
  if (bbl === file || !existsSync(bbl)) return null;
  try {
    // A .bbl is tens of kilobytes; a huge one is not BibTeX's.
    if (statSync(bbl).size > MAX_BBL_BYTES) return null;
    return readFileSync(bbl, "utf8");
  } catch {
    return null;
  }
}

/** The paper a PDF holds, or why it holds none. */
export async function pdfRecord(data: Buffer, file: string, limits: InputLimits = DEFAULT_INPUT_LIMITS): Promise<PaperRecord | { reason: string }> {
  if (data.length > limits.maxPdfBytes) return { reason: tooLarge(data.length, limits.maxPdfBytes) };
  // pdf.js rebuilds a cut file from what is left and would index half a paper: refuse it first.
  if (!data.subarray(Math.max(0, data.length - 2048)).includes("%%EOF")) return { reason: "truncated PDF: no end-of-file marker (an interrupted download?)" };
  const bomb = inflatedTooMuch(data, limits.maxPdfInflatedBytes);
  if (bomb) return { reason: bomb };
  let text;
  try {
    text = await readPdfText(new Uint8Array(data.buffer, data.byteOffset, data.length), { maxPages: limits.maxPdfPages, maxTextChars: limits.maxPdfTextChars });
  } catch (error) {
    if (error instanceof PdfProblem) return { reason: error.message };
    return { reason: `not a readable PDF: ${(error as Error).message}` };
  }
  const paper = pdfPaper(text);
  if (paper.words < MIN_TEXT_WORDS) return { reason: `no text layer: needs OCR (${text.pages} page${text.pages === 1 ? "" : "s"}, ${paper.words} words of text)` };
  if (!paper.abstractHeading && (paper.words < MIN_PAPER_WORDS || paper.sections === 0)) {
    const why = paper.sections === 0 ? "no section headings" : `only ${paper.words} words`;
    return { reason: `not a paper: no abstract heading and ${why} (a paper without an abstract needs sections and ${MIN_PAPER_WORDS}+ words)` };
  }
  if (!paper.abstract) return { reason: "no abstract found: no \"Abstract\" heading and no paragraph of body text" };
  const passages = cutPassages(paper.body);
  if (passages.length > limits.maxPdfPassages) {
    return { reason: `${passages.length.toLocaleString("en-US")} passages, over the limit of ${limits.maxPdfPassages.toLocaleString("en-US")} per PDF (PAPERS_MAX_PDF_PASSAGES): a whole book, or generated text?` };
  }
  return {
    sourceId: null,
    title: paper.title,
    abstract: paper.abstract,
    arxivId: paper.arxivId,
    idFromDocument: paper.arxivId !== null,
    doi: paper.doi,
    journalRef: null,
    comments: [],
    authors: paper.authors,
    categories: [],
    year: paper.year,
    date: null,
    source: { file, line: 1 },
    passages,
    ...(paper.references.length > 0 ? { references: paper.references } : {}),
  };
}

/** Why a PDF file is too large to read. */
export function tooLarge(bytes: number, maxBytes: number): string {
  return `a PDF of ${formatBytes(bytes)}, over the limit of ${formatBytes(maxBytes)} (PAPERS_MAX_PDF_BYTES)`;
}
