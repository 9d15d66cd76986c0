/**
 * The MCP front end: tools (search, related, recommend, show, list, info, export) and a paper resource over the
 * library API, independent of the transport (`papers mcp` runs it over stdio, `papers serve`
 * over streamable HTTP at /mcp). Every tool answers with structured content checked against its
 * output schema, and the same JSON as text for clients that read only text. A papers error comes
 * back as a tool error (`isError: true`, text `CODE: message`); the server goes on answering.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { z } from "zod";
import {
  DEFAULT_MODE,
  EXPORT_FORMATS,
  MAX_SEEDS,
  MAX_TEXT_LENGTH,
  PapersError,
  SEARCH_MODES,
  exportPapers,
  isPapersError,
  parseExportFormat,
  parseYearRange,
  RELATED_MODE,
  type IndexInfo,
  type PaperIndex,
} from "../papers.js";
import { PACKAGE_ROOT } from "../paths.js";
import { hitSummary, paperDetail, paperSummary, paperText } from "./format.js";

/** Where the tools find the index at each call: a LiveIndex (which follows new generations) fits. */
export interface McpIndexSource {
  /** Runs `work` with the index to answer from, kept open until `work` settles. */
  use<T>(work: (index: PaperIndex, generation: string) => Promise<T> | T): Promise<T>;
  /**
   * The served index's info, taken when it was opened: a re-index deletes the old generation's
   * folder while it is still served, and PaperIndex.info() reads the folder.
   */
  info(): IndexInfo;
}

export interface McpServerOptions {
  /** Reported to clients in `initialize`; default: package.json's. */
  version?: string;
  /**
   * Computes a search or related answer (JSON text) for a key that names the question fully,
   * generation included: the HTTP server passes its search gate and answer cache here, so MCP
   * calls share the JSON API's limits. Default: compute.
   */
  answer?: (key: string, compute: () => Promise<string>) => Promise<string>;
  /** Gets what a client never sees: the stack of an unexpected error. Default: stderr. */
  logError?: (line: string) => void;
}

/** Limits as the HTTP API has them: at most 100 results, questions up to 1,000 characters. */
export const MCP_MAX_RESULTS = 100;
export const MCP_MAX_QUESTION = 1_000;
/** A related text may be a whole abstract or a draft paragraph. */
export const MCP_MAX_TEXT = 20_000;
export const MCP_LIST_DEFAULT = 20;
export const MCP_DEFAULT_RESULTS = 10;
/** Papers one export names by id. */
export const MCP_MAX_EXPORT = 100;

/** Paper errors as MCP errors where the protocol wants them (reading a resource): -32002 is "resource not found". */
const RESOURCE_NOT_FOUND = -32002;

export function createMcpServer(source: PaperIndex | McpIndexSource, options: McpServerOptions = {}): McpServer {
  const indexSource: McpIndexSource = isSource(source) ? source : fixedSource(source);
  const logError = options.logError ?? ((line: string) => process.stderr.write(`${line}\n`));
  const answer = options.answer ?? ((_key, compute) => compute());
  const schemas = (toolSchemaCache ??= toolSchemas());

  const server = new McpServer(
    { name: "papers", title: "papers: offline semantic search over research papers", version: options.version ?? (packageVersion ??= readPackageVersion()) },
    {
      // One for all servers: the HTTP endpoint builds a server per request, and Ajv is slow to make.
      jsonSchemaValidator: (sharedValidator ??= new AjvJsonSchemaValidator()),
      instructions:
        "Search a local index of research-paper abstracts, offline. Use `search` to find papers on a question, " +
        "`related` for papers close to one you have (by id) or to a passage of text, `recommend` for papers like " +
        "several you like (and unlike ones you do not), `show` for one paper's full abstract and metadata, `list` " +
        "to page through what the index holds, `info` for its size and model, `export` for citations (BibTeX, RIS, " +
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

  server.registerTool(
    "search",
    {
      title: "Search papers",
      description:
        "Find the papers that best answer a question or match a topic, best first, each with a score and a " +
        "snippet of its abstract to quote (or, for a paper indexed from its PDF, the passage of its full text that " +
        "matched, with its page). relevance (0-1) is comparable across questions; confident: false means no paper " +
        "answers well. Use this first for any question about the literature " +
        '("ways to reduce decode latency", "contrastive learning for sentence embeddings"). mode: hybrid (default, ' +
        "meaning and words fused), dense (meaning only: paraphrases, broad topics), lexical (exact words: names, " +
        "acronyms, rare terms). Narrow with year (2024, 2020..2023, 2021.., ..2019), category (cs.CL) or author " +
        "(part of a name). Then use `show` for a paper's full abstract, `related` for more like it.",
      inputSchema: schemas.search,
      outputSchema: schemas.searchOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    tool<z.infer<typeof schemas.search>>(
      "search",
      async ({ question, k, mode, year, category, author }, index) => {
        checkLength("question", question, MCP_MAX_QUESTION);
        checkK(k);
        const filter = { years: year === undefined ? undefined : parseYearRange(year), category, author };
        const hits = await index.search(question, k, mode, filter);
        const confidence = await index.confidence(question, hits);
        const results = hits.map((hit, i) => ({ ...hitSummary(hit, hit.score, question), relevance: confidence.relevance[i]! }));
        return { question, mode, confident: confidence.confident, threshold: confidence.threshold, results };
      },
      true,
    ),
  );

  server.registerTool(
    "related",
    {
      title: "Related papers",
      description:
        "Find papers close to a given one (pass its `id`, as search, list or show give it) or to a passage of " +
        "text (pass `text`: a draft abstract, a paragraph, a claim), best first. Use it to widen a literature " +
        "search from a paper you found, or to find prior work for text you are writing. Give exactly one of id " +
        "and text. mode: dense by default (a whole abstract or passage matches best by meaning), or hybrid, lexical.",
      inputSchema: schemas.related,
      outputSchema: schemas.relatedOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    tool<z.infer<typeof schemas.related>>(
      "related",
      async ({ id, text, k, mode }, index) => {
        if ((id === undefined) === (text === undefined)) {
          throw new PapersError("BAD_OPTION", "give exactly one of id (a paper in the index) and text (a passage)");
        }
        checkK(k);
        const chosen = mode ?? RELATED_MODE;
        if (id !== undefined) {
          const paper = await index.get(id);
          const hits = await index.related(paper.id, k, chosen);
          return { paper: paperSummary(paper), text: null, mode: chosen, results: hits.map((hit) => hitSummary(hit, hit.score)) };
        }
        checkLength("text", text!, MCP_MAX_TEXT);
        const hits = await index.relatedToText(text!, k, chosen);
        return { paper: null, text, mode: chosen, results: hits.map((hit) => hitSummary(hit, hit.score, text)) };
      },
      true,
    ),
  );

  server.registerTool(
    "recommend",
    {
      title: "Recommend papers",
      description:
        "Find papers like several you already have: pass the ids of papers you like (as search, related or list " +
        "give them), optionally ids you do not like, and/or a text (a draft abstract or paragraph you are writing). " +
        "Use it instead of related when you have more than one seed paper, or when the user said which results " +
        "were good and which were not. Seeds are left out of the answer. method: centroid (likes/text only) or " +
        "classifier (trained on likes against unlikes); why lists the words that weigh most for and against.",
      inputSchema: schemas.recommend,
      outputSchema: schemas.recommendOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    tool<z.infer<typeof schemas.recommend>>(
      "recommend",
      async ({ like, unlike, text, k }, index) => {
        checkK(k);
        checkIds("like", like ?? [], MAX_SEEDS);
        checkIds("unlike", unlike ?? [], MAX_SEEDS);
        if (text !== undefined) checkLength("text", text, MAX_TEXT_LENGTH);
        const result = await index.recommend({ like, unlike, text, k });
        const why = { words: result.why.words, against: result.why.against, ...(result.why.embeddingShare === undefined ? {} : { embeddingShare: result.why.embeddingShare }) };
        return {
          method: result.method,
          candidates: result.candidates,
          why,
          results: result.hits.map((hit) => hitSummary(hit, hit.score, text?.trim() || undefined)),
        };
      },
      true,
    ),
  );

  server.registerTool(
    "export",
    {
      title: "Export citations",
      description:
        "Citations for papers, as one document in a reference format: bibtex (default), ris, csl-json, csv, " +
        "markdown, json or jsonl. Pass the ids of the papers to cite (up to " + MCP_MAX_EXPORT + ", in the order " +
        "given), or a question to export its top k search results. Use it when the user wants a bibliography, a " +
        ".bib entry or a reading list to import into a reference manager; the answer is the document's text.",
      inputSchema: schemas.export,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args: z.infer<typeof schemas.export>): Promise<CallToolResult> => {
      try {
        // Through `answer` as search is: over HTTP, exports share the JSON API's gate and cache.
        const text = await indexSource.use((index, generation) => answer(JSON.stringify(["mcp", generation, "export", args]), async () => {
          const { ids, question, k, mode } = args;
          const format = parseExportFormat(args.format);
          if ((ids === undefined) === (question === undefined)) {
            throw new PapersError("BAD_OPTION", "give exactly one of ids (papers in the index) and question (to export its search results)");
          }
          if (ids !== undefined) {
            if (ids.length === 0) throw new PapersError("BAD_OPTION", "ids must name at least one paper");
            checkIds("ids", ids, MCP_MAX_EXPORT);
            return exportPapers(await Promise.all(ids.map((id) => index.get(id))), format);
          }
          checkLength("question", question!, MCP_MAX_QUESTION);
          checkK(k);
          // As `papers search --format`: hits with their score and calibrated relevance.
          const hits = await index.search(question!, k, mode);
          const confidence = await index.confidence(question!, hits);
          return exportPapers(hits.map((hit, i) => ({ ...hit, relevance: confidence.relevance[i]! })), format);
        }));
        return { content: [{ type: "text", text }] };
      } catch (error) {
        return toolError(error, "export", logError);
      }
    },
  );

  server.registerTool(
    "show",
    {
      title: "Show a paper",
      description:
        "One paper in full: title, authors, year, categories, arXiv and DOI links, and the whole abstract. Use it " +
        "after search or related, to read or quote a paper before citing it. id: the paper's id, an arXiv id " +
        "(2301.01234, with or without a version) or an arxiv.org link.",
      inputSchema: schemas.show,
      outputSchema: schemas.showOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    tool<z.infer<typeof schemas.show>>("show", async ({ id }, index) => {
      checkLength("id", id, 200);
      return paperDetail(await index.get(id));
    }),
  );

  server.registerTool(
    "list",
    {
      title: "List papers",
      description:
        "Page through the papers in the index, in index order (id, title, authors, year, links; no abstracts). " +
        "Use it to see what the index holds; to find papers on a subject use search instead. total says how " +
        "many there are; pass nextOffset as offset for the next page (null on the last).",
      inputSchema: schemas.list,
      outputSchema: schemas.listOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    tool<z.infer<typeof schemas.list>>("list", async ({ offset, limit }, index) => {
      if (limit > MCP_MAX_RESULTS) throw new PapersError("BAD_OPTION", `limit must be a whole number from 1 to ${MCP_MAX_RESULTS}, not ${limit}`);
      const page = await index.listPage(offset, limit);
      const next = offset + page.papers.length;
      return { total: page.total, offset, limit, nextOffset: next < page.total ? next : null, papers: page.papers.map(paperSummary) };
    }),
  );

  server.registerTool(
    "info",
    {
      title: "Index information",
      description:
        "What the index is: how many papers (and passages of PDF full text), the embedding model, when it was built, where it is and its size. " +
        "Use it to tell whether the index can answer at all (count) or to report where answers come from.",
      inputSchema: schemas.info,
      outputSchema: schemas.infoOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    tool<z.infer<typeof schemas.info>>("info", async () => {
      const { model, dtype, dimension, count, passages, builtAt, fingerprint, indexPath, sizeBytes } = indexSource.info();
      return { model, dtype, dimension, count, passages, builtAt, fingerprint, indexPath, sizeBytes };
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
        const paper = await indexSource.use((index) => index.get(decodeId(raw)));
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

/**
 * The tools' input and output schemas. Types, enums and unknown arguments are checked by the SDK
 * against these; value ranges are checked by the tools, so that they come back with a papers
 * error code (BAD_OPTION, EMPTY_QUERY) like every other papers error. `.meta` still states the
 * ranges in the JSON Schema a client sees.
 */
function toolSchemas() {
  const k = z
    .number()
    .int()
    .meta({ minimum: 1, maximum: MCP_MAX_RESULTS })
    .default(MCP_DEFAULT_RESULTS)
    .describe(`how many papers to return, 1 to ${MCP_MAX_RESULTS}`);
  const mode = z.enum(SEARCH_MODES);
  const id = z.string().meta({ minLength: 1, maxLength: 200 }).describe("a paper id, arXiv id (2301.01234) or arxiv.org link");
  const summary = {
    id: z.string(),
    title: z.string().nullable(),
    authors: z.array(z.string()),
    year: z.number().int().nullable(),
    categories: z.array(z.string()),
    arxivId: z.string().nullable(),
    doi: z.string().nullable(),
    arxivUrl: z.string().nullable().describe("https://arxiv.org/abs/ID"),
    doiUrl: z.string().nullable().describe("https://doi.org/DOI"),
    uri: z.string().describe("the paper as an MCP resource: papers://paper/{id}"),
  };
  const hit = z.object({
    ...summary,
    score: z.number().describe("higher is closer; cosine similarity in dense mode, BM25 in lexical, fused in hybrid"),
    snippet: z.string().describe("about 300 characters of the abstract (or of the passage, when there is one), from the sentence that best matches"),
    passage: z
      .object({ text: z.string(), page: z.number().int().describe("1-based page it starts on"), section: z.string().nullable() })
      .nullable()
      .describe("for a paper indexed from its PDF: the passage of its full text that matched best, when it beat the abstract"),
  });
  const ids = (what: string, max: number) =>
    z.array(z.string().meta({ minLength: 1, maxLength: 200 })).meta({ maxItems: max }).describe(`${what}: paper ids or arXiv ids, at most ${max}`);
  const weighted = z.array(z.object({ word: z.string(), weight: z.number() }));
  return {
    search: z.strictObject({
      question: z.string().meta({ minLength: 1, maxLength: MCP_MAX_QUESTION }).describe("what you are looking for, in words"),
      k,
      mode: mode.default(DEFAULT_MODE).describe("hybrid (default), dense (meaning) or lexical (BM25 words)"),
      year: z.string().optional().describe("only papers from these years: 2024, 2020..2023, 2021.. or ..2019"),
      category: z.string().optional().describe("only papers with this category, e.g. cs.CL"),
      author: z.string().optional().describe("only papers with an author whose name contains this"),
    }),
    searchOutput: z.object({
      question: z.string(),
      mode,
      confident: z.boolean().describe("whether the best result's relevance reaches the threshold; false: no confident match"),
      threshold: z.number(),
      results: z.array(hit.extend({ relevance: z.number().describe("calibrated relevance to the question, 0-1, comparable across questions") })),
    }),
    recommend: z.strictObject({
      like: ids("papers you want more like", MAX_SEEDS).optional(),
      unlike: ids("papers you want fewer like", MAX_SEEDS).optional(),
      text: z.string().meta({ minLength: 1, maxLength: MAX_TEXT_LENGTH }).optional().describe("a draft or passage to find papers for, with or instead of likes"),
      k,
    }),
    recommendOutput: z.object({
      method: z.enum(["centroid", "classifier"]),
      candidates: z.number().int().describe("papers the method scored"),
      why: z.object({
        words: weighted.describe("the words that weigh most for a paper"),
        against: weighted.describe("the words that weigh most against (with unlikes)"),
        embeddingShare: z.number().optional().describe("with a classifier: the share of its weight on meaning rather than words"),
      }),
      results: z.array(hit),
    }),
    export: z.strictObject({
      ids: ids("the papers to export, in this order", MCP_MAX_EXPORT).optional(),
      question: z.string().meta({ minLength: 1, maxLength: MCP_MAX_QUESTION }).optional().describe("export this question's search results instead of ids"),
      k: k.describe(`with question: how many results, 1 to ${MCP_MAX_RESULTS}`),
      mode: mode.default(DEFAULT_MODE).describe("with question: hybrid (default), dense or lexical"),
      format: z.string().meta({ enum: [...EXPORT_FORMATS] }).default("bibtex").describe(`one of ${EXPORT_FORMATS.join(", ")}`),
    }),
    related: z.strictObject({
      id: id.optional(),
      text: z.string().meta({ minLength: 1, maxLength: MCP_MAX_TEXT }).optional().describe("a passage to find papers close to, instead of an id"),
      k,
      mode: mode.optional().describe("default: dense"),
    }),
    relatedOutput: z.object({
      paper: z.object(summary).nullable().describe("the paper given by id, or null for text"),
      text: z.string().nullable(),
      mode,
      results: z.array(hit),
    }),
    show: z.strictObject({ id }),
    showOutput: z.object({
      ...summary,
      abstract: z.string(),
      journalRef: z.string().nullable(),
      comments: z.array(z.string()),
      sources: z.array(z.object({ file: z.string(), line: z.number() })).describe("the files and lines the paper was read from"),
    }),
    list: z.strictObject({
      offset: z.number().int().meta({ minimum: 0 }).default(0).describe("papers to skip"),
      limit: z.number().int().meta({ minimum: 1, maximum: MCP_MAX_RESULTS }).default(MCP_LIST_DEFAULT).describe(`papers per page, 1 to ${MCP_MAX_RESULTS}`),
    }),
    listOutput: z.object({
      total: z.number().int(),
      offset: z.number().int(),
      limit: z.number().int(),
      nextOffset: z.number().int().nullable(),
      papers: z.array(z.object(summary)),
    }),
    info: z.strictObject({}),
    infoOutput: z.object({
      model: z.string(),
      dtype: z.string(),
      dimension: z.number().int(),
      count: z.number().int(),
      passages: z.number().int().describe("passages of full text (from PDFs) besides the abstracts"),
      builtAt: z.string(),
      fingerprint: z.string(),
      indexPath: z.string(),
      sizeBytes: z.number(),
    }),
  };
}

/** An index that never changes; its info is read once, before a re-index can remove its folder. */
function fixedSource(index: PaperIndex): McpIndexSource {
  const info = index.info();
  return { use: async (work) => work(index, index.location), info: () => info };
}

function readPackageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "0.0.0";
  }
}

function isSource(value: PaperIndex | McpIndexSource): value is McpIndexSource {
  return typeof (value as McpIndexSource).use === "function";
}

/** A papers error as the agent sees it: `CODE: message`. Anything else is a bug, logged here and not shown. */
function toolError(error: unknown, tool: string, logError: (line: string) => void): CallToolResult {
  if (isPapersError(error)) return { isError: true, content: [{ type: "text", text: `${error.code}: ${error.message}` }] };
  logError(`papers: mcp tool ${tool}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return { isError: true, content: [{ type: "text", text: "INTERNAL: internal error" }] };
}

function checkK(k: number): void {
  if (k < 1 || k > MCP_MAX_RESULTS) throw new PapersError("BAD_OPTION", `k must be a whole number from 1 to ${MCP_MAX_RESULTS}, not ${k}`);
}

function checkLength(name: string, value: string, max: number): void {
  if (value.length > max) throw new PapersError("BAD_OPTION", `${name} must be at most ${max} characters, not ${value.length}`);
}

function checkIds(name: string, ids: readonly string[], max: number): void {
  if (ids.length > max) throw new PapersError("BAD_OPTION", `${name} may name at most ${max} papers, not ${ids.length}`);
  for (const id of ids) checkLength(`an id in ${name}`, id, 200);
}

function decodeId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new PapersError("UNKNOWN_ID", `no paper with id "${raw}": the id in papers://paper/{id} must be percent-encoded`);
  }
}
