import Database from "better-sqlite3";
import { contentHash, documentText, type Paper } from "../corpus/paper.js";
import { filterSql, type PaperFilter } from "../search/filter.js";
import type { Scored } from "../search/fusion.js";
import { lexicalMatch } from "../search/lexical-query.js";

interface Row {
  label: number;
  id: string;
  content_hash: string;
  title: string | null;
  abstract: string;
  arxiv_id: string | null;
  doi: string | null;
  journal_ref: string | null;
  comments: string;
  authors: string;
  categories: string;
  year: number | null;
  sources: string;
}

const COLUMNS = [
  "label", "id", "content_hash", "title", "abstract", "arxiv_id", "doi", "journal_ref",
  "comments", "authors", "categories", "year", "sources",
] as const;

/** What an index holds for one paper id, enough to tell whether it must be embedded again. */
export interface StoredEntry {
  label: number;
  hash: string;
}

/**
 * The paper records of an index, in SQLite, keyed both by HNSW label and by paper id, with an
 * FTS5 full-text index (Porter stemming, BM25 ranking) over title and abstract.
 */
export class PaperStore {
  private readonly byLabelStatement: Database.Statement;
  private readonly byIdStatement: Database.Statement;

  private constructor(private readonly db: Database.Database) {
    this.byLabelStatement = db.prepare("SELECT * FROM papers WHERE label = ?");
    this.byIdStatement = db.prepare("SELECT * FROM papers WHERE id = ?");
  }

  static create(path: string): PaperStore {
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
      sources TEXT NOT NULL
    )`);
    // Contentless: the text already lives in the papers table; FTS5 keeps only its inverted index.
    db.exec(`CREATE VIRTUAL TABLE papers_fts USING fts5(
      text, content='', contentless_delete=1, tokenize='porter unicode61 remove_diacritics 2'
    )`);
    return new PaperStore(db);
  }

  static open(path: string): PaperStore {
    return new PaperStore(new Database(path, { readonly: true, fileMustExist: true }));
  }

  /** Opens a copy of a store for changes (the copy becomes the next index generation). */
  static openWritable(path: string): PaperStore {
    return new PaperStore(new Database(path, { fileMustExist: true }));
  }

  /** Inserts or replaces papers at the given labels, with their full-text entries. */
  upsert(entries: readonly { label: number; paper: Paper }[]): void {
    const write = this.db.prepare(
      `INSERT OR REPLACE INTO papers (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map(() => "?").join(", ")})`,
    );
    const dropText = this.db.prepare("DELETE FROM papers_fts WHERE rowid = ?");
    const writeText = this.db.prepare("INSERT INTO papers_fts (rowid, text) VALUES (?, ?)");
    this.db.transaction(() => {
      for (const { label, paper: p } of entries) {
        dropText.run(label);
        writeText.run(label, documentText(p));
        write.run(
          label, p.id, contentHash(p), p.title, p.abstract, p.arxivId, p.doi, p.journalRef,
          JSON.stringify(p.comments), JSON.stringify(p.authors), JSON.stringify(p.categories), p.year,
          JSON.stringify(p.sources),
        );
      }
    })();
  }

  remove(labels: readonly number[]): void {
    const drop = this.db.prepare("DELETE FROM papers WHERE label = ?");
    const dropText = this.db.prepare("DELETE FROM papers_fts WHERE rowid = ?");
    this.db.transaction(() => {
      for (const label of labels) {
        drop.run(label);
        dropText.run(label);
      }
    })();
  }

  /** Every paper's label and content hash, by lower-cased id. */
  entries(): Map<string, StoredEntry> {
    const rows = this.db.prepare("SELECT id, label, content_hash AS hash FROM papers").all() as (StoredEntry & { id: string })[];
    return new Map(rows.map(({ id, label, hash }) => [id.toLowerCase(), { label, hash }]));
  }

  /** One past the highest label in use: where new papers go. */
  nextLabel(): number {
    return ((this.db.prepare("SELECT max(label) AS m FROM papers").get() as { m: number | null }).m ?? -1) + 1;
  }

  byLabel(label: number): Paper | undefined {
    const row = this.byLabelStatement.get(label) as Row | undefined;
    return row && toPaper(row);
  }

  /** A paper and its label by id (case-insensitive). */
  byId(id: string): { label: number; paper: Paper } | undefined {
    const row = this.byIdStatement.get(id) as Row | undefined;
    return row && { label: row.label, paper: toPaper(row) };
  }

  all(): Paper[] {
    return (this.db.prepare("SELECT * FROM papers ORDER BY label").all() as Row[]).map(toPaper);
  }

  count(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM papers").get() as { n: number }).n;
  }

  /** Labels of the papers a filter lets through. */
  matchingLabels(filter: PaperFilter): number[] {
    const { where, params } = filterSql(filter);
    return (this.db.prepare(`SELECT label FROM papers WHERE ${where}`).all(...params) as { label: number }[]).map((r) => r.label);
  }

  /** The k papers that best match the words of a question by BM25; higher score is better. */
  lexicalSearch(question: string, k: number, filter?: PaperFilter): Scored[] {
    const match = lexicalMatch(question);
    if (match === null) return [];
    const { where, params } = filter ? filterSql(filter) : { where: "1", params: [] };
    const sql = filter
      ? `SELECT papers_fts.rowid AS label, bm25(papers_fts) AS rank FROM papers_fts JOIN papers ON papers.label = papers_fts.rowid
         WHERE papers_fts MATCH ? AND ${where} ORDER BY rank LIMIT ?`
      : "SELECT rowid AS label, bm25(papers_fts) AS rank FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rank LIMIT ?";
    const rows = this.db.prepare(sql).all(match, ...params, k) as { label: number; rank: number }[];
    // SQLite's bm25() is negated so that smaller sorts first.
    return rows.map(({ label, rank }) => ({ label, score: -rank }));
  }

  close(): void {
    this.db.close();
  }
}

function toPaper(row: Row): Paper {
  return {
    id: row.id,
    title: row.title,
    abstract: row.abstract,
    arxivId: row.arxiv_id,
    doi: row.doi,
    journalRef: row.journal_ref,
    comments: JSON.parse(row.comments) as string[],
    authors: JSON.parse(row.authors) as string[],
    categories: JSON.parse(row.categories) as string[],
    year: row.year,
    sources: JSON.parse(row.sources) as Paper["sources"],
  };
}
