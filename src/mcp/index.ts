/**
 * The MCP front end's entry: what the CLI and the HTTP server may use of it. Loading this file is
 * cheap: the MCP SDK (slow to load) comes in only when a server is made or served.
 */
import type { PaperIndex, PapersOptions } from "../papers.js";
import type { IndexSource } from "../requests/live-index.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { McpServerOptions } from "./server.js";

export type { McpServerOptions } from "./server.js";
export { mountMcp, type McpRouteOptions } from "./http.js";

/** An MCP server over an index or an index source, for any transport. */
export async function createMcpServer(source: PaperIndex | IndexSource, options?: McpServerOptions): Promise<McpServer> {
  return (await import("./server.js")).createMcpServer(source, options);
}

/** `papers mcp`: serves MCP on stdin/stdout until the client leaves. */
export async function serveMcpStdio(options: PapersOptions): Promise<void> {
  return (await import("./stdio.js")).serveMcpStdio(options);
}
