/**
 * GROBID's TEI for a reference list (what `/api/processReferences` answers) as references. Each
 * `<biblStruct>` of the `<listBibl>`: `<analytic>` holds the cited work's title (level "a") and
 * authors when it sits in a container; `<monogr>` holds the container (journal "j", proceedings or
 * book "m", series "s") or, alone, the work itself (its title level "m"); `<imprint><date when>` the
 * year; `<idno type="DOI">`, `<idno type="arXiv">`, `<ptr target>` the identifiers;
 * `<note type="raw_reference">` the text as printed (with includeRawCitations=1).
 * Format read from GROBID's documentation (Grobid-service.md, TEI-encoding-of-results.md) and its
 * TEI writer (BiblioItem.toTEI).
 */
import { XMLValidator } from "fast-xml-parser";
import { xmlParser } from "../xml.js";
import type { Reference } from "./reference.js";

type Node = string | { [name: string]: Node | Node[] | undefined };
type Element = { [name: string]: Node | Node[] | undefined };

const REPEATED = new Set(["biblStruct", "author", "title", "idno", "ptr", "forename", "note", "date", "persName", "listBibl", "div", "editor"]);

const parser = xmlParser(REPEATED);

/** Why a TEI answer cannot be read. */
export class TeiProblem extends Error {}

/** The references of a TEI document; throws TeiProblem for XML that does not parse or holds no TEI. */
export function teiReferences(xml: string): Reference[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new TeiProblem(`malformed TEI (line ${valid.err.line}: ${valid.err.msg})`);
  const doc = parser.parse(xml) as Element;
  if (!doc.TEI && !doc.teiCorpus && !doc.listBibl) throw new TeiProblem("not TEI: no <TEI> element");
  return biblStructs(doc).map(reference);
}

/** Every <biblStruct> under a <listBibl>, in document order (not the header's own). */
function biblStructs(node: Node | Node[] | undefined, inList = false): Element[] {
  if (node === undefined || typeof node === "string") return [];
  if (Array.isArray(node)) return node.flatMap((child) => biblStructs(child, inList));
  const out: Element[] = [];
  for (const [name, child] of Object.entries(node)) {
    if (name.startsWith("@_") || name === "#text" || name === "teiHeader") continue;
    if (name === "biblStruct" && inList) out.push(...list(child).filter(isElement));
    else out.push(...biblStructs(child, inList || name === "listBibl"));
  }
  return out;
}

function reference(bibl: Element): Reference {
  const analytic = element(bibl.analytic);
  const monogr = element(bibl.monogr);
  const titled = (part: Element, levels: string[]) => list(part.title).find((t) => levels.includes(attribute(t, "level") ?? "") && text(t) !== "");
  const hasAnalytic = bibl.analytic !== undefined && (titled(analytic, ["a"]) !== undefined || list(analytic.author).length > 0);
  const title = hasAnalytic ? titled(analytic, ["a"]) : titled(monogr, ["m", "a"]) ?? titled(monogr, ["j", "s"]);
  const venue = hasAnalytic ? (titled(monogr, ["j"]) ?? titled(monogr, ["m"]) ?? titled(monogr, ["s"])) : undefined;
  const authors = names(hasAnalytic ? analytic : monogr);
  const ids = [...list(bibl.idno), ...list(analytic.idno), ...list(monogr.idno)];
  const idOf = (type: string) => ids.find((id) => (attribute(id, "type") ?? "").toLowerCase() === type.toLowerCase());
  const raw = list(bibl.note).find((note) => attribute(note, "type") === "raw_reference");
  const rawText = raw ? text(raw) : [authors.join(", "), title && text(title), venue && text(venue)].filter(Boolean).join(". ");
  const doi = idOf("DOI");
  const arxiv = idOf("arXiv");
  const ptr = [...list(analytic.ptr), ...list(monogr.ptr), ...list(bibl.ptr)].map((p) => attribute(p, "target")).find((target) => target !== null);
  return {
    raw: rawText,
    label: /^\s*\[(\d{1,4})\]/.exec(rawText)?.[1] ?? null,
    authors,
    title: title ? text(title) || null : null,
    year: yearOf(monogr),
    venue: venue ? text(venue) || null : null,
    doi: doi ? text(doi).replace(/^https?:\/\/(dx\.)?doi\.org\//i, "").toLowerCase() || null : null,
    arxivId: arxiv ? text(arxiv).replace(/^arxiv:\s*/i, "").replace(/v\d+$/, "").toLowerCase() || null : null,
    url: ptr ?? null,
  };
}

/** "Forename Forename Surname" for each author (persName), in order. */
function names(part: Element): string[] {
  const out: string[] = [];
  for (const author of list(part.author)) {
    const person = element(list(element(author).persName)[0]);
    const given = list(person.forename).map(text).filter(Boolean);
    const name = [...given, text(person.surname)].filter(Boolean).join(" ");
    if (name) out.push(name);
  }
  return out;
}

function yearOf(monogr: Element): number | null {
  for (const date of list(element(monogr.imprint).date)) {
    const match = /^(\d{4})/.exec(attribute(date, "when") ?? "") ?? /\b(1[5-9]\d\d|20\d\d)\b/.exec(text(date));
    if (match) return Number(match[1]);
  }
  return null;
}

function list(node: Node | Node[] | undefined): Node[] {
  if (node === undefined) return [];
  return Array.isArray(node) ? node : [node];
}

function isElement(node: Node): node is Element {
  return typeof node === "object";
}

function element(node: Node | Node[] | undefined): Element {
  const first = Array.isArray(node) ? node[0] : node;
  return first !== undefined && typeof first === "object" ? first : {};
}

function attribute(node: Node, name: string): string | null {
  const value = typeof node === "object" ? node[`@_${name}`] : undefined;
  return typeof value === "string" ? value : null;
}

/** An element's text, its children's text included (a title may hold <hi> runs), whitespace collapsed. */
function text(node: Node | Node[] | undefined): string {
  if (node === undefined) return "";
  if (Array.isArray(node)) return node.map(text).join(" ").replace(/\s+/g, " ").trim();
  if (typeof node === "string") return node.replace(/\s+/g, " ").trim();
  return Object.entries(node)
    .filter(([name]) => !name.startsWith("@_"))
    .map(([, child]) => text(child))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
}
