import { createHash } from "node:crypto";

/** Where a record was read from: the file as given and its 1-based line. */
export interface Source {
  file: string;
  line: number;
}

/** One occurrence of a paper in one input file, before duplicates are merged. */
export interface PaperRecord {
  /** An id the source gives (a JSONL `id`, a BibTeX key); null for plain-text formats. */
  sourceId: string | null;
  title: string | null;
  abstract: string;
  arxivId: string | null;
  doi: string | null;
  journalRef: string | null;
  comments: string[];
  authors: string[];
  categories: string[];
  year: number | null;
  source: Source;
}

/** A distinct paper: every record with the same abstract (or arXiv id) merged into one. */
export interface Paper {
  id: string;
  title: string | null;
  abstract: string;
  arxivId: string | null;
  doi: string | null;
  journalRef: string | null;
  comments: string[];
  authors: string[];
  categories: string[];
  year: number | null;
  sources: Source[];
}

/** The text a paper is searched by: title and abstract together, as BEIR/MTEB embed documents. */
export function documentText(paper: Pick<Paper, "title" | "abstract">): string {
  return paper.title ? `${paper.title} ${paper.abstract}` : paper.abstract;
}

/** Changes exactly when the text a paper is embedded from changes: decides what to re-embed. */
export function contentHash(paper: Pick<Paper, "title" | "abstract">): string {
  return createHash("sha256").update(documentText(paper)).digest("hex").slice(0, 16);
}

/** Collapse runs of whitespace (including arXiv's hard line breaks) to single spaces. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

// TeX escapes that only protect a character; math ($...$) is left as written.
const TEX_ESCAPES: [RegExp, string][] = [
  [/\\~\{\}/g, "~"],
  [/\\\^\{\}/g, "^"],
  [/\\textasciitilde(\{\})?/g, "~"],
  [/\\([%&#_{}$])/g, "$1"],
];

/** Turn TeX character escapes (`\%`, `\~{}`, `\&`, …) into the plain characters they stand for. */
export function texToPlain(text: string): string {
  let out = text;
  for (const [pattern, plain] of TEX_ESCAPES) out = out.replace(pattern, plain);
  return out;
}

/** Text as displayed: TeX escapes resolved, whitespace collapsed. */
export function displayText(text: string): string {
  return collapseWhitespace(texToPlain(text));
}

/** The text a paper is recognised by: case, spacing and TeX escapes do not make a new paper. */
export function abstractKey(abstract: string): string {
  return displayText(abstract).toLowerCase();
}

/** A short, stable id for a paper with no arXiv id: a hash of its normalised abstract. */
export function abstractId(abstract: string): string {
  return createHash("sha256").update(abstractKey(abstract)).digest("hex").slice(0, 12);
}

/**
 * Merge records into distinct papers, in first-seen order. Two records are the same paper when
 * their normalised abstracts match or they carry the same arXiv id; the merged paper keeps every
 * source and the first non-empty value of each field. A paper's id is the source's own id, else
 * its arXiv id, else a hash of its abstract.
 */
export function mergeRecords(records: Iterable<PaperRecord>): Paper[] {
  const papers: Paper[] = [];
  const byKey = new Map<string, Paper>();
  const hashIds = new Set<Paper>();
  for (const record of records) {
    const key = abstractKey(record.abstract);
    const arxivKey = record.arxivId ? `arxiv:${record.arxivId}` : null;
    const existing = byKey.get(key) ?? (arxivKey ? byKey.get(arxivKey) : undefined);
    if (existing) {
      existing.title ??= record.title && displayText(record.title);
      existing.arxivId ??= record.arxivId;
      existing.doi ??= record.doi;
      existing.journalRef ??= record.journalRef;
      existing.year ??= record.year;
      if (existing.authors.length === 0) existing.authors = [...record.authors];
      for (const c of record.categories) if (!existing.categories.includes(c)) existing.categories.push(c);
      for (const c of record.comments) if (!existing.comments.includes(c)) existing.comments.push(c);
      existing.sources.push(record.source);
      // A hash id gives way to a real one that a later record brings.
      if (hashIds.has(existing)) {
        const better = record.sourceId ?? record.arxivId;
        if (better) {
          existing.id = better;
          hashIds.delete(existing);
        }
      }
      byKey.set(key, existing);
      if (arxivKey) byKey.set(arxivKey, existing);
      continue;
    }
    const paper: Paper = {
      id: record.sourceId ?? record.arxivId ?? abstractId(record.abstract),
      title: record.title && displayText(record.title),
      abstract: displayText(record.abstract),
      arxivId: record.arxivId,
      doi: record.doi,
      journalRef: record.journalRef,
      comments: [...record.comments],
      authors: [...record.authors],
      categories: [...record.categories],
      year: record.year,
      sources: [record.source],
    };
    papers.push(paper);
    if (!record.sourceId && !record.arxivId) hashIds.add(paper);
    byKey.set(key, paper);
    if (arxivKey) byKey.set(arxivKey, paper);
  }
  return papers;
}
