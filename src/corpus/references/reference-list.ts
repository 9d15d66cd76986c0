/**
 * Where a PDF's reference list is: the lines after its heading (References, Bibliography,
 * Literature Cited, Works Cited), up to the next larger heading (an appendix) or the end, without
 * running heads and feet. Pure, over the lines pdf-text.ts gives.
 */
import type { PdfLine } from "../pdf-text.js";

/** A reference list's heading, alone on its line, numbered or not ("7 References", "VIII. REFERENCES"). */
export const REFERENCES_HEADING = /^((\d+|[IVX]+|[A-Z])\.?\s+)?(references(\s+cited)?|bibliography|literature(\s+cited)?|works\s+cited|cited\s+literature)$/i;
/** What may follow a reference list: appendices and supplements. */
const AFTER_LIST = /^((\d+|[A-Z])\.?\s+)?(appendix|appendices|supplementary|supplemental|acknowledge?ments?)\b/i;

export interface ReferenceListLines {
  /** Index of the heading in the lines given. */
  heading: number;
  /** The list's lines, in reading order. */
  lines: PdfLine[];
}

/**
 * The reference list: after the LAST line that is a references heading (a table of contents or a
 * sentence mentioning "References" comes earlier), up to a larger heading or the end.
 */
export function findReferenceList(lines: readonly PdfLine[], bodySize: number): ReferenceListLines | null {
  let heading = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (REFERENCES_HEADING.test(lines[i]!.text.replace(/\t/g, " ").replace(/\s+/g, " ").trim())) {
      heading = i;
      break;
    }
  }
  if (heading < 0) return null;
  const running = runningLines(lines);
  const list: PdfLine[] = [];
  for (let i = heading + 1; i < lines.length; i++) {
    const line = lines[i]!;
    const text = line.text.trim();
    if (endsList(line, bodySize)) break;
    if (running.has(line)) continue;
    if (/^\d{1,4}$/.test(text)) continue;
    list.push(line);
  }
  return list.length > 0 ? { heading, lines: list } : null;
}

/** An appendix heading, or any heading set larger than body text, ends the list. */
function endsList(line: PdfLine, bodySize: number): boolean {
  const text = line.text.replace(/\t/g, " ").trim();
  if (text.length > 80 || /[.,;:]$/.test(text)) return false;
  if (AFTER_LIST.test(text) && (line.size > bodySize * 1.05 || text.split(/\s+/).length <= 4)) return true;
  return line.size > bodySize * 1.15 && /^((\d+(\.\d+)*|[A-Z])\.?\s+)?\p{Lu}/u.test(text) && text.split(/\s+/).length <= 10;
}

/**
 * Running heads and feet: the first (or last) line of a page whose text, numbers aside, is the first
 * (or last) line of at least a third of the pages, and of three: two references that end alike
 * ("arXiv:#.# (#).") at the feet of two pages are not a running foot.
 */
function runningLines(lines: readonly PdfLine[]): Set<PdfLine> {
  const edges = new Map<number, PdfLine[]>();
  for (const line of lines) {
    const page = edges.get(line.page);
    if (!page) edges.set(line.page, [line, line]);
    else page[1] = line;
  }
  const key = (line: PdfLine) => line.text.replace(/\d+/g, "#").replace(/\s+/g, " ").trim().toLowerCase();
  const needed = Math.max(3, Math.ceil(edges.size / 3));
  const out = new Set<PdfLine>();
  for (const end of [0, 1]) {
    const counts = new Map<string, number>();
    for (const page of edges.values()) counts.set(key(page[end]!), (counts.get(key(page[end]!)) ?? 0) + 1);
    for (const page of edges.values()) if ((counts.get(key(page[end]!)) ?? 0) >= needed) out.add(page[end]!);
  }
  return out;
}
