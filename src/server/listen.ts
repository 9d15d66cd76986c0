/**
 * Where `papers serve` listens, and what it may say: the flags and their defaults, apart from the
 * server itself so that the CLI can declare its options without loading fastify and the pages
 * (every other command starts that much sooner).
 */
import { isIP } from "node:net";
import { PapersError } from "../papers.js";
import type { WatchTargets } from "../watch/index.js";

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = "127.0.0.1";

export interface ServeFlags {
  port?: number;
  host?: string;
  /** The one web origin allowed to call the API from a browser (parsed by parseCorsOrigin). */
  cors?: string;
  /** Let answers name files (the index's path, papers' sources): on a loopback address only. */
  exposePaths?: boolean;
  /** Folders and a Zotero library to follow while serving (`serve --watch`): each batch's commit is served at once. */
  watch?: WatchTargets;
}

/** Whether only this machine can reach an address. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (bare === "localhost" || bare === "::1") return true;
  const v4 = bare.replace(/^::ffff:/, "");
  return isIP(v4) === 4 && v4.startsWith("127.");
}

/** Parser for --port: 0 (any free port) to 65535. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port > 65535) throw new PapersError("BAD_OPTION", "give a port number from 0 to 65535");
  return port;
}
