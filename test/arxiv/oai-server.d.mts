// Types for oai-server.mjs (plain JavaScript so the bench can run it on Node 20).

/** A record of the shared arXiv listings, with the optional fields generated records also have. */
export interface Listing {
  id: string;
  title: string;
  authors: string[];
  categories: string[];
  summary: string;
  /** The listing day: served as the OAI datestamp and, unless `created` is given, the created date. */
  date: string;
  created?: string;
  updated?: string;
  comments?: string;
  journalRef?: string;
  doi?: string;
  license?: string;
}

export type FaultKind = "503" | "429" | "badResumptionToken" | "noRecordsMatch" | "drop" | "malformed" | "reset";

export interface Fault {
  /** The request number (every request counts, from 1), or a test of it and the URL. */
  on: number | ((n: number, url: string) => boolean);
  kind: FaultKind;
  /** For 503 and 429: the Retry-After in seconds (default 1). */
  retryAfter?: number;
}

export interface LoggedRequest {
  n: number;
  url: string;
  /** Date.now() when the request arrived. */
  at: number;
  kind: "ok" | FaultKind;
}

export interface OaiServer {
  /** The OAI-PMH base URL. */
  endpoint: string;
  /** The Atom API query URL. */
  api: string;
  log: LoggedRequest[];
  /** Live: faults pushed here apply to later requests. */
  faults: Fault[];
  /** Serves these records (and marks these ids deleted) from the next request on. */
  setRecords(records: Listing[], deleted?: string[]): void;
  close(): Promise<void>;
}

export const LISTINGS: string | null;
export function loadListings(file?: string, options?: { limit?: number; from?: string | null; until?: string | null }): Promise<Listing[]>;
export function generateListings(n: number, options?: { start?: string; perDay?: number }): Listing[];
export function setSpec(category: string): string;
export function splitName(name: string): { keyname: string; forenames: string | null; suffix: string | null };
export function xmlEscape(text: string): string;
export function startOaiServer(options: { records: Listing[]; pageSize?: number; deleted?: string[]; faults?: Fault[] }): Promise<OaiServer>;
