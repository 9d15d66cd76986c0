/**
 * The text layer of a PDF as lines, with Mozilla's pdf.js (pdfjs-dist, legacy build for Node):
 * items on one baseline joined into a line, ligatures ("ﬁ", "ﬂ") unfolded by NFKC, rotated text
 * (arXiv's side stamp) kept apart from the page's lines.
 */

/** One line of text as laid out on a page. */
export interface PdfLine {
  /** The line's text; a tab stands for a wide gap between cells (authors side by side, table columns). */
  text: string;
  /** Font size in points (the largest item on the line). */
  size: number;
  /** Left edge and baseline, in PDF points from the page's bottom left. */
  x: number;
  y: number;
  /** 1-based page number. */
  page: number;
}

export interface PdfText {
  pages: number;
  lines: PdfLine[];
  /** The document information dictionary: Title, Author, Subject, Keywords, CreationDate, … */
  info: Record<string, unknown>;
  /** Text outside the page's lines (rotated stamps), for ids and dates. */
  marginText: string;
}

/** Why a PDF cannot be read: PasswordException and friends, as a reason a user can act on. */
export class PdfProblem extends Error {}

interface TextItem {
  str: string;
  transform: number[];
  width: number;
  hasEOL?: boolean;
}

/** What reading one PDF's text may cost. */
export interface PdfTextLimits {
  maxPages: number;
  maxTextChars: number;
}

/**
 * Reads every page's lines. Throws PdfProblem for encrypted or damaged files, and for a file over
 * the limits (pages, characters of text), which is refused before (or as soon as) it is over.
 */
export async function readPdfText(data: Uint8Array, limits: PdfTextLimits = { maxPages: Infinity, maxTextChars: Infinity }): Promise<PdfText> {
  // Loaded on the first PDF: pdf.js is large, and most runs read none.
  const { getDocument } = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const task = getDocument({ data, verbosity: 0, isEvalSupported: false, disableFontFace: true, useSystemFonts: false, stopAtErrors: false });
  let doc;
  try {
    doc = await task.promise;
  } catch (error) {
    const name = (error as Error).name;
    if (name === "PasswordException") throw new PdfProblem("encrypted: needs a password to open");
    if (name === "InvalidPDFException") throw new PdfProblem("not a readable PDF (damaged or cut short)");
    throw new PdfProblem(`not a readable PDF: ${(error as Error).message}`);
  }
  try {
    if (doc.numPages > limits.maxPages) {
      throw new PdfProblem(`${doc.numPages.toLocaleString("en-US")} pages, over the limit of ${limits.maxPages.toLocaleString("en-US")} pages per PDF (PAPERS_MAX_PDF_PAGES): a book series or a generated file, not a paper?`);
    }
    const meta = await doc.getMetadata().catch(() => ({ info: {} }));
    const lines: PdfLine[] = [];
    let marginText = "";
    let chars = 0;
    for (let number = 1; number <= doc.numPages; number++) {
      const page = await doc.getPage(number);
      const content = await page.getTextContent();
      const items = (content.items as unknown[]).filter((item): item is TextItem => typeof item === "object" && item !== null && "str" in item);
      for (const item of items) chars += item.str.length;
      if (chars > limits.maxTextChars) {
        throw new PdfProblem(`over ${limits.maxTextChars.toLocaleString("en-US")} characters of text by page ${number} (the limit per PDF, PAPERS_MAX_PDF_TEXT_CHARS): a whole book, or generated text?`);
      }
      const upright: TextItem[] = [];
      const rotated: string[] = [];
      for (const item of items) {
        if (Math.abs(item.transform[1]!) < 1e-3 && Math.abs(item.transform[2]!) < 1e-3) upright.push(item);
        else rotated.push(item.str);
      }
      marginText += rotated.join("") + "\n";
      // One at a time: spreading 100,000 lines into push() overflows the stack.
      for (const line of joinLines(upright, number)) lines.push(line);
      page.cleanup();
    }
    return { pages: doc.numPages, lines, info: (meta.info ?? {}) as Record<string, unknown>, marginText: marginText.normalize("NFKC") };
  } finally {
    await doc.destroy();
  }
}

/** Items in content order, a new line whenever the baseline moves (pdfTeX writes columns in reading order). */
function joinLines(items: TextItem[], page: number): PdfLine[] {
  const lines: (PdfLine & { right: number })[] = [];
  let current: (PdfLine & { right: number }) | undefined;
  for (const item of items) {
    const size = Math.hypot(item.transform[0]!, item.transform[1]!) || Math.abs(item.transform[3]!);
    const x = item.transform[4]!;
    const y = item.transform[5]!;
    const text = item.str.normalize("NFKC");
    if (text === "") continue;
    const sameLine = current && Math.abs(current.y - y) < Math.max(2, 0.3 * Math.min(size, current.size)) && x >= current.right - 1;
    if (current && sameLine) {
      // A gap wider than a space between items on one baseline is a space the PDF did not write;
      // a much wider one (or a wide blank item) separates cells, such as authors set side by side.
      const gap = x - current.right;
      if (text.trim() === "" && item.width > 1.2 * size) current.text += "\t";
      else if (gap > 1.2 * size) current.text += "\t" + text;
      else current.text += (gap > 0.15 * size && !/\s$/.test(current.text) && !text.startsWith(" ") ? " " : "") + text;
      current.right = x + item.width;
      if (text.trim() !== "") current.size = Math.max(current.size, size);
    } else {
      if (current) lines.push(current);
      current = { text, size: text.trim() === "" ? 0 : size, x, y, page, right: x + item.width };
    }
  }
  if (current) lines.push(current);
  return lines
    .map(({ right: _right, ...line }) => ({ ...line, text: line.text.replace(/ *\t[\s]*/g, "\t").replace(/ +/g, " ").trim() }))
    .filter((line) => line.text !== "");
}
