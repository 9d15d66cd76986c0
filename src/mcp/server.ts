/**
 * The MCP front end: tools (evidence, search, related, recommend, feed, show, list, info, export) and a paper resource over the
 * request layer, independent of the transport (`papers mcp` runs it over stdio, `papers serve`
 * over streamable HTTP at /mcp). Every tool answers with structured content checked against its
 * output schema, and the same JSON as text for clients that read only text. A papers error comes
 * back as a tool error (`isError: true`, text `CODE: message`); the server goes on answering.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import type { z } from "zod";
import { PapersError, RELATED_MODE, exportPapers, isPapersError, parseExportFormat, type PaperIndex } from "../papers.js";
import { LIMITS } from "../limits.js";
import { PACKAGE_ROOT } from "../paths.js";
import { fixedIndex, isIndexSource, type IndexSource } from "../requests/live-index.js";
import { searchPapers } from "../requests/search.js";
import { relatedPapers } from "../requests/related.js";
import { recommendPapers } from "../requests/recommend.js";
import { feedPapers } from "../requests/feed.js";
import { listPapers, showPaper } from "../requests/papers.js";
import { checkIds, checkK, checkLength, decodeId, toolError } from "./checks.js";
import { registerEvidenceTool } from "./evidence-tool.js";
import { hitSummary, paperDetail, paperSummary, paperText } from "./format.js";
import { toolSchemas } from "./schemas.js";
import { registerCitationTools } from "./citation-tools.js";
import { TOOL_TEXT } from "./tool-text.js";

export interface McpServerOptions {
  /** Reported to clients in `initialize`; default: package.json's. */
  version?: string;
  /**
   * Computes a search or related answer (JSON text) for a key that names the question fully,
   * generation included: the HTTP server passes its search gate and answer cache here, so MCP
   * calls share the JSON API's limits. Default: compute.
   */
  answer?: (key: string, compute: () => Promise<string>) => Promise<string>;
  /**
   * Whether answers name files: the index's path (info) and the files a paper was read from
   * (show). Over stdio the client is local; over the network only with `serve --expose-paths`.
   * Default false.
   */
  paths?: boolean;
  /** Gets what a client never sees: the stack of an unexpected error. Default: stderr. */
  logError?: (line: string) => void;
}

/** Paper errors as MCP errors where the protocol wants them (reading a resource): -32002 is "resource not found". */
const RESOURCE_NOT_FOUND = -32002;

/** Every tool only reads the local index. */
const READ_ONLY = { readOnlyHint: true, openWorldHint: false } as const;

export function createMcpServer(source: PaperIndex | IndexSource, options: McpServerOptions = {}): McpServer {
  const indexSource = isIndexSource(source) ? source : fixedIndex(source);
  const logError = options.logError ?? ((line: string) => process.stderr.write(`${line}\n`));
  const answer = options.answer ?? ((_key, compute) => compute());
  const paths = options.paths ?? false;
  const schemas = (toolSchemaCache ??= toolSchemas());

  const server = new McpServer(
    { name: "papers", title: "papers: offline semantic search over research papers", version: options.version ?? (packageVersion ??= readPackageVersion()) },
    {
      // One for all servers: the HTTP endpoint builds a server per request, and Ajv is slow to make.
      jsonSchemaValidator: (sharedValidator ??= new AjvJsonSchemaValidator()),
      instructions:
        "Search a local index of research-paper abstracts, offline. For a question, call `evidence` first: the sentences that answer it, each cited to its paper, within a token budget. Use `search` to find papers on a question, " +
        "`related` for papers close to one you have (by id) or to a passage of text, `recommend` for papers like " +
        "several you like (and unlike ones you do not), `feed` for the newest papers ranked for the user's likes, `show` for one paper's full abstract and metadata, `list` " +
        "to page through what the index holds, `refs` and `cited_by` to follow citations between papers read from PDFs, `info` for its size and model, `export` for citations (BibTeX, RIS, " +
        "CSL JSON, …). Quote snippets, passages (with their page) and abstracts as evidence, and cite with the " +
        "arXiv or DOI links given.",
    },
  );

  /** Runs a tool body, turning its answer into structured content plus the same JSON as text. */
  const tool =
    <A>(name: string, body: (args: A, index: PaperIndex, generation: string) => Promise<Record<string, unknown>>, cached = false) =>
    async (args: A): Promise<CallToolResult> => {
      try {
        const text = await indexSource.use(async (index, generation) => {
          const compute = async () => JSON.stringify(await body(args, index, generation));
          return cached ? answer(JSON.stringify(["mcp", generation, name, args]), compute) : compute();
        });
        return { structuredContent: JSON.parse(text) as Record<string, unknown>, content: [{ type: "text", text }] };
      } catch (error) {
        return toolError(error, name, logError);
      }
    };

  /** Registers a read-only tool whose input and output schemas are schemas[name] and schemas[`${name}Output`]. */
  const readOnlyTool = (
    name: "search" | "related" | "recommend" | "feed" | "show" | "list" | "info",
    handler: (args: never) => Promise<CallToolResult>,
  ) => server.registerTool(name, { ...TOOL_TEXT[name], inputSchema: schemas[name], outputSchema: schemas[`${name}Output`], annotations: READ_ONLY }, handler as never);

  registerEvidenceTool(server, indexSource, schemas, answer, logError);

  readOnlyTool(
    "search",
    tool<z.infer<typeof schemas.search>>(
      "search",
      async ({ question, k, mode, ...filters }, index) => {
        checkLength("question", question, LIMITS.maxQuestion);
        checkK(k);
        const found = await searchPapers(index, { question, k, mode, filters });
        const results = found.hits.map((hit) => ({ ...hitSummary(hit, hit.score, question), relevance: hit.relevance }));
        return { question, mode, confident: found.confident, threshold: found.threshold, results };
      },
      true,
    ),
  );

  readOnlyTool(
    "related",
    tool<z.infer<typeof schemas.related>>(
      "related",
      async ({ id, text, k, mode, by }, index) => {
        if ((id === undefined) === (text === undefined)) {
          throw new PapersError("BAD_OPTION", "give exactly one of id (a paper in the index) and text (a passage)");
        }
        checkK(k);
        if (text !== undefined) checkLength("text", text, LIMITS.maxText);
        const found = await relatedPapers(index, { id, text, k, mode: mode ?? RELATED_MODE, by });
        return {
          paper: found.paper && paperSummary(found.paper),
          text: found.text,
          mode: found.mode,
          by: found.by,
          results: found.hits.map((hit) => ({ ...hitSummary(hit, hit.score, found.text ?? undefined), ...(hit.citations ? { citations: hit.citations.text } : {}) })),
        };
      },
      true,
    ),
  );

  readOnlyTool(
    "recommend",
    tool<z.infer<typeof schemas.recommend>>(
      "recommend",
      async ({ like, unlike, text, k }, index) => {
        checkK(k);
        checkIds("like", like ?? [], LIMITS.maxSeeds);
        checkIds("unlike", unlike ?? [], LIMITS.maxSeeds);
        if (text !== undefined) checkLength("text", text, LIMITS.maxText);
        const result = await recommendPapers(index, { like, unlike, text, k });
        return {
          method: result.method,
          candidates: result.candidates,
          why: result.why,
          results: result.hits.map((hit) => hitSummary(hit, hit.score, text?.trim() || undefined)),
        };
      },
      true,
    ),
  );

  readOnlyTool(
    "feed",
    tool<z.infer<typeof schemas.feed>>("feed", async ({ since, until, days, like, unlike, k }, index) => {
      checkK(k);
      checkIds("like", like ?? [], LIMITS.maxSeeds);
      checkIds("unlike", unlike ?? [], LIMITS.maxSeeds);
      const { items, ...feed } = await feedPapers(index, { since, until, days, like, unlike, k });
      return { ...feed, results: items.map((item) => ({ ...hitSummary(item, item.score), date: item.date, nearest: item.nearest, words: item.words })) };
    }),
  );

  server.registerTool(
    "export",
    {
      ...TOOL_TEXT.export,
      inputSchema: schemas.export,
      annotations: READ_ONLY,
    },
    async (args: z.infer<typeof schemas.export>): Promise<CallToolResult> => {
      try {
        // Through `answer` as search is: over HTTP, exports share the JSON API's gate and cache.
        const text = await indexSource.use((index, generation) =>
          answer(JSON.stringify(["mcp", generation, "export", args]), async () => {
            const { ids, question, k, mode } = args;
            const format = parseExportFormat(args.format);
            if ((ids === undefined) === (question === undefined)) {
              throw new PapersError("BAD_OPTION", "give exactly one of ids (papers in the index) and question (to export its search results)");
            }
            if (ids !== undefined) {
              if (ids.length === 0) throw new PapersError("BAD_OPTION", "ids must name at least one paper");
              checkIds("ids", ids, LIMITS.maxExport);
              return exportPapers(await Promise.all(ids.map((id) => showPaper(index, id))), format);
            }
            checkLength("question", question!, LIMITS.maxQuestion);
            checkK(k);
            // As `papers search --format`: hits with their score and calibrated relevance.
            return exportPapers((await searchPapers(index, { question: question!, k, mode })).hits, format);
          }),
        );
        return { content: [{ type: "text", text }] };
      } catch (error) {
        return toolError(error, "export", logError);
      }
    },
  );

  registerCitationTools(server, tool);

  readOnlyTool(
    "show",
    tool<z.infer<typeof schemas.show>>("show", async ({ id }, index) => {
      checkLength("id", id, LIMITS.maxIdLength);
      return paperDetail(await showPaper(index, id), paths);
    }),
  );

  readOnlyTool(
    "list",
    tool<z.infer<typeof schemas.list>>("list", async ({ offset, limit }, index) => {
      if (limit > LIMITS.maxResults) throw new PapersError("BAD_OPTION", `limit must be a whole number from 1 to ${LIMITS.maxResults}, not ${limit}`);
      const page = await listPapers(index, { offset, limit });
      return { ...page, papers: page.papers.map(paperSummary) };
    }),
  );

  readOnlyTool(
    "info",
    tool<z.infer<typeof schemas.info>>("info", async () => {
      const { model, dtype, dimension, count, passages, builtAt, fingerprint, indexPath, sizeBytes, advice } = indexSource.info();
      return { model, dtype, dimension, count, passages, builtAt, fingerprint, ...(paths ? { indexPath } : {}), sizeBytes, advice };
    }),
  );

  server.registerResource(
    "paper",
    new ResourceTemplate("papers://paper/{id}", { list: undefined }),
    {
      title: "A paper",
      description: "One paper as text: title, metadata (authors, year, categories, arXiv and DOI links) and its abstract. The id is percent-encoded.",
      mimeType: "text/markdown",
    },
    async (uri, variables) => {
      const raw = Array.isArray(variables.id) ? variables.id.join(",") : (variables.id ?? "");
      try {
        const paper = await indexSource.use((index) => showPaper(index, decodeId(raw)));
        return { contents: [{ uri: uri.href, mimeType: "text/markdown", text: paperText(paper) }] };
      } catch (error) {
        if (isPapersError(error)) {
          const code = error.code === "UNKNOWN_ID" ? RESOURCE_NOT_FOUND : -32603;
          // Not an McpError, whose message would start "MCP error -32002:" twice once the client wraps it.
          throw Object.assign(new Error(`${error.code}: ${error.message}`), { code, data: { code: error.code, uri: uri.href } });
        }
        throw error;
      }
    },
  );

  return server;
}

let packageVersion: string | undefined;
let sharedValidator: AjvJsonSchemaValidator | undefined;
let toolSchemaCache: ReturnType<typeof toolSchemas> | undefined;

function readPackageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "0.0.0";
  }
}
