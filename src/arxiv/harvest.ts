/**
 * OAI-PMH ListRecords harvesting of arXiv metadata, page by page: the caller commits a page only
 * when it is handed over, and saves `page.datestamp` as where the next run continues.
 */
import { PapersError } from "../errors.js";
import { parseListRecords, type OaiErrorResponse, type OaiListPage } from "./oai-page.js";
import { PoliteFetch, type PoliteOptions } from "./polite-fetch.js";
import type { ArxivRecord, DeletedRecord } from "./record.js";

/** arXiv's OAI-PMH base URL since the 2025 rewrite (https://info.arxiv.org/help/oa/index.html). */
export const ARXIV_OAI_ENDPOINT = "https://oaipmh.arxiv.org/oai";

export interface HarvestOptions extends PoliteOptions {
  /** OAI-PMH base URL; default ARXIV_OAI_ENDPOINT. */
  endpoint?: string;
  /** An OAI set: `cs`, `cs:cs:CL`, `math`, `physics:hep-th`; all of arXiv when absent. */
  set?: string | null;
  /** First datestamp, inclusive, YYYY-MM-DD (arXiv's granularity is the day). */
  from?: string | null;
  /** Last datestamp, inclusive, YYYY-MM-DD. */
  until?: string | null;
  /** How many times a badResumptionToken restarts the list from the last datestamp, in a row. */
  maxRestarts?: number;
}

export interface HarvestPage {
  records: ArxivRecord[];
  deleted: DeletedRecord[];
  /**
   * The highest datestamp handed over so far, this page included (null until one is): once this
   * page is committed, a later run continues `from` it (inclusive, so a few records come again).
   */
  datestamp: string | null;
  /** The resumption token for the next page; null on the last page. */
  token: string | null;
  /** The request this page answers. */
  request: string;
  /** Requests sent so far, retries and restarts included. */
  requests: number;
  /** From the token when the server gives them; arXiv's 2025 service gives neither. */
  cursor: number | null;
  completeListSize: number | null;
  /** This page follows a restart after badResumptionToken. */
  restarted: boolean;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The pages of a ListRecords harvest (metadataPrefix=arXiv), following resumptionToken to the end.
 *
 * - noRecordsMatch is nothing new: no page, no error.
 * - badResumptionToken restarts the list `from` the last datestamp handed over (arXiv sorts by
 *   datestamp); records of that day already handed over are not handed over again.
 * - Malformed XML, a dropped connection or a server that keeps failing end the harvest with a
 *   coded ArxivError that says how far it got; a page is handed over only when it is whole.
 */
export async function* harvest(options: HarvestOptions = {}): AsyncGenerator<HarvestPage, void, undefined> {
  const endpoint = options.endpoint ?? ARXIV_OAI_ENDPOINT;
  checkWindow(options);
  const client = new PoliteFetch(options);
  const maxRestarts = options.maxRestarts ?? 3;
  let datestamp: string | null = null;
  // Ids handed over at `datestamp`: after a restart from that day they are not handed over again.
  let idsAtDatestamp = new Set<string>();
  let handedOver = 0;
  let token: string | null = null;
  let restarts = 0;
  let restarted = false;

  for (;;) {
    const request: string = token === null ? listUrl(endpoint, { set: options.set, from: datestamp ?? options.from, until: options.until }) : tokenUrl(endpoint, token);
    const progress = () => ({ datestamp, token, records: handedOver });
    const response = await client.get(request, progress);
    if (!response.contentType.includes("xml") && !response.text.trimStart().startsWith("<")) {
      throw client.fail("ARXIV_BAD_RESPONSE", `${request} answered HTTP ${response.status} with ${response.contentType || "no content type"}, not XML: check the endpoint`, request, progress);
    }
    const page: OaiListPage | OaiErrorResponse = client.read(() => parseListRecords(response.text, request), request, progress);
    if (page.kind === "error") {
      if (page.code === "noRecordsMatch") return;
      if (page.code === "badResumptionToken" && token !== null && restarts < maxRestarts) {
        restarts++;
        restarted = true;
        token = null;
        continue;
      }
      throw client.fail("ARXIV_REFUSED", refusal(page, request), request, progress);
    }
    if (response.status !== 200) {
      throw client.fail("ARXIV_BAD_RESPONSE", `${request} answered HTTP ${response.status}: check the endpoint`, request, progress);
    }
    const fresh = (id: string, day: string) => !(day === datestamp && idsAtDatestamp.has(id));
    const records = page.records.filter((r) => fresh(r.id, r.datestamp!));
    const deleted = page.deleted.filter((d) => fresh(d.id, d.datestamp));
    for (const item of [...records.map((r) => ({ id: r.id, day: r.datestamp! })), ...deleted.map((d) => ({ id: d.id, day: d.datestamp }))]) {
      if (datestamp === null || item.day > datestamp) {
        datestamp = item.day;
        idsAtDatestamp = new Set();
      }
      if (item.day === datestamp) idsAtDatestamp.add(item.id);
    }
    handedOver += records.length + deleted.length;
    if (records.length + deleted.length > 0) restarts = 0;
    token = page.token;
    yield { records, deleted, datestamp, token, request, requests: client.requests, cursor: page.cursor, completeListSize: page.completeListSize, restarted };
    restarted = false;
    if (token === null) return;
  }
}

/** A harvest's window, checked before anything is sent: days as YYYY-MM-DD, `from` not after `until`. */
export function checkWindow(options: { from?: string | null; until?: string | null }): void {
  for (const [name, value] of [["from", options.from], ["until", options.until]] as const) {
    if (value != null && !DAY.test(value)) throw new PapersError("BAD_OPTION", `--${name} ${value}: give a day as YYYY-MM-DD (arXiv's datestamps are days)`);
  }
  if (options.from != null && options.until != null && options.from > options.until) {
    throw new PapersError("BAD_OPTION", `--from ${options.from} is after --until ${options.until}`);
  }
}

/** The first request of a list. */
export function listUrl(endpoint: string, query: { set?: string | null; from?: string | null; until?: string | null }): string {
  const url = new URL(endpoint);
  url.searchParams.set("verb", "ListRecords");
  url.searchParams.set("metadataPrefix", "arXiv");
  if (query.from) url.searchParams.set("from", query.from);
  if (query.until) url.searchParams.set("until", query.until);
  if (query.set) url.searchParams.set("set", query.set);
  return url.href;
}

/** A follow-up request: the resumption token is exclusive (OAI-PMH 2.0, 4.5). */
export function tokenUrl(endpoint: string, token: string): string {
  const url = new URL(endpoint);
  url.searchParams.set("verb", "ListRecords");
  url.searchParams.set("resumptionToken", token);
  return url.href;
}

const HINTS: Record<string, string> = {
  badArgument: "check --set (e.g. cs or cs:cs:CL), --from and --until (YYYY-MM-DD)",
  badResumptionToken: "the server kept refusing its own resumption tokens; run again later",
  cannotDisseminateFormat: "the endpoint does not serve arXiv's `arXiv` metadata format: check --endpoint",
  noSetHierarchy: "the endpoint has no sets: leave out --set",
  badVerb: "the endpoint does not take ListRecords: check --endpoint",
};

function refusal(error: OaiErrorResponse, request: string): string {
  const hint = HINTS[error.code] ?? "check the options and the endpoint";
  return `${request} was refused: ${error.code}${error.message ? ` (${error.message})` : ""}: ${hint}`;
}
