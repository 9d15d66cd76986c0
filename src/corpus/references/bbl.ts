/**
 * A LaTeX `.bbl` file (what BibTeX writes for `\bibliography`) as references: its entries are exact
 * (one `\bibitem` each, in the printed order), their text is the printed text in LaTeX, resolved
 * by latexToText and parsed into fields by parse.ts.
 */
import { latexToText } from "../latex.js";
import { parseReference } from "./parse.js";
import { MAX_REFERENCES } from "./pdf-references.js";
import type { Reference } from "./reference.js";

export interface BblEntry {
  /** The cite key, `\bibitem{key}`. */
  key: string;
  /** The optional label, `\bibitem[label]{key}`, or null. */
  given: string | null;
  /** The entry's LaTeX, up to the next `\bibitem`. */
  latex: string;
}

/** The `\bibitem`s of a `.bbl`, in order (nothing when it has none). */
export function bblEntries(text: string): BblEntry[] {
  const entries: BblEntry[] = [];
  const body = text.replace(/\\end\{thebibliography\}[\s\S]*$/, "");
  const starts = [...body.matchAll(/\\bibitem\s*(?:\[((?:[^\]{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\])?\s*\{([^}]*)\}/g)];
  starts.forEach((start, i) => {
    const end = i + 1 < starts.length ? starts[i + 1]!.index : body.length;
    entries.push({ key: start[2]!.trim(), given: start[1] ?? null, latex: body.slice(start.index + start[0].length, end) });
  });
  return entries;
}

/** The references a `.bbl` holds, each parsed from its printed text. */
export function bblReferences(text: string): Reference[] {
  const entries = bblEntries(text).slice(0, MAX_REFERENCES);
  // Numbered styles give no label ([1], [2], …); alpha styles give theirs ([Knu84]); natbib's
  // author-year labels ("Adamic and Adar(2003)") are not printed as labels.
  return entries.map((entry, i) => parseReference(bblText(entry.latex), labelOf(entry.given, i)));
}

function labelOf(given: string | null, index: number): string | null {
  if (given === null) return String(index + 1);
  const plain = latexToText(given);
  // natbib: "Short(Year)Long names", "Adamic and Adar(2003)".
  if (/\(\s*(?:\d{4}|n\.d\.)[a-z]?\s*\)/.test(plain) || /\\natexlab/.test(given)) return null;
  return plain || null;
}

/** An entry's LaTeX as the text it prints. */
export function bblText(latex: string): string {
  const text = latex
    .replace(/(^|[^\\])%.*$/gm, "$1")
    .replace(/\\newblock\b/g, " ")
    .replace(/\\penalty\s*-?\d+\s*/g, "")
    .replace(/\\natexlab\{([^}]*)\}/g, "$1")
    .replace(/\\(?:doi)\s*\{([^}]*)\}/g, "$1")
    .replace(/\\(?:url|path|nolinkurl)\s*\{([^}]*)\}/g, (_m, url: string) => `\\texttt{${url.replace(/[_%#&~]/g, (c) => `\\${c === "~" ? "textasciitilde{}" : c}`)}}`)
    .replace(/\\href\s*\{[^}]*\}\s*\{([^}]*)\}/g, "$1")
    .replace(/\\bibinfo\s*\{[^}]*\}\s*\{((?:[^{}]|\{[^{}]*\})*)\}/g, "$1")
    .replace(/\\(?:BIBentrySTDinterwordspacing|BIBentryALTinterwordspacing|relax)\b/g, "");
  return latexToText(text);
}
