import type Database from "better-sqlite3";
import { bm25TermScores, bm25TopK, lengthNorms, type Postings, type TermScore } from "../../ranking/bm25.js";
import type { Scored } from "../../ranking/fusion.js";
import { queryTerms, type AnalyzerOptions } from "../../ranking/analyzer.js";
import { PostingChanges, decodePostings, mergePostings, type TextChange } from "../shared/postings.js";

/** Pending postings are written out past this many, bounding memory while a large corpus is added. */
const FLUSH_AT = 1_000_000;

/**
 * The BM25 inverted index of a paper store, kept in its SQLite database: one row of postings per
 * term (labels as uint32, then counts as uint8) and each document's length.
 *
 * It replaces SQLite FTS5, which computes bm25() for every row that shares a word with the
 * question: 27 ms at p50 for the held-out titles over 73,728 arXiv abstracts, where a lexical
 * search over these postings takes 2.0 ms (lexical_query_p50_ms of bench/index-arxiv.mjs).
 */
export class LexicalIndex {
  /** Prepared on first use: a format 2 store has no such table until upgradeFromFormat2 makes it. */
  private getPostings: Database.Statement | undefined;
  /** Length norms by label and the document count, loaded by the first search after a change. */
  private stats: { norms: Float32Array; documents: number } | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly flushAt = FLUSH_AT,
    /** How the stored postings were analysed (see shared/manifest.ts usesCjkBigrams); writers always use the current analysis. */
    private readonly analysis: AnalyzerOptions = {},
  ) {}

  /** Drops every posting and length: for re-analysing all stored texts (an upgrade). */
  clear(): void {
    this.stats = undefined;
    this.db.exec("DELETE FROM lexical_postings; DELETE FROM lexical_lengths");
  }

  static createTables(db: Database.Database): void {
    db.exec(`CREATE TABLE lexical_postings (term TEXT PRIMARY KEY, postings BLOB NOT NULL);
      CREATE TABLE lexical_lengths (label INTEGER PRIMARY KEY, length INTEGER NOT NULL)`);
  }

  /**
   * Applies changed, added and removed documents; the caller runs it inside a transaction.
   * Changes are taken one at a time, so a caller can stream a whole corpus through.
   */
  apply(changes: Iterable<TextChange>): void {
    this.stats = undefined;
    const pending = new PostingChanges(this.analysis);
    for (const change of changes) {
      pending.add(change);
      if (pending.postings >= this.flushAt) this.flush(pending);
    }
    this.flush(pending);
  }

  private flush(pending: PostingChanges): void {
    const write = this.db.prepare("INSERT OR REPLACE INTO lexical_postings (term, postings) VALUES (?, ?)");
    const drop = this.db.prepare("DELETE FROM lexical_postings WHERE term = ?");
    const setLength = this.db.prepare("INSERT OR REPLACE INTO lexical_lengths (label, length) VALUES (?, ?)");
    const dropLength = this.db.prepare("DELETE FROM lexical_lengths WHERE label = ?");
    for (const [term, change] of pending.terms) {
      const blob = mergePostings(this.postings(term), change);
      if (blob) write.run(term, blob);
      else drop.run(term);
    }
    for (const [label, length] of pending.lengths) {
      if (length === null) dropLength.run(label);
      else setLength.run(label, length);
    }
    pending.clear();
  }

  /** The k documents that best match the words of a question by BM25; higher score is better. */
  search(question: string, k: number, allowed?: ReadonlySet<number>): Scored[] {
    const postings: Postings[] = [];
    for (const term of queryTerms(question, this.analysis)) {
      const found = this.postings(term);
      if (found) postings.push(found);
    }
    if (postings.length === 0) return [];
    const { norms, documents } = (this.stats ??= this.loadStats());
    return bm25TopK(postings, norms, documents, k, allowed);
  }

  /** How many documents each term occurs in, and how many documents there are: for tf-idf. */
  documentFrequencies(terms: Iterable<string>): { documents: number; frequencies: Map<string, number> } {
    const frequencies = new Map<string, number>();
    for (const term of terms) frequencies.set(term, this.postings(term)?.labels.length ?? 0);
    return { documents: (this.stats ??= this.loadStats()).documents, frequencies };
  }

  /** What each of a question's terms adds to one document's BM25 score (0 for terms it lacks). */
  termScores(question: string, label: number): TermScore[] {
    const terms = queryTerms(question);
    const { norms, documents } = (this.stats ??= this.loadStats());
    return bm25TermScores(
      terms.map((term) => ({ term, postings: this.postings(term) })),
      label,
      norms,
      documents,
    );
  }

  private postings(term: string): Postings | undefined {
    this.getPostings ??= this.db.prepare("SELECT postings FROM lexical_postings WHERE term = ?").pluck();
    const blob = this.getPostings.get(term) as Buffer | undefined;
    return blob && decodePostings(blob);
  }

  private loadStats(): { norms: Float32Array; documents: number } {
    const rows = this.db.prepare("SELECT label, length FROM lexical_lengths").raw().all() as [number, number][];
    const size = rows.reduce((max, [label]) => Math.max(max, label + 1), 0);
    const lengths = new Uint32Array(size);
    let total = 0;
    for (const [label, length] of rows) {
      lengths[label] = length;
      total += length;
    }
    return { norms: lengthNorms(lengths, rows.length, total), documents: rows.length };
  }
}
