/**
 * A generation's citation links (src/citations/links.ts), as every store keeps them: one JSON
 * artifact, a file of a folder generation (checksummed by its manifest, carried by likes commits)
 * or a row of a database's artifacts table, written in the same commit as the papers. A library
 * with no reference list has none.
 */
import { citationDataProblem, citationsChange, linkCitations, type CitationData, type LinkUpdate } from "../../citations/links.js";
import type { LinkTarget } from "../../citations/match.js";
import type { Paper } from "../../corpus/paper.js";
import { parseArtifact } from "./manifest.js";
import type { PaperChange } from "./paper-diff.js";

export const CITATIONS_ARTIFACT = "citations.json";

/** Stored links (any store's: `where` names it in errors), checked before use; null when there are none. */
export function parseCitations(data: Buffer | string | null, where: string): CitationData | null {
  return data === null ? null : parseArtifact<CitationData>(data, where, CITATIONS_ARTIFACT, citationDataProblem);
}

/** The links as stored: null when no paper has a reference list (no artifact is written then). */
export function serializeCitations(data: CitationData): Buffer | null {
  return data.papers.length === 0 ? null : Buffer.from(JSON.stringify(data));
}

/**
 * The links an update commits, worked out before its commit: `changed` is the store's paper diff,
 * `kept` the ids it leaves as stored, `catalog` every paper of the next generation (called only when
 * a new reference list is matched). `changed` false: the stored links stay as they are.
 */
export function nextCitations(
  previous: CitationData | null,
  papers: readonly Paper[],
  diff: { changed: readonly PaperChange[]; kept: readonly string[] },
  removed: readonly string[],
  catalog: () => Iterable<LinkTarget>,
): { data: CitationData; changed: boolean } {
  const kept = new Set(diff.kept.map((id) => id.toLowerCase()));
  const update: LinkUpdate = {
    previous,
    given: papers.filter((paper) => !kept.has(paper.id.toLowerCase())),
    written: diff.changed.map((change) => change.paper),
    removed,
  };
  if (!citationsChange(update) && update.written.length === 0) return { data: previous ?? { version: 1, papers: [] }, changed: false };
  return linkCitations(update, catalog);
}

/** The next generation's papers as match targets: the stored ones less the removed, with the written ones over them. */
export function* catalogOf(stored: Iterable<LinkTarget>, changed: readonly PaperChange[], removed: readonly string[]): Generator<LinkTarget> {
  const replaced = new Set([...changed.map((c) => c.paper.id.toLowerCase()), ...removed.map((id) => id.toLowerCase())]);
  for (const paper of stored) if (!replaced.has(paper.id.toLowerCase())) yield paper;
  for (const change of changed) yield change.paper;
}
