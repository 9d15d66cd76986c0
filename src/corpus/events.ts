import type { PaperRecord, Skipped } from "./paper.js";

/** What a format reader produces, in input order: records, and records it had to leave out. */
export type ReadEvent = { type: "record"; record: PaperRecord } | { type: "skipped"; skipped: Skipped };

export function recordEvent(record: PaperRecord): ReadEvent {
  return { type: "record", record };
}

/** One record (at a line) left out, with why. */
export function skippedRecord(file: string, line: number, reason: string): ReadEvent {
  return { type: "skipped", skipped: { file, line, reason, kind: "record" } };
}

/** A whole file (or the rest of it from a line on) left out, with why. */
export function skippedFile(file: string, line: number | null, reason: string): ReadEvent {
  return { type: "skipped", skipped: { file, line, reason, kind: "file" } };
}
