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

/** "https://arxiv.org/abs/ID", else "https://doi.org/DOI", else null. */
export function paperUrl(paper: Paper): string | null {
  if (paper.arxivId) return `https://arxiv.org/abs/${paper.arxivId}`;
  if (paper.doi) return `https://doi.org/${paper.doi}`;
  return null;
}

/** A name split into given names and family name: the last word is the family name ("Ada King Lovelace" → Lovelace). */
export function splitName(name: string): { given: string; family: string } {
  const words = name.trim().split(/\s+/);
  if (words.length === 1) return { given: "", family: words[0]! };
  return { given: words.slice(0, -1).join(" "), family: words[words.length - 1]! };
}
