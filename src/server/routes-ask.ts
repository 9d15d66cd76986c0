/**
 * GET /api/ask: the sentences that answer a question, each cited to its paper (issue 26), as JSON
 * (`{question, confident, evidence, references}`) or, with format=markdown, the Markdown answer.
 * `context=true` (the search page's Answer panel) adds to each sentence the abstract or passage it
 * sits in. Through the request layer, the server's answer cache and its search gate, as /api/search.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { DEFAULT_MODE, SEARCH_MODES, formatAnswer, type PaperIndex, type SearchMode } from "../papers.js";
import { LIMITS } from "../limits.js";
import { askAnswerJson } from "../requests/answers.js";
import { askQuestion, evidenceContexts } from "../requests/ask.js";
import { filterProperties } from "./schemas.js";
import type { SearchFilters } from "../requests/search.js";

/** The app's cached, gated answer (see buildServer): JSON for an object, the text for a string, typed by `format`. */
export type CachedAnswer = (reply: FastifyReply, key: string, compute: (index: PaperIndex) => Promise<unknown>, format?: "json" | "markdown") => Promise<FastifyReply>;

interface AskQuery extends SearchFilters {
  q: string;
  k: number;
  budget: number;
  mode: SearchMode;
  format: "json" | "markdown";
  context: boolean;
}

export function addAskRoutes(app: FastifyInstance, answer: CachedAnswer): void {
  app.get<{ Querystring: AskQuery }>(
    "/api/ask",
    {
      schema: {
        querystring: {
          type: "object",
          properties: {
            q: { type: "string", minLength: 1, maxLength: LIMITS.maxQuestion },
            // Their ranges (LIMITS.maxAskK, minAskBudget..maxAskBudget) are checked by the library, whose message names them.
            k: { type: "integer", default: LIMITS.askDefaultK },
            budget: { type: "integer", default: LIMITS.askDefaultBudget },
            mode: { type: "string", enum: [...SEARCH_MODES], default: DEFAULT_MODE },
            format: { type: "string", enum: ["json", "markdown"], default: "json" },
            context: { type: "boolean", default: false },
            ...filterProperties,
          },
          required: ["q"],
          additionalProperties: false,
        },
      },
      // budget is a whole decimal number too (the app checks k): type coercion would read "1e3".
      preValidation: async (request) => {
        const budget = (request.query as unknown as Record<string, unknown>).budget;
        if (typeof budget === "string" && !/^[0-9]+$/.test(budget)) {
          throw Object.assign(new Error(`budget must be a whole number of tokens from ${LIMITS.minAskBudget} to ${LIMITS.maxAskBudget}`), { statusCode: 400 });
        }
      },
    },
    async (request, reply) => {
      const { q, k, budget, mode, format, context, ...filters } = request.query;
      return answer(
        reply,
        JSON.stringify(["ask", q, k, budget, mode, format, context, filters]),
        async (index) => {
          const found = await askQuestion(index, { question: q, k, budget, mode, filters });
          if (format === "markdown") return formatAnswer(found, "markdown");
          return askAnswerJson(found, context ? await evidenceContexts(index, found) : undefined);
        },
        format,
      );
    },
  );
}
