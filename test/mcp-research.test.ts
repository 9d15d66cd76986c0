/**
 * The research tools over MCP, with the SDK's own client against a real `papers mcp` child
 * process on stdio: recommend and export answer as the CLI does for the same papers, and a hit
 * found in a PDF's body carries its passage and page.
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, modelsDir, runCli, tempDir } from "./helpers.js";
import { QUESTION, buildIndex, call, callError, cliJson } from "./mcp-checks.js";

type Json = any;

const env = () => ({ ...(process.env as Record<string, string>), PAPERS_MODELS: modelsDir(), PAPERS_OFFLINE: "1" });

async function connect(indexDir: string): Promise<Client> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, "--index", indexDir, "mcp"], env: env(), stderr: "pipe" });
  const client = new Client({ name: "papers-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

/** `papers --index DIR ...args` and its stdout, for the export formats (not JSON). */
async function cliText(indexDir: string, args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, "--index", indexDir, ...args], { env: env(), maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** The export tool's answer: one text item, the document. */
async function exported(client: Client, args: Record<string, unknown>): Promise<string> {
  const result = (await client.callTool({ name: "export", arguments: args })) as Json;
  expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
  expect(result.content).toHaveLength(1);
  expect(result.content[0].type).toBe("text");
  return result.content[0].text;
}

describe("recommend and export over MCP (stdio)", () => {
  const indexDir = join(tempDir("papers-mcp-research-"), "index");
  let client: Client;
  let likes: string[];
  let unlike: string;

  beforeAll(async () => {
    buildIndex(indexDir);
    client = await connect(indexDir);
    const found = (await call(client, "search", { question: QUESTION, k: 3 })).results;
    likes = [found[0].id, found[1].id];
    unlike = (await call(client, "search", { question: "language model robustness", category: "cs.CL", k: 1 })).results[0].id;
  });

  afterAll(async () => {
    await client?.close();
  });

  it("recommends as `papers recommend --json` does, with likes and unlikes, and with a text", async () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{ like: likes, unlike: [unlike], k: 6 }, ["--like", ...likes, "--unlike", unlike, "-k", "6"]],
      [{ like: [likes[0]], k: 5 }, ["--like", likes[0]!, "-k", "5"]],
      [{ text: "We speed up autoregressive generation by drafting tokens and verifying them in parallel.", k: 4 }, ["--text", "We speed up autoregressive generation by drafting tokens and verifying them in parallel.", "-k", "4"]],
    ];
    const methods = new Set<string>();
    for (const [args, flags] of cases) {
      const tool = await call(client, "recommend", args);
      const cli = await cliJson(indexDir, ["recommend", ...flags]);
      expect(tool.method).toBe(cli.method);
      expect(tool.candidates).toBe(cli.candidates);
      expect(tool.why).toEqual(cli.why);
      expect(tool.results.map((h: Json) => h.id)).toEqual(cli.results.map((h: Json) => h.id));
      expect(tool.results.map((h: Json) => h.score)).toEqual(cli.results.map((h: Json) => h.score));
      expect(tool.results.length).toBe(args.k);
      // Seeds are left out; every hit links to its resource.
      for (const hit of tool.results) {
        expect([...((args.like as string[]) ?? []), unlike]).not.toContain(hit.id);
        expect(hit.uri).toBe(`papers://paper/${encodeURIComponent(hit.id)}`);
      }
      methods.add(tool.method);
    }
    // An unlike trains a classifier, likes alone take the centroid: both paths were compared.
    expect([...methods].sort()).toEqual(["centroid", "classifier"]);
  });

  it("exports BibTeX for ids exactly as `papers show/list --format bibtex` prints it", async () => {
    expect(await exported(client, { ids: [likes[0]] })).toBe(await cliText(indexDir, ["show", likes[0]!, "--format", "bibtex"]));
    const all = ((await cliJson(indexDir, ["list"])) as Json[]).map((p) => p.id);
    const bib = await exported(client, { ids: all, format: "bibtex" });
    expect(bib).toBe(await cliText(indexDir, ["list", "--format", "bibtex"]));
    expect(bib.match(/^@\w+\{/gm)).toHaveLength(all.length);
    // Another format, and a question's results as `papers search --format` exports them.
    expect(await exported(client, { ids: all, format: "ris" })).toBe(await cliText(indexDir, ["list", "--format", "ris"]));
    expect(await exported(client, { question: QUESTION, k: 5, format: "csl-json" })).toBe(await cliText(indexDir, ["search", QUESTION, "-k", "5", "--format", "csl-json"]));
    expect(await exported(client, { question: QUESTION, k: 3, mode: "lexical", format: "jsonl" })).toBe(
      await cliText(indexDir, ["search", QUESTION, "-k", "3", "--mode", "lexical", "--format", "jsonl"]),
    );
  });

  it("turns bad recommend and export arguments into tool errors with papers codes, and keeps answering", async () => {
    expect((await callError(client, "recommend", {})).code).toBe("BAD_OPTION");
    expect((await callError(client, "recommend", { unlike: [unlike] })).code).toBe("BAD_OPTION");
    expect((await callError(client, "recommend", { like: ["no-such-paper"] })).code).toBe("UNKNOWN_ID");
    expect((await callError(client, "recommend", { like: [likes[0]], unlike: [likes[0]] })).code).toBe("BAD_OPTION");
    expect((await callError(client, "recommend", { like: [likes[0]], k: 0 })).code).toBe("BAD_OPTION");
    expect((await callError(client, "recommend", { like: Array(101).fill(likes[0]) })).code).toBe("BAD_OPTION");
    expect((await callError(client, "recommend", { text: "x".repeat(20_001) })).code).toBe("BAD_OPTION");
    expect((await callError(client, "recommend", { like: likes[0] })).text).toMatch(/Input validation error.*like/);
    expect((await callError(client, "export", {})).code).toBe("BAD_OPTION");
    expect((await callError(client, "export", { ids: [likes[0]], question: QUESTION })).code).toBe("BAD_OPTION");
    expect((await callError(client, "export", { ids: [] })).code).toBe("BAD_OPTION");
    expect((await callError(client, "export", { ids: Array(101).fill(likes[0]) })).code).toBe("BAD_OPTION");
    expect((await callError(client, "export", { ids: [likes[0], "no-such-paper"] })).code).toBe("UNKNOWN_ID");
    expect((await callError(client, "export", { ids: [likes[0]], format: "docx" })).text).toMatch(/^BAD_OPTION: unknown format "docx"/);
    expect((await callError(client, "export", { question: "  " })).code).toBe("EMPTY_QUERY");
    expect((await callError(client, "export", { question: QUESTION, k: 101 })).code).toBe("BAD_OPTION");
    expect((await call(client, "recommend", { like: [likes[0]], k: 2 })).results).toHaveLength(2);
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
