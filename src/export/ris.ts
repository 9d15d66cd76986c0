/**
 * RIS (EndNote, Zotero, Mendeley import), one `TAG  - value` line per field. Written here, not
 * through citation-js's RIS plugin: that one (0.7, the last for Node 20) hard-wraps every value
 * at 70 characters in the middle of words ("le\nss"), which astrocite-ris refuses and readers
 * re-join inconsistently; the format itself is a handful of tags.
 */
import type { Paper } from "../corpus/paper.js";
import { paperUrl, splitName } from "./exportable.js";

/** One line per value: line breaks would start an untagged continuation line. */
function clean(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** RIS names are "Family, Given"; a name that already has a comma is given as it is. */
function risName(name: string): string {
  if (name.includes(",")) return clean(name);
  const { given, family } = splitName(name);
  return given ? `${family}, ${given}` : family;
}

function paperToRis(paper: Paper): string {
  const lines: [string, string][] = [["TY", paper.journalRef ? "JOUR" : "UNPB"], ["ID", paper.id]];
  if (paper.title) lines.push(["TI", paper.title]);
  for (const author of paper.authors) lines.push(["AU", risName(author)]);
  if (paper.year !== null) lines.push(["PY", String(paper.year)]);
  if (paper.date) lines.push(["DA", `${paper.date.replace(/-/g, "/")}/`]);
  if (paper.journalRef) lines.push(["JO", paper.journalRef]);
  if (paper.doi) lines.push(["DO", paper.doi]);
  const url = paperUrl(paper);
  if (url) lines.push(["UR", url]);
  if (paper.arxivId) lines.push(["N1", `arXiv:${paper.arxivId}`]);
  for (const category of paper.categories) lines.push(["KW", category]);
  lines.push(["AB", paper.abstract]);
  // A value that is only whitespace is no value: an empty line would read back as "".
  return lines.flatMap(([tag, value]) => (clean(value) === "" ? [] : [`${tag}  - ${clean(value)}`])).join("\n") + "\nER  - \n";
}

export function formatRis(papers: readonly Paper[]): string {
  return papers.map(paperToRis).join("\n");
}
