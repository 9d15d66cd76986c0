/**
 * `ask`'s answer as a document: Markdown (the evidence sentences, each numbered as cited, `[1]`,
 * with its paper's BibTeX key and where in the paper it stands; then the numbered references with
 * their keys) or JSON (`{question, confident, evidence, references}`). The Markdown lines are
 * built by the functions below, which ask's token budget also counts (src/query/ask.ts), so the
 * budget holds for what is printed.
 */
import { PapersError } from "../errors.js";
import type { Answer, EvidencePaper, EvidenceSentence } from "../query/types.js";
import { codeSpan, escapeMarkdown } from "./markdown.js";

export const ANSWER_FORMATS = ["markdown", "json"] as const;
export type AnswerFormat = (typeof ANSWER_FORMATS)[number];

/** Said in Markdown when no paper is a confident match (src/query/confidence.ts). */
export const NOT_CONFIDENT =
  "No paper in the index is a confident match for this question: the sentences below are the closest found, not an answer.";
export const NO_EVIDENCE = "No sentence found: the index holds nothing close to this question.";
/** Said when papers matched but not one sentence fits the token budget. */
export const NO_ROOM = "No sentence fits within the token budget: give a larger budget.";

/** The answer's first line: the question. */
export function answerHeading(question: string): string {
  return `**Q:** ${escapeMarkdown(question)}`;
}

/** Where in its paper a sentence stands: "abstract", or "p. 3, §2 Method". */
export function sentencePlace(sentence: Pick<EvidenceSentence, "page" | "section">): string {
  if (sentence.page === null) return "abstract";
  return sentence.section ? `p. ${sentence.page}, §${escapeMarkdown(sentence.section)}` : `p. ${sentence.page}`;
}

/** One evidence line: `[1] The sentence. (key, p. 3, §2 Method)`. */
export function evidenceLine(sentence: Pick<EvidenceSentence, "id" | "text" | "page" | "section"> & { paper: Pick<EvidencePaper, "key"> }): string {
  return `[${sentence.id}] ${escapeMarkdown(sentence.text)} (${escapeMarkdown(sentence.paper.key)}, ${sentencePlace(sentence)})`;
}

/** One reference line: `1. key: Authors (2024). Title. URL`. */
export function referenceLine(paper: EvidencePaper, n: number): string {
  const authors = paper.authors.length > 3 ? `${paper.authors.slice(0, 3).join(", ")} et al.` : paper.authors.join(", ");
  const parts = [
    authors ? `${escapeMarkdown(authors)}${paper.year === null ? "" : ` (${paper.year})`}.` : paper.year === null ? null : `(${paper.year}).`,
    paper.title ? `${escapeMarkdown(paper.title)}.` : null,
    paper.url,
    `id ${codeSpan(paper.id)}`,
  ].filter((p) => p !== null);
  return `${n}. ${codeSpan(paper.key)}: ${parts.join(" ")}`;
}

export function formatAnswer(answer: Answer, format: AnswerFormat): string {
  if (format === "json") {
    const { question, confident, evidence, references } = answer;
    return JSON.stringify({ question, confident, evidence, references }, null, 2) + "\n";
  }
  const lines = [answerHeading(answer.question), ""];
  if (!answer.confident) lines.push(answer.evidence.length > 0 ? NOT_CONFIDENT : NO_EVIDENCE, "");
  else if (answer.evidence.length === 0) lines.push(NO_ROOM, "");
  if (answer.evidence.length > 0) {
    lines.push(...answer.evidence.map(evidenceLine), "", "References:", "");
    lines.push(...answer.references.map((paper, i) => referenceLine(paper, i + 1)));
  }
  return lines.join("\n") + "\n";
}

export function parseAnswerFormat(text: string): AnswerFormat {
  const format = text.toLowerCase();
  if (!(ANSWER_FORMATS as readonly string[]).includes(format)) throw new PapersError("BAD_OPTION", `unknown answer format "${text}": use ${ANSWER_FORMATS.join(" or ")}`);
  return format as AnswerFormat;
}
