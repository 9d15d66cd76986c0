import { readFileSync } from "node:fs";
import { join } from "node:path";
import { newPaper, type Paper } from "../corpus/paper.js";
import { PapersError } from "../errors.js";
import type { Judgments } from "./metrics.js";

/** A retrieval benchmark in BEIR layout: corpus.jsonl, queries.jsonl, qrels/<split>.tsv. */
export interface BeirDataset {
  papers: Paper[];
  /** Query id → text, for the queries judged in the split. */
  queries: Map<string, string>;
  qrels: Map<string, Map<string, number>>;
}

export function readBeir(dir: string, split: string): BeirDataset {
  const corpusFile = join(dir, "corpus.jsonl");
  const papers = readJsonl(corpusFile).map(({ value, line }) => {
    const doc = value as { _id?: unknown; title?: unknown; text?: unknown };
    if (typeof doc._id !== "string" || typeof doc.text !== "string") {
      throw new PapersError("UNRECOGNISED_FORMAT", `${corpusFile}:${line}: a corpus line needs string "_id" and "text"`);
    }
    const title = typeof doc.title === "string" && doc.title.trim() ? doc.title.trim() : null;
    const paper = newPaper({ id: doc._id, title, abstract: doc.text, sources: [{ file: corpusFile, line }] });
    return paper;
  });

  const qrelsFile = join(dir, "qrels", `${split}.tsv`);
  const qrels = new Map<string, Map<string, number>>();
  readText(qrelsFile)
    .split(/\r?\n/)
    .forEach((row, i) => {
      const [query, doc, grade] = row.split("\t");
      if (i === 0 || !row.trim() || query === undefined || doc === undefined) return; // header, blank lines
      const judged = qrels.get(query) ?? new Map<string, number>();
      judged.set(doc, Number(grade ?? 1));
      qrels.set(query, judged);
    });

  const queriesFile = join(dir, "queries.jsonl");
  const queries = new Map<string, string>();
  for (const { value } of readJsonl(queriesFile)) {
    const q = value as { _id?: unknown; text?: unknown };
    if (typeof q._id === "string" && typeof q.text === "string" && qrels.has(q._id)) queries.set(q._id, q.text);
  }
  const missing = [...qrels.keys()].filter((id) => !queries.has(id));
  if (missing.length > 0) {
    throw new PapersError("UNRECOGNISED_FORMAT", `${queriesFile} lacks ${missing.length} judged queries (first: ${missing[0]})`);
  }
  return { papers, queries, qrels };
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    throw new PapersError("UNREADABLE_FILE", `cannot read ${file}: a BEIR folder has corpus.jsonl, queries.jsonl and qrels/<split>.tsv`);
  }
}

function readJsonl(file: string): { value: unknown; line: number }[] {
  return readText(file)
    .split("\n")
    .flatMap((text, i) => {
      if (!text.trim()) return [];
      try {
        return [{ value: JSON.parse(text) as unknown, line: i + 1 }];
      } catch {
        throw new PapersError("UNRECOGNISED_FORMAT", `${file}:${i + 1}: not valid JSON`);
      }
    });
}
