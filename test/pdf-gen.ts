/**
 * PDFs written by hand for tests: Helvetica text at given sizes and places, one content stream per
 * page (optionally deflated), a document information dictionary. pdf.js reads them as it reads
 * any PDF, so a test can make a 100,000-line page or a 30-page file in memory.
 */
import { deflateSync } from "node:zlib";

/** One line of text: upright unless `rotated` (as arXiv's side stamp is). */
export interface TextLine {
  text: string;
  size?: number;
  x?: number;
  y: number;
  rotated?: boolean;
}

export interface PdfSpec {
  /** Each page's content stream (see textOps), or its raw bytes. */
  pages: (string | Buffer)[];
  info?: Record<string, string>;
  /** Deflate every content stream (the usual /FlateDecode). */
  deflate?: boolean;
  /** Page height in points (tall pages hold many lines). */
  height?: number;
}

function pdfString(text: string): string {
  return `(${text.replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

/** A content stream that shows the lines in Helvetica. */
export function textOps(lines: readonly TextLine[]): string {
  return lines
    .map((line) => {
      const size = line.size ?? 10;
      const matrix = line.rotated ? `0 1 -1 0 ${line.x ?? 20} ${line.y}` : `1 0 0 1 ${line.x ?? 72} ${line.y}`;
      return `BT /F1 ${size} Tf ${matrix} Tm ${pdfString(line.text)} Tj ET`;
    })
    .join("\n");
}

/** The PDF file: catalog, pages, font, info, then a page and its content per page, with a correct xref. */
export function makePdf(spec: PdfSpec): Buffer {
  const height = spec.height ?? 792;
  const objects: Buffer[] = [];
  const pageIds = spec.pages.map((_, i) => 5 + 2 * i);
  objects.push(Buffer.from("<< /Type /Catalog /Pages 2 0 R >>"));
  objects.push(Buffer.from(`<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${pageIds.length} >>`));
  objects.push(Buffer.from("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"));
  const info = Object.entries(spec.info ?? {}).map(([key, value]) => `/${key} ${pdfString(value)}`);
  objects.push(Buffer.from(`<< ${info.join(" ")} >>`));
  spec.pages.forEach((page, i) => {
    objects.push(Buffer.from(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 ${height}] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageIds[i]! + 1} 0 R >>`));
    const raw = typeof page === "string" ? Buffer.from(page, "latin1") : page;
    const data = spec.deflate ? deflateSync(raw) : raw;
    objects.push(Buffer.concat([Buffer.from(`<< /Length ${data.length}${spec.deflate ? " /Filter /FlateDecode" : ""} >>\nstream\n`), data, Buffer.from("\nendstream")]));
  });
  const parts: Buffer[] = [Buffer.from("%PDF-1.4\n")];
  const offsets: number[] = [];
  let length = parts[0]!.length;
  objects.forEach((body, i) => {
    offsets.push(length);
    const object = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from("\nendobj\n")]);
    parts.push(object);
    length += object.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`)].join("");
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 4 0 R >>\nstartxref\n${length}\n%%EOF\n`));
  return Buffer.concat(parts);
}

const WORDS = "glaciers bees terns corals rivers soils forests storms lakes dunes moss lichen".split(" ");

/** A sentence of `n` words, different for each seed. */
export function sentence(seed: number, n = 12): string {
  const words = Array.from({ length: n }, (_, i) => WORDS[(seed * 7 + i * 3) % WORDS.length]!);
  return `${words.join(" ")} ${seed}.`.replace(/^\w/, (c) => c.toUpperCase());
}

/**
 * A one-page paper as pdfPaper reads one: a large title, an author line, an "Abstract" heading and
 * its text, a numbered section of body text; `stamp` is a rotated side line (arXiv's).
 */
export function paperPdf(options: { title: string; abstract: string[]; body: string[]; stamp?: string; info?: Record<string, string> }): Buffer {
  const lines: TextLine[] = [{ text: options.title, size: 17, y: 740 }, { text: "Ada Lovelace", size: 12, y: 715 }, { text: "Abstract", size: 12, y: 690 }];
  let y = 675;
  for (const text of options.abstract) lines.push({ text, y: (y -= 12) });
  lines.push({ text: "1 Introduction", size: 12, y: (y -= 20) });
  for (const text of options.body) lines.push({ text, y: (y -= 12) });
  if (options.stamp) lines.push({ text: options.stamp, size: 20, x: 30, y: 200, rotated: true });
  return makePdf({ pages: [textOps(lines)], info: options.info, deflate: true });
}
