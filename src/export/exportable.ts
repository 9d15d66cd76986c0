import type { Paper } from "../corpus/paper.js";

/** What an export writes: a paper, with its score when it is a hit (JSON-shaped extras ride along in json/jsonl only). */
export type ExportItem = Paper & { score?: number };

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
