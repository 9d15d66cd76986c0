/**
 * The MCP citation tools: `refs` (a paper's reference list, with the papers of the library it
 * names) and `cited_by` (library papers citing it), over the request layer. Registered by
 * server.ts with the same wrapper as every read-only tool (`tool`: errors as tool errors, JSON as
 * structured content and text).
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { PaperIndex } from "../papers.js";
import { LIMITS } from "../limits.js";
import { citingPapers, paperReferences } from "../requests/citations.js";
import { checkLength } from "./checks.js";
import { paperSummary } from "./format.js";

type Tool = <A>(name: string, body: (args: A, index: PaperIndex, generation: string) => Promise<Record<string, unknown>>, cached?: boolean) => (args: A) => Promise<CallToolResult>;

const READ_ONLY = { readOnlyHint: true, openWorldHint: false } as const;

export function citationToolSchemas() {
  const id = z.string().meta({ minLength: 1, maxLength: LIMITS.maxIdLength }).describe("a paper id, arXiv id (2301.01234) or arxiv.org link");
  const summary = z.object({ id: z.string(), title: z.string().nullable(), authors: z.array(z.string()), year: z.number().int().nullable(), arxivId: z.string().nullable(), doi: z.string().nullable() }).passthrough();
  return {
    refs: z.strictObject({ id }),
    refsOutput: z.object({
      paper: z.object({ id: z.string(), title: z.string().nullable() }),
      references: z.array(
        z.object({
          position: z.number().int(),
          raw: z.string().describe("the reference as printed"),
          title: z.string().nullable(),
          authors: z.array(z.string()),
          year: z.number().int().nullable(),
          venue: z.string().nullable(),
          doi: z.string().nullable(),
          arxivId: z.string().nullable(),
          url: z.string().nullable(),
          paper: summary.nullable().describe("the paper of the library it names, or null"),
          key: z.string().nullable().describe("for a work not in the library: doi:…, arxiv:… or title:…"),
        }),
      ),
      reason: z.string().nullable().describe("why the list is empty, when it is"),
    }),
    cited_by: z.strictObject({
      id,
      limit: z.number().int().meta({ minimum: 1, maximum: LIMITS.maxResults }).default(LIMITS.maxResults).describe(`citing papers to return, 1 to ${LIMITS.maxResults}`),
    }),
    cited_byOutput: z.object({
      paper: z.object({ id: z.string(), title: z.string().nullable() }),
      total: z.number().int().describe("library papers citing it"),
      citedBy: z.array(summary),
      reason: z.string().nullable().describe("why there are none, when there are none"),
    }),
  };
}

export const CITATION_TOOL_TEXT = {
  refs: {
    title: "A paper's references",
    description:
      "The reference list of a paper (read from its PDF or LaTeX .bbl), in order: each reference's parsed fields and raw text, and the paper of the user's library it names (paper, null when the library lacks it; key then names the external work). Use it to see what a paper builds on, or to find which of its references the user already has. An empty list comes with a reason.",
  },
  cited_by: {
    title: "Papers citing this one",
    description:
      "The papers of the user's library whose reference lists name this paper (only papers whose references were read, from PDFs or .bbl files). Use it to follow work that builds on a paper. An empty answer comes with a reason.",
  },
} as const;

export function registerCitationTools(server: McpServer, tool: Tool): void {
  const schemas = (cachedSchemas ??= citationToolSchemas());
  server.registerTool(
    "refs",
    { ...CITATION_TOOL_TEXT.refs, inputSchema: schemas.refs, outputSchema: schemas.refsOutput, annotations: READ_ONLY },
    tool<z.infer<typeof schemas.refs>>("refs", async ({ id }, index) => {
      checkLength("id", id, LIMITS.maxIdLength);
      const answer = await paperReferences(index, id);
      return {
        paper: { id: answer.paper.id, title: answer.paper.title },
        references: answer.references.map((entry) => {
          const { label: _label, ...fields } = entry.reference;
          return { position: entry.position, ...fields, paper: entry.paper && paperSummary(entry.paper), key: entry.key };
        }),
        reason: answer.reason,
      };
    }) as never,
  );
  server.registerTool(
    "cited_by",
    { ...CITATION_TOOL_TEXT.cited_by, inputSchema: schemas.cited_by, outputSchema: schemas.cited_byOutput, annotations: READ_ONLY },
    tool<z.infer<typeof schemas.cited_by>>("cited_by", async ({ id, limit }, index) => {
      checkLength("id", id, LIMITS.maxIdLength);
      const answer = await citingPapers(index, id);
      return { paper: { id: answer.paper.id, title: answer.paper.title }, total: answer.citedBy.length, citedBy: answer.citedBy.slice(0, limit).map(paperSummary), reason: answer.reason };
    }) as never,
  );
}

let cachedSchemas: ReturnType<typeof citationToolSchemas> | undefined;
