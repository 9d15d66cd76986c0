import { createHash } from "node:crypto";
import { cleanDay, yearOfDay } from "./dates.js";
import type { Passage } from "./passages.js";
import type { Reference } from "./references/reference.js";
import { LIMITS } from "../limits.js";

/** Where a record was read from: the file as given and its 1-based line. */
export interface Source {
  file: string;
  line: number;
}

/** What a paper says about itself, as read from a record or merged over records. */
interface PaperFields {
  title: string | null;
  abstract: string;
  arxivId: string | null;
  doi: string | null;
  journalRef: string | null;
  comments: string[];
  authors: string[];
  categories: string[];
  year: number | null;
  /**
   * The day the paper came out, "YYYY-MM-DD" (arXiv: its first version); null when no source gives
   * a whole day (a year or a month alone stays in `year`).
   */
  date: string | null;
  /** The full text in passages, for formats that have it (PDF); not part of paperJson. */
  passages?: Passage[];
  /** The reference list, for formats that have one (PDF, a LaTeX .bbl); not part of paperJson. */
  references?: Reference[];
}

/** One occurrence of a paper in one input file, before duplicates are merged. */
export interface PaperRecord extends PaperFields {
  /** An id the source gives (a JSONL `id`, a BibTeX key); null for plain-text formats. */
  sourceId: string | null;
  source: Source;
  /**
   * The arXiv id was read from the document itself (a PDF's side stamp or title block), not given
   * by a catalogue: when another file holds a paper under that id with a different title, the
   * two are kept apart (see PaperMerger) instead of one taking the other over.
   */
  idFromDocument?: boolean;
}

/**
 * The longest paper id, in characters: a longer one is skipped when read (a record skip, named),
 * and the HTTP API refuses to look one up, so every id indexed can be fetched.
 */
export const MAX_ID_LENGTH = LIMITS.maxIdLength;

/**
 * The longest each field may be once read, in characters (and the most authors, comments,
 * categories a paper keeps): a longer one is cut short with "…". A real title is under 300
 * characters; a 1 MB title is a file read wrongly or an attack, and would be sent whole with
 * every search hit (MCP, HTTP) and held in every index cache.
 */
export const FIELD_LIMITS = {
  title: 2_000,
  author: 500,
  authors: 5_000,
  doi: 500,
  journalRef: 2_000,
  comment: 2_000,
  comments: 100,
  category: 500,
  categories: 1_000,
  section: 500,
  passage: 20_000,
  /** References a paper keeps, and the characters of each one's raw text (each field is cut to it too). */
  references: 1_000,
  reference: 2_000,
} as const;

/**
 * NUL, which PostgreSQL cannot store in text (one NUL failed a whole run) and the folder store
 * took. Other control characters are kept as written: `--json` and the API give the text exact,
 * and every human output neutralises them when it prints (test/hardening-terminal.test.ts).
 */
const NUL = /\u0000/g;

function withoutNul(text: string): string {
  return text.replace(NUL, "");
}

/** Text without NUL, cut to `max` characters (not inside a surrogate pair). */
export function cleanText(text: string, max: number): string {
  const clean = withoutNul(text);
  if (clean.length <= max) return clean;
  const cut = /[\uDC00-\uDFFF]/.test(clean[max - 1] ?? "") ? max - 2 : max - 1;
  return clean.slice(0, cut) + "…";
}

function cleanList(items: readonly string[], max: number, each: number): string[] {
  return items.slice(0, max).map((item) => cleanText(item, each));
}

/**
 * A paper's (or record's) text fields without NUL and within FIELD_LIMITS, for
 * every store alike: the folder store took a NUL that failed a whole PostgreSQL run. Its date is a
 * real "YYYY-MM-DD" day or null, and gives the year when the paper has none.
 */
export function cleanPaper<T extends PaperFields>(paper: T): T {
  const nullable = (text: string | null, max: number) => (text === null ? null : cleanText(text, max));
  const date = cleanDay(paper.date);
  return {
    ...paper,
    title: nullable(paper.title, FIELD_LIMITS.title),
    abstract: withoutNul(paper.abstract),
    arxivId: nullable(paper.arxivId, FIELD_LIMITS.doi),
    doi: nullable(paper.doi, FIELD_LIMITS.doi),
    journalRef: nullable(paper.journalRef, FIELD_LIMITS.journalRef),
    comments: cleanList(paper.comments, FIELD_LIMITS.comments, FIELD_LIMITS.comment),
    authors: cleanList(paper.authors, FIELD_LIMITS.authors, FIELD_LIMITS.author),
    categories: cleanList(paper.categories, FIELD_LIMITS.categories, FIELD_LIMITS.category),
    year: paper.year ?? (date === null ? null : yearOfDay(date)),
    date,
    ...(paper.passages
      ? { passages: paper.passages.map((p) => ({ ...p, text: cleanText(p.text, FIELD_LIMITS.passage), section: p.section === null ? null : cleanText(p.section, FIELD_LIMITS.section) })) }
      : {}),
    ...(paper.references ? { references: paper.references.slice(0, FIELD_LIMITS.references).map(cleanReference) } : {}),
  };
}

/** A reference within FIELD_LIMITS, without NUL: every text field cut to FIELD_LIMITS.reference, at most FIELD_LIMITS.authors authors. */
function cleanReference(reference: Reference): Reference {
  const max = FIELD_LIMITS.reference;
  const nullable = (text: string | null) => (text === null ? null : cleanText(text, max));
  return {
    raw: cleanText(reference.raw, max),
    label: nullable(reference.label),
    authors: cleanList(reference.authors, FIELD_LIMITS.authors, FIELD_LIMITS.author),
    title: nullable(reference.title),
    year: reference.year,
    venue: nullable(reference.venue),
    doi: nullable(reference.doi),
    arxivId: nullable(reference.arxivId),
    url: nullable(reference.url),
  };
}

/** A distinct paper: every record with the same abstract (or arXiv id) merged into one. */
export interface Paper extends PaperFields {
  id: string;
  sources: Source[];
}

/** A paper's fields in the order every front end shows them (JSON, API, MCP, exports). */
export const PAPER_FIELDS = ["id", "title", "abstract", "arxivId", "doi", "journalRef", "comments", "authors", "categories", "year", "date", "sources"] as const;

/** A paper with no metadata beyond its id, abstract and source: readers fill in what they know. */
export function newPaper(fields: Pick<Paper, "id" | "abstract" | "sources"> & Partial<Paper>): Paper {
  return { title: null, arxivId: null, doi: null, journalRef: null, comments: [], authors: [], categories: [], year: null, date: null, ...fields };
}

/**
 * A paper as plain JSON, fields in PAPER_FIELDS order, with its score (rounded to 4 places) after
 * the abstract when it is a hit: the shape of `--json`, the HTTP API and the MCP tools.
 */
export function paperJson(paper: Paper & { passage?: unknown }, score?: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of PAPER_FIELDS) {
    out[field] = paper[field];
    if (field === "abstract" && score !== undefined) out.score = Math.round(score * 1e4) / 1e4;
    // A hit found by a passage of its full text says where: {text, page, section}.
    if (field === "abstract" && paper.passage) out.passage = paper.passage;
  }
  return out;
}

/** The text a paper is searched by: title and abstract together, as BEIR/MTEB embed documents. */
export function documentText(paper: Pick<Paper, "title" | "abstract">): string {
  return paper.title ? `${paper.title} ${paper.abstract}` : paper.abstract;
}

/**
 * Changes exactly when the text a paper is embedded from changes (passages included): decides what
 * to re-embed. A paper without passages hashes as it always did, so no index re-embeds for them.
 */
export function contentHash(paper: Pick<Paper, "title" | "abstract" | "passages">): string {
  const hash = createHash("sha256").update(documentText(paper));
  for (const p of paper.passages ?? []) hash.update(`\n${p.page}-${p.lastPage}\t${p.section ?? ""}\t${p.text}`);
  return hash.digest("hex").slice(0, 16);
}

/** The text a passage is searched by: its section heading and its text. */
export function passageText(passage: Pick<Passage, "section" | "text">): string {
  return passage.section ? `${passage.section.replace(/^[\dIVX.]+\s+/, "")}. ${passage.text}` : passage.text;
}

/** Collapse runs of whitespace (including arXiv's hard line breaks) to single spaces. */
export function collapseWhitespace(text: string): string {
  // Same as replacing /\s+/ with " ", about twice as fast: single spaces are left alone.
  return text.replace(/ *[^\S ]\s*| {2,}/g, " ").trim();
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
 * A record or file that did not become (part of) a paper, or a paper whose text a later record
 * replaced. `line` is 1-based, null when the whole file is meant.
 */
export interface Skipped {
  file: string;
  line: number | null;
  reason: string;
  /**
   * "record": one record left out; "file": a whole file left out; "replaced": a later record with
   * the same id won; "repeated": a file or folder reached again (a symlink loop, a path named twice), read once;
   * "conflict": two files claim one id for different papers, and both were kept (the report names both);
   * "note": a file read, with something to say (GROBID failed on a PDF: its references are the built-in reader's).
   */
  kind: "record" | "file" | "replaced" | "repeated" | "conflict" | "note";
}

/** `file:line: reason`, or `file: reason` for a whole file. */
export function formatSkipped(skipped: Skipped): string {
  return `${skipped.file}${skipped.line === null ? "" : `:${skipped.line}`}: ${skipped.reason}`;
}

/** Short fixed-size key for a normalised abstract, so the merger does not hold every abstract twice. */
function textKey(displayAbstract: string): string {
  return createHash("sha1").update(displayAbstract.toLowerCase()).digest("base64");
}

/**
 * The merger's key for a paper id. Ids are case-insensitive, as the index stores them (`Paper-1`
 * and `paper-1` are one row there): two papers that differ only in case would overwrite each
 * other's record and leave a vector without a paper.
 */
function idKey(id: string): string {
  return `id:${id.toLowerCase()}`;
}

function sameTitle(a: string | null, b: string | null): boolean {
  return a === null || b === null || a.toLowerCase() === b.toLowerCase();
}

/** Two titles known and equal but for case, spacing and punctuation (a PDF's title against a catalogue's). */
function knownSameTitle(a: string | null, b: string | null): boolean {
  const plain = (title: string) => title.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
  return a !== null && b !== null && plain(a) === plain(b);
}

/**
 * Merges records into distinct papers one at a time, in first-seen order, so a reader can feed
 * it while streaming without keeping the records.
 *
 * - A record with the id (source id or arXiv id) of a paper seen before is that paper. If its
 *   text (abstract, or a title both give) differs, the later record wins: its text replaces the
 *   paper's and the replacement is reported in `replaced`.
 * - Otherwise a record whose normalised abstract matches a paper's is that paper, unless the two
 *   carry different arXiv ids, or different ids from the same file.
 * - An id a document claims for itself (a PDF's, `idFromDocument`) never takes over a paper of
 *   another file with a different title, nor is taken over by one: the document keeps its text
 *   under an id of its own (a hash of its abstract), and the clash is reported ("conflict").
 * - A merged paper keeps every source and the first non-empty value of each other field. Its id
 *   is the source's own id, else its arXiv id, else a hash of its abstract.
 */
export class PaperMerger {
  readonly papers: Paper[] = [];
  /** Papers whose text a later record with the same id replaced, one entry per replacement. */
  readonly replaced: Skipped[] = [];
  /** Everything to report, in order: each replacement (as in `replaced`) and each conflict. */
  readonly reports: Skipped[] = [];
  /** Records read, and how many of them joined a paper seen before. */
  records = 0;
  merged = 0;
  private readonly byKey = new Map<string, Paper>();
  /** Papers whose id came from their document's own text (a PDF), not from a catalogue. */
  private readonly documentIds = new Set<Paper>();
  private readonly textKeys = new Map<Paper, string>();
  private readonly textSources = new Map<Paper, Source>();
  private readonly hashIds = new Set<Paper>();

  add(given: PaperRecord): void {
    this.records++;
    let record = cleanPaper(given);
    if (record.sourceId !== null) record.sourceId = withoutNul(record.sourceId);
    const abstract = displayText(record.abstract);
    const title = record.title && displayText(record.title);
    const key = textKey(abstract);
    let byId =
      (record.sourceId !== null ? this.byKey.get(idKey(record.sourceId)) : undefined) ??
      (record.arxivId !== null ? this.byKey.get(`arxiv:${record.arxivId}`) : undefined);
    if (byId && this.conflicting(byId, record, key, title)) {
      this.reportConflict(byId, record);
      if (record.idFromDocument) record = { ...record, arxivId: null, idFromDocument: false };
      else this.detach(byId);
      byId = undefined;
    }
    // A PDF of a paper another file describes adds its passages; the catalogue's text stays.
    const pdfOfIt = byId !== undefined && record.idFromDocument === true && knownSameTitle(byId.title, title) && !byId.sources.some((source) => source.file === record.source.file);
    if (byId && !pdfOfIt && (this.textKeys.get(byId) !== key || !sameTitle(byId.title, title))) {
      this.replace(byId, record, abstract, title, key);
      return;
    }
    const sameText = byId ? undefined : this.byKey.get(key);
    const existing = byId ?? (sameText && !this.distinctIds(sameText, record) ? sameText : undefined);
    if (existing) {
      this.merged++;
      existing.title ??= title;
      this.fill(existing, record);
      existing.sources.push(record.source);
      return;
    }
    const paper: Paper = {
      id: record.sourceId ?? record.arxivId ?? abstractId(record.abstract),
      title,
      abstract,
      arxivId: record.arxivId,
      doi: record.doi,
      journalRef: record.journalRef,
      comments: [...record.comments],
      authors: [...record.authors],
      categories: [...record.categories],
      year: record.year,
      date: record.date,
      sources: [record.source],
      ...(record.passages && record.passages.length > 0 ? { passages: record.passages } : {}),
      ...(record.references && record.references.length > 0 ? { references: record.references } : {}),
    };
    this.papers.push(paper);
    if (record.sourceId === null && record.arxivId === null) this.hashIds.add(paper);
    if (record.sourceId === null && record.idFromDocument) this.documentIds.add(paper);
    this.byKey.set(idKey(paper.id), paper);
    this.setText(paper, key, record.source);
    if (record.arxivId !== null) this.byKey.set(`arxiv:${record.arxivId}`, paper);
  }

  /**
   * Records with the same text are still different papers when their arXiv ids differ, or when
   * one file gives them different ids (arXiv has a few papers submitted twice).
   */
  private distinctIds(paper: Paper, record: PaperRecord): boolean {
    if (record.arxivId !== null && paper.arxivId !== null && record.arxivId !== paper.arxivId) return true;
    return (
      record.sourceId !== null &&
      record.sourceId.toLowerCase() !== paper.id.toLowerCase() &&
      !this.hashIds.has(paper) &&
      paper.sources.some((source) => source.file === record.source.file)
    );
  }

  /**
   * A record and the paper its id names are different papers from different files, one of them
   * holding the id only because its document's text says so: different text and not the same title.
   */
  private conflicting(paper: Paper, record: PaperRecord, key: string, title: string | null): boolean {
    if (!record.idFromDocument && !this.documentIds.has(paper)) return false;
    if (this.textKeys.get(paper) === key || knownSameTitle(paper.title, title)) return false;
    return !paper.sources.some((source) => source.file === record.source.file);
  }

  private reportConflict(paper: Paper, record: PaperRecord): void {
    const held = this.textSources.get(paper) ?? paper.sources[0]!;
    const [document, other] = record.idFromDocument ? [record.source.file, `${held.file}:${held.line}`] : [held.file, `${record.source.file}:${record.source.line}`];
    const report: Skipped = {
      file: record.source.file,
      line: record.source.line,
      reason: `${document} names itself "${paper.id}", the id of a different paper in ${other} (another title and abstract): both are kept, ${document} under an id of its own`,
      kind: "conflict",
    };
    this.reports.push(report);
  }

  /** A document's paper gives up the id its text claimed: it is known by its abstract's hash instead. */
  private detach(paper: Paper): void {
    if (paper.arxivId !== null && this.byKey.get(`arxiv:${paper.arxivId}`) === paper) this.byKey.delete(`arxiv:${paper.arxivId}`);
    if (this.byKey.get(idKey(paper.id)) === paper) this.byKey.delete(idKey(paper.id));
    paper.arxivId = null;
    paper.id = abstractId(paper.abstract);
    this.byKey.set(idKey(paper.id), paper);
    this.hashIds.add(paper);
    this.documentIds.delete(paper);
  }

  /** Fills a paper's empty fields from a record, and takes over a better id. */
  private fill(paper: Paper, record: PaperRecord): void {
    paper.arxivId ??= record.arxivId;
    paper.doi ??= record.doi;
    paper.journalRef ??= record.journalRef;
    paper.year ??= record.year;
    paper.date ??= record.date;
    if (paper.authors.length === 0) paper.authors = [...record.authors];
    if (!paper.passages && record.passages && record.passages.length > 0) paper.passages = record.passages;
    if (!paper.references && record.references && record.references.length > 0) paper.references = record.references;
    for (const c of record.categories) if (!paper.categories.includes(c)) paper.categories.push(c);
    for (const c of record.comments) if (!paper.comments.includes(c)) paper.comments.push(c);
    if (record.arxivId !== null && !this.byKey.has(`arxiv:${record.arxivId}`)) this.byKey.set(`arxiv:${record.arxivId}`, paper);
    // A hash id gives way to a real one that a later record brings (unless another paper has it).
    const better = record.sourceId ?? record.arxivId;
    if (this.hashIds.has(paper) && better !== null && !this.byKey.has(idKey(better))) {
      this.byKey.delete(idKey(paper.id));
      paper.id = better;
      this.byKey.set(idKey(better), paper);
      this.hashIds.delete(paper);
    }
  }

  private replace(paper: Paper, record: PaperRecord, abstract: string, title: string | null, key: string): void {
    const previous = this.textSources.get(paper) ?? paper.sources[0]!;
    const report: Skipped = {
      file: record.source.file,
      line: record.source.line,
      reason: `same id "${paper.id}" as ${previous.file}:${previous.line} with different text: this later record replaces it`,
      kind: "replaced",
    };
    this.replaced.push(report);
    this.reports.push(report);
    // A catalogue's record replacing a document's paper makes the id the catalogue's.
    if (!record.idFromDocument) this.documentIds.delete(paper);
    paper.abstract = abstract;
    paper.title = title ?? paper.title;
    paper.arxivId = record.arxivId ?? paper.arxivId;
    paper.doi = record.doi ?? paper.doi;
    paper.journalRef = record.journalRef ?? paper.journalRef;
    paper.year = record.year ?? paper.year;
    paper.date = record.date ?? paper.date;
    if (record.authors.length > 0) paper.authors = [...record.authors];
    if (record.categories.length > 0) paper.categories = [...record.categories];
    if (record.comments.length > 0) paper.comments = [...record.comments];
    if (record.passages && record.passages.length > 0) paper.passages = record.passages;
    if (record.references && record.references.length > 0) paper.references = record.references;
    paper.sources.push(record.source);
    this.setText(paper, key, record.source);
  }

  private setText(paper: Paper, key: string, source: Source): void {
    const old = this.textKeys.get(paper);
    if (old !== undefined && this.byKey.get(old) === paper) this.byKey.delete(old);
    this.textKeys.set(paper, key);
    this.textSources.set(paper, source);
    if (!this.byKey.has(key)) this.byKey.set(key, paper);
  }
}

/**
 * Merge records into distinct papers, in first-seen order (see PaperMerger: same abstract or
 * same id is the same paper; with the same id and different text the later record wins).
 */
export function mergeRecords(records: Iterable<PaperRecord>): Paper[] {
  const merger = new PaperMerger();
  for (const record of records) merger.add(record);
  return merger.papers;
}
