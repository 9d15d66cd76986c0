/**
 * The citation routes: GET /api/papers/:id/refs (a paper's reference list, with its library
 * matches; `format=bibtex` and the other exports give the list for a reference manager) and
 * GET /api/papers/:id/cited-by (library papers citing it). Answers are cached per generation as
 * every GET answer is (`answer`, from app.ts).
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { EXPORT_FORMATS, exportPapers, type ExportFormat, type PaperIndex } from "../papers.js";
import { citedByAnswerJson, referencesAnswerJson, type AnswerOptions } from "../requests/answers.js";
import { citingPapers, paperReferences, referencesToExport } from "../requests/citations.js";
import { idParams } from "./schemas.js";

type Answer = (reply: FastifyReply, key: string, compute: (index: PaperIndex) => Promise<unknown>, format?: ExportFormat) => Promise<unknown>;

export function addCitationRoutes(app: FastifyInstance, answer: Answer, paths: AnswerOptions): void {
  app.get<{ Params: { id: string }; Querystring: { format?: ExportFormat } }>(
    "/api/papers/:id/refs",
    { schema: { params: idParams, querystring: { type: "object", properties: { format: { type: "string", enum: [...EXPORT_FORMATS] } }, additionalProperties: false } } },
    async (request, reply) => {
      const { format } = request.query;
      return answer(
        reply,
        JSON.stringify(["refs", request.params.id, format]),
        async (index) => {
          const found = await paperReferences(index, request.params.id);
          return format && format !== "json" ? exportPapers(referencesToExport(found), format) : referencesAnswerJson(found, paths);
        },
        format,
      );
    },
  );

  app.get<{ Params: { id: string } }>(
    "/api/papers/:id/cited-by",
    { schema: { params: idParams, querystring: { type: "object", properties: {}, additionalProperties: false } } },
    async (request, reply) =>
      answer(reply, JSON.stringify(["cited-by", request.params.id]), async (index) => citedByAnswerJson(await citingPapers(index, request.params.id), paths)),
  );
}
