/**
 * Field names of structured records (JSON objects, CSV rows), found automatically, and how each
 * value becomes a PaperRecord field. The arXiv metadata snapshot (`authors_parsed`, `versions`,
 * `update_date`, space-separated `categories`) is read through the same table.
 */
import { PapersError } from "../errors.js";
import { parseDay } from "./dates.js";
import { resolveAccents } from "./latex.js";
import { collapseWhitespace, type PaperRecord, type Source } from "./paper.js";

/** The record fields a source field can be mapped to, with `--field NAME=SOURCE_FIELD`. */
export const FIELD_NAMES = ["id", "arxivId", "title", "abstract", "authors", "categories", "year", "date", "doi", "journalRef", "comments"] as const;
export type FieldName = (typeof FIELD_NAMES)[number];

/** Canonical name → the source field to read it from, overriding the automatic choice. */
export type FieldMap = Partial<Record<FieldName, string>>;

/** Source field names tried for each field, in order (then the same names in any letter case). */
export const FIELD_CANDIDATES: Record<FieldName, readonly string[]> = {
  id: ["id", "_id", "arxiv_id", "arxivId", "paper_id", "paperId", "doc_id"],
  arxivId: ["arxiv_id", "arxivId", "arxiv", "eprint"],
  title: ["title"],
  abstract: ["abstract", "summary", "text"],
  authors: ["authors_parsed", "authors", "author"],
  categories: ["categories", "category", "primary_category"],
  year: ["year", "date", "versions", "published", "publication_date", "update_date"],
  // A day: arXiv's first version (the snapshot's versions[0]), never its last update.
  date: ["date", "published", "publication_date", "versions"],
  doi: ["doi"],
  journalRef: ["journal-ref", "journal_ref", "journalRef", "journal", "venue"],
  comments: ["comments", "comment"],
};

/** Other spellings accepted on the left of `--field`. */
const NAME_ALIASES: Record<string, FieldName> = {
  arxiv: "arxivId",
  arxiv_id: "arxivId",
  "arxiv-id": "arxivId",
  arxivid: "arxivId",
  published: "date",
  "journal-ref": "journalRef",
  journal_ref: "journalRef",
  journalref: "journalRef",
  journal: "journalRef",
  author: "authors",
  category: "categories",
  comment: "comments",
  summary: "abstract",
};

/** Checks a field map (from the API) and returns it with canonical names. */
export function normaliseFields(fields: Readonly<Record<string, string>> = {}): FieldMap {
  const out: FieldMap = {};
  for (const [name, source] of Object.entries(fields)) {
    const canonical = canonicalName(name);
    if (!canonical) {
      throw new PapersError("BAD_OPTION", `unknown field "${name}" in --field: use one of ${FIELD_NAMES.join(", ")}`);
    }
    if (source.trim() === "") throw new PapersError("BAD_OPTION", `--field ${name}= needs a source field name after "="`);
    out[canonical] = source.trim();
  }
  return out;
}

/** Reads `--field` values such as `abstract=summary` into a field map. */
export function parseFieldOptions(values: readonly string[]): FieldMap {
  const fields: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf("=");
    if (eq <= 0) throw new PapersError("BAD_OPTION", `--field ${value}: expected NAME=SOURCE_FIELD, e.g. abstract=summary`);
    fields[value.slice(0, eq).trim()] = value.slice(eq + 1);
  }
  return normaliseFields(fields);
}

function canonicalName(name: string): FieldName | null {
  const trimmed = name.trim();
  const exact = FIELD_NAMES.find((f) => f === trimmed || f.toLowerCase() === trimmed.toLowerCase());
  const alias = trimmed.toLowerCase();
  // Own keys only: `--field constructor=x` is not a field.
  return exact ?? (Object.hasOwn(NAME_ALIASES, alias) ? NAME_ALIASES[alias]! : null);
}

/** The source field names a field is looked up under, for messages. */
export function lookedFor(field: FieldName, fields: FieldMap): string {
  const names = fields[field] ? [fields[field]] : FIELD_CANDIDATES[field];
  return names.map((n) => `"${n}"`).join(", ");
}

// ---------------------------------------------------------------------------------------------
// Looking fields up

type Row = Record<string, unknown>;

/** Finds a field's value in a row: the override, else the first candidate present (any case). */
class FieldLookup {
  private lower: Map<string, string> | null = null;
  constructor(
    private readonly row: Row,
    private readonly fields: FieldMap,
  ) {}

  get(field: FieldName): { name: string; value: unknown } | null {
    const override = this.fields[field];
    const names = override !== undefined ? [override] : FIELD_CANDIDATES[field];
    for (const name of names) {
      const value = this.row[name];
      if (present(value)) return { name, value };
    }
    this.lower ??= new Map(Object.keys(this.row).map((key) => [key.toLowerCase(), key]));
    for (const name of names) {
      const key = this.lower.get(name.toLowerCase());
      if (key !== undefined && present(this.row[key])) return { name: key, value: this.row[key] };
    }
    return null;
  }
}

function present(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === "string") return value.trim() !== "";
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/**
 * One JSON object or CSV row as a record, or the reason it is not one. Text fields are taken
 * as written (TeX accents resolved, whitespace collapsed later by the merger).
 */
export function recordFromRow(row: Row, fields: FieldMap, source: Source): PaperRecord | string {
  const look = new FieldLookup(row, fields);
  const abstractField = look.get("abstract");
  if (!abstractField) return `no abstract (looked for ${lookedFor("abstract", fields)}${fields.abstract ? "" : "; name it with --field abstract=NAME"})`;
  if (typeof abstractField.value !== "string") return `"${abstractField.name}" is not text`;
  const id = scalarText(look.get("id")?.value);
  const arxivField = look.get("arxivId");
  const arxivId = normaliseArxivId(scalarText(arxivField?.value)) ?? normaliseArxivId(id);
  return {
    sourceId: id,
    title: optionalText(look.get("title")?.value),
    abstract: resolveAccents(abstractField.value),
    arxivId,
    doi: normaliseDoi(scalarText(look.get("doi")?.value)),
    journalRef: optionalText(look.get("journalRef")?.value),
    comments: textList(look.get("comments")?.value),
    authors: authorList(look.get("authors")?.value),
    categories: categoryList(look.get("categories")?.value),
    year: yearOf(look.get("year")?.value) ?? yearOf(look.get("date")?.value),
    date: dateOf(look.get("date")?.value),
    source,
  };
}

function scalarText(value: unknown): string | null {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string") return null;
  const text = value.trim();
  return text === "" ? null : text;
}

function optionalText(value: unknown): string | null {
  const text = scalarText(value);
  return text === null ? null : collapseWhitespace(resolveAccents(text));
}

function textList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.map(optionalText).filter((text): text is string => text !== null);
}

// ---------------------------------------------------------------------------------------------
// Values

/** `2401.12345`, `2401.12345v2`, `arXiv:2401.12345`, `https://arxiv.org/abs/hep-th/9901001v1` → the bare id. */
export function normaliseArxivId(value: string | null): string | null {
  if (value === null) return null;
  const match = /^(?:arxiv:\s*|https?:\/\/(?:www\.)?arxiv\.org\/(?:abs|pdf)\/)?(\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?\/\d{7})(?:v\d+)?(?:\.pdf)?$/i.exec(value.trim());
  return match ? match[1]! : null;
}

export function normaliseDoi(value: string | null): string | null {
  if (value === null) return null;
  const doi = value.replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:\s*)/i, "").trim();
  return doi === "" ? null : doi;
}

const YEAR = /(?<!\d)(1[5-9]\d\d|2[01]\d\d)(?!\d)/;

function scalarYear(value: unknown): number | null {
  return typeof value === "number" || typeof value === "string" ? yearOf(value) : null;
}

/** A year from a number, a date string ("2025-03-18", "Mon, 2 Apr 2007 19:18:42 GMT") or arXiv `versions`. */
export function yearOf(value: unknown): number | null {
  if (typeof value === "number") return Number.isInteger(value) && value >= 1500 && value < 2200 ? value : null;
  if (typeof value === "string") {
    const match = YEAR.exec(value);
    return match ? Number(match[1]) : null;
  }
  if (Array.isArray(value) && value.length > 0) {
    // arXiv snapshot: versions[0].created is the first submission. One level only: a year nested
    // deeper is no year, and following it down would overflow the stack on [[[[…]]]].
    const first = value[0] as unknown;
    if (first && typeof first === "object" && "created" in first) return scalarYear((first as { created: unknown }).created);
    return scalarYear(first);
  }
  return null;
}

/** A day from a date string ("2025-03-18", "Mon, 2 Apr 2007 19:18:42 GMT") or arXiv `versions` (the first); null for a year or month alone. */
export function dateOf(value: unknown): string | null {
  if (Array.isArray(value)) {
    // One level only, as for yearOf.
    const first = value[0] as unknown;
    return parseDay(first && typeof first === "object" && "created" in first ? (first as { created: unknown }).created : first);
  }
  return parseDay(value);
}

/** Categories from an array, or a string separated by spaces (arXiv), commas or semicolons. */
export function categoryList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((c) => scalarText(c)).filter((c): c is string => c !== null);
  const text = scalarText(value);
  return text === null ? [] : text.split(/[\s,;]+/).filter(Boolean);
}

/**
 * Authors from an array (of names, of `{name}` objects, or of arXiv `authors_parsed` triples
 * `[last, first, suffix]`), or from one string: "A, B and C", "A and B", "Last, First and Last,
 * First" (BibTeX style) or "Last, First; Last, First".
 */
export function authorList(value: unknown): string[] {
  if (Array.isArray(value)) {
    return value.map(authorName).filter((name): name is string => name !== null && name !== "");
  }
  const text = scalarText(value);
  return text === null ? [] : splitAuthors(text);
}

function authorName(value: unknown): string | null {
  if (typeof value === "string") return cleanName(value);
  if (Array.isArray(value)) {
    const [last = "", first = "", suffix = ""] = value.map((part) => (typeof part === "string" ? part : ""));
    return cleanName([first, last, suffix].filter((part) => part.trim() !== "").join(" "));
  }
  if (value && typeof value === "object") {
    const named = value as Record<string, unknown>;
    if (typeof named.name === "string") return cleanName(named.name);
    const parts = [named.given ?? named.firstName ?? named.first, named.family ?? named.lastName ?? named.last];
    return cleanName(parts.filter((part): part is string => typeof part === "string").join(" "));
  }
  return null;
}

function cleanName(name: string): string | null {
  const clean = collapseWhitespace(resolveAccents(name).replace(/[{}]/g, ""));
  return clean === "" ? null : clean;
}

/**
 * Text split at each match of `separator` (a sticky pattern) outside braces and not after a
 * backslash: BibTeX's `{Barnes and Noble, Inc.}` is one piece.
 */
export function splitOutsideBraces(text: string, separator: RegExp): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") i++;
    else if (c === "{") depth++;
    else if (c === "}") depth--;
    else if (depth === 0) {
      separator.lastIndex = i;
      const match = separator.exec(text);
      if (match) {
        parts.push(text.slice(start, i));
        i += match[0].length - 1;
        start = i + 1;
      }
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** "Last, First" → "First Last"; "von Last, Jr, First" → "First von Last Jr", split at commas outside braces. */
export function flipName(name: string): string {
  const parts = splitOutsideBraces(name, /,/y).map((part) => part.trim());
  if (parts.length === 2) return `${parts[1]} ${parts[0]}`.trim();
  if (parts.length >= 3) return `${parts.slice(2).join(" ")} ${parts[0]} ${parts[1]}`.trim();
  return name.trim();
}

/**
 * What follows the comma in "Last, First": initials ("F.", "J. R. R."), one word, or up to two
 * given names and then initials ("Ada King", "Donald E."). Not "B. Jones": a name in itself.
 */
const GIVEN_PART = /^(?:\p{Lu}\.?[\s-]*)+$|^\p{L}[\p{L}'’.-]*$|^\p{Lu}[\p{L}'’-]+(?:\s+\p{Lu}[\p{L}'’-]+)?(?:\s+\p{Lu}\.)*$/u;
/** What comes before it: a family name of one word, after lower-case particles ("van der Berg"). */
const FAMILY_PART = /^(?:\p{Ll}+\s+)*[^\s]+$/u;
/** The middle of "Last, Jr., First". */
const SUFFIX = /^(?:Jr|Sr|I{2,3}|IV)\.?$/;

/** "Last, First" (one comma) or "Last, Jr., First", written as one person; the family name checked too when alone. */
function isLastFirst(pieces: readonly string[], alone: boolean): boolean {
  const [family = "", ...rest] = pieces;
  if (alone && !FAMILY_PART.test(family)) return false;
  if (rest.length === 1) return GIVEN_PART.test(rest[0]!);
  return rest.length === 2 && SUFFIX.test(rest[0]!) && GIVEN_PART.test(rest[1]!);
}

/**
 * Whether a parenthesised aside is not part of a name: an affiliation (arXiv: "E. L. Berger
 * (Argonne)", anything with a letter) or a footnote mark ("(1)", "(1, 2)", "(*)"). Other
 * parentheses ("(1+1)") are kept as part of the name.
 */
function isAside(inside: string): boolean {
  return /\p{L}/u.test(inside) || /^[\d\s,;&*†‡]*$/.test(inside);
}

/** Asides nest this deep at most ("((1) Argonne, (2) CERN)" is two): deeper nesting is not an author list. */
const ASIDE_DEPTH = 3;

/** Text without its asides, innermost first. */
function dropAsides(text: string): string {
  let out = text;
  for (let depth = 0, before = ""; depth < ASIDE_DEPTH && before !== out; depth++) {
    before = out;
    // Linear: a group has no parenthesis inside, and at most one space before it (the text is collapsed).
    out = out.replace(/ ?\(([^()]*)\)/g, (group, inside: string) => (isAside(inside) ? "" : group));
  }
  return out;
}

/**
 * The one parser of an author list written as a string, for every reader that has one (JSON and
 * CSV fields, PDF metadata): "A, B and C", "A and B", "Last, First and Last, First" (BibTeX
 * style), "Last, First; Last, First", or one "Last, First M." alone. Names written last name
 * first come back "First Last", the form every reader gives. BibTeX's own `author` field, with
 * its braces and LaTeX, has its grammar in bibtex.ts (splitBibAuthors).
 */
export function splitAuthors(input: string): string[] {
  const text = collapseWhitespace(dropAsides(collapseWhitespace(resolveAccents(input))).replace(/[{}]/g, ""))
    .replace(/,?\s+(?:et\s+al\.?|and\s+others)$/i, "")
    .trim();
  if (text === "") return [];
  let names: string[];
  const commaParts = (part: string) => part.split(",").map((piece) => piece.trim());
  if (text.includes(";")) {
    names = text.split(/\s*;\s*/).map((part) => (commaParts(part).length === 2 || isLastFirst(commaParts(part), false) ? flipName(part) : part));
  } else {
    const byAnd = text.split(/\s+(?:and|&)\s+/i);
    if (byAnd.length > 1 && byAnd.every((part) => commaParts(part).length === 2 && isLastFirst(commaParts(part), false))) {
      names = byAnd.map(flipName); // BibTeX style: "Vaswani, Ashish and Shazeer, Noam"
    } else if (byAnd.length === 1 && isLastFirst(commaParts(text), true)) {
      names = [flipName(text)]; // "Knuth, Donald E." alone is one person written last name first.
    } else {
      names = text.split(/\s*,\s*(?:(?:and|&)\s+)?|\s+(?:and|&)\s+/i).filter((piece) => piece !== "");
    }
  }
  return names.map((name) => name.trim()).filter((name) => name !== "" && !/^(?:others|et al\.?)$/i.test(name));
}
