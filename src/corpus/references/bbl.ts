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
  const body = text.replace(/\\end\{thebibliography\}[\s\S]*$/, "");
  const starts: { at: number; end: number; key: string; given: string | null }[] = [];
  for (const match of body.matchAll(/\\bibitem(?![A-Za-z])/g)) {
    let i = match.index + match[0].length;
    while (/\s/.test(body[i] ?? "")) i++;
    let given: string | null = null;
    if (body[i] === "[") {
      // The label may nest braces to any depth (chicago: \protect\citeauthoryear{O{\u{g}}uz}…).
      let depth = 0;
      let j = i + 1;
      for (; j < body.length && !(body[j] === "]" && depth === 0); j++) {
        if (body[j] === "\\") j++;
        else if (body[j] === "{") depth++;
        else if (body[j] === "}") depth--;
      }
      given = body.slice(i + 1, j);
      i = j + 1;
      while (/\s/.test(body[i] ?? "")) i++;
    }
    const key = /^\{([^}]*)\}/.exec(body.slice(i));
    if (!key) continue;
    starts.push({ at: match.index, end: i + key[0].length, key: key[1]!.trim(), given });
  }
  return starts.map((start, n) => ({ key: start.key, given: start.given, latex: body.slice(start.end, n + 1 < starts.length ? starts[n + 1]!.at : body.length) }));
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
  if (/\(\s*(?:\d{4}|n\.d\.)[a-z]?\s*\)/.test(plain) || /\\(?:natexlab|citeauthoryear|citename)/.test(given)) return null;
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
