/**
 * `papers mcp` as an agent starts it: a real child process over stdio, driven by the MCP SDK's
 * own client, on an index built by the real model.
 */
import { execFile, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, modelsDir, runCli, tempDir } from "./helpers.js";
import { QUESTION, buildIndex, call, checkBadArguments, checkResource, checkToolList, checkToolsMatchCli } from "./mcp-checks.js";

const env = () => ({ ...(process.env as Record<string, string>), PAPERS_MODELS: modelsDir(), PAPERS_OFFLINE: "1" });

describe("papers mcp (stdio)", () => {
  const indexDir = join(tempDir("papers-mcp-"), "index");
  let client: Client;
  let stderr = "";

  beforeAll(async () => {
    buildIndex(indexDir);
    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, "--index", indexDir, "mcp"], env: env(), stderr: "pipe" });
    transport.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    client = new Client({ name: "papers-test", version: "1.0.0" });
    await client.connect(transport);
  });

  afterAll(async () => {
    await client?.close();
  });

  it("introduces itself and lists its eleven tools with schemas and descriptions", async () => {
    expect(client.getServerVersion()).toMatchObject({ name: "papers" });
    expect(client.getInstructions()).toMatch(/search.*related.*recommend.*show.*list.*info.*export/s);
    await checkToolList(client);
  });

  it("answers every tool as the CLI's --json does", async () => {
    await checkToolsMatchCli(client, indexDir, true);
  });

  it("turns bad arguments into tool errors with papers codes, and keeps answering", async () => {
    await checkBadArguments(client);
  });

  it("serves papers://paper/{id}", async () => {
    await checkResource(client);
  });

  it("answers from a new index generation without a restart", async () => {
    const before = await call(client, "info", {});
    const extra = join(indexDir, "..", "extra.jsonl");
    writeFileSync(
      extra,
      JSON.stringify({
        id: "hot-reload-stdio",
        title: "Braiding topological qubits in heated sourdough",
        abstract: "We braid Majorana modes in a fermenting sourdough starter and report the qubit coherence time at baking temperature.",
      }) + "\n",
    );
    await promisify(execFile)(process.execPath, [CLI, "--index", indexDir, "index", extra], { env: env() });
    // The next call sees it: CURRENT is read before each one.
    const after = await call(client, "info", {});
    expect(after.count).toBe(before.count + 1);
    expect(after.indexPath).not.toBe(before.indexPath);
    expect((await call(client, "search", { question: "sourdough qubits", k: 1 })).results[0].id).toBe("hot-reload-stdio");
  });

  it("logs to stderr only", () => {
    expect(stderr).toMatch(/^papers: MCP server on stdio: 34 papers \(Xenova\/all-MiniLM-L6-v2\) from /m);
    expect(stderr).toMatch(/^papers: now serving 35 papers from gen-\S+ \(was gen-\S+\)$/m);
  });
});

describe("papers mcp stdout", () => {
  const indexDir = join(tempDir("papers-mcp-raw-"), "index");
  beforeAll(() => buildIndex(indexDir));

  it("carries only JSON-RPC, survives a malformed line, and exits 0 when stdin closes", async () => {
    const child = spawn(process.execPath, [CLI, "--index", indexDir, "mcp"], { env: env(), stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    const send = (message: unknown) => child.stdin.write(`${typeof message === "string" ? message : JSON.stringify(message)}\n`);
    const responses = () => out.split("\n").filter(Boolean).map((line) => JSON.parse(line) as { id?: number; result?: any; error?: any });
    const waitFor = async (id: number) => {
      while (!responses().some((r) => r.id === id)) await new Promise((r) => setTimeout(r, 50));
      return responses().find((r) => r.id === id)!;
    };

    send("this is not json");
    send({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } });
    expect((await waitFor(1)).result.serverInfo.name).toBe("papers");
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "search", arguments: { question: QUESTION, k: 3 } } });
    expect((await waitFor(2)).result.structuredContent.results).toHaveLength(3);
    send({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "search", arguments: { question: QUESTION, k: 0 } } });
    expect((await waitFor(3)).result).toMatchObject({ isError: true, content: [{ type: "text", text: expect.stringMatching(/^BAD_OPTION: /) }] });
    child.stdin.end();

    expect(await exited).toBe(0);
    // Every line of stdout is a JSON-RPC message (JSON.parse above would have thrown otherwise);
    // the malformed line got its parse error.
    expect(responses().map((r) => r.id)).toEqual([null, 1, 2, 3]);
    expect(responses()[0]!.error).toMatchObject({ code: -32700 });
  });

  it("exits 0 quietly when the client leaves at once, while the model is still loading", async () => {
    const child = spawn(process.execPath, [CLI, "--index", indexDir, "mcp"], { env: env(), stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect({ code, out }).toEqual({ code: 0, out: "" });
    expect(err).toMatch(/^papers: MCP server on stdio: 34 papers .*\n$/);
  });
});

describe("papers mcp with a misbehaving client", () => {
  const dir = tempDir("papers-mcp-load-");
  const indexDir = join(dir, "index");
  beforeAll(() => {
    // Long titles: every answer is large, as in the heap exhaustion of issue 27 (item 7).
    const corpus = join(dir, "long.jsonl");
    writeFileSync(corpus, Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: `long-${i}`, title: `${"Long title ".repeat(500)}${i}`, abstract: `Paper ${i} on decoding latency.` })).join("\n") + "\n");
    const built = runCli(["--index", indexDir, "index", corpus]);
    expect(built.status, built.stderr).toBe(0);
  });

  /** A raw `papers mcp` child: what it wrote, a way to send lines, and its stderr. */
  function start() {
    const child = spawn(process.execPath, [CLI, "--index", indexDir, "mcp"], { env: env(), stdio: ["pipe", "pipe", "pipe"] });
    const state = { partial: "", err: "" };
    const received: { id?: unknown; result?: any; error?: any }[] = [];
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      const lines = (state.partial + chunk).split("\n");
      state.partial = lines.pop()!;
      for (const line of lines) if (line) received.push(JSON.parse(line));
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (state.err += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    const responses = () => received;
    const waitUntil = async (done: () => boolean, ms = 60_000) => {
      const deadline = Date.now() + ms;
      while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(done()).toBe(true);
    };
    child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id: 0, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } })}\n`);
    child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })}\n`);
    return { child, state, exited, responses, waitUntil };
  }

  it("answers every unreadable line with a JSON-RPC error, never a schema dump, and goes on", async () => {
    const { child, exited, responses, waitUntil } = start();
    await waitUntil(() => responses().some((r) => r.id === 0));
    const lines = [
      "{not json",
      JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: null }),
      JSON.stringify({ jsonrpc: "2.0", id: { nested: 1 }, method: "tools/list" }),
      JSON.stringify([{ jsonrpc: "2.0", id: 8, method: "tools/list" }]),
      JSON.stringify({ jsonrpc: "1.0", id: 9, method: "tools/list" }),
      JSON.stringify({ jsonrpc: "2.0", id: 10, method: "tools/list" }),
    ];
    child.stdin.write(lines.map((line) => `${line}\n`).join(""));
    await waitUntil(() => responses().some((r) => r.id === 10));
    const errors = responses().filter((r) => r.error);
    expect(errors.map((r) => [r.id, r.error.code])).toEqual([
      [null, -32700],
      [7, -32600],
      [null, -32600],
      [null, -32600],
      [9, -32600],
    ]);
    for (const { error } of errors) {
      expect(error.message).toMatch(/^(parse error|invalid request): [^\n]{1,100}$/);
      expect(error.message).not.toMatch(/invalid_union|unionErrors|"path"|\[/);
    }
    expect(errors[1]!.error.message).toMatch(/params must be an object/);
    expect(responses().find((r) => r.id === 10)!.result.tools).toHaveLength(11);
    child.stdin.end();
    expect(await exited).toBe(0);
  });

  it("reads no further while 64 answers wait for a client that pipelines 1,500 calls without reading; answers them all once it reads", async () => {
    const { child, state, exited, responses, waitUntil } = start();
    await waitUntil(() => responses().some((r) => r.id === 0));
    // The client stops reading: answers back up in the pipe while it sends.
    child.stdout.pause();
    // Each call padded (in _meta, which every request may carry) so that they outgrow the pipe's buffers.
    const padding = "x".repeat(1000);
    const calls = Array.from({ length: 1500 }, (_, i) => ({
      jsonrpc: "2.0",
      id: 100 + i,
      method: "tools/call",
      params: { name: "list", arguments: { offset: i % 29, limit: 1 }, _meta: { padding } },
    }));
    child.stdin.write(calls.map((call) => `${JSON.stringify(call)}\n`).join(""));
    // The server takes what one read gives it, then stops reading: the rest stays with the client.
    // (Before, it read and answered everything, holding every answer in memory.)
    const deadline = Date.now() + 5_000;
    while (child.stdin.writableLength > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(child.stdin.writableLength).toBeGreaterThan(0);
    child.stdout.resume();
    await waitUntil(() => responses().length >= calls.length + 1, 120_000);
    const answers = responses().filter((r) => typeof r.id === "number" && r.id >= 100);
    expect(answers.map((r) => r.id)).toEqual(calls.map((call) => call.id));
    expect(answers.every((r) => r.result && !r.result.isError && r.result.structuredContent.papers.length === 1)).toBe(true);
    child.stdin.end();
    expect(await exited).toBe(0);
    // One 'drain' listener however many answers wait (before: Node's listener-leak warning).
    expect(state.err).not.toMatch(/MaxListenersExceededWarning|memory leak/);
  });
});
