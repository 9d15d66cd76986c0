/**
 * The author list at the start of a reference, name by name, in the two forms styles print:
 * given names first ("Lada A. Adamic", "A. Vaswani", "Madeleine van Zuylen") or surname first
 * ("Adamic, L. A.", "Adamic, Lada A."), joined by commas, "and" or "&", perhaps ending in
 * "et al.". The list is taken only when it ends where an author list ends (a full stop, a year in
 * brackets, a comma before a quoted title, a colon): "The Chicago Manual of Style" is a title,
 * not a name.
 */

const WORD = String.raw`\p{Lu}[\p{Ll}\p{Lu}'’]*(?:-\p{Lu}?[\p{Ll}\p{Lu}'’]+)*`;
const INITIAL = String.raw`\p{Lu}\.(?:\s?-?\p{Lu}\.)*`;
const PARTICLE = String.raw`(?:van|von|der|den|de|del|della|da|di|du|dos|la|le|ten|ter|bin|al|el)`;
const SURNAME = String.raw`(?:${PARTICLE}\s+){0,2}${WORD}(?:\s+(?:Jr\.|Sr\.|II|III|IV))?`;
/** Given names (words or initials), an optional lower-case middle word ("Wen tau Yih"), the surname. */
const GIVEN_FIRST = new RegExp(String.raw`^(?:${INITIAL}\s*|${WORD}\s+){1,4}(?:(?!and\s)\p{Ll}{2,4}\s+)?${SURNAME}`, "u");
/** Surname (BibTeX's "von" part first, any short lower-case word: "tau Yih, W."), then initials or given names after a comma. */
const SURNAME_FIRST = new RegExp(String.raw`^(?:(?!and\s|et\s)\p{Ll}{2,4}\s+)?${SURNAME},\s*(?:${INITIAL}|${WORD}(?:\s+${INITIAL})?)(?:,?\s+(?:Jr\.|Sr\.))?`, "u");
const SEPARATOR = /^(?:\s*,\s*(?:and\s+|&\s*)?|\s+and\s+|\s*&\s*)/;
const ET_AL = /^,?\s*(?:et\s*al\.?|and\s+others\b)/;
/** What may follow a complete author list. */
const LIST_END = /^(?:\s*\.|\s*\(\s*(?:1[5-9]|20)\d\d|\s*,\s*["“‘]|\s*:|\s*,\s*\(?(?:1[5-9]|20)\d\d|\s+\((?:eds?|editors?)\.?\))/u;

/** Words no personal name holds: "The Chicago Manual of Style", "Frame Maker Reference Manual" are titles. */
const NOT_A_NAME = /(?:^|\s)(?:The|A|An|Of|of|the|for|For|in|In|on|On|to|To|with|With|from|From|Towards|Reference|Manual|System|Systems|Report|Journal|Proceedings|Press|University|Institute|Conference|Program|Programming|Guide|Edition|Version|Library|Handbook|Introduction|Language)(?=\s|$|,)/;

export interface AuthorScan {
  authors: string[];
  /** The text after the list (from the character that ended it). */
  rest: string;
}

/** The authors at the start of `text`, or none (and `rest` the whole text) when it does not start with a list. */
export function scanAuthors(text: string): AuthorScan {
  for (const form of [SURNAME_FIRST, GIVEN_FIRST]) {
    const scanned = scanWith(text, form);
    if (scanned) return scanned;
  }
  return { authors: [], rest: text };
}

function scanWith(text: string, form: RegExp): AuthorScan | null {
  const authors: string[] = [];
  let at = 0;
  // Where the last separator began: a "name" after it that does not end like one (a book title
  // after "…, and H. Schütze, ") is not a name, and the list ends there.
  let beforeSeparator = 0;
  const endedBefore = () => (authors.length > 0 ? { authors, rest: text.slice(beforeSeparator) } : null);
  for (;;) {
    // After a first name surname-first, Chicago-like styles give the others given-first ("Adamic, L. A. and E. Adar").
    const name = form.exec(text.slice(at)) ?? (form === SURNAME_FIRST && authors.length > 0 ? GIVEN_FIRST.exec(text.slice(at)) : null);
    if (!name || NOT_A_NAME.test(name[0])) return endedBefore();
    const surnameFirst = form === SURNAME_FIRST && name[0].includes(",");
    // A style that abbreviates given names abbreviates all of them: "Automatic Citation Indexing"
    // after "I. G. Councill, " is a title.
    if (authors.length > 0 && initialsOnly(authors[0]!) && !initialsOnly(displayName(name[0], surnameFirst))) return endedBefore();
    at += name[0].length;
    const rest = text.slice(at);
    const etAl = ET_AL.exec(rest);
    if (etAl) return { authors: [...authors, displayName(name[0], surnameFirst)], rest: rest.slice(etAl[0].length) };
    // A list that ends here ends here, even before an "and" that the title might begin with.
    if (LIST_END.test(rest) && !/^\s*,\s*(and\s+)?\p{Lu}/u.test(rest)) return { authors: [...authors, displayName(name[0], surnameFirst)], rest };
    const separator = SEPARATOR.exec(rest);
    if (!separator) {
      // Surname-first names end in initials whose stop ends the list too: "Adar, E. Friends and …".
      if (form === SURNAME_FIRST && /\.$/.test(name[0]) && /^\s+\S/.test(rest)) return { authors: [...authors, displayName(name[0], surnameFirst)], rest: "." + rest };
      return endedBefore();
    }
    authors.push(displayName(name[0], surnameFirst));
    beforeSeparator = at;
    at += separator[0].length;
  }
}

/** A name whose given names are initials only ("L. A. Adamic", "J.-L. Guillaume"). */
function initialsOnly(name: string): boolean {
  return new RegExp(String.raw`^(?:${INITIAL}\s*)+\S`, "u").test(name) && !/^(?:\p{Lu}\.\s*)+\p{Lu}\.?$/u.test(name);
}

/** "Adamic, L. A." → "L. A. Adamic"; a given-first name as printed, whitespace collapsed. */
function displayName(name: string, surnameFirst: boolean): string {
  const clean = name.replace(/\s+/g, " ").trim();
  if (!surnameFirst) return clean;
  const comma = clean.indexOf(",");
  return `${clean.slice(comma + 1).trim()} ${clean.slice(0, comma).trim()}`;
}
