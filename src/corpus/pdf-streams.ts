/**
 * A PDF's compressed streams measured before pdf.js reads them: a 1.5 MB file can inflate to
 * 1.5 GB, and pdf.js inflates a content stream whole (and holds it more than once), so such a
 * file is refused here instead, by inflating each stream with an output cap and counting.
 *
 * Only streams pdf.js inflates to read text are counted: page contents, forms and fonts, not
 * images (the text layer never decodes them, and a scan's page image is large by right).
 */
import { constants, inflateSync } from "node:zlib";
import { formatBytes } from "./input-limits.js";

/** How far before a `stream` keyword its dictionary is looked for. */
const DICTIONARY_BYTES = 64 * 1024;

/** Why the PDF's streams inflate to too much, or null when they fit in `maxBytes` together. */
export function inflatedTooMuch(data: Buffer, maxBytes: number): string | null {
  let total = 0;
  let at = 0;
  for (;;) {
    const keyword = data.indexOf("stream", at, "latin1");
    if (keyword < 0) return null;
    at = keyword + 6;
    if (keyword >= 3 && data.toString("latin1", keyword - 3, keyword) === "end") continue;
    let start = at;
    if (data[start] === 0x0d) start++;
    if (data[start] === 0x0a) start++;
    if (start === at) continue;
    const dictionary = dictionaryBefore(data, keyword);
    if (!/\/FlateDecode\b/.test(dictionary) || /\/Subtype\s*\/Image\b/.test(dictionary)) continue;
    const end = data.indexOf("endstream", start, "latin1");
    if (end < 0) return null;
    at = end + 9;
    const remaining = maxBytes - total;
    try {
      total += inflateSync(data.subarray(start, end), { maxOutputLength: remaining + 1, finishFlush: constants.Z_SYNC_FLUSH }).length;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ERR_BUFFER_TOO_LARGE") continue; // damaged: pdf.js decides
      total = maxBytes + 1;
    }
    if (total > maxBytes) {
      return `compressed streams inflate to over ${formatBytes(maxBytes)} (the limit per PDF, PAPERS_MAX_PDF_INFLATED_BYTES): a decompression bomb, or a PDF made to be printed, not read?`;
    }
  }
}

/** The dictionary of the stream whose keyword is at `keyword`: the text since its `obj` header. */
function dictionaryBefore(data: Buffer, keyword: number): string {
  const from = Math.max(0, keyword - DICTIONARY_BYTES);
  const header = data.lastIndexOf("obj", keyword, "latin1");
  return data.toString("latin1", header >= from ? header : from, keyword);
}
