import type { Paper } from "../corpus/paper.js";
import { mapPaperText, plainText } from "../text-safety.js";

/** What an export writes: a paper, with its score when it is a hit (JSON-shaped extras ride along in json/jsonl only). */
export type ExportItem = Paper & { score?: number };

/**
 * Text for a file a person opens or a terminal shows: control characters neutralised as human
 * output does (src/text-safety.ts), and NUL removed outright, as nothing stands for it and one
 * NUL makes a whole file "binary data" to readers (papers' own included).
 */
export function exportText(text: string): string {
  return plainText(text.replaceAll("\0", ""));
}

/** A paper with every text field made exportText. */
export function exportablePaper<P extends Paper>(paper: P): P {
  return mapPaperText(paper, exportText);
}

/**
 * "https://arxiv.org/abs/ID", else "https://doi.org/DOI", else null. The id is percent-encoded
 * (all but letters, digits, `-._~/:`), as a DOI may hold any character: the URL stays one URL in
 * every format, and cannot close a Markdown link or a BibTeX brace (`10.1000/x) [a](javascript:…`).
 */
export function paperUrl(paper: Paper): string | null {
  if (paper.arxivId) return `https://arxiv.org/abs/${urlPath(paper.arxivId)}`;
  if (paper.doi) return `https://doi.org/${urlPath(paper.doi)}`;
  return null;
}

/** Text as a URL path: UTF-8 percent-encoded, `/` and `:` kept; a lone surrogate (which has no UTF-8) becomes U+FFFD. */
export function urlPath(text: string): string {
  const wellFormed = text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
  return encodeURIComponent(wellFormed)
    .replace(/%2F/g, "/")
    .replace(/%3A/g, ":")
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * A name split into given names and family name: the last word is the family name ("Ada King
 * Lovelace" → Lovelace), unless it is written "Family, Given" ("Knuth, Donald E.") or "Family,
 * Jr., Given", as JSON inputs may hold it.
 */
export function splitName(name: string): { given: string; family: string; suffix?: string } {
  const parts = name.split(",").map((part) => part.trim());
  if (parts.length === 2 && parts[0] && parts[1]) return { given: parts[1], family: parts[0] };
  if (parts.length === 3 && parts[0] && parts[2]) return { given: parts[2], family: parts[0], ...(parts[1] ? { suffix: parts[1] } : {}) };
  const words = name.trim().split(/\s+/);
  if (words.length === 1) return { given: "", family: words[0]! };
  return { given: words.slice(0, -1).join(" "), family: words[words.length - 1]! };
}
