import Database from "better-sqlite3";
import { contentHash, documentText, passageText, type Paper } from "../../corpus/paper.js";
import type { Passage } from "../../corpus/passages.js";
import type { PaperFilter } from "../../ranking/filter.js";
import type { TermScore } from "../../ranking/bm25.js";
import type { Scored } from "../../ranking/fusion.js";
import type { AnalyzerOptions } from "../../ranking/analyzer.js";
import { PAPER_COLUMNS, toPaper, type PaperRow } from "../shared/paper-row.js";
import type { TextChange } from "../shared/postings.js";
import { LexicalIndex } from "./lexical-index.js";
import { PaperFacets, hasDateColumn } from "./paper-facets.js";

/** What an index holds for one paper id, enough to tell whether it must be embedded again. */
export interface StoredEntry {
  label: number;
  hash: string;
}

/**
 * The paper table of a folder generation: its paper records in SQLite, keyed both by HNSW label and by paper id, with a
 * BM25 inverted index (Porter stemming) over title and abstract.
 */
export class PaperTable {
  private readonly byLabelStatement: Database.Statement;
  private readonly byIdStatement: Database.Statement;
  private readonly lexical: LexicalIndex;
  private facets: PaperFacets | undefined;
  /** Paper label by passage label; empty for an abstract-only index (which then searches as before). */
  private owners: Map<number, number> | undefined;

  private constructor(
    private readonly db: Database.Database,
    analysis: AnalyzerOptions = {},
  ) {
    this.byLabelStatement = db.prepare("SELECT * FROM papers WHERE label = ?");
    this.byIdStatement = db.prepare("SELECT * FROM papers WHERE id = ?");
    this.lexical = new LexicalIndex(db, undefined, analysis);
  }

  static create(path: string): PaperTable {
    const db = new Database(path);
    db.pragma("journal_mode = DELETE");
    db.exec(`CREATE TABLE papers (
      label INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE COLLATE NOCASE,
      content_hash TEXT NOT NULL,
      title TEXT,
      abstract TEXT NOT NULL,
      arxiv_id TEXT,
      doi TEXT,
      journal_ref TEXT,
      comments TEXT NOT NULL,
      authors TEXT NOT NULL,
      categories TEXT NOT NULL,
      year INTEGER,
      sources TEXT NOT NULL,
      date TEXT
    )`);
    createSearchStructures(db);
    return new PaperTable(db);
  }

  /** Opens a store to read; `analysis` says how its postings were made (an older format's questions are analysed the same way). */
  static open(path: string, analysis: AnalyzerOptions = {}): PaperTable {
    return new PaperTable(new Database(path, { readonly: true, fileMustExist: true }), analysis);
  }

  /** Opens a copy of a store for changes (the copy becomes the next index generation). */
  static openWritable(path: string): PaperTable {
    const db = new Database(path, { fileMustExist: true });
    ensureDateColumn(db);
    return new PaperTable(db);
  }

  /**
   * Replaces a paper's passages with new ones at the given labels (none: the paper loses them),
   * BM25 entries included; returns the labels of the passages it had, whose vectors must go.
   */
  replacePassages(paperLabel: number, passages: readonly { label: number; passage: Passage }[]): number[] {
    if (passages.length === 0 && !hasPassagesTable(this.db)) return [];
    ensurePassagesTable(this.db);
    const old = this.passageLabels(paperLabel);
    const insert = this.db.prepare("INSERT INTO passages (label, paper_label, text, page, last_page, section) VALUES (?, ?, ?, ?, ?, ?)");
    this.owners = undefined;
    this.db.transaction(() => {
      this.lexical.apply([
        ...old.map((label) => ({ label, before: this.passageTextOf(label) })),
        ...passages.map(({ label, passage }) => ({ label, after: passageText(passage) })),
      ]);
      this.db.prepare("DELETE FROM passages WHERE paper_label = ?").run(paperLabel);
      for (const { label, passage: p } of passages) insert.run(label, paperLabel, p.text, p.page, p.lastPage, p.section);
    })();
    return old;
  }

  /**
   * replacePassages for many papers at once, in one transaction and one pass over the BM25
   * postings: a term's postings are rewritten once, not once per paper (which made indexing a
   * library of PDFs quadratic in its size). Returns the labels of the passages they had.
   */
  replacePassagesOf(papers: readonly { paperLabel: number; passages: readonly { label: number; passage: Passage }[] }[]): number[] {
    if (papers.every((p) => p.passages.length === 0) && !hasPassagesTable(this.db)) return [];
    ensurePassagesTable(this.db);
    const old = papers.map((p) => this.passageLabels(p.paperLabel));
    const insert = this.db.prepare("INSERT INTO passages (label, paper_label, text, page, last_page, section) VALUES (?, ?, ?, ?, ?, ?)");
    const drop = this.db.prepare("DELETE FROM passages WHERE paper_label = ?");
    this.owners = undefined;
    this.db.transaction(() => {
      this.lexical.apply([
        ...old.flat().map((label) => ({ label, before: this.passageTextOf(label) })),
        ...papers.flatMap((p) => p.passages.map(({ label, passage }) => ({ label, after: passageText(passage) }))),
      ]);
      for (const { paperLabel, passages } of papers) {
        drop.run(paperLabel);
        for (const { label, passage: p } of passages) insert.run(label, paperLabel, p.text, p.page, p.lastPage, p.section);
      }
    })();
    return old.flat();
  }

  /** The labels of a paper's passages. */
  passageLabels(paperLabel: number): number[] {
    if (!hasPassagesTable(this.db)) return [];
    return this.db.prepare("SELECT label FROM passages WHERE paper_label = ? ORDER BY label").pluck().all(paperLabel) as number[];
  }

  /** A passage by its label, with its paper's label. */
  passage(label: number): (Passage & { paperLabel: number }) | undefined {
    if (!hasPassagesTable(this.db)) return undefined;
    const row = this.db.prepare("SELECT paper_label, text, page, last_page, section FROM passages WHERE label = ?").get(label) as
      | { paper_label: number; text: string; page: number; last_page: number; section: string | null }
      | undefined;
    return row && { paperLabel: row.paper_label, text: row.text, page: row.page, lastPage: row.last_page, section: row.section };
  }

  /** Paper label by passage label, loaded once (empty when the index has no passages). */
  passageOwners(): ReadonlyMap<number, number> {
    if (!this.owners) {
      const rows = hasPassagesTable(this.db) ? (this.db.prepare("SELECT label, paper_label FROM passages").raw().all() as [number, number][]) : [];
      this.owners = new Map(rows);
    }
    return this.owners;
  }

  /** How many passages the index holds. */
  passageCount(): number {
    return this.passageOwners().size;
  }

  private passageTextOf(label: number): string | undefined {
    const passage = this.passage(label);
    return passage && passageText(passage);
  }

  /** Inserts or replaces papers at the given labels, with their full-text entries. */
  upsert(entries: readonly { label: number; paper: Paper }[]): void {
    const write = this.db.prepare(
      `INSERT OR REPLACE INTO papers (${PAPER_COLUMNS.join(", ")}) VALUES (${PAPER_COLUMNS.map(() => "?").join(", ")})`,
    );
    this.facets = undefined;
    this.db.transaction(() => {
      this.lexical.apply(this.textChanges(entries));
      for (const { label, paper: p } of entries) {
        write.run(
          label, p.id, contentHash(p), p.title, p.abstract, p.arxivId, p.doi, p.journalRef,
          JSON.stringify(p.comments), JSON.stringify(p.authors), JSON.stringify(p.categories), p.year,
          JSON.stringify(p.sources), p.date ?? null,
        );
      }
    })();
  }

  /** Removes papers and their passages; returns the passages' labels, whose vectors must go too. */
  remove(labels: readonly number[]): number[] {
    const passages = this.replacePassagesOf(labels.map((paperLabel) => ({ paperLabel, passages: [] })));
    this.removePapers(labels);
    return passages;
  }

  private removePapers(labels: readonly number[]): void {
    const drop = this.db.prepare("DELETE FROM papers WHERE label = ?");
    this.facets = undefined;
    this.db.transaction(() => {
      this.lexical.apply(labels.map((label) => ({ label, before: this.textOf(label) })));
      for (const label of labels) drop.run(label);
    })();
  }

  /**
   * Moves a store written by format 2, whose full text was an FTS5 table, to the BM25 index (and
   * adds the facets index): the papers stay as they are, so an upgrade embeds nothing.
   */
  upgradeFromFormat2(): void {
    this.db.transaction(() => {
      this.db.exec("DROP TABLE IF EXISTS papers_fts");
      createSearchStructures(this.db);
      this.lexical.apply(this.storedTexts());
    })();
  }

  /**
   * Re-analyses every stored text into new postings: a format 3 store, whose postings kept a run
   * of CJK characters as one term, gets the bigrams of format 4. Nothing is embedded again.
   */
  reanalyse(): void {
    this.db.transaction(() => {
      this.lexical.clear();
      this.lexical.apply(this.storedTexts());
    })();
  }

  /** Each entry's text before and after; read as the lexical index asks, not all at once. */
  private *textChanges(entries: readonly { label: number; paper: Paper }[]): Generator<TextChange> {
    for (const { label, paper } of entries) yield { label, before: this.textOf(label), after: documentText(paper) };
  }

  /** Every stored paper's text, page by page, so a large corpus is never all in memory. */
  private *storedTexts(): Generator<TextChange> {
    const page = this.db.prepare("SELECT label, title, abstract FROM papers WHERE label > ? ORDER BY label LIMIT 2000");
    for (let rows: PaperRow[], last = -1; (rows = page.all(last) as PaperRow[]).length > 0; last = rows.at(-1)!.label) {
      for (const row of rows) yield { label: row.label, after: documentText(row) };
    }
  }

  private textOf(label: number): string | undefined {
    const paper = this.byLabel(label);
    return paper && documentText(paper);
  }

  /** Every paper's label and content hash, by lower-cased id. */
  entries(): Map<string, StoredEntry> {
    const rows = this.db.prepare("SELECT id, label, content_hash AS hash FROM papers").all() as (StoredEntry & { id: string })[];
    return new Map(rows.map(({ id, label, hash }) => [id.toLowerCase(), { label, hash }]));
  }

  /** One past the highest label in use by a paper or a passage: where new ones go. */
  nextLabel(): number {
    const papers = (this.db.prepare("SELECT max(label) AS m FROM papers").get() as { m: number | null }).m ?? -1;
    const passages = hasPassagesTable(this.db) ? ((this.db.prepare("SELECT max(label) AS m FROM passages").get() as { m: number | null }).m ?? -1) : -1;
    return Math.max(papers, passages) + 1;
  }

  /** Every label with a vector: papers and passages. */
  liveLabels(): number[] {
    return [...[...this.entries().values()].map((e) => e.label), ...this.passageOwners().keys()];
  }

  byLabel(label: number): Paper | undefined {
    const row = this.byLabelStatement.get(label) as PaperRow | undefined;
    return row && toPaper(row);
  }

  /** A paper and its label by id (case-insensitive). */
  byId(id: string): { label: number; paper: Paper } | undefined {
    const row = this.byIdStatement.get(id) as PaperRow | undefined;
    return row && { label: row.label, paper: toPaper(row) };
  }

  all(): Paper[] {
    return (this.db.prepare("SELECT * FROM papers ORDER BY label").all() as PaperRow[]).map(toPaper);
  }

  /** The n newest distinct paper dates, at most `until`, newest first (none in a table without dates). */
  newestDates(n: number, until: string | undefined): string[] {
    if (!hasDateColumn(this.db)) return [];
    const rows = this.db.prepare("SELECT DISTINCT date FROM papers WHERE date IS NOT NULL AND date <= ? ORDER BY date DESC LIMIT ?").raw().all(until ?? "9999-12-31", n);
    return (rows as [string][]).map(([date]) => date);
  }

  /** Papers `offset` to `offset + limit` in the order `all()` gives them (index order). */
  page(offset: number, limit: number): Paper[] {
    return (this.db.prepare("SELECT * FROM papers ORDER BY label LIMIT ? OFFSET ?").all(limit, offset) as PaperRow[]).map(toPaper);
  }

  count(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM papers").get() as { n: number }).n;
  }

  /** Labels of the papers a filter lets through, and of their passages. */
  matchingLabels(filter: PaperFilter): number[] {
    const papers = (this.facets ??= new PaperFacets(this.db)).matching(filter);
    const owners = this.passageOwners();
    if (owners.size === 0) return papers;
    const allowed = new Set(papers);
    for (const [label, owner] of owners) if (allowed.has(owner)) papers.push(label);
    return papers;
  }

  /** The k papers that best match the words of a question by BM25 (among `allowed`); higher is better. */
  lexicalSearch(question: string, k: number, allowed?: ReadonlySet<number>): Scored[] {
    return this.lexical.search(question, k, allowed);
  }

  /** Document frequencies of terms and the document count (see LexicalIndex). */
  documentFrequencies(terms: Iterable<string>): { documents: number; frequencies: Map<string, number> } {
    return this.lexical.documentFrequencies(terms);
  }

  /** Each question term's part of one paper's BM25 score. */
  termScores(question: string, label: number): TermScore[] {
    return this.lexical.termScores(question, label);
  }

  /** Closes the database; closing again does nothing. */
  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Passages are rows of their own, labelled from the papers' label space (one HNSW graph, one BM25 index). */
function ensurePassagesTable(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS passages (
    label INTEGER PRIMARY KEY,
    paper_label INTEGER NOT NULL,
    text TEXT NOT NULL,
    page INTEGER NOT NULL,
    last_page INTEGER NOT NULL,
    section TEXT
  );
  CREATE INDEX IF NOT EXISTS passages_paper ON passages (paper_label)`);
}

/** Format 3 stores, and stores opened read-only before any PDF was indexed, have no passages table. */
function hasPassagesTable(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'passages'").get() !== undefined;
}

/** The BM25 tables, and indexes holding what filters read, so loading facets skips the abstracts. */
function createSearchStructures(db: Database.Database): void {
  LexicalIndex.createTables(db);
  db.exec("CREATE INDEX papers_facets ON papers (year, categories, authors)");
  db.exec("CREATE INDEX IF NOT EXISTS papers_dates ON papers (date)");
}

/**
 * A store written before papers had dates gets the column (null for every paper it holds, until
 * the next run reads their dates) and its index, in the generation being written; the generations
 * before stay as they were, and read every date as null.
 */
function ensureDateColumn(db: Database.Database): void {
  if (hasDateColumn(db)) return;
  db.exec("ALTER TABLE papers ADD COLUMN date TEXT; CREATE INDEX IF NOT EXISTS papers_dates ON papers (date)");
}
