/**
 * `ask` over the network, in process with the instant hash embedder, on every store (the folder
 * store, and PostgreSQL when PAPERS_TEST_PG names one): GET /api/ask gives the library's answer
 * through the request layer (the search page's context included, a PDF passage's too), and the MCP
 * `evidence` tool (over the same server's /mcp) the same answer, its text within the token budget.
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokenCount } from "../src/corpus/passages.js";
import { indexPapers, openIndex, type PaperIndex } from "../src/papers.js";
import { askAnswerJson } from "../src/requests/answers.js";
import { buildServer } from "../src/server/app.js";
import { hashEmbedderLoader } from "./hash-embedder.js";
import { REPO, SEEDS, tempDir } from "./helpers.js";
import { factories } from "./store-factories.js";

const SAMPLE = join(REPO, "test", "fixtures", "formats", "arxiv-cs-sample.jsonl");
const QUESTION = "ways to reduce decode latency";
/** Words of the glacier PDF's body (page 3), not of its abstract. */
const IN_PDF_BODY = "median drift per day receivers Skaftafell station centimetres";

type Json = any;

describe.each(factories)("ask over HTTP and MCP, $name store", (factory) => {
  let index: PaperIndex;
  let app: FastifyInstance;
  let base: string;
  let client: Client;

  beforeAll(async () => {
    const library = join(tempDir("papers-ask-server-"), "library");
    mkdirSync(library);
    copyFileSync(join(REPO, "test", "fixtures", "pdf", "glacier-onecol.pdf"), join(library, "glacier-onecol.pdf"));
    const options = { ...factory.fresh().options, embedder: hashEmbedderLoader() };
    await indexPapers([SEEDS, SAMPLE, library], options);
    index = await openIndex(options);
    app = buildServer(index, { logError: () => {} });
    base = await app.listen({ port: 0, host: "127.0.0.1" });
    client = new Client({ name: "papers-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL("mcp", base)));
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await app?.close();
    await index?.close();
  });

  const get = async (path: string) => {
    const response = await fetch(new URL(path, base));
    return { status: response.status, type: response.headers.get("content-type"), cache: response.headers.get("x-cache"), text: await response.text() };
  };

  it("GET /api/ask answers what the library answers, cited sentences within the budget, and caches it", async () => {
    const q = encodeURIComponent(QUESTION);
    const first = await get(`/api/ask?q=${q}&k=3&budget=300`);
    expect(first.status, first.text).toBe(200);
    const body = JSON.parse(first.text);
    const library = await index.ask({ question: QUESTION, k: 3, budget: 300, mode: "hybrid" });
    expect(body).toEqual(JSON.parse(JSON.stringify(askAnswerJson(library))));
    expect(body.evidence.length).toBeGreaterThan(0);
    expect(Object.keys(body)).toEqual(["question", "confident", "evidence", "references"]);
    expect(body.evidence.map((e: Json) => e.id)).toEqual(body.evidence.map((_: Json, i: number) => i + 1));
    expect((await get(`/api/ask?q=${q}&k=3&budget=300`)).cache).toBe("hit");

    const markdown = await get(`/api/ask?q=${q}&k=3&budget=300&format=markdown`);
    expect(markdown.type).toMatch(/^text\/markdown/);
    expect(markdown.text).toContain(`[1] ${body.evidence[0].text.slice(0, 40)}`);
    expect(tokenCount(markdown.text)).toBeLessThanOrEqual(300);

    // A filter reaches the library: only the sample's cs.CL papers are cited.
    const filtered = JSON.parse((await get(`/api/ask?q=${encodeURIComponent("language model robustness")}&category=cs.CL`)).text);
    expect(filtered.references.length).toBeGreaterThan(0);
    for (const paper of filtered.references) expect((await index.get(paper.id)).categories).toContain("cs.CL");
  });

  it("gives each sentence its abstract, or its PDF passage with the page, with context=true", async () => {
    const answer = JSON.parse((await get(`/api/ask?q=${encodeURIComponent(QUESTION)}&context=true`)).text);
    for (const sentence of answer.evidence) expect(sentence.context, sentence.text).toContain(sentence.text);
    const fromAbstract = answer.evidence.find((e: Json) => e.page === null);
    expect(fromAbstract.context).toBe((await index.get(fromAbstract.paper.id)).abstract);

    const pdf = JSON.parse((await get(`/api/ask?q=${encodeURIComponent(IN_PDF_BODY)}&k=1&context=true`)).text);
    const fromPassage = pdf.evidence.find((e: Json) => e.page !== null);
    expect(fromPassage, JSON.stringify(pdf.evidence)).toBeDefined();
    expect(fromPassage.context).toContain(fromPassage.text);
    expect(fromPassage.context).not.toBe((await index.get(fromPassage.paper.id)).abstract);
  });

  it("refuses out-of-range and unknown parameters with the library's codes", async () => {
    const k = await get("/api/ask?q=decoding&k=21");
    expect(k.status).toBe(400);
    expect(JSON.parse(k.text).error).toEqual({ code: "BAD_OPTION", message: "k must be a whole number from 1 to 20 for ask, not 21" });
    expect(JSON.parse((await get("/api/ask?q=decoding&budget=10")).text).error.code).toBe("BAD_OPTION");
    expect(JSON.parse((await get("/api/ask?q=decoding&budget=1e3")).text).error.code).toBe("BAD_REQUEST");
    expect(JSON.parse((await get("/api/ask?q=decoding&explain=true")).text).error.message).toBe('unknown query parameter "explain"');
    expect((await get("/api/ask")).status).toBe(400);
  });

  it("MCP evidence: listed first, the same answer as /api/ask, its text the Markdown answer within the budget", async () => {
    const { tools } = await client.listTools();
    expect(tools[0]!.name).toBe("evidence");
    expect(tools[0]!.description).toMatch(/^Call this first/);
    const result = (await client.callTool({ name: "evidence", arguments: { question: QUESTION, k: 3, budget: 120 } })) as Json;
    expect(result.isError).toBeFalsy();
    const api = JSON.parse((await get(`/api/ask?q=${encodeURIComponent(QUESTION)}&k=3&budget=120`)).text);
    expect(result.structuredContent).toEqual(api);
    const text = result.content[0].text as string;
    expect(text).toContain("[1] ");
    expect(tokenCount(text)).toBeLessThanOrEqual(120);
    // A bigger budget holds more.
    const more = (await client.callTool({ name: "evidence", arguments: { question: QUESTION, k: 3, budget: 600 } })) as Json;
    expect(more.structuredContent.evidence.length).toBeGreaterThan(api.evidence.length);
    expect(tokenCount(more.content[0].text)).toBeLessThanOrEqual(600);

    const bad = (await client.callTool({ name: "evidence", arguments: { question: QUESTION, budget: 5 } })) as Json;
    expect(bad.isError).toBe(true);
    expect(bad.content[0].text).toMatch(/^BAD_OPTION: budget must be/);
  });
});
