/**
 * XML reading for the arXiv clients, with fast-xml-parser: a page is validated whole before any of
 * it is used, so a truncated or broken page is an error and never half a page.
 */
import { XMLValidator } from "fast-xml-parser";
import { xmlParser } from "../corpus/xml.js";
import { PapersError } from "../errors.js";

/** A parsed element: text, or an object of children and `@_` attributes (`#text` for its text). */
export type XmlNode = string | { [name: string]: XmlNode | XmlNode[] | undefined };

// Elements that may repeat are always arrays, so one record, author or category reads like many.
const REPEATED = new Set(["record", "setSpec", "author", "entry", "category", "link", "error"]);

const parser = xmlParser(REPEATED);

/** Parses a whole document, or throws ARXIV_BAD_RESPONSE naming the request and the fault's place. */
export function parseXml(text: string, request: string): Record<string, XmlNode> {
  // The validator is deprecated in fast-xml-parser 5 in favour of a separate package, but still
  // ships and is maintained with it; it is what rejects a page cut short.
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new PapersError(
      "ARXIV_BAD_RESPONSE",
      `malformed XML from ${request} (line ${line}, column ${col}: ${msg}); nothing from this response was used. Run again later; if it persists, check the endpoint`,
    );
  }
  return parser.parse(text) as Record<string, XmlNode>;
}

/** The element's text ("" for an empty or missing element). */
export function textOf(node: XmlNode | XmlNode[] | undefined): string {
  if (node === undefined) return "";
  if (Array.isArray(node)) return textOf(node[0]);
  if (typeof node === "string") return node;
  return textOf(node["#text"]);
}

/** The element's text, or null when it is missing or empty. */
export function optionalText(node: XmlNode | XmlNode[] | undefined): string | null {
  const text = textOf(node).trim();
  return text === "" ? null : text;
}

/** The element as an object (attributes and children), {} for text or a missing element. */
export function objectOf(node: XmlNode | XmlNode[] | undefined): { [name: string]: XmlNode | XmlNode[] | undefined } {
  if (Array.isArray(node)) return objectOf(node[0]);
  return node !== undefined && typeof node === "object" ? node : {};
}

/** The repeated children of an element, as a list. */
export function listOf(node: XmlNode | XmlNode[] | undefined): XmlNode[] {
  if (node === undefined) return [];
  return Array.isArray(node) ? node : [node];
}

/** An attribute's value, or null. */
export function attributeOf(node: XmlNode | XmlNode[] | undefined, name: string): string | null {
  const value = objectOf(node)[`@_${name}`];
  return typeof value === "string" ? value : null;
}
