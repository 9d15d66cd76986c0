/**
 * The HTTP front end: a JSON API and a search page over one open PaperIndex. Like the CLI it is a
 * thin layer over the library API; every input is checked by a JSON schema before it gets there.
 */
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import {
  DEFAULT_MODE,
  EXPORT_CONTENT_TYPES,
  FEED_CONTENT_TYPES,
  FEED_FORMATS,
  FEED_PAGE_CSP,
  RELATED_BYS,
  RELATED_MODE,
  type RelatedBy,
  EXPORT_FORMATS,
  SEARCH_MODES,
  exportPapers,
  isPapersError,
  type ErrorCode,
  type ExportFormat,
  type FeedFormat,
  type PaperIndex,
  type SearchMode,
} from "../papers.js";
import { LIMITS } from "../limits.js";
import { mountMcp } from "../mcp/index.js";
import { hideIndexLocation, hitAnswers, likesAnswerJson, paperAnswer, relatedHitAnswers, type AnswerOptions } from "../requests/answers.js";
import { addCitationRoutes } from "./routes-citations.js";
import { likedPapers, saveLikes } from "../requests/likes.js";
import { fixedIndex, isIndexSource, type IndexSource } from "../requests/live-index.js";
import { feedDocument, feedPapers } from "../requests/feed.js";
import { showPaper } from "../requests/papers.js";
import { recommendAnswerJson, recommendPapers } from "../requests/recommend.js";
import { relatedPapers } from "../requests/related.js";
import { DEFAULT_MAX_PENDING, SearchGate } from "../requests/search-gate.js";
import { searchAnswerJson, searchPapers, type SearchFilters } from "../requests/search.js";
import { allowOrigin } from "./cors.js";
import { PAGE_CSP, PAGE_HTML } from "./page.js";
import { addAskRoutes } from "./routes-ask.js";
import { MAP_PAGE_CSP, MAP_PAGE_HTML } from "./map-page.js";
import { ResponseCache } from "./response-cache.js";
import { filterProperties, idParams } from "./schemas.js";

export interface ServerOptions {
  /** Gets one line per request: method, URL, status, milliseconds. */
  log?: (line: string) => void;
  /** Gets what a client never sees: the stack of an unexpected error. */
  logError?: (line: string) => void;
  /** Memory for recent search and related answers, in bytes; 0 turns the cache off. Default 32 MiB. */
  cacheBytes?: number;
  /** The one web origin allowed to call the API from a browser (`--cors`); none by default. */
  cors?: string;
  /** Different questions computed at once at most; more are refused with 503. Default 64. */
  maxPending?: number;
  /**
   * Whether answers name files: the index's path and the files a paper was read from (`sources`).
   * Off by default: a client has no business knowing the server's paths (`serve --expose-paths`,
   * on a loopback address only, turns it on).
   */
  exposePaths?: boolean;
  timeouts?: Partial<Timeouts>;
}

/** How long a client may take, in ms: a slow or stalled one must not hold a connection forever. */
export interface Timeouts {
  /** To send the request line and all headers (Node's headersTimeout): slowloris ends here. */
  headers: number;
  /** To send the whole request, body included (requestTimeout). */
  request: number;
  /** A connection with no traffic either way is closed (socket timeout). */
  idle: number;
  /** An idle keep-alive connection between requests is closed. */
  keepAlive: number;
  /** How often Node checks the first two: they are only as exact as this. */
  checkEvery: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { headers: 10_000, request: 30_000, idle: 60_000, keepAlive: 5_000, checkEvery: 1_000 };

interface SearchQuery extends SearchFilters {
  q: string;
  k: number;
  mode: SearchMode;
  format?: ExportFormat;
  explain?: boolean;
}

interface RelatedQuery {
  k: number;
  mode: SearchMode;
  by?: RelatedBy;
  format?: ExportFormat;
}

interface RecommendBody {
  like?: string[];
  unlike?: string[];
  text?: string;
  k: number;
}

interface FeedQuery {
  since?: string;
  until?: string;
  days?: number;
  k: number;
  format: FeedFormat;
}

interface LikesBody {
  like?: string[];
  unlike?: string[];
  clear?: string[];
}

interface RelatedTextBody {
  text: string;
  k: number;
  mode: SearchMode;
}

interface IdParams {
  id: string;
}

const kSchema = { type: "integer", minimum: 1, maximum: LIMITS.maxResults, default: LIMITS.defaultResults } as const;
const modeSchema = { type: "string", enum: [...SEARCH_MODES], default: DEFAULT_MODE } as const;
/** `format=`: the results as an export (BibTeX, RIS, …) instead of the JSON answer; json is that answer. */
const formatSchema = { type: "string", enum: [...EXPORT_FORMATS] } as const;
const formatQuery = { type: "object", properties: { format: formatSchema }, additionalProperties: false } as const;
const noQuery = { type: "object", properties: {}, additionalProperties: false } as const;

/**
 * Builds the app over an index (which does not change) or an IndexSource (a LiveIndex that
 * follows new generations); the caller listens (port 0 for tests) and closes it, and owns the index.
 */
export function buildServer(index: PaperIndex | IndexSource, options: ServerOptions = {}): FastifyInstance {
  const log = options.log ?? (() => {});
  const logError = options.logError ?? ((line: string) => process.stderr.write(`${line}\n`));
  const source = isIndexSource(index) ? index : fixedIndex(index);
  const paths: AnswerOptions = { paths: options.exposePaths ?? false };
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };

  const cache = options.cacheBytes === 0 ? undefined : new ResponseCache(options.cacheBytes);
  const gate = new SearchGate(options.maxPending ?? DEFAULT_MAX_PENDING);
  /**
   * Sends the JSON answer for `key` from the generation being served: computed once (concurrent
   * askers share the computation) and then served from the cache. The generation is part of the
   * cache key, so an answer from an older generation is never served for a newer one.
   */
  const answer = (reply: FastifyReply, key: string, compute: (index: PaperIndex) => Promise<unknown> | unknown, format?: ExportFormat) =>
    source.use(async (index, generation) => {
      const fullKey = `${generation}\n${key}`;
      let body = cache?.get(fullKey);
      reply.header("x-cache", body === undefined ? "miss" : "hit");
      if (body === undefined) {
        // An export (format=bibtex, …) is computed as its text; everything else is JSON.
        body = await gate.run(fullKey, async () => {
          const value = await compute(index);
          return typeof value === "string" ? value : JSON.stringify(value);
        });
        cache?.set(fullKey, body);
      }
      return reply.type(EXPORT_CONTENT_TYPES[format ?? "json"]).send(body);
    });
  /** The JSON answer, or for format= other than json the results in that format. */
  const exported = (format: ExportFormat | undefined, results: Parameters<typeof exportPapers>[0], json: () => unknown) =>
    format && format !== "json" ? exportPapers(results, format) : json();
  const logRequest = (request: FastifyRequest, reply: FastifyReply) =>
    log(`${request.method} ${request.url} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)} ms`);

  const app = Fastify({
    // Fastify's own logger writes a JSON object per event; one plain line per request is enough.
    logger: false,
    // No id indexed is longer (read-corpus skips longer ones); a longer path parameter is refused
    // rather than searched for. The router measures it decoded, as the id is stored.
    routerOptions: { maxParamLength: LIMITS.maxIdLength },
    // Slow clients are cut off (see Timeouts); Node answers a stalled request with 408.
    connectionTimeout: timeouts.idle,
    keepAliveTimeout: timeouts.keepAlive,
    requestTimeout: timeouts.request,
    http: { headersTimeout: timeouts.headers, connectionsCheckingInterval: timeouts.checkEvery },
    ajv: {
      customOptions: {
        // Fastify's default (true) would silently drop unknown parameters: refuse them instead.
        removeAdditional: false,
        // Query strings are text: "10" must become the integer 10, and ?q=a&q=b stays an array
        // (which then fails `type: string`) instead of being flattened.
        coerceTypes: true,
        useDefaults: true,
        allErrors: false,
      },
    },
    // A malformed URL (bad percent-encoding, an overlong id) gets the same JSON error as any other
    // bad request. Fastify answers these before any hook runs, so the request is logged here.
    frameworkErrors: (_error, request, reply) => {
      sendError(reply, 400, "BAD_REQUEST", `the URL is malformed: bad percent-encoding, or a path segment over ${LIMITS.maxIdLength} characters`);
      logRequest(request, reply);
    },
    // What Node's HTTP parser refuses before Fastify sees a request (raw non-ASCII bytes in the
    // URL, Content-Length with Transfer-Encoding, a stalled or oversized header) gets the same
    // {error: {code, message}} body as every other error.
    clientErrorHandler: (error: NodeJS.ErrnoException, socket: Socket) => {
      if (error.code === "ECONNRESET" || socket.destroyed) return;
      const [status, code, message]: [number, ErrorCode, string] =
        error.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? [408, "REQUEST_TIMEOUT", "the request took too long to arrive"]
          : error.code === "HPE_HEADER_OVERFLOW"
            ? [431, "HEADERS_TOO_LARGE", "the request's headers (the URL included) are too large"]
            : [400, "BAD_REQUEST", "the request is not valid HTTP/1.1 (bad characters in the URL or a header, or conflicting Content-Length and Transfer-Encoding)"];
      const body = JSON.stringify({ error: { code, message } });
      if (socket.writable) {
        socket.write(
          `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
            `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
        );
      }
      socket.destroy();
    },
  });

  /** The GET routes, as patterns: a path among them asked with another method is a 405, not a 404. */
  const getRoutes: RegExp[] = [];
  app.addHook("onRoute", (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.includes("GET")) return;
    const pattern = route.url.split("/").map((part) => (part.startsWith(":") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    getRoutes.push(new RegExp(`^${pattern.join("/")}$`));
  });

  // k must be written as a whole decimal number: the schema's type coercion would read "0x10" or "1e1" too.
  app.addHook("preValidation", async (request) => {
    const k = (request.query as Record<string, unknown> | undefined)?.k;
    if (typeof k === "string" && !/^[0-9]+$/.test(k)) {
      throw Object.assign(new Error("k"), { statusCode: 400, code: "BAD_K" });
    }
  });

  app.addHook("onRequest", async (_request, reply) => {
    reply.header("x-content-type-options", "nosniff");
  });
  if (options.cors) allowOrigin(app, options.cors);
  app.addHook("onResponse", async (request, reply) => logRequest(request, reply));

  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error.validation) {
      return sendError(reply, 400, "BAD_REQUEST", describeValidation(error));
    }
    if (isPapersError(error)) {
      if (error.code === "OVERLOADED") return sendError(reply.header("retry-after", "1"), error.status, error.code, error.message);
      if (error.status >= 500) logError(`${request.method} ${request.url}: ${error.code}: ${error.message}`);
      return sendError(reply, error.status, error.code, error.message);
    }
    if ((error as { code?: string }).code === "BAD_K") return sendError(reply, 400, "BAD_REQUEST", `k must be a whole number from 1 to ${LIMITS.maxResults}`);
    // Fastify's own refusals (unsupported media type, body too large, …) carry a 4xx status.
    if (typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(reply, error.statusCode, "BAD_REQUEST", error.message);
    }
    logError(`${request.method} ${request.url}: unexpected error: ${error.stack ?? String(error)}`);
    return sendError(reply, 500, "INTERNAL", "internal error");
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    if (request.method !== "GET" && request.method !== "HEAD" && getRoutes.some((route) => route.test(path))) {
      return sendError(reply.header("allow", "GET, HEAD"), 405, "METHOD_NOT_ALLOWED", `${request.method} is not answered here: ${path} takes GET (or HEAD)`);
    }
    sendError(reply, 404, "NOT_FOUND", `no such endpoint: ${request.method} ${path}`);
  });

  app.get("/", async (_request, reply) => {
    return reply
      .type("text/html; charset=utf-8")
      .header("content-security-policy", PAGE_CSP)
      .header("referrer-policy", "no-referrer")
      .send(PAGE_HTML);
  });

  app.get("/map", { schema: { querystring: { type: "object", properties: { q: { type: "string", maxLength: LIMITS.maxQuestion } }, additionalProperties: false } } }, async (_request, reply) => {
    return reply.type("text/html; charset=utf-8").header("content-security-policy", MAP_PAGE_CSP).header("referrer-policy", "no-referrer").send(MAP_PAGE_HTML);
  });

  // Every paper's place and topic (aligned lists: ids, x, y, topic), and the topics: computed once per generation.
  app.get("/api/map", { schema: { querystring: noQuery } }, async (_request, reply) => answer(reply, "map", (index) => index.map()));
  app.get("/api/topics", { schema: { querystring: noQuery } }, async (_request, reply) => answer(reply, "topics", async (index) => ({ topics: await index.topics() })));

  app.get("/healthz", { schema: { querystring: noQuery } }, async () => ({ status: "ok" }));

  // The index's folder stays with the CLI's `info`: a client has no business knowing the server's paths (but --expose-paths).
  app.get("/api/info", { schema: { querystring: noQuery } }, async () => {
    const { indexPath, ...info } = source.info();
    if (paths.paths) return { ...info, indexPath };
    return { ...info, reloadError: info.reloadError && hideIndexLocation(info.reloadError, indexPath) };
  });

  app.get<{ Querystring: SearchQuery }>(
    "/api/search",
    {
      schema: {
        querystring: {
          type: "object",
          properties: {
            q: { type: "string", minLength: 1, maxLength: LIMITS.maxQuestion },
            k: kSchema,
            mode: modeSchema,
            format: formatSchema,
            explain: { type: "boolean", default: false },
            ...filterProperties,
          },
          required: ["q"],
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const { q, k, mode, format, explain, ...filters } = request.query;
      return answer(
        reply,
        JSON.stringify(["search", q, k, mode, format, explain, filters]),
        async (index) => {
          const found = await searchPapers(index, { question: q, k, mode, explain, filters });
          // confident: false is "no confident match": the best relevance is under the calibrated threshold.
          return exported(format, found.hits, () => searchAnswerJson(found, paths));
        },
        format,
      );
    },
  );

  addAskRoutes(app, answer);

  app.get<{ Params: IdParams; Querystring: { format?: ExportFormat } }>(
    "/api/papers/:id",
    { schema: { params: idParams, querystring: formatQuery } },
    async (request, reply) =>
      source.use(async (index) => {
        const paper = await showPaper(index, request.params.id);
        const { format } = request.query;
        if (!format || format === "json") return paperAnswer(paper, paths);
        return reply.type(EXPORT_CONTENT_TYPES[format]).send(exportPapers([paper], format));
      }),
  );

  app.get<{ Params: IdParams; Querystring: RelatedQuery }>(
    "/api/papers/:id/related",
    {
      schema: {
        params: idParams,
        querystring: { type: "object", properties: { k: kSchema, mode: { ...modeSchema, default: RELATED_MODE }, by: { type: "string", enum: [...RELATED_BYS] }, format: formatSchema }, additionalProperties: false },
      },
    },
    async (request, reply) => {
      const { k, mode, by, format } = request.query;
      return answer(
        reply,
        JSON.stringify(["related", request.params.id, k, mode, by, format]),
        async (index) => {
          const found = await relatedPapers(index, { id: request.params.id, k, mode, by });
          return exported(format, found.hits, () => ({ paper: paperAnswer(found.paper!, paths), mode, by: found.by, results: relatedHitAnswers(found.hits, paths) }));
        },
        format,
      );
    },
  );

  const idList = { type: "array", maxItems: LIMITS.maxSeeds, items: { type: "string", minLength: 1, maxLength: LIMITS.maxIdLength } } as const;
  const textSchema = { type: "string", minLength: 1, maxLength: LIMITS.maxText } as const;

  // New papers for the saved likes. Not cached: likes change without a new generation.
  app.get<{ Querystring: FeedQuery }>(
    "/api/feed",
    {
      schema: {
        querystring: {
          type: "object",
          properties: {
            since: { type: "string", maxLength: 10 },
            until: { type: "string", maxLength: 10 },
            days: { type: "integer", minimum: 1, maximum: LIMITS.maxFeedDays },
            k: { ...kSchema, default: LIMITS.recommendDefault },
            format: { type: "string", enum: [...FEED_FORMATS], default: "json" },
          },
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const { since, until, days, k, format } = request.query;
      const body = await source.use((index, generation) =>
        gate.run(JSON.stringify([generation, "feed", since, until, days, k, format]), async () =>
          feedDocument(await feedPapers(index, { since, until, days, k }), format, paths),
        ),
      );
      if (format === "html") reply.header("content-security-policy", FEED_PAGE_CSP).header("referrer-policy", "no-referrer");
      return reply.type(FEED_CONTENT_TYPES[format]).send(body);
    },
  );

  app.post<{ Body: RecommendBody; Querystring: { format?: ExportFormat } }>(
    "/api/recommend",
    {
      schema: {
        querystring: formatQuery,
        body: {
          type: "object",
          properties: { like: idList, unlike: idList, text: textSchema, k: { ...kSchema, default: LIMITS.recommendDefault } },
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const { like, unlike, text, k } = request.body ?? {};
      const { format } = request.query;
      return answer(
        reply,
        JSON.stringify(["recommend", like, unlike, text, k, format]),
        async (index) => {
          const result = await recommendPapers(index, { like, unlike, text, k });
          return exported(format, result.hits, () => recommendAnswerJson(result, paths));
        },
        format,
      );
    },
  );

  app.post<{ Body: RelatedTextBody; Querystring: { format?: ExportFormat } }>(
    "/api/related",
    {
      schema: {
        querystring: formatQuery,
        body: {
          type: "object",
          properties: { text: textSchema, k: kSchema, mode: { ...modeSchema, default: RELATED_MODE } },
          required: ["text"],
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const { text, k, mode } = request.body;
      const { format } = request.query;
      return answer(
        reply,
        JSON.stringify(["related-text", text, k, mode, format]),
        async (index) => {
          const found = await relatedPapers(index, { text, k, mode });
          return exported(format, found.hits, () => ({ mode, results: hitAnswers(found.hits, paths) }));
        },
        format,
      );
    },
  );

  // The saved likes, as the generation served has them.
  app.get("/api/likes", { schema: { querystring: noQuery } }, async () => source.use(async (index) => likesAnswerJson(await likedPapers(index))));

  // The server's one write: likes, under the writer lock, never waiting for it (INDEX_BUSY, 409, while an indexing run holds it).
  app.post<{ Body: LikesBody }>(
    "/api/likes",
    {
      schema: {
        querystring: noQuery,
        body: { type: "object", properties: { like: idList, unlike: idList, clear: idList }, additionalProperties: false },
      },
    },
    async (request) => {
      const { like, unlike, clear } = request.body ?? {};
      const hide = (message: string) => (paths.paths ? message : hideIndexLocation(message, source.info().indexPath));
      return likesAnswerJson(await saveLikes(source, { like, unlike, clear }, hide));
    },
  );

  addCitationRoutes(app, answer, paths);

  mountMcp(app, source, {
    cors: options.cors,
    logError,
    paths: paths.paths,
    // MCP searches count against the API's limit on questions in hand, and share its cache.
    answer: async (key, compute) => {
      const cached = cache?.get(key);
      if (cached !== undefined) return cached;
      const body = await gate.run(key, compute);
      cache?.set(key, body);
      return body;
    },
  });

  return app;
}

/** Every error a client sees: `{error: {code, message}}`, with a code from the catalog in src/errors.ts. */
function sendError(reply: FastifyReply, status: number, code: ErrorCode, message: string): FastifyReply {
  return reply.code(status).type("application/json; charset=utf-8").send({ error: { code, message } });
}

/** A validation failure in words a client can act on: which parameter, and what is wrong with it. */
function describeValidation(error: FastifyError): string {
  const first = error.validation?.[0];
  const where = error.validationContext === "params" ? "path parameter" : error.validationContext === "body" ? "field" : "query parameter";
  if (!first) return error.message;
  const params = first.params as Record<string, unknown>;
  if (first.keyword === "additionalProperties") return `unknown ${where} "${String(params.additionalProperty)}"`;
  if (first.keyword === "required") return `missing ${where} "${String(params.missingProperty)}"`;
  const name = first.instancePath.replace(/^\//, "") || where;
  if (first.keyword === "enum") return `${name} must be one of ${(params.allowedValues as string[]).join(", ")}`;
  if (name === "k" && ["type", "minimum", "maximum"].includes(first.keyword)) return `k must be a whole number from 1 to ${LIMITS.maxResults}`;
  if (first.keyword === "minLength" && params.limit === 1) return `${name} must not be empty`;
  if (first.keyword === "maxLength") return `${name} must be at most ${String(params.limit)} characters`;
  if (first.keyword === "type") return `${name} must be ${params.type === "integer" ? "a whole number" : `a ${String(params.type)}`}`;
  return `${name} ${first.message ?? "is not valid"}`;
}
