/**
 * One OAI-PMH ListRecords response in arXiv's `arXiv` metadata format, read into records,
 * deleted records, the resumption token, or the OAI-PMH error it carries.
 */
import { PapersError } from "../errors.js";
import { collapseWhitespace } from "../corpus/paper.js";
import { authorName, bareArxivId, categoryList, dayOf, type ArxivRecord, type DeletedRecord } from "./record.js";
import { attributeOf, listOf, objectOf, optionalText, parseXml, textOf, type XmlNode } from "./xml.js";

export interface OaiListPage {
  kind: "page";
  records: ArxivRecord[];
  deleted: DeletedRecord[];
  /** The token for the next request; null when the list is complete (no token, or an empty one). */
  token: string | null;
  /** From the token's attributes when the server gives them (arXiv's 2025 service does not). */
  cursor: number | null;
  completeListSize: number | null;
  expires: string | null;
}

/** An OAI-PMH error response: `noRecordsMatch`, `badResumptionToken`, `badArgument`, ... */
export interface OaiErrorResponse {
  kind: "error";
  code: string;
  message: string;
}

/** Reads a ListRecords response; throws ARXIV_BAD_RESPONSE when it is not a whole OAI-PMH document. */
export function parseListRecords(text: string, request: string): OaiListPage | OaiErrorResponse {
  const doc = parseXml(text, request);
  const root = doc["OAI-PMH"];
  if (root === undefined || typeof root !== "object" || Array.isArray(root)) {
    throw new PapersError("ARXIV_BAD_RESPONSE", `${request} did not answer with an OAI-PMH document: check that the endpoint is an OAI-PMH base URL`);
  }
  const errors = listOf(root.error);
  if (errors.length > 0) {
    return { kind: "error", code: attributeOf(errors[0], "code") ?? "unknown", message: collapseWhitespace(errors.map((e) => textOf(e)).join("; ")) };
  }
  if (root.ListRecords === undefined) {
    throw new PapersError("ARXIV_BAD_RESPONSE", `${request} answered without a ListRecords element or an error: check that the endpoint is an OAI-PMH base URL`);
  }
  const list = objectOf(root.ListRecords);
  const records: ArxivRecord[] = [];
  const deleted: DeletedRecord[] = [];
  for (const node of listOf(list.record)) {
    const record = objectOf(node);
    const header = record.header;
    const identifier = textOf(objectOf(header).identifier);
    const datestamp = dayOf(textOf(objectOf(header).datestamp));
    if (datestamp === null) throw badRecord(request, identifier, "its header has no datestamp");
    if (attributeOf(header, "status") === "deleted") {
      const id = bareArxivId(identifier);
      if (id === null) throw badRecord(request, identifier, "it is not an arXiv identifier");
      deleted.push({ id, datestamp });
      continue;
    }
    const metadata = objectOf(record.metadata).arXiv;
    if (metadata === undefined) throw badRecord(request, identifier, "it has no arXiv metadata: ask for metadataPrefix=arXiv");
    const sets = listOf(objectOf(header).setSpec).map((s) => textOf(s));
    records.push(arxivMetadata(metadata, identifier, datestamp, sets, request));
  }
  const tokenNode = list.resumptionToken;
  const token = optionalText(tokenNode);
  const number = (name: string): number | null => {
    const value = attributeOf(tokenNode, name);
    return value !== null && /^\d+$/.test(value) ? Number(value) : null;
  };
  return {
    kind: "page",
    records,
    deleted,
    token,
    cursor: number("cursor"),
    completeListSize: number("completeListSize"),
    expires: attributeOf(tokenNode, "expires") ?? attributeOf(tokenNode, "expirationDate"),
  };
}

function arxivMetadata(node: XmlNode | XmlNode[], identifier: string, datestamp: string, sets: string[], request: string): ArxivRecord {
  const meta = objectOf(node);
  const rawId = textOf(meta.id);
  const id = bareArxivId(rawId) ?? bareArxivId(identifier);
  if (id === null) throw badRecord(request, identifier, `its id "${rawId}" is not an arXiv id`);
  const field = (name: string): string | null => cleanText(meta[name]);
  const authors = listOf(objectOf(meta.authors).author).map((a) => {
    const parts = objectOf(a);
    const name = { keyname: cleanText(parts.keyname), forenames: cleanText(parts.forenames), suffix: cleanText(parts.suffix) };
    return { name: authorName(name), ...name };
  });
  return {
    id,
    version: null,
    datestamp,
    sets,
    created: dayOf(textOf(meta.created)),
    updated: dayOf(textOf(meta.updated)),
    authors,
    title: collapseWhitespace(textOf(meta.title)),
    abstract: collapseWhitespace(textOf(meta.abstract)),
    categories: categoryList(textOf(meta.categories)),
    comments: field("comments"),
    journalRef: field("journal-ref"),
    doi: field("doi"),
    license: field("license"),
    reportNo: field("report-no"),
    mscClass: field("msc-class"),
    acmClass: field("acm-class"),
  };
}

/** The element's text with whitespace collapsed, or null when empty. */
function cleanText(node: XmlNode | XmlNode[] | undefined): string | null {
  const value = optionalText(node);
  return value === null ? null : collapseWhitespace(value);
}

function badRecord(request: string, identifier: string, why: string): PapersError {
  return new PapersError("ARXIV_BAD_RESPONSE", `record "${identifier}" from ${request} cannot be read: ${why}; nothing from this response was used`);
}
