import { MAX_ID_LENGTH, type PaperRecord, type Skipped } from "./paper.js";

/** What a format reader produces, in input order: records, and records it had to leave out. */
export type ReadEvent = { type: "record"; record: PaperRecord } | { type: "skipped"; skipped: Skipped };

/**
 * The longest abstract read, in characters: a real one is under 2,000 (arXiv's limit is 1,920).
 * Anything near this is a whole book or a file read wrongly, and would cost its size many times
 * over in memory and time at every later step, while the model reads only its first few hundred
 * words: it is skipped and reported instead.
 */
export const MAX_ABSTRACT_CHARS = 1_000_000;

/** Why an abstract is too long to read, or null when it is not. */
export function tooLong(abstract: string): string | null {
  if (abstract.length <= MAX_ABSTRACT_CHARS) return null;
  return `abstract of ${abstract.length.toLocaleString("en-US")} characters, over the limit of ${MAX_ABSTRACT_CHARS.toLocaleString("en-US")}: is this a whole document, or a file read wrongly?`;
}

/** Why a record's id cannot be an id (the HTTP API could not fetch it), or null when it can. */
export function badId(record: PaperRecord): string | null {
  const id = record.sourceId ?? record.arxivId;
  if (id === null || id.length <= MAX_ID_LENGTH) return null;
  return `id of ${id.length.toLocaleString("en-US")} characters, over the limit of ${MAX_ID_LENGTH}: give the record a shorter id`;
}

/** A record, or its skip when its abstract is too long or its id cannot be fetched. */
export function recordEvent(record: PaperRecord): ReadEvent {
  const why = tooLong(record.abstract) ?? badId(record);
  return why === null ? { type: "record", record } : skippedRecord(record.source.file, record.source.line, why);
}

/** One record (at a line) left out, with why. */
export function skippedRecord(file: string, line: number, reason: string): ReadEvent {
  return { type: "skipped", skipped: { file, line, reason, kind: "record" } };
}

/** A file read, with something to say about how. */
export function noteEvent(file: string, reason: string): ReadEvent {
  return { type: "skipped", skipped: { file, line: null, reason, kind: "note" } };
}

/** A whole file (or the rest of it from a line on) left out, with why. */
export function skippedFile(file: string, line: number | null, reason: string): ReadEvent {
  return { type: "skipped", skipped: { file, line, reason, kind: "file" } };
}
