/**
 * What an update changes, the same in every store: each paper compared with what is stored under
 * its id (content hash for the text, the other fields as JSON), and the texts to embed.
 */
import { createHash } from "node:crypto";
import { PAPER_FIELDS, contentHash, documentText, passageText, type Paper } from "../../corpus/paper.js";
import type { Passage } from "../../corpus/passages.js";

/** A paper to write: new, re-embedded (its text changed), or with only other fields changed. */
export interface PaperChange {
  label: number;
  paper: Paper;
  hash: string;
  embed: boolean;
  /** The stored text it replaces, when the store keeps it (for BM25 postings to drop). */
  before?: string;
}

/**
 * What an update changes, by comparing each paper with what is stored under its id (content hash
 * for the text, the other fields as JSON); new papers get labels from `nextLabel` on. A stored
 * paper `keepStored` picks is left as it is, and the given paper's id listed in `kept`.
 */
export function diffPapers(
  papers: readonly Paper[],
  stored: ReadonlyMap<string, { label: number; hash: string; json: string; text?: string; paper?: Paper }>,
  nextLabel: number,
  keepStored?: (stored: Paper, given: Paper) => boolean,
): { changed: PaperChange[]; added: number; updated: number; unchanged: number; refreshed: number; kept: string[]; nextLabel: number } {
  const changed: PaperChange[] = [];
  const kept: string[] = [];
  let added = 0;
  let updated = 0;
  let unchanged = 0;
  let refreshed = 0;
  for (const paper of papers) {
    const hash = contentHash(paper);
    const entry = stored.get(paper.id.toLowerCase());
    if (entry && keepStored?.(entry.paper ?? storedFields(entry.json), paper)) {
      kept.push(paper.id);
    } else if (!entry) {
      added++;
      changed.push({ label: nextLabel++, paper, hash, embed: true });
    } else if (entry.hash !== hash) {
      updated++;
      changed.push({ label: entry.label, paper, hash, embed: true, before: entry.text });
    } else {
      unchanged++;
      if (entry.json !== paperFieldsJson(paper)) {
        refreshed++;
        changed.push({ label: entry.label, paper, hash, embed: false, before: entry.text });
      }
    }
  }
  return { changed, added, updated, unchanged, refreshed, kept, nextLabel };
}

/** A stored paper's fields back from their paperFieldsJson (passages left out). */
function storedFields(json: string): Paper {
  const values = JSON.parse(json) as unknown[];
  return Object.fromEntries(PAPER_FIELDS.map((field, i) => [field, values[i]])) as unknown as Paper;
}

/**
 * What an update embeds: the texts of re-embedded papers and of their passages, by hash. A
 * re-embedded paper's passages are all replaced: new labels from `nextLabel` on, new vectors (the
 * store deletes the old ones).
 */
export function toEmbed(changed: readonly PaperChange[], nextLabel: number): {
  passages: { paperLabel: number; passages: { label: number; passage: Passage; hash: string }[] }[];
  texts: Map<string, string>;
} {
  const passages = changed.filter((c) => c.embed).map((c) => ({
    paperLabel: c.label,
    passages: (c.paper.passages ?? []).map((passage) => ({ label: nextLabel++, passage, hash: passageHash(passage) })),
  }));
  const texts = new Map<string, string>();
  for (const c of changed) if (c.embed) texts.set(c.hash, documentText(c.paper));
  for (const p of passages) for (const { hash, passage } of p.passages) texts.set(hash, passageText(passage));
  return { passages, texts };
}

/**
 * A paper's stored fields as JSON, in PAPER_FIELDS order whatever order its object has: what tells
 * whether to rewrite it (passages count in its hash instead). A field a store did not keep (the date
 * of an index written before papers had dates) reads as null, so a paper with no date is unchanged.
 */
export function paperFieldsJson(paper: Paper): string {
  return JSON.stringify(PAPER_FIELDS.map((field) => paper[field] ?? null));
}

/** A passage's key in the checkpoint: its text, section and pages. */
export function passageHash(passage: Passage): string {
  return "p" + createHash("sha256").update(`${passage.page}-${passage.lastPage}\t${passageText(passage)}`).digest("hex").slice(0, 16);
}


/**
 * Which stored papers an update removes (see UpdateOptions.removeIf): those `removeIf` picks,
 * never one of the papers the update writes.
 */
export function removalTest(papers: readonly Paper[], removeIf: ((paper: Paper) => boolean) | undefined): (paper: Paper) => boolean {
  if (!removeIf) return () => false;
  const written = new Set(papers.map((paper) => paper.id.toLowerCase()));
  return (paper) => !written.has(paper.id.toLowerCase()) && removeIf(paper);
}
