#!/usr/bin/env node
// Tool-call latency of papers over MCP, as an agent sees it: the MCP SDK's own client calls the
// `search` tool of `papers mcp` (stdio) and of `papers serve` at /mcp (streamable HTTP), one call
// at a time, and times each round trip. Both get the same questions (SciFact queries, each asked
// once, so no answer cache helps), after a warm-up with other questions. The same questions also go
// to the JSON API (GET /api/search) of the HTTP server, as the baseline without MCP, and every MCP
// answer is checked against it (same ids in the same order, scores equal to 4 places). Then, in
// this process, what MCP itself costs: one question (its embedding cached) asked of the library
// and through an MCP client and server linked in memory, and building an MCP server.
//
//   npm run build && node bench/mcp-latency.mjs [--index DIR] [--calls 100] [--warmup 10] [--k 10] [--mode hybrid]
//
// --index: default a temporary index built from seeds/ (30 papers). The arXiv index
//   (/work/arxiv/index, 74,728 papers) is the realistic one. The index is only read.
// Questions: /work/shared/data/scifact/queries.jsonl (or --queries FILE, JSONL with "text").
// Prints p50/p90/p99/mean per transport, the machine's load average before and after, and
// writes bench/results/mcp-latency.json.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";

const ROOT = new URL("..", import.meta.url).pathname;
const CLI = join(ROOT, "bin", "papers.js");
const { values } = parseArgs({
  options: {
    index: { type: "string" },
    calls: { type: "string", default: "100" },
    warmup: { type: "string", default: "10" },
    k: { type: "string", default: "10" },
    mode: { type: "string", default: "hybrid" },
    queries: { type: "string", default: "/work/shared/data/scifact/queries.jsonl" },
  },
});
const calls = Number(values.calls);
const warmup = Number(values.warmup);
const k = Number(values.k);
const mode = values.mode;

const texts = readFileSync(values.queries, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line).text);
if (texts.length < warmup + calls) throw new Error(`need ${warmup + calls} questions, ${values.queries} has ${texts.length}`);
const warmQuestions = texts.slice(0, warmup);
const questions = texts.slice(warmup, warmup + calls);

const scratch = values.index ? null : mkdtempSync(join(tmpdir(), "papers-mcp-latency-"));
const indexDir = values.index ?? join(scratch, "index");
if (scratch) await run([CLI, "--index", indexDir, "index", join(ROOT, "seeds")]);

function run(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "inherit"] });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(" ")} exited with ${code}`))));
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(ms) {
  const sorted = [...ms].sort((a, b) => a - b);
  const round = (x) => Math.round(x * 100) / 100;
  return { calls: ms.length, p50: round(percentile(sorted, 50)), p90: round(percentile(sorted, 90)), p99: round(percentile(sorted, 99)), mean: round(ms.reduce((a, b) => a + b, 0) / ms.length), max: round(sorted.at(-1)) };
}

/** Times `calls` search calls, after `warmup` untimed ones; returns the latencies and the answers. */
async function timeCalls(ask) {
  for (const question of warmQuestions) await ask(question);
  const ms = [];
  const answers = [];
  for (const question of questions) {
    const started = performance.now();
    answers.push(await ask(question));
    ms.push(performance.now() - started);
  }
  return { ms, answers };
}

async function mcpSearch(client, question) {
  const result = await client.callTool({ name: "search", arguments: { question, k, mode } });
  if (result.isError) throw new Error(`search "${question}": ${result.content[0].text}`);
  return result.structuredContent.results.map((hit) => [hit.id, hit.score]);
}

const load = { before: loadavg().map((x) => x.toFixed(2)) };
const env = { ...process.env };

// stdio: the agent starts papers as a child process.
const stdio = new Client({ name: "mcp-latency", version: "1.0.0" });
await stdio.connect(new StdioClientTransport({ command: process.execPath, args: [CLI, "--index", indexDir, "mcp"], env, stderr: "ignore" }));
const stdioRun = await timeCalls((question) => mcpSearch(stdio, question));
await stdio.close();

// HTTP: papers serve, its MCP endpoint, then its JSON API with the same questions.
const server = spawn(process.execPath, [CLI, "--index", indexDir, "serve", "--port", "0"], { env, stdio: ["ignore", "pipe", "inherit"] });
const base = await new Promise((resolve, reject) => {
  let out = "";
  server.stdout.setEncoding("utf8").on("data", (chunk) => {
    out += chunk;
    const match = / at (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out);
    if (match) resolve(match[1]);
  });
  server.on("exit", (code) => reject(new Error(`papers serve exited with ${code}`)));
});
server.stdout.resume();
const http = new Client({ name: "mcp-latency", version: "1.0.0" });
await http.connect(new StreamableHTTPClientTransport(new URL("mcp", base)));
const httpRun = await timeCalls((question) => mcpSearch(http, question));
await http.close();
server.kill("SIGTERM");
await new Promise((resolve) => server.on("exit", resolve));

// The JSON API on a fresh server (the first one has every question's embedding cached by now).
const apiServer = spawn(process.execPath, [CLI, "--index", indexDir, "serve", "--port", "0"], { env, stdio: ["ignore", "pipe", "inherit"] });
const apiBase = await new Promise((resolve, reject) => {
  let out = "";
  apiServer.stdout.setEncoding("utf8").on("data", (chunk) => {
    out += chunk;
    const match = / at (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out);
    if (match) resolve(match[1]);
  });
  apiServer.on("exit", (code) => reject(new Error(`papers serve exited with ${code}`)));
});
apiServer.stdout.resume();
const apiRun = await timeCalls(async (question) => {
  const response = await fetch(`${apiBase}api/search?${new URLSearchParams({ q: question, k: String(k), mode })}`);
  if (!response.ok) throw new Error(`GET /api/search: ${response.status} ${await response.text()}`);
  return (await response.json()).results.map((hit) => [hit.id, hit.score]);
});
apiServer.kill("SIGTERM");
await new Promise((resolve) => apiServer.on("exit", resolve));
load.after = loadavg().map((x) => x.toFixed(2));

// Every MCP answer must be the JSON API's answer.
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const mismatches = {
  stdio: stdioRun.answers.filter((answer, i) => !same(answer, apiRun.answers[i])).length,
  http: httpRun.answers.filter((answer, i) => !same(answer, apiRun.answers[i])).length,
};

// MCP's own cost, in this process: the same (cached) question through the library and through
// an MCP client and server linked in memory; and building a server, as /mcp does per request.
const { openIndex } = await import(join(ROOT, "dist", "papers.js"));
const { createMcpServer } = await import(join(ROOT, "dist", "mcp", "server.js"));
const index = await openIndex({ indexDir, modelsDir: process.env.PAPERS_MODELS, offline: ["1", "true", "yes"].includes(process.env.PAPERS_OFFLINE ?? "") });
const inProcess = async (work, n = 200) => {
  for (let i = 0; i < 20; i++) await work();
  const ms = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await work();
    ms.push(performance.now() - started);
  }
  return summary(ms);
};
const cachedQuestion = questions[0];
const library = await inProcess(() => index.search(cachedQuestion, k, mode));
const linked = await createMcpServer(index);
const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
await linked.connect(serverSide);
const memory = new Client({ name: "mcp-latency", version: "1.0.0" });
await memory.connect(clientSide);
const inMemoryMcp = await inProcess(() => mcpSearch(memory, cachedQuestion));
const buildServer = await inProcess(() => createMcpServer(index));
await memory.close();
await index.close();

const info = JSON.parse(await new Promise((resolve) => {
  let out = "";
  const child = spawn(process.execPath, [CLI, "--index", indexDir, "info", "--json"], { stdio: ["ignore", "pipe", "inherit"] });
  child.stdout.on("data", (chunk) => (out += chunk));
  child.on("exit", () => resolve(out));
}));
const report = {
  index: { path: indexDir, papers: info.count, model: info.model, dtype: info.dtype },
  question: { source: values.queries, k, mode, warmup, calls },
  machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: load },
  ms: { stdio: summary(stdioRun.ms), http: summary(httpRun.ms), jsonApi: summary(apiRun.ms) },
  answersDifferingFromJsonApi: mismatches,
  inProcessMs: { librarySearchCached: library, mcpInMemorySearchCached: inMemoryMcp, createMcpServer: buildServer },
};
console.log(JSON.stringify(report, null, 2));
mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
writeFileSync(join(ROOT, "bench", "results", "mcp-latency.json"), JSON.stringify(report, null, 2) + "\n");
if (scratch) rmSync(scratch, { recursive: true, force: true });
if (mismatches.stdio + mismatches.http > 0) process.exitCode = 1;
