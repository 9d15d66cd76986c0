/**
 * MCP over HTTP keeps the JSON API's limit on questions in hand (the search gate), in process,
 * with the instant hash embedder: the protocol plumbing, not ranking.
 */
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { indexPapers, openIndex, type PaperIndex } from "../src/papers.js";
import { buildServer } from "../src/server/app.js";
import { hashEmbedderLoader } from "./hash-embedder.js";
import { SEEDS, tempDir } from "./helpers.js";

describe("MCP over HTTP, limits", () => {
  const indexDir = join(tempDir("papers-mcp-limits-"), "index");
  const options = () => ({ indexDir, embedder: hashEmbedderLoader() });
  let index: PaperIndex;
  const apps: FastifyInstance[] = [];

  beforeAll(async () => {
    await indexPapers([SEEDS], options());
    index = await openIndex(options());
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await index?.close();
  });

  async function connect(maxPending: number): Promise<Client> {
    const app = buildServer(index, { maxPending, logError: () => {} });
    apps.push(app);
    const base = await app.listen({ port: 0, host: "127.0.0.1" });
    const client = new Client({ name: "limits", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL("/mcp", base)));
    return client;
  }

  it("refuses a search with OVERLOADED when the server has as many questions in hand as it takes", async () => {
    const full = await connect(0);
    const refused = (await full.callTool({ name: "search", arguments: { question: "decoding" } })) as any;
    expect(refused.isError).toBe(true);
    expect(refused.content[0].text).toMatch(/^OVERLOADED: /);
    // Tools that compute nothing heavy are not gated.
    expect(((await full.callTool({ name: "info", arguments: {} })) as any).isError).toBeFalsy();

    const open = await connect(64);
    const answered = (await open.callTool({ name: "search", arguments: { question: "decoding", k: 3 } })) as any;
    expect(answered.isError).toBeFalsy();
    expect(answered.structuredContent.results).toHaveLength(3);
    await full.close();
    await open.close();
  });
});
