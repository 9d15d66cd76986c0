/**
 * `papers ask`: the sentences that answer a question, each cited to its paper (the request layer's
 * askQuestion), as Markdown or JSON; with `--llm`, also a short answer a local model server writes
 * from that evidence, streamed as it comes, every citation in it checked.
 */
import { Option, type Command } from "commander";
import { DEFAULT_CORPUS_DIR } from "../../settings.js";
import { ANSWER_FORMATS, chatCompletionsUrl, formatAnswer, generateAnswer, isPapersError, openOrBuildIndex, UNSUPPORTED_MARK, type Answer, type AnswerFormat, type CitationCheck, type GeneratedAnswer, type PapersOptions } from "../../papers.js";
import { LIMITS } from "../../limits.js";
import { askQuestion } from "../../requests/ask.js";
import { askAnswerJson } from "../../requests/answers.js";
import { json, plainText } from "../format.js";
import { filterFlags, filterOptions, jsonOption, modeOption } from "../options.js";
import { parseCount, run, withIndex, withProgress, type OutputFlags } from "../run.js";

interface AskFlags extends Omit<OutputFlags, "format"> {
  budget?: number;
  format?: AnswerFormat;
  llm?: string;
  llmModel?: string;
  llmTimeout?: number;
}

/** How long the model server may stay silent by default, in seconds (a CPU may read the evidence for a while before it writes). */
const LLM_IDLE_SECONDS = 120;

export function addAskCommand(program: Command): void {
  const ask = program
    .command("ask")
    .description("the sentences that answer a question, best first, each cited to its paper (and page); --llm also has a local model write a short answer from them")
    .argument("<question...>", "what you want answered")
    .addOption(new Option("-k, --k <n>", `papers to draw evidence from, 1 to ${LIMITS.maxAskK}`).default(LIMITS.askDefaultK).argParser(parseCount))
    .addOption(new Option("--budget <tokens>", `the most tokens the whole answer may take, ${LIMITS.minAskBudget} to ${LIMITS.maxAskBudget}`).default(LIMITS.askDefaultBudget).argParser(parseCount))
    .addOption(modeOption());
  for (const option of filterOptions()) ask.addOption(option);
  ask
    .addOption(new Option("--format <format>", "markdown (the cited sentences, then the references) or json").choices(ANSWER_FORMATS).default("markdown"))
    .addOption(jsonOption())
    .addOption(
      new Option("--llm <url>", "also send the evidence to this OpenAI-compatible chat-completions server (llama.cpp's llama-server, Ollama, vLLM: http://localhost:8080, http://localhost:11434/v1) for a short answer citing it; nothing is sent anywhere without it")
        .env("PAPERS_LLM_URL"),
    )
    .addOption(new Option("--llm-model <name>", "the model the server is asked for (Ollama needs one: llama3.2, qwen2.5, …)").env("PAPERS_LLM_MODEL"))
    .addOption(new Option("--llm-timeout <seconds>", "how long the model server may stay silent before papers gives up on it").default(LLM_IDLE_SECONDS).argParser(parseCount))
    .action(run(async (words: string[], outputFlags: OutputFlags, options: PapersOptions) => {
      const flags = outputFlags as AskFlags;
      const format: AnswerFormat = flags.json ? "json" : (flags.format ?? "markdown");
      // A --llm that is no URL is a usage mistake: said before any work.
      if (flags.llm) chatCompletionsUrl(flags.llm);
      const index = await withProgress((progress) => openOrBuildIndex(options, [DEFAULT_CORPUS_DIR], progress));
      const answer = await withIndex(index, () =>
        askQuestion(index, { question: words.join(" "), k: flags.k!, budget: flags.budget!, mode: flags.mode!, filters: filterFlags(flags) }),
      );
      if (!flags.llm) {
        process.stdout.write(format === "json" ? `${json(askAnswerJson(answer))}\n` : terminalText(formatAnswer(answer, "markdown")));
        return;
      }
      if (answer.evidence.length === 0) {
        process.stderr.write("papers: no evidence to send to the model (--llm): nothing in the index answers the question\n");
        process.stdout.write(format === "json" ? `${json(askAnswerJson(answer))}\n` : terminalText(formatAnswer(answer, "markdown")));
        return;
      }
      const llm = { url: flags.llm, model: flags.llmModel, idleTimeoutMs: flags.llmTimeout! * 1000 };
      if (format === "json") return printGeneratedJson(answer, llm);
      await printGeneratedMarkdown(answer, llm);
    }));
}

type LlmOptions = Parameters<typeof generateAnswer>[1];

/**
 * The evidence first (it is ready at once), then the model's answer streamed below it a sentence
 * at a time, then what the citation check found. When the server fails, the evidence stands and
 * the error is said (with its code) on stderr; the exit status is 1.
 */
async function printGeneratedMarkdown(answer: Answer, llm: LlmOptions): Promise<void> {
  process.stdout.write(terminalText(formatAnswer(answer, "markdown")));
  // Headed once the model has begun: a server that is down gets no heading over nothing.
  let begun = false;
  const show = (text: string) => {
    if (!begun) process.stdout.write(terminalText(`\nGenerated answer${llm.model ? ` (${llm.model})` : ""}, from the evidence above:\n\n`));
    begun = true;
    process.stdout.write(terminalText(text));
  };
  let generated: GeneratedAnswer;
  try {
    generated = await generateAnswer(answer, llm, show);
  } catch (error) {
    if (begun) process.stdout.write("\n");
    return failGenerating(error);
  }
  if (!begun) show("");
  process.stdout.write(terminalText(`\n${checkReport(generated.check, answer.evidence.length, generated.finishReason)}`));
}

async function printGeneratedJson(answer: Answer, llm: LlmOptions): Promise<void> {
  let generated: Record<string, unknown>;
  let failure: unknown;
  try {
    const { model, finishReason, check } = await generateAnswer(answer, llm);
    generated = { model, finishReason, ...check };
  } catch (error) {
    if (!isPapersError(error)) throw error;
    failure = error;
    generated = { error: { code: error.code, message: error.message } };
  }
  process.stdout.write(`${json({ ...askAnswerJson(answer), generated })}\n`);
  if (failure) failGenerating(failure);
}

/** A model server's failure: `papers: CODE: what happened`, exit status 1 (the evidence is printed). */
function failGenerating(error: unknown): void {
  if (!isPapersError(error)) throw error;
  process.stderr.write(`papers: ${error.code}: ${plainText(error.message)} (the evidence above stands; no answer was generated)\n`);
  process.exitCode = 1;
}

/** What the citation check did, for the reader of the generated answer; empty when every sentence cites valid evidence. */
export function checkReport(check: CitationCheck, evidence: number, finishReason: string | null): string {
  const lines: string[] = [];
  if (check.removed.length > 0) {
    const numbers = [...new Set(check.removed.map((r) => `[${r.cite}]`))].join(", ");
    lines.push(`Removed citations ${numbers}: not among the ${evidence} evidence sentences.`);
  }
  if (check.unsupported.length > 0) {
    lines.push(`Unsupported (${UNSUPPORTED_MARK}, cites no evidence):`);
    for (const sentence of check.unsupported) lines.push(`- ${sentence}`);
  }
  if (finishReason === "length") lines.push("The model stopped at its length limit: the answer may be cut short.");
  return lines.length > 0 ? `\n${lines.join("\n")}\n` : "";
}

/** Text for a terminal: every control character neutralised (plainText), line breaks kept. */
function terminalText(text: string): string {
  return text.split("\n").map(plainText).join("\n");
}
