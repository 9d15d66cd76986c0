/**
 * Single papers by id from the arXiv API (an Atom feed; https://info.arxiv.org/help/api/user-manual.html),
 * for `papers fetch arxiv --id`: same pace and errors as the harvester.
 */
import { PapersError } from "../errors.js";
import { collapseWhitespace } from "../corpus/paper.js";
import { PoliteFetch, type PoliteOptions } from "./polite-fetch.js";
import { authorName, bareArxivId, categoryList, dayOf, versionOf, type ArxivRecord } from "./record.js";
import { attributeOf, listOf, objectOf, optionalText, parseXml, textOf, type XmlNode } from "./xml.js";

/** The arXiv API's query URL (user manual, 3.1). */
export const ARXIV_API_ENDPOINT = "https://export.arxiv.org/api/query";

export interface LookupOptions extends PoliteOptions {
  /** The API's query URL; default ARXIV_API_ENDPOINT. */
  api?: string;
  /** Ids asked per request. */
  batch?: number;
}

export interface LookupResult {
  records: ArxivRecord[];
  /** Ids asked for that the API did not return. */
  missing: string[];
  requests: number;
}

/** The papers with these ids (any version given is dropped: the API answers with the latest). */
export async function lookupArxiv(ids: readonly string[], options: LookupOptions = {}): Promise<LookupResult> {
  const bare: string[] = [];
  for (const id of ids) {
    const b = bareArxivId(id);
    if (b === null) throw new PapersError("BAD_OPTION", `--id ${id}: not an arXiv id (like 2404.09336 or hep-th/9901001)`);
    if (!bare.includes(b)) bare.push(b);
  }
  const client = new PoliteFetch(options);
  const batch = Math.max(1, options.batch ?? 50);
  const records: ArxivRecord[] = [];
  for (let i = 0; i < bare.length; i += batch) {
    const chunk = bare.slice(i, i + batch);
    const url = new URL(options.api ?? ARXIV_API_ENDPOINT);
    url.searchParams.set("id_list", chunk.join(","));
    url.searchParams.set("max_results", String(chunk.length));
    const request = url.href;
    const progress = () => ({ datestamp: null, token: null, records: records.length });
    const response = await client.get(request, progress);
    const feed = client.read(() => parseAtomFeed(response.text, request), request, progress);
    if (response.status !== 200) throw client.fail("ARXIV_BAD_RESPONSE", `${request} answered HTTP ${response.status}: check --api`, request, progress);
    records.push(...feed);
  }
  const found = new Set(records.map((r) => r.id));
  return { records, missing: bare.filter((id) => !found.has(id)), requests: client.requests };
}

/**
 * The entries of an arXiv API Atom feed as records. An API error (an entry whose id is under
 * http://arxiv.org/api/errors) is ARXIV_REFUSED; a document that is not an Atom feed is
 * ARXIV_BAD_RESPONSE.
 */
export function parseAtomFeed(text: string, request: string): ArxivRecord[] {
  const doc = parseXml(text, request);
  const feed = doc.feed;
  if (feed === undefined || typeof feed !== "object" || Array.isArray(feed)) {
    throw new PapersError("ARXIV_BAD_RESPONSE", `${request} did not answer with an Atom feed: check that --api is the arXiv API's query URL`);
  }
  const records: ArxivRecord[] = [];
  for (const node of listOf(feed.entry)) {
    const entry = objectOf(node);
    const entryId = textOf(entry.id);
    if (/\/api\/errors/.test(entryId)) {
      // An empty entry there is how the API has said "no results"; one with a text is an error.
      const message = collapseWhitespace(textOf(entry.summary));
      if (message === "" && optionalText(entry.title) === null) continue;
      throw new PapersError("ARXIV_REFUSED", `${request} was refused: ${message || "an API error"}: check the ids`);
    }
    // An id the API does not have may come back as an entry with no id or title: not a paper.
    const id = bareArxivId(entryId);
    if (id === null || optionalText(entry.title) === null) continue;
    records.push(atomEntry(entry, id, entryId));
  }
  return records;
}

function atomEntry(entry: { [name: string]: XmlNode | XmlNode[] | undefined }, id: string, entryId: string): ArxivRecord {
  const text = (node: XmlNode | XmlNode[] | undefined) => {
    const value = optionalText(node);
    return value === null ? null : collapseWhitespace(value);
  };
  const created = dayOf(textOf(entry.published));
  const updated = dayOf(textOf(entry.updated));
  const terms = listOf(entry.category).map((c) => attributeOf(c, "term") ?? "");
  return {
    id,
    version: versionOf(entryId),
    datestamp: null,
    sets: [],
    created,
    updated: updated === created ? null : updated,
    authors: listOf(entry.author).map((a) => {
      const name = collapseWhitespace(textOf(objectOf(a).name));
      return { name: authorName({ keyname: name, forenames: null, suffix: null }), keyname: null, forenames: null, suffix: null };
    }),
    title: collapseWhitespace(textOf(entry.title)),
    abstract: collapseWhitespace(textOf(entry.summary)),
    categories: categoryList(terms.join(" "), attributeOf(entry.primary_category, "term")),
    comments: text(entry.comment),
    journalRef: text(entry.journal_ref),
    doi: text(entry.doi),
    license: null,
    reportNo: null,
    mscClass: null,
    acmClass: null,
  };
}
