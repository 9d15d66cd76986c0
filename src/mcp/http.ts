/**
 * MCP over streamable HTTP at /mcp, stateless: every POST gets a new MCP server and transport
 * over the index source, so each tool call answers from the generation served at that moment
 * (hot reload) and no session outlives its request. Requests pass through the app's usual
 * checks first: Fastify's JSON body parser and size limit, the server's timeouts, and no query
 * string. GET and DELETE (a notification stream, ending a session) have no meaning without
 * sessions and answer 405, as the SDK's stateless examples do.
 *
 * This is MCP's HTTP transport, so it lives with MCP; the HTTP server mounts it through the MCP
 * entry (./index.ts). It loads the MCP server and the SDK lazily: most commands never need them.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import type { IndexSource } from "../requests/live-index.js";
import type { McpServerOptions } from "./server.js";

export const MCP_PATH = "/mcp";

export interface McpRouteOptions extends McpServerOptions {
  /** The one web origin allowed to call (`--cors`); a request from any other origin is refused. */
  cors?: string;
  logError: (line: string) => void;
}

const noQuery = { type: "object", properties: {}, additionalProperties: false } as const;

export function mountMcp(app: FastifyInstance, source: IndexSource, options: McpRouteOptions): void {
  const { cors, ...serverOptions } = options;
  // Loaded once the app is built (by serve, not by every command), ready before the first request.
  const sdk = import("@modelcontextprotocol/sdk/server/streamableHttp.js");
  const mcp = import("./server.js");
  sdk.catch(() => {}); // reported by the request that needs it
  mcp.catch(() => {});

  app.post(MCP_PATH, { schema: { querystring: noQuery } }, async (request, reply) => {
    // A browser always sends Origin with a POST: a page from another site (or one reaching this
    // loopback server through DNS rebinding) must not drive the tools, as the MCP spec requires.
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== cors) {
      return jsonRpcError(reply.code(403), -32000, `requests from the web origin ${origin} are refused: start papers serve with --cors ${origin} to allow it`);
    }
    reply.hijack();
    // The app's onRequest headers are not sent on a reply taken over; the transport keeps this one.
    reply.raw.setHeader("x-content-type-options", "nosniff");
    try {
      const server = (await mcp).createMcpServer(source, serverOptions);
      const transport = new (await sdk).StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      reply.raw.on("close", () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(request.raw, reply.raw, request.body);
    } catch (error) {
      options.logError(`POST ${request.url}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (!reply.raw.headersSent) {
        reply.raw.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32603, message: "internal error" }, id: null }));
      }
    }
  });

  const notAllowed = async (_request: unknown, reply: FastifyReply) =>
    jsonRpcError(reply.code(405).header("allow", "POST"), -32000, "method not allowed: this MCP endpoint is stateless, POST JSON-RPC requests to it");
  app.get(MCP_PATH, { schema: { querystring: noQuery } }, notAllowed);
  app.delete(MCP_PATH, { schema: { querystring: noQuery } }, notAllowed);
}

function jsonRpcError(reply: FastifyReply, code: number, message: string): FastifyReply {
  return reply.type("application/json; charset=utf-8").send({ jsonrpc: "2.0", error: { code, message }, id: null });
}
