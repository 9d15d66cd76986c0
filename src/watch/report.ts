/** What one batch of watch did: its JSON line (--json) and its line on stderr. */
import type { IndexSummary, ZoteroSummary } from "../papers.js";

export type BatchSource = "folders" | "zotero";

export interface BatchReport {
  /** 1, 2, … in this process; batch 1 is the catch-up at startup. */
  batch: number;
  source: BatchSource;
  /** ISO time the batch started. */
  startedAt: string;
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  /** Files opened and read, and files passed over because their stamp had not changed (folders; absent before the stamps). */
  filesRead?: number;
  filesUnchanged?: number;
  /** Files and records left out (a broken PDF, a bad line): named on stderr. */
  skipped: number;
  /** Papers in the index after the batch. */
  papers: number;
  /** Whether papers were added, updated or removed (a batch that only saved files' stamps changed none). */
  changed: boolean;
  seconds: number;
  /** Set when the batch failed: it is tried again. */
  error?: string;
}

/** The counters a summary of indexPapers or indexZotero gives, as a report. */
export function reportOf(
  batch: number,
  source: BatchSource,
  startedAt: Date,
  summary: IndexSummary & Partial<Pick<ZoteroSummary, "zotero">> & { filesRead?: number; filesUnchanged?: number; pruned?: number },
  seconds: number,
): BatchReport {
  // Pruned papers leave in the same update: counted in `removed` (or only in `pruned`, by an older summary).
  const removed = Math.max(summary.removed, summary.pruned ?? 0);
  const changed = summary.added + summary.updated + removed + (summary.refreshed ?? 0);
  return {
    batch,
    source,
    startedAt: startedAt.toISOString(),
    added: summary.added,
    updated: summary.updated,
    removed,
    unchanged: summary.unchanged,
    // Files count for folders; a Zotero library is one database, read by its items' versions.
    ...(source === "folders" && summary.filesRead !== undefined ? { filesRead: summary.filesRead } : {}),
    ...(source === "folders" && summary.filesUnchanged !== undefined ? { filesUnchanged: summary.filesUnchanged } : {}),
    skipped: summary.skipped.filter((s) => s.kind === "file" || s.kind === "record").length,
    papers: summary.manifest.count,
    changed: changed > 0,
    seconds: Math.round(seconds * 1000) / 1000,
  };
}

/** `papers: watch: folders: 2 added, 1 updated, 1 removed (3 files read, 40 unchanged) in 0.41 s; 312 papers` */
export function formatReport(report: BatchReport): string {
  const head = `papers: watch: ${report.source}`;
  if (report.error !== undefined) return `${head}: batch failed after ${report.seconds.toFixed(2)} s: ${report.error}`;
  const changes = [
    report.added ? `${report.added} added` : "",
    report.updated ? `${report.updated} updated` : "",
    report.removed ? `${report.removed} removed` : "",
  ].filter(Boolean);
  const files =
    report.filesRead !== undefined ? ` (${report.filesRead} ${report.filesRead === 1 ? "file" : "files"} read, ${report.filesUnchanged ?? 0} unchanged)` : "";
  const skipped = report.skipped ? `, ${report.skipped} skipped` : "";
  return `${head}: ${changes.length > 0 ? changes.join(", ") : "no change"}${files}${skipped} in ${report.seconds.toFixed(2)} s; ${report.papers} papers`;
}
