/**
 * The JSON API over the shared request layer, in process with the instant hash embedder: the
 * search filters the CLI and MCP have (year, category, author), and no file path of the server's
 * in a network answer (HTTP or MCP over HTTP) unless it was started to show them, on loopback.
 */
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexPapers, openIndex, type PaperIndex } from "../src/papers.js";
import { buildServer, type ServerOptions } from "../src/server/app.js";
import { startServer } from "../src/server/serve.js";
import { hashEmbedderLoader } from "./hash-embedder.js";
import { REPO, SEEDS, tempDir } from "./helpers.js";

const indexDir = join(tempDir("papers-server-requests-"), "index");
const options = () => ({ indexDir, embedder: hashEmbedderLoader() });
const SAMPLE = join(REPO, "test", "fixtures", "formats", "arxiv-cs-sample.jsonl");
let index: PaperIndex;
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  await indexPapers([SEEDS, SAMPLE], options());
  index = await openIndex(options());
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await index?.close();
});

async function serve(serverOptions: ServerOptions = {}): Promise<string> {
  const app = buildServer(index, { logError: () => {}, ...serverOptions });
  apps.push(app);
  return app.listen({ port: 0, host: "127.0.0.1" });
}

async function getJson(base: string, path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(new URL(path, base));
  return { status: response.status, body: await response.json() };
}

describe("/api/search filters", () => {
  let base: string;
  beforeAll(async () => {
    base = await serve();
  });

  it("narrows by category, year and author as the library does, and keys the cache by them", async () => {
    const q = encodeURIComponent("language model robustness");
    const all = await getJson(base, `/api/search?q=${q}&k=20`);
    expect(all.body.results.some((hit: any) => !hit.categories.includes("cs.CL"))).toBe(true);

    const byCategory = await getJson(base, `/api/search?q=${q}&k=20&category=cs.CL`);
    expect(byCategory.status).toBe(200);
    const ids = byCategory.body.results.map((hit: any) => hit.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(byCategory.body.results.every((hit: any) => hit.categories.includes("cs.CL"))).toBe(true);
    const library = await index.search("language model robustness", 20, "hybrid", { category: "cs.CL" });
    expect(ids).toEqual(library.map((hit) => hit.id));

    const byAuthor = await getJson(base, `/api/search?q=${q}&k=20&author=keith`);
    expect(byAuthor.body.results.map((hit: any) => hit.id)).toEqual(["2503.16554"]);

    const byYear = await getJson(base, `/api/search?q=${q}&k=20&year=${encodeURIComponent("..1900")}`);
    expect(byYear.body.results).toEqual([]);
    const years = (await index.search("language model robustness", 20, "hybrid", { years: [2025, null] })).map((hit) => hit.id);
    expect((await getJson(base, `/api/search?q=${q}&k=20&year=2025..`)).body.results.map((hit: any) => hit.id)).toEqual(years);
  });

  it("narrows by since and until, leaving out papers without a date, and gives each hit its date", async () => {
    const q = encodeURIComponent("language model robustness");
    const all = (await getJson(base, `/api/search?q=${q}&k=40`)).body.results;
    // The seeds have no date; the arxiv-cs sample's four papers are of 2025-03-24.
    expect(all.some((hit: any) => hit.date === null)).toBe(true);
    const sample = ["2503.16550", "2503.16553", "2503.16554", "2503.16556"];
    const inMarch = await getJson(base, `/api/search?q=${q}&k=40&since=2025-03&until=2025-03-24`);
    expect(inMarch.status).toBe(200);
    expect(inMarch.body.results.map((hit: any) => hit.id).sort()).toEqual(sample);
    expect(inMarch.body.results.every((hit: any) => hit.date === "2025-03-24" && hit.year === 2025)).toBe(true);
    const library = await index.search("language model robustness", 40, "hybrid", { since: "2025-03", until: "2025-03-24" });
    expect(inMarch.body.results.map((hit: any) => hit.id)).toEqual(library.map((hit) => hit.id));
    expect((await getJson(base, `/api/search?q=${q}&k=40&since=2025-03-25`)).body.results).toEqual([]);
    expect((await getJson(base, `/api/search?q=${q}&k=40&until=2025-03-23`)).body.results).toEqual([]);
    expect((await getJson(base, `/api/search?q=${q}&k=40&until=2025`)).body.results.map((hit: any) => hit.id).sort()).toEqual(sample);
  });

  it("refuses an empty or malformed filter with BAD_OPTION", async () => {
    for (const filter of ["category=", "author=%20", "year=20x5", "since=2025-02-30", "until=soon", "since=2025-04&until=2025-03", "since="]) {
      const answer = await getJson(base, `/api/search?q=robustness&${filter}`);
      expect(answer.status, filter).toBe(400);
      expect(answer.body.error.code, filter).toBe("BAD_OPTION");
    }
  });
});

describe("file paths in network answers", () => {
  async function mcpClient(base: string): Promise<Client> {
    const client = new Client({ name: "paths", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL("/mcp", base)));
    return client;
  }

  it("are left out by default: no sources in hits or papers, no indexPath in info, over HTTP and MCP", async () => {
    const base = await serve();
    const text = JSON.stringify([
      (await getJson(base, "/api/search?q=decoding&k=5")).body,
      (await getJson(base, "/api/papers/2503.16554")).body,
      (await getJson(base, "/api/papers/2503.16554/related?k=3")).body,
      (await getJson(base, "/api/info")).body,
    ]);
    expect(text).not.toContain(indexDir);
    expect(text).not.toContain("sources");
    expect(text).not.toContain(SAMPLE);

    const client = await mcpClient(base);
    const info = (await client.callTool({ name: "info", arguments: {} })) as any;
    const shown = (await client.callTool({ name: "show", arguments: { id: "2503.16554" } })) as any;
    await client.close();
    expect(info.structuredContent).not.toHaveProperty("indexPath");
    expect(shown.structuredContent).not.toHaveProperty("sources");
    expect(JSON.stringify([info, shown])).not.toContain(indexDir);
    expect(JSON.stringify(shown)).not.toContain(SAMPLE);
  });

  it("are given with exposePaths (serve --expose-paths)", async () => {
    const base = await serve({ exposePaths: true });
    expect((await getJson(base, "/api/papers/2503.16554")).body.sources).toEqual([{ file: SAMPLE, line: 3 }]);
    expect((await getJson(base, "/api/search?q=decoding&k=1")).body.results[0]).toHaveProperty("sources");
    expect((await getJson(base, "/api/info")).body.indexPath).toContain(indexDir);
    const client = await mcpClient(base);
    const info = (await client.callTool({ name: "info", arguments: {} })) as any;
    await client.close();
    expect(info.structuredContent.indexPath).toContain(indexDir);
  });

  it("are shown on a loopback address only", async () => {
    const quiet = { log: () => {}, warn: () => {} };
    await expect(startServer(options(), { port: 0, host: "0.0.0.0", exposePaths: true }, quiet)).rejects.toMatchObject({
      code: "BAD_OPTION",
      message: expect.stringMatching(/--expose-paths .*loopback/),
    });
  });
});
