import Database from "better-sqlite3";
import type { Paper } from "../corpus/paper.js";

interface Row {
  label: number;
  id: string;
  title: string | null;
  abstract: string;
  arxiv_id: string | null;
  doi: string | null;
  journal_ref: string | null;
  comments: string;
  sources: string;
}

/** The paper records of an index, in SQLite, keyed both by HNSW label and by paper id. */
export class PaperStore {
  private constructor(private readonly db: Database.Database) {}

  static create(path: string): PaperStore {
    const db = new Database(path);
    db.pragma("journal_mode = DELETE");
    db.exec(`CREATE TABLE papers (
      label INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE COLLATE NOCASE,
      title TEXT,
      abstract TEXT NOT NULL,
      arxiv_id TEXT,
      doi TEXT,
      journal_ref TEXT,
      comments TEXT NOT NULL,
      sources TEXT NOT NULL
    )`);
    return new PaperStore(db);
  }

  static open(path: string): PaperStore {
    return new PaperStore(new Database(path, { readonly: true, fileMustExist: true }));
  }

  insertAll(papers: readonly Paper[], firstLabel = 0): void {
    const insert = this.db.prepare(
      `INSERT INTO papers (label, id, title, abstract, arxiv_id, doi, journal_ref, comments, sources)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      papers.forEach((p, i) =>
        insert.run(
          firstLabel + i,
          p.id,
          p.title,
          p.abstract,
          p.arxivId,
          p.doi,
          p.journalRef,
          JSON.stringify(p.comments),
          JSON.stringify(p.sources),
        ),
      );
    })();
  }

  byLabel(label: number): Paper | undefined {
    const row = this.db.prepare("SELECT * FROM papers WHERE label = ?").get(label) as Row | undefined;
    return row && toPaper(row);
  }

  /** A paper and its label by id (case-insensitive). */
  byId(id: string): { label: number; paper: Paper } | undefined {
    const row = this.db.prepare("SELECT * FROM papers WHERE id = ?").get(id) as Row | undefined;
    return row && { label: row.label, paper: toPaper(row) };
  }

  all(): Paper[] {
    return (this.db.prepare("SELECT * FROM papers ORDER BY label").all() as Row[]).map(toPaper);
  }

  count(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM papers").get() as { n: number }).n;
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
    sources: JSON.parse(row.sources) as Paper["sources"],
  };
}
