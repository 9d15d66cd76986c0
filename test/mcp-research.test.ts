/**
 * The research tools over MCP, with the SDK's own client against a real `papers mcp` child
 * process on stdio: recommend and export answer as the CLI does for the same papers, and a hit
 * found in a PDF's body carries its passage and page.
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, modelsDir, runCli, tempDir } from "./helpers.js";
import { QUESTION, buildIndex, call, checkExportMatchesCli, checkRecommendMatchesCli, checkResearchBadArguments, cliJson } from "./mcp-checks.js";
import { tokenCount } from "../src/corpus/passages.js";

type Json = any;

const env = () => ({ ...(process.env as Record<string, string>), PAPERS_MODELS: modelsDir(), PAPERS_OFFLINE: "1" });

async function connect(indexDir: string): Promise<Client> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, "--index", indexDir, "mcp"], env: env(), stderr: "pipe" });
  const client = new Client({ name: "papers-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

describe("recommend and export over MCP (stdio)", () => {
  const indexDir = join(tempDir("papers-mcp-research-"), "index");
  let client: Client;

  beforeAll(async () => {
    buildIndex(indexDir);
    client = await connect(indexDir);
  });

  afterAll(async () => {
    await client?.close();
  });

  it("recommends as `papers recommend --json` does, with likes and unlikes, and with a text", async () => {
    await checkRecommendMatchesCli(client, indexDir);
  });

  it("exports BibTeX for ids exactly as `papers show/list --format bibtex` prints it", async () => {
    await checkExportMatchesCli(client, indexDir);
  });

  it("turns bad recommend and export arguments into tool errors with papers codes, and keeps answering", async () => {
    await checkResearchBadArguments(client);
  });

  it("evidence gives the answer `papers ask --json` prints, its text the Markdown answer within the budget", async () => {
    const result = (await client.callTool({ name: "evidence", arguments: { question: QUESTION, k: 3, budget: 300 } })) as Json;
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const cli = await cliJson(indexDir, ["ask", QUESTION, "-k", "3", "--budget", "300"]);
    expect(cli.evidence.length).toBeGreaterThan(0);
    expect(result.structuredContent).toEqual(cli);
    expect(result.content[0].text).toContain(`[1] ${cli.evidence[0].text}`);
    expect(tokenCount(result.content[0].text)).toBeLessThanOrEqual(300);
  });
});

describe("passages over MCP (stdio)", () => {
  const root = tempDir("papers-mcp-pdf-");
  const indexDir = join(root, "index");
  let client: Client;
  const GLACIER = "Measuring Glacier Surface Drift with Low-Cost GNSS Receivers";
  const QUESTION_IN_BODY = "What median drift per day did the receivers record at the Skaftafell station?";

  beforeAll(async () => {
    const folder = join(root, "library");
    mkdirSync(folder);
    const fixtures = new URL("fixtures/", import.meta.url).pathname;
    for (const name of ["glacier-onecol.pdf", "flow-twocol.pdf", "beekeeping-noabstract.pdf"]) copyFileSync(join(fixtures, "pdf", name), join(folder, name));
    copyFileSync(join(fixtures, "formats", "arxiv-cs-sample.jsonl"), join(folder, "arxiv-cs-sample.jsonl"));
    const built = runCli(["--index", indexDir, "index", folder]);
    expect(built.status, built.stderr).toBe(0);
    client = await connect(indexDir);
  }, 300_000);

  afterAll(async () => {
    await client?.close();
  });

  it("gives a hit found in a PDF's body with its passage and page, the snippet quoting the passage", async () => {
    const answer = await call(client, "search", { question: QUESTION_IN_BODY, k: 3 });
    const glacier = answer.results.find((h: Json) => h.title === GLACIER);
    expect(glacier, JSON.stringify(answer.results.map((h: Json) => h.title))).toBeDefined();
    expect(glacier.passage).toMatchObject({ page: 3, section: "2 Stations and Processing" });
    expect(glacier.passage.text).toContain("4.7 centimetres per day");
    for (const piece of glacier.snippet.split("…").filter(Boolean)) expect(glacier.passage.text).toContain(piece);
    // The same passages as the CLI's --json; hits without one say null.
    const cli = await cliJson(indexDir, ["search", QUESTION_IN_BODY, "-k", "3"]);
    expect(answer.results.map((h: Json) => h.id)).toEqual(cli.map((h: Json) => h.id));
    expect(answer.results.map((h: Json) => h.passage)).toEqual(cli.map((h: Json) => h.passage ?? null));
    expect(answer.results.map((h: Json) => h.relevance)).toEqual(cli.map((h: Json) => h.relevance));
  });
});
