/**
 * MCP over streamable HTTP at /mcp of a real `papers serve --port 0` child process, driven by the
 * MCP SDK's own client: the same tools and answers as over stdio, the server's limits, and hot
 * reload (a tool call answers from the generation served at that moment).
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, modelsDir, tempDir } from "./helpers.js";
import {
  QUESTION,
  buildIndex,
  call,
  checkBadArguments,
  checkExportMatchesCli,
  checkRecommendMatchesCli,
  checkResearchBadArguments,
  checkResource,
  checkToolList,
  checkToolsMatchCli,
} from "./mcp-checks.js";

describe("papers serve /mcp (streamable HTTP)", () => {
  const dir = tempDir("papers-mcp-http-");
  const indexDir = join(dir, "index");
  let child: ChildProcess;
  let stdout = "";
  let stderr = "";
  let endpoint: URL;
  let client: Client;

  beforeAll(async () => {
    buildIndex(indexDir);
    child = spawn(process.execPath, [CLI, "--index", indexDir, "serve", "--port", "0"], {
      env: { ...process.env, PAPERS_MODELS: modelsDir(), PAPERS_OFFLINE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on("data", () => {
        const match = /^papers: serving \d+ papers \(.+\) at (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(stdout);
        if (match) resolve(match[1]!);
      });
      child.on("exit", (code) => reject(new Error(`papers serve exited with ${code}:\n${stdout}\n${stderr}`)));
    });
    endpoint = new URL("mcp", url);
    client = new Client({ name: "papers-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(endpoint));
  });

  afterAll(async () => {
    await client?.close();
    if (child && child.exitCode === null) child.kill("SIGTERM");
  });

  it("lists the eleven tools", async () => {
    expect(client.getServerVersion()).toMatchObject({ name: "papers" });
    await checkToolList(client);
  });

  it("answers every tool as the CLI's --json does", async () => {
    await checkToolsMatchCli(client, indexDir, false);
  });

  it("turns bad arguments into tool errors with papers codes, and keeps answering", async () => {
    await checkBadArguments(client);
  });

  it("recommends and exports as the CLI does, and refuses bad recommend and export arguments", async () => {
    await checkRecommendMatchesCli(client, indexDir);
    await checkExportMatchesCli(client, indexDir);
    await checkResearchBadArguments(client);
  });

  it("serves papers://paper/{id}", async () => {
    await checkResource(client);
  });

  it("is stateless: GET and DELETE answer 405", async () => {
    for (const method of ["GET", "DELETE"]) {
      const response = await fetch(endpoint, { method });
      expect(response.status, method).toBe(405);
      expect(response.headers.get("allow")).toBe("POST");
      expect(await response.json()).toMatchObject({ jsonrpc: "2.0", error: { code: -32000 } });
    }
  });

  it("keeps the server's limits: body size, JSON, no query string, no foreign web origin", async () => {
    const post = (body: string, headers: Record<string, string> = {}, url: URL = endpoint) =>
      fetch(url, { method: "POST", body, headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers } });
    const huge = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "search", arguments: { question: "x".repeat(2 * 1024 * 1024) } } });
    const tooLarge = await post(huge);
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as any).error.code).toBe("BAD_REQUEST");
    expect((await post("{not json")).status).toBe(400);
    expect((await post("{}", {}, new URL("?debug=1", endpoint))).status).toBe(400);
    const foreign = await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }), { origin: "http://evil.example" });
    expect(foreign.status).toBe(403);
    // A plain JSON-RPC request with no Origin (what agents send) is answered.
    const listed = await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }));
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as any).result.tools).toHaveLength(11);
    expect((await call(client, "search", { question: QUESTION, k: 1 })).results).toHaveLength(1);
  });

  it("answers from a new index generation without a restart", async () => {
    const before = await call(client, "info", {});
    const extra = join(dir, "extra.jsonl");
    writeFileSync(
      extra,
      JSON.stringify({
        id: "hot-reload-1",
        title: "Braiding topological qubits in heated sourdough",
        abstract: "We braid Majorana modes in a fermenting sourdough starter and report the qubit coherence time at baking temperature.",
      }) + "\n",
    );
    // Not spawnSync: the client's kept-alive connection must not sit blocked meanwhile.
    await promisify(execFile)(process.execPath, [CLI, "--index", indexDir, "index", extra], {
      env: { ...process.env, PAPERS_MODELS: modelsDir(), PAPERS_OFFLINE: "1" },
    });
    // The server notices the new generation on its own; poll for it, but not forever (a count
    // still the old one after the deadline fails just below).
    const deadline = Date.now() + 60_000;
    let info = before;
    while (info.count === before.count && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      info = await call(client, "info", {});
    }
    expect(info.count).toBe(before.count + 1);
    expect(info.builtAt).not.toBe(before.builtAt);
    // A network answer does not name the server's files.
    expect(info).not.toHaveProperty("indexPath");
    const hits = (await call(client, "search", { question: "sourdough qubits", k: 1 })).results;
    expect(hits[0].id).toBe("hot-reload-1");
    expect((await call(client, "show", { id: "hot-reload-1" })).title).toMatch(/sourdough/);
  });

  it("logs one line per request to stdout and nothing to stderr", () => {
    expect(stdout).toMatch(/^POST \/mcp 200 \d+\.\d ms$/m);
    expect(stdout).toMatch(/^GET \/mcp 405 \d+\.\d ms$/m);
    expect(stdout).toMatch(/^papers: now serving \d+ papers from gen-/m);
    expect(stderr).toBe("");
  });
});
