/**
 * Cross-origin access, off unless `--cors ORIGIN` names the one web origin whose pages may call
 * the API from a browser. Answers carry Access-Control-Allow-Origin only for a request from
 * exactly that origin; no credentials, GET and HEAD only.
 */
import type { FastifyInstance } from "fastify";
import { PapersError } from "../papers.js";

/** Parser for --cors: one origin, `scheme://host[:port]`, written as browsers send it. */
export function parseCorsOrigin(value: string): string {
  const hint = "give one web origin, e.g. https://example.org or http://localhost:3000";
  if (value.trim() === "*") throw new PapersError("BAD_OPTION", `"*" would let any web page query this server: ${hint}`);
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new PapersError("BAD_OPTION", hint);
  }
  const bare = url.pathname === "/" && url.search === "" && url.hash === "" && url.username === "" && url.password === "";
  if (!(url.protocol === "http:" || url.protocol === "https:") || !bare) throw new PapersError("BAD_OPTION", `not an origin (scheme://host[:port], no path): ${hint}`);
  return url.origin;
}

/** Adds the CORS headers for `origin` (a value parseCorsOrigin returned), and answers preflights. */
export function allowOrigin(app: FastifyInstance, origin: string): void {
  app.addHook("onRequest", async (request, reply) => {
    // Caches must not hand one origin's answer to another.
    reply.header("vary", "Origin");
    if (request.headers.origin === origin) reply.header("access-control-allow-origin", origin);
  });
  app.options("*", async (request, reply) => {
    if (request.headers.origin === origin) {
      reply.header("access-control-allow-methods", "GET, HEAD").header("access-control-max-age", "600");
    }
    return reply.code(204).send();
  });
}
