/**
 * A search in one statement, so one round trip and one snapshot: the library's facts, the dense
 * hits from the papers' HNSW graph, the BM25 postings of the question's terms, and the papers of
 * the first dense hits (the likely answers), as one row. For a search over papers alone with no
 * filter; everything else is read in a snapshot of several statements (reader.ts).
 */
import type { Paper } from "../../corpus/paper.js";
import type { Postings } from "../../ranking/bm25.js";
import { toPaper, type PaperRow } from "../shared/paper-row.js";
import { decodePostings } from "../shared/postings.js";
import { paperSelect, sortHits } from "./sql.js";
import type { Scored } from "../../ranking/fusion.js";
import { vectorLiteral } from "./vectors.js";

export interface SearchStatementRequest {
  vector?: Float32Array;
  /** The question's distinct terms, when lexical hits are wanted. */
  terms?: readonly string[];
  depth: number;
  prefetch: number;
}

export interface SearchRow {
  generation: string;
  model_key: string;
  dense_labels?: number[] | null;
  dense_scores?: number[] | null;
  papers?: PaperRow[] | null;
  terms?: string[] | null;
  lengths?: number[] | null;
  postings?: Buffer | null;
}

export interface SearchStatementAnswer {
  generation: number;
  modelKey: string;
  dense: Scored[];
  /** Postings by term, for the terms the library holds. */
  postings: Map<string, Postings>;
  /** The papers of the first `prefetch` dense hits, by label. */
  papers: Map<number, Paper>;
}

/**
 * The statement and its parameters. Depth and prefetch are written into the text (a plan per
 * depth, as pgvector's graph scan is chosen for a LIMIT it can see); the vector and the terms are
 * parameters. `dated`: whether the papers table has its date column (see paperSelect).
 */
export function searchStatement(s: string, request: SearchStatementRequest, dated: boolean): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const ctes = [`f AS (SELECT generation, model_key FROM ${s}.facts)`];
  const columns = ["f.generation", "f.model_key"];
  const from = ["f"];
  if (request.vector) {
    values.push(vectorLiteral(request.vector));
    ctes.push(`d AS MATERIALIZED (SELECT label, 1 - (embedding <=> $1::vector) AS score FROM ${s}.papers ORDER BY embedding <=> $1::vector LIMIT ${Math.trunc(request.depth)})`);
    from.push("LATERAL (SELECT array_agg(label ORDER BY label) AS dense_labels, array_agg(score ORDER BY label) AS dense_scores FROM d) dd");
    columns.push("dd.dense_labels", "dd.dense_scores");
    if (request.prefetch > 0) {
      columns.push(
        `(SELECT json_agg(p) FROM (SELECT ${paperSelect(dated)} FROM ${s}.papers WHERE label IN (SELECT label FROM d ORDER BY score DESC, label LIMIT ${Math.trunc(request.prefetch)})) p) AS papers`,
      );
    }
  }
  if (request.terms) {
    values.push(request.terms);
    // The postings as one bytea with each term's length beside it: a bytea[] comes back as text
    // that node-postgres parses a character at a time (milliseconds for common terms at 75,000
    // papers), one bytea as hex that Buffer decodes at once.
    from.push(
      `LATERAL (SELECT array_agg(term ORDER BY term) AS terms, array_agg(length(postings) ORDER BY term) AS lengths, string_agg(postings, ''::bytea ORDER BY term) AS postings FROM ${s}.postings WHERE term = ANY($${values.length}::text[])) t`,
    );
    columns.push("t.terms", "t.lengths", "t.postings");
  }
  return { text: `WITH ${ctes.join(", ")} SELECT ${columns.join(", ")} FROM ${from.join(", ")}`, values };
}

/** The statement's one row read back; null when the library has no facts (it is gone). */
export function readSearchRow(row: SearchRow | undefined): SearchStatementAnswer | null {
  if (!row) return null;
  const labels = row.dense_labels ?? [];
  const scores = row.dense_scores ?? [];
  const terms = row.terms ?? [];
  const lengths = row.lengths ?? [];
  const blobs: Buffer[] = [];
  for (let i = 0, at = 0; i < lengths.length; at += lengths[i]!, i++) blobs.push(row.postings!.subarray(at, at + lengths[i]!));
  return {
    generation: Number(row.generation),
    modelKey: row.model_key,
    dense: sortHits(labels.map((label, i) => ({ label, score: scores[i]! }))),
    postings: new Map(terms.map((term, i) => [term, decodePostings(blobs[i]!)])),
    papers: new Map((row.papers ?? []).map((paper) => [paper.label, toPaper(paper)])),
  };
}
