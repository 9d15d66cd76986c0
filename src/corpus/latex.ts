/**
 * LaTeX in bibliographic text, turned into what a reader sees: accents (`\"o`, `{\'e}`,
 * `\c{c}`), special letters (`\ss`, `\o`), font commands (`\emph{…}`, `{\bf …}`), dashes and
 * quotes, and protecting braces. Math (`$…$`, `\(…\)`, `\[…\]`) is left exactly as written, as
 * arXiv shows it.
 */

/** Accent commands and the Unicode combining mark each stands for. */
const ACCENTS: Record<string, string> = {
  "`": "\u0300",
  "'": "\u0301",
  "^": "\u0302",
  "~": "\u0303",
  "=": "\u0304",
  u: "\u0306",
  ".": "\u0307",
  '"': "\u0308",
  r: "\u030A",
  H: "\u030B",
  v: "\u030C",
  d: "\u0323",
  c: "\u0327",
  k: "\u0328",
  b: "\u0331",
};

/** Letter commands that stand for one character. */
const LETTERS: Record<string, string> = {
  ss: "ß",
  o: "ø",
  O: "Ø",
  aa: "å",
  AA: "Å",
  ae: "æ",
  AE: "Æ",
  oe: "œ",
  OE: "Œ",
  l: "ł",
  L: "Ł",
  i: "ı",
  j: "ȷ",
  dh: "ð",
  DH: "Ð",
  th: "þ",
  TH: "Þ",
  ng: "ŋ",
  NG: "Ŋ",
  dj: "đ",
  DJ: "Đ",
  textendash: "–",
  textemdash: "—",
  textquoteleft: "‘",
  textquoteright: "’",
  textquotedblleft: "“",
  textquotedblright: "”",
  textellipsis: "…",
  ldots: "…",
  dots: "…",
  textasciitilde: "~",
  textbackslash: "\\",
  textbar: "|",
  textless: "<",
  textgreater: ">",
  textdegree: "°",
  textregistered: "®",
  texttrademark: "™",
  copyright: "©",
  S: "§",
  P: "¶",
  pounds: "£",
  euro: "€",
  LaTeX: "LaTeX",
  TeX: "TeX",
  BibTeX: "BibTeX",
  relax: "",
  noopsort: "",
  break: " ",
  newline: " ",
  par: " ",
};

/** Font switches written inside a group: `{\em text}`, `{\bf text}`. */
const SWITCHES = new Set(["em", "bf", "it", "tt", "sc", "sf", "rm", "sl", "normalfont", "bfseries", "itshape", "scshape", "upshape", "mdseries", "small", "footnotesize", "large", "Large", "tiny", "huge", "Huge", "normalsize"]);

/** Commands dropped together with their argument. */
const DROP_WITH_ARGUMENT = new Set(["cite", "citep", "citet", "ref", "eqref", "label", "footnote", "index", "hspace", "vspace", "thanks"]);

/** Splits a text into math and non-math pieces; math keeps its delimiters. */
function splitMath(text: string): { text: string; math: boolean }[] {
  const pieces: { text: string; math: boolean }[] = [];
  const pattern = /(?<!\\)\$\$[\s\S]*?\$\$|(?<!\\)\$(?:\\.|[^$\\])+\$|\\\([\s\S]*?\\\)|\\\[[\s\S]*?\\\]/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) pieces.push({ text: text.slice(last, match.index), math: false });
    pieces.push({ text: match[0], math: true });
    last = match.index + match[0].length;
  }
  if (last < text.length) pieces.push({ text: text.slice(last), math: false });
  return pieces;
}

/** The letter an accent sits on: `{e}`, `{\i}`, `e`, ` e` (letter accents need a brace or space). */
const ACCENT_PATTERN = /\\([`'^~=."])\s*(?:\{\s*(\\[ij]|[A-Za-z])\s*\}|(\\[ij](?![A-Za-z])|[A-Za-z]))|\\([urHvdckb])(?:\s*\{\s*(\\[ij]|[A-Za-z])\s*\}|\s+(\\[ij](?![A-Za-z])|[A-Za-z]))/g;

function accented(command: string, base: string): string {
  const letter = base === "\\i" ? "i" : base === "\\j" ? "j" : base;
  return (letter + (ACCENTS[command] ?? "")).normalize("NFC");
}

/** Only accents and special letters, outside math: for text that is otherwise not LaTeX (JSON, CSV). */
export function resolveAccents(text: string): string {
  if (!text.includes("\\")) return text;
  return splitMath(text)
    .map((piece) => (piece.math ? piece.text : resolveAccentsIn(piece.text)))
    .join("");
}

function resolveAccentsIn(text: string): string {
  return text
    .replace(ACCENT_PATTERN, (_m, sym?: string, a?: string, b?: string, word?: string, c?: string, d?: string) =>
      accented(sym ?? word ?? "", a ?? b ?? c ?? d ?? ""),
    )
    .replace(/\{\\(ss|o|O|aa|AA|ae|AE|oe|OE|l|L|i|j)\}|\\(ss|o|O|aa|AA|ae|AE|oe|OE|l|L)(?![A-Za-z])(?:\{\}|\s?)/g, (_m, a?: string, b?: string) => LETTERS[a ?? b ?? ""] ?? "")
    // The group left around a resolved letter (`M{ü}ller`), not a command's argument.
    .replace(/(?<!\\[A-Za-z]*)\{(\p{L}\p{M}*)\}/gu, "$1");
}

/** BibTeX field text as displayed: LaTeX resolved outside math, braces gone, whitespace collapsed. */
export function latexToText(text: string): string {
  return splitMath(text)
    .map((piece) => (piece.math ? piece.text : plainPiece(piece.text)))
    .join("")
    .replace(/\s+/g, " ")
    .trim();
}

const OPEN = "\uE000";
const CLOSE = "\uE001";
// A tilde or backslash that a command stands for (`\textasciitilde`, `\~{}`, `\textbackslash`)
// must not then be read as a tie or start an escape: kept aside until the end.
const TILDE = "\uE002";
const BACKSLASH = "\uE003";

/** The character a letter command stands for; own keys only (`\\toString` is not a letter). */
function letter(name: string): string | undefined {
  return Object.hasOwn(LETTERS, name) ? LETTERS[name] : undefined;
}

function literal(text: string): string {
  return text.replaceAll("~", TILDE).replaceAll("\\", BACKSLASH);
}

function plainPiece(input: string): string {
  // Forced line breaks and escaped braces first, so that they survive brace stripping.
  let text = input.replace(/\\\\(?:\[[^\]]*\])?/g, " ").replace(/\\\{/g, OPEN).replace(/\\\}/g, CLOSE);
  // `\~{}` and `\^{}` are the characters themselves, not accents on nothing.
  text = text.replace(/\\~\{\}/g, TILDE).replace(/\\\^\{\}/g, "^");
  text = resolveAccentsIn(text);
  // A command before a group: dropped with the group (\cite{…}; \href drops its url and keeps
  // its text), a character (\textendash{}), or dropped leaving the group's text (\emph{…}, and
  // any command not known here).
  text = text.replace(/\\([A-Za-z]+)\*?\s*(?:\[[^\]]*\])?\s*\{/g, (_match, name: string) => {
    if (DROP_WITH_ARGUMENT.has(name) || name === "href") return DROP_GROUP;
    return `${literal(letter(name) ?? "")}{`;
  });
  text = dropMarkedGroups(text);
  text = text
    // Bare commands: characters and font switches; anything else is left as written.
    .replace(/\\([A-Za-z]+)(?![A-Za-z])\s?/g, (match, name: string) => {
      const char = letter(name);
      return char !== undefined ? literal(char) : SWITCHES.has(name) ? "" : match;
    })
    .replace(/\\([&%$#_])/g, "$1")
    .replace(/\\[ ,;:!/]/g, " ")
    .replace(/---/g, "—")
    .replace(/--/g, "–")
    .replace(/``/g, "“")
    .replace(/''/g, "”")
    .replace(/(?<!\\)~/g, " ");
  return text.replace(/[{}]/g, "").replaceAll(OPEN, "{").replaceAll(CLOSE, "}").replaceAll(TILDE, "~").replaceAll(BACKSLASH, "\\");
}

const DROP_GROUP = "\u0000{";

/** Removes each group marked with DROP_GROUP, braces and all. */
function dropMarkedGroups(text: string): string {
  let out = text;
  for (let at = out.indexOf(DROP_GROUP); at >= 0; at = out.indexOf(DROP_GROUP, at)) {
    const close = matchingBrace(out, at + 1);
    out = close < 0 ? out.slice(0, at) + out.slice(at + 1) : out.slice(0, at) + out.slice(close + 1);
  }
  return out;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\\") {
      i++;
      continue;
    }
    if (ch === "{") depth++;
    else if (ch === "}" && --depth === 0) return i;
  }
  return -1;
}
