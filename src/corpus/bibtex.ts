/**
 * BibTeX (and BibLaTeX) entries with an `abstract` field; entries without one are skipped and
 * counted. A small hand-written entry scanner, not a library: the maintained parser
 * (@retorquere/bibtex-parser 9) turns fields into HTML-like markup (`<i>…</i>`), rewrites `<`
 * and `>` outside math, drops unknown commands inside math (`$\mathcal{O}(n \log n)$` became
 * "O(nn)"), takes about 1 ms per entry and brings 21 MB of dependencies; the others need Node 22
 * or do not resolve LaTeX. The scanner follows BibTeX's own rules: text outside entries is a
 * comment, values are `{…}` (nested braces), `"…"`, numbers or `@string` macros joined with `#`.
 * A malformed entry is reported with its line and scanning resumes at the next entry.
 */
import { skippedFile, skippedRecord, recordEvent, tooLong, type ReadEvent } from "./events.js";
import { flipName, normaliseArxivId, splitOutsideBraces, normaliseDoi, yearOf, type FieldMap, type FieldName } from "./fields.js";
import { dayFrom, monthOf, parseDay } from "./dates.js";
import { latexToText } from "./latex.js";
import type { PaperRecord } from "./paper.js";

interface Entry {
  type: string;
  key: string;
  fields: Map<string, string>;
  line: number;
}

class BibSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
    /** Where scanning resumes: the start of the next entry, when the error ran into it. */
    readonly resume?: number,
  ) {
    super(message);
  }
}

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

/** An entry start at the beginning of a line: where a runaway value is cut and scanning resumes. */
const ENTRY_AT_LINE_START = /\n[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]/g;
/** The same, only right at a given line break: a search from there would run to the next entry, at every line of a value. */
const ENTRY_HERE = /\n[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]/y;

export function* readBibtex(text: string, file: string, fields: FieldMap): Generator<ReadEvent> {
  const scanner = new Scanner(text);
  let entries = 0;
  for (const item of scanner.entries()) {
    if (item instanceof BibSyntaxError) {
      yield skippedRecord(file, scanner.lineAt(item.at), `malformed BibTeX entry: ${item.message}`);
      continue;
    }
    entries++;
    const record = entryRecord(item, file, fields);
    yield typeof record === "string" ? skippedRecord(file, item.line, record) : recordEvent(record);
  }
  if (entries === 0) yield skippedFile(file, null, "no BibTeX entries");
}

/** An entry as a record, or why it is not one. */
function entryRecord(entry: Entry, file: string, fields: FieldMap): PaperRecord | string {
  const get = (name: FieldName, ...defaults: string[]): string | undefined => {
    const override = fields[name];
    for (const field of override !== undefined ? [override] : defaults) {
      const value = entry.fields.get(field.toLowerCase());
      if (value !== undefined && value.trim() !== "") return value;
    }
    return undefined;
  };
  const label = entry.key ? `"${entry.key}"` : `@${entry.type}`;
  const abstractText = get("abstract", "abstract");
  if (abstractText === undefined) return `entry ${label} has no abstract`;
  // Before LaTeX is resolved: that makes several copies of the text.
  const long = tooLong(abstractText);
  if (long !== null) return long;
  const abstract = latexToText(abstractText);
  if (abstract === "") return `entry ${label} has an empty abstract`;
  return {
    // An `id` field (as `papers list --format bibtex` writes) names the paper; else the entry key.
    sourceId: get("id", "id") ?? (entry.key || null),
    title: text(get("title", "title")),
    abstract,
    arxivId: arxivIdOf(entry, get("arxivId")),
    doi: normaliseDoi(text(get("doi", "doi"))),
    journalRef: text(get("journalRef", "journal", "journaltitle", "booktitle")),
    comments: [],
    authors: splitBibAuthors(get("authors", "author") ?? ""),
    categories: text(get("categories", "primaryclass"))?.split(/[\s,;]+/) ?? [],
    year: yearOf(get("year", "year", "date") ?? null),
    date: bibDate(entry, get),
    source: { file, line: entry.line },
  };
}

/**
 * The day of an entry: its `date` (or `published`) when that is a whole day, else its `year`,
 * `month` (`jan`, `January`, `1`) and `day` together.
 */
function bibDate(entry: Entry, get: (name: FieldName, ...defaults: string[]) => string | undefined): string | null {
  const given = get("date", "date", "published");
  const day = given === undefined ? null : parseDay(latexToText(given));
  if (day !== null) return day;
  const plain = (value: string | undefined) => (value === undefined ? undefined : latexToText(value).trim());
  const [year, month, dayOfMonth] = [plain(get("year", "year")), plain(entry.fields.get("month")), plain(entry.fields.get("day"))];
  const m = month === undefined ? null : monthOf(month);
  if (!year || !/^\d{4}$/.test(year) || m === null || !dayOfMonth || !/^\d{1,2}$/.test(dayOfMonth)) return null;
  return dayFrom(Number(year), m, Number(dayOfMonth));
}

function text(value: string | undefined): string | null {
  if (value === undefined) return null;
  const plain = latexToText(value);
  return plain === "" ? null : plain;
}

/** `eprint` when `archivePrefix` (or `eprinttype`) is arXiv; else an arXiv id in the journal or url. */
function arxivIdOf(entry: Entry, override: string | undefined): string | null {
  if (override !== undefined) return normaliseArxivId(override.trim());
  const prefix = (entry.fields.get("archiveprefix") ?? entry.fields.get("eprinttype") ?? "").trim().toLowerCase();
  const eprint = entry.fields.get("eprint");
  if (prefix === "arxiv" && eprint) return normaliseArxivId(eprint.trim());
  for (const field of ["journal", "url", "note"]) {
    const match = /arxiv(?:\.org\/abs\/|:\s*)(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?\/\d{7})/i.exec(entry.fields.get(field) ?? "");
    if (match) return match[1]!;
  }
  return null;
}

/**
 * `Last, First and First Last and {Org Name} and others`, split at brace depth 0: BibTeX's name
 * grammar, with its braces and LaTeX; names flipped by flipName, as every reader flips them.
 */
export function splitBibAuthors(value: string): string[] {
  // Whitespace collapsed first: a sticky `\s+and\s+` tried at every space of a long run is quadratic.
  const names = splitOutsideBraces(value.replace(/\s+/g, " "), / and /iy);
  return names
    .map((name) => name.trim())
    .filter((name) => name !== "" && name.toLowerCase() !== "others")
    .map((name) => latexToText(flipName(name)))
    .filter((name) => name !== "");
}

// ---------------------------------------------------------------------------------------------
// Scanner

class Scanner {
  private pos = 0;
  private readonly lineStarts: number[] = [0];
  private readonly macros = new Map<string, string>(MONTHS.map((month) => [month.slice(0, 3), month[0]!.toUpperCase() + month.slice(1)]));

  constructor(private readonly text: string) {
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.lineStarts.push(i + 1);
  }

  /** The 1-based line of a position. */
  lineAt(pos: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  *entries(): Generator<Entry | BibSyntaxError> {
    const start = /@[ \t\r\n]*([A-Za-z][\w-]*)[ \t\r\n]*([{(])/g;
    for (;;) {
      start.lastIndex = this.pos;
      const match = start.exec(this.text);
      if (!match) return;
      const at = match.index;
      const type = match[1]!.toLowerCase();
      const close = match[2] === "{" ? "}" : ")";
      this.pos = start.lastIndex;
      try {
        if (type === "comment" || type === "preamble") {
          this.skipGroup(at, close);
          continue;
        }
        if (type === "string") {
          this.readStrings(close);
          continue;
        }
        yield this.readEntry(type, at, close);
      } catch (error) {
        if (!(error instanceof BibSyntaxError)) throw error;
        yield new BibSyntaxError(`${error.message} (line ${this.lineAt(error.at)})`, at);
        this.pos = error.resume ?? this.nextEntryAfter(at);
      }
    }
  }

  private nextEntryAfter(at: number): number {
    ENTRY_AT_LINE_START.lastIndex = at + 1;
    const next = ENTRY_AT_LINE_START.exec(this.text);
    return next ? next.index + 1 : this.text.length;
  }

  private readEntry(type: string, at: number, close: string): Entry {
    this.skipSpace();
    const key = /[^\s,{}()"#=]*/y;
    key.lastIndex = this.pos;
    const keyText = key.exec(this.text)?.[0] ?? "";
    this.pos = key.lastIndex;
    this.skipSpace();
    const fields = new Map<string, string>();
    const entry: Entry = { type, key: keyText, fields, line: this.lineAt(at) };
    if (this.peek() === close) {
      this.pos++;
      return entry;
    }
    this.expect(",", `after the key "${keyText}"`);
    for (;;) {
      this.skipSpace();
      if (this.peek() === close) {
        this.pos++;
        return entry;
      }
      const name = this.readName();
      this.skipSpace();
      this.expect("=", `after the field name "${name}"`);
      fields.set(name.toLowerCase(), this.readValue());
      this.skipSpace();
      if (this.peek() === ",") {
        this.pos++;
        continue;
      }
      if (this.peek() === close) {
        this.pos++;
        return entry;
      }
      throw this.unexpected(`"," or "${close}" after the field "${name}"`);
    }
  }

  private readStrings(close: string): void {
    this.skipSpace();
    const name = this.readName();
    this.skipSpace();
    this.expect("=", `after the @string name "${name}"`);
    this.macros.set(name.toLowerCase(), this.readValue());
    this.skipSpace();
    this.expect(close, "at the end of the @string");
  }

  private readName(): string {
    const name = /[A-Za-z_][\w.:+/-]*/y;
    name.lastIndex = this.pos;
    const match = name.exec(this.text);
    if (!match) throw this.unexpected("a field name");
    this.pos = name.lastIndex;
    return match[0];
  }

  /** `part # part # …`, each `{…}`, `"…"`, a number or a macro name. */
  private readValue(): string {
    let value = "";
    for (;;) {
      this.skipSpace();
      const c = this.peek();
      if (c === "{") value += this.readDelimited("{", "}");
      else if (c === '"') value += this.readDelimited('"', '"');
      else {
        const word = /[^\s,#{}()"=]+/y;
        word.lastIndex = this.pos;
        const match = word.exec(this.text);
        if (!match) throw this.unexpected("a value");
        this.pos = word.lastIndex;
        value += /^\d+$/.test(match[0]) ? match[0] : (this.macros.get(match[0].toLowerCase()) ?? match[0]);
      }
      this.skipSpace();
      if (this.peek() !== "#") return value;
      this.pos++;
    }
  }

  /**
   * The text between an opening `{` or `"` and its end, nested braces balanced. A value that runs
   * into an entry at the start of a line has unbalanced braces: it is an error, and scanning
   * resumes at that entry, so one bad entry does not swallow the rest of the file.
   */
  private readDelimited(open: string, close: string): string {
    const begin = this.pos;
    let depth = 0;
    for (let i = begin + 1; i < this.text.length; i++) {
      const c = this.text[i];
      if (c === "\\") {
        i++;
      } else if (c === "{") {
        depth++;
      } else if (c === "}") {
        if (depth === 0) {
          if (close === "}") {
            this.pos = i + 1;
            return this.text.slice(begin + 1, i);
          }
          throw new BibSyntaxError(`unbalanced "}" in a quoted value`, i);
        }
        depth--;
      } else if (c === '"' && close === '"' && depth === 0) {
        this.pos = i + 1;
        return this.text.slice(begin + 1, i);
      } else if (c === "\n") {
        ENTRY_HERE.lastIndex = i;
        if (ENTRY_HERE.test(this.text)) {
          throw new BibSyntaxError(`a value opened with ${open} is not closed before the next entry`, begin, i + 1);
        }
      }
    }
    throw new BibSyntaxError(`a value opened with ${open} is not closed before the end of the file`, begin, this.text.length);
  }

  private skipGroup(at: number, close: string): void {
    if (close === ")") {
      const end = this.text.indexOf(")", this.pos);
      this.pos = end < 0 ? this.text.length : end + 1;
      return;
    }
    this.pos -= 1;
    try {
      this.readDelimited("{", "}");
    } catch {
      this.pos = this.nextEntryAfter(at);
    }
  }

  private skipSpace(): void {
    const space = /\s*/y;
    space.lastIndex = this.pos;
    space.exec(this.text);
    this.pos = space.lastIndex;
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private expect(char: string, where: string): void {
    if (this.peek() !== char) throw this.unexpected(`"${char}" ${where}`);
    this.pos++;
  }

  private unexpected(wanted: string): BibSyntaxError {
    const found = this.pos >= this.text.length ? "the end of the file" : JSON.stringify(this.text.slice(this.pos, this.pos + 12));
    return new BibSyntaxError(`expected ${wanted}, found ${found}`, this.pos);
  }
}
