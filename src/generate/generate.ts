/**
 * A generated answer from `ask`'s evidence (issue 26 §2): the numbered evidence sentences go to a
 * local model server (OpenAI-compatible chat completions), which is asked for a short answer that
 * cites `[n]` after each claim; the reply streams back sentence by sentence with every citation
 * checked (src/generate/citations.ts). Only called when a user names a server (`--llm`).
 */
import { PapersError } from "../errors.js";
import type { Answer } from "../query/types.js";
import { streamChat, type ChatMessage, type ChatOptions } from "./chat.js";
import { CitationStream, type CitationCheck } from "./citations.js";

export type GenerateOptions = Omit<ChatOptions, "messages">;

export interface GeneratedAnswer {
  /** The model as the server named it, else as asked for, else null. */
  model: string | null;
  /** Why the server stopped (stop, length, …), or null. */
  finishReason: string | null;
  /** The reply with its citations checked. */
  check: CitationCheck;
}

const INSTRUCTIONS = [
  "You answer a question about research papers from numbered evidence sentences quoted from them.",
  "Use only the evidence. Write a short answer: at most five sentences, no preamble, no list of references.",
  "End every sentence with the numbers of the evidence it rests on, in square brackets: [1] or [2, 3].",
  "Cite only numbers from the evidence list.",
  "If the evidence does not answer the question, say so in one sentence.",
].join(" ");

/** The chat: the instructions, then the question and the evidence, numbered as the answer cites it. */
export function answerPrompt(answer: Answer): ChatMessage[] {
  const lines = answer.evidence.map((e) => {
    const where = [e.paper.title, e.paper.year, e.page === null ? null : `p. ${e.page}`].filter((part) => part !== null && part !== "").join(", ");
    return `[${e.id}] ${e.text}${where ? ` (${where})` : ""}`;
  });
  return [
    { role: "system", content: INSTRUCTIONS },
    { role: "user", content: `Question: ${answer.question}\n\nEvidence:\n${lines.join("\n")}` },
  ];
}

/**
 * Asks the model server for an answer to `answer.question` from `answer.evidence`. `onText` gets
 * the checked reply as it comes, a sentence at a time. Fails with a PapersError (LLM_* codes) when
 * the server cannot give one.
 */
export async function generateAnswer(answer: Answer, options: GenerateOptions, onText: (text: string) => void = () => {}): Promise<GeneratedAnswer> {
  if (answer.evidence.length === 0) throw new PapersError("BAD_OPTION", "there is no evidence to send to the model: nothing in the index answers the question");
  const checking = new CitationStream(new Set(answer.evidence.map((e) => e.id)), onText);
  const reply = await streamChat({ ...options, messages: answerPrompt(answer) }, (text) => checking.push(text));
  return { model: reply.model ?? options.model ?? null, finishReason: reply.finishReason, check: checking.end() };
}
