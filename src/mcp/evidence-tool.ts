/**
 * The MCP `evidence` tool: the sentences that answer a question, each cited to its paper, within
 * a token budget (issue 26), what an agent should call first. Its structured content is the JSON
 * answer every front end gives (`{question, confident, evidence, references}`); its text is the
 * Markdown answer, the one the budget is counted on, so an agent that reads only text stays
 * within it.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import { formatAnswer, type Answer } from "../papers.js";
import { LIMITS } from "../limits.js";
import { askAnswerJson } from "../requests/answers.js";
import { askQuestion } from "../requests/ask.js";
import type { IndexSource } from "../requests/live-index.js";
import { checkLength, toolError } from "./checks.js";
import type { toolSchemas } from "./schemas.js";
import { TOOL_TEXT } from "./tool-text.js";

type Schemas = ReturnType<typeof toolSchemas>;

export function registerEvidenceTool(
  server: McpServer,
  source: IndexSource,
  schemas: Schemas,
  answer: (key: string, compute: () => Promise<string>) => Promise<string>,
  logError: (line: string) => void,
): void {
  server.registerTool(
    "evidence",
    {
      ...TOOL_TEXT.evidence,
      inputSchema: schemas.evidence,
      outputSchema: schemas.evidenceOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args: z.infer<Schemas["evidence"]>): Promise<CallToolResult> => {
      try {
        // Through `answer` as search is: over HTTP, it shares the JSON API's gate and cache.
        const text = await source.use((index, generation) =>
          answer(JSON.stringify(["mcp", generation, "evidence", args]), async () => {
            const { question, k, budget, mode, ...filters } = args;
            checkLength("question", question, LIMITS.maxQuestion);
            const found = await askQuestion(index, { question, k, budget, mode, filters });
            return JSON.stringify(askAnswerJson(found));
          }),
        );
        const found = JSON.parse(text) as Answer;
        return { structuredContent: found as unknown as Record<string, unknown>, content: [{ type: "text", text: formatAnswer(found, "markdown") }] };
      } catch (error) {
        return toolError(error, "evidence", logError);
      }
    },
  );
}
