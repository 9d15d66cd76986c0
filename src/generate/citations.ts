/**
 * Checks the citations of a generated answer against the evidence it was given (issue 26 §2). A
 * model asked to cite `[n]` after each claim may cite a number it was not given, or make a claim
 * it cites nothing for. Every citation is checked: a number that is not an evidence sentence's is
 * removed (and reported); a sentence left with no valid citation is marked unsupported (and
 * listed). Pure: text in, text and a report out, whole or sentence by sentence as it streams.
 */

/** What a reader sees after a sentence that cites no evidence. */
export const UNSUPPORTED_MARK = "[unsupported]";

export interface CheckedSentence {
  /** The sentence as shown: citations of unknown numbers removed, UNSUPPORTED_MARK after it when it cites none. */
  text: string;
  /** The evidence numbers it cites, in order, each once. */
  cites: number[];
  /** Whether it cites at least one evidence sentence; a unit without a letter (a list number, a rule) is not a claim, and counts as supported. */
  supported: boolean;
}

export interface CitationCheck {
  /** The whole reply as shown: the sentences' texts, with the reply's own spacing. */
  text: string;
  sentences: CheckedSentence[];
  /** Each citation removed: the number, and the sentence it was in (as shown). */
  removed: { cite: number; sentence: string }[];
  /** The sentences that cite no evidence (as shown, without the mark). */
  unsupported: string[];
}

/** `[3]`, `[1, 4]`, `[2; 5]`, `[1-3]` (an en dash too): one citation group. */
const CITATION = /[ \t]*\[\s*\d{1,4}(?:\s*[-\u2013]\s*\d{1,4})?(?:\s*[,;]\s*\d{1,4}(?:\s*[-\u2013]\s*\d{1,4})?)*\s*\]/g;
/** A unit that begins with citation groups: they belong to the sentence before ("… latency. [2] Next …"). */
const LEADING_CITATIONS = new RegExp(`^(?:${CITATION.source})+`);
/** A range is read as the numbers in it only up to this size; a longer one cites its ends. */
const MAX_RANGE = 20;

const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });

/** Checks a whole reply against the evidence numbers 1..`count` (or the set given). */
export function checkCitations(reply: string, evidence: number | ReadonlySet<number>): CitationCheck {
  const stream = new CitationStream(evidence, () => {});
  stream.push(reply);
  return stream.end();
}

/**
 * Checks a reply as it streams in, sentence by sentence: `emit` gets each sentence's text as shown
 * (with the spacing after it) once the sentence is known to be over, so a terminal shows the
 * checked answer while the model is still writing.
 */
export class CitationStream {
  private readonly valid: ReadonlySet<number>;
  private raw = "";
  /** Characters of `raw` already checked and emitted. */
  private done = 0;
  private readonly sentences: CheckedSentence[] = [];
  private readonly removed: { cite: number; sentence: string }[] = [];
  private shown = "";

  constructor(
    evidence: number | ReadonlySet<number>,
    private readonly emit: (text: string) => void,
  ) {
    this.valid = typeof evidence === "number" ? new Set(Array.from({ length: evidence }, (_, i) => i + 1)) : evidence;
  }

  /** The next piece of the reply. */
  push(text: string): void {
    this.raw += text;
    const units = sentenceUnits(this.raw.slice(this.done));
    // A sentence is over when the one after it has begun with a word: until then, citations for it
    // may still be coming ("… latency. [" is not over).
    let final = 0;
    for (let i = 0; i + 1 < units.length; i++) if (/\p{L}/u.test(units[i + 1]!)) final = i + 1;
    for (const unit of units.slice(0, final)) this.check(unit);
  }

  /** The reply is complete: checks what is left and answers the whole check. */
  end(): CitationCheck {
    for (const unit of sentenceUnits(this.raw.slice(this.done))) this.check(unit);
    return {
      text: this.shown,
      sentences: [...this.sentences],
      removed: [...this.removed],
      unsupported: this.sentences.filter((s) => !s.supported).map((s) => s.text.slice(0, -UNSUPPORTED_MARK.length).trim()),
    };
  }

  private check(unit: string): void {
    this.done += unit.length;
    const space = /\s*$/.exec(unit)![0];
    const body = unit.slice(0, unit.length - space.length);
    const cites: number[] = [];
    const removed: number[] = [];
    const kept = body.replace(CITATION, (group) => {
      const numbers = citedNumbers(group);
      const valid = numbers.filter((n) => this.valid.has(n));
      removed.push(...numbers.filter((n) => !this.valid.has(n)));
      for (const n of valid) if (!cites.includes(n)) cites.push(n);
      if (valid.length === numbers.length) return group;
      if (valid.length === 0) return "";
      return `${/^[ \t]*/.exec(group)![0]}[${[...new Set(valid)].join(", ")}]`;
    });
    const claim = /\p{L}/u.test(kept.replace(CITATION, ""));
    const supported = cites.length > 0 || !claim;
    const text = supported ? kept : `${kept} ${UNSUPPORTED_MARK}`;
    for (const cite of removed) this.removed.push({ cite, sentence: kept.trim() });
    this.sentences.push({ text, cites, supported });
    this.shown += text + space;
    this.emit(text + space);
  }
}

/** The numbers one citation group names, ranges read out. */
function citedNumbers(group: string): number[] {
  const numbers: number[] = [];
  for (const part of group.replace(/[[\]\s]/g, "").split(/[,;]/)) {
    const [from, to] = part.split(/[-\u2013]/).map(Number) as [number, number | undefined];
    if (to === undefined) numbers.push(from);
    else if (to >= from && to - from < MAX_RANGE) for (let n = from; n <= to; n++) numbers.push(n);
    else numbers.push(from, to);
  }
  return numbers;
}

/**
 * The text's sentences (Unicode sentence boundaries; a line break ends one too), each with the
 * spacing after it, and with citations that open a sentence joined to the one before.
 */
function sentenceUnits(text: string): string[] {
  const units: string[] = [];
  for (const { segment } of segmenter.segment(text)) {
    const leading = LEADING_CITATIONS.exec(segment)?.[0];
    if (leading && units.length > 0) {
      // "… latency. [2] Next": the [2] (and the space after it) belongs to "… latency.". Units stay
      // slices of the text, so that what is checked adds up to what came in.
      const after = /^\s*/.exec(segment.slice(leading.length))![0];
      units.push(units.pop()! + leading + after);
      const rest = segment.slice(leading.length + after.length);
      if (rest !== "") units.push(rest);
    } else {
      units.push(segment);
    }
  }
  return units;
}
