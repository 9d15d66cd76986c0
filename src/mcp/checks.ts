/**
 * The tools' value checks: the SDK checks types against the schemas, these check ranges, so that a
 * value out of range comes back as a papers error (BAD_OPTION) like every other. And how an error
 * reaches the agent.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { PapersError, isPapersError } from "../papers.js";
import { LIMITS } from "../limits.js";

export function checkK(k: number): void {
  if (k < 1 || k > LIMITS.maxResults) throw new PapersError("BAD_OPTION", `k must be a whole number from 1 to ${LIMITS.maxResults}, not ${k}`);
}

export function checkLength(name: string, value: string, max: number): void {
  if (value.length > max) throw new PapersError("BAD_OPTION", `${name} must be at most ${max} characters, not ${value.length}`);
}

export function checkIds(name: string, ids: readonly string[], max: number): void {
  if (ids.length > max) throw new PapersError("BAD_OPTION", `${name} may name at most ${max} papers, not ${ids.length}`);
  for (const id of ids) checkLength(`an id in ${name}`, id, LIMITS.maxIdLength);
}

/** A papers error as the agent sees it: `CODE: message`. Anything else is a bug, logged here and not shown. */
export function toolError(error: unknown, tool: string, logError: (line: string) => void): CallToolResult {
  if (isPapersError(error)) return { isError: true, content: [{ type: "text", text: `${error.code}: ${error.message}` }] };
  logError(`papers: mcp tool ${tool}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return { isError: true, content: [{ type: "text", text: "INTERNAL: internal error" }] };
}

export function decodeId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new PapersError("UNKNOWN_ID", `no paper with id "${raw}": the id in papers://paper/{id} must be percent-encoded`);
  }
}
