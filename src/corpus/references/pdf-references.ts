/**
 * A PDF's reference list as references: find the list (reference-list.ts), split it (split.ts),
 * parse each entry (parse.ts). Pure, over the lines pdf-text.ts gives.
 */
import type { PdfLine } from "../pdf-text.js";
import { parseReference } from "./parse.js";
import type { Reference } from "./reference.js";
import { findReferenceList } from "./reference-list.js";
import { splitReferences } from "./split.js";

/** The most references a paper keeps: a longer "list" is a book's or a file read wrongly. */
export const MAX_REFERENCES = 1_000;

export interface PdfReferences {
  references: Reference[];
  /** Index (in the lines given) of the list's heading, where the body ends; null without a list. */
  heading: number | null;
}

export function pdfReferences(lines: readonly PdfLine[], bodySize: number): PdfReferences {
  const list = findReferenceList(lines, bodySize);
  if (!list) return { references: [], heading: null };
  const references = splitReferences(list.lines)
    .slice(0, MAX_REFERENCES)
    .map((entry) => parseReference(entry.text, entry.label));
  return { references, heading: list.heading };
}
