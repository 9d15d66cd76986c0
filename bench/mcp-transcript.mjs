#!/usr/bin/env node
// Prints a real MCP exchange with `papers mcp` over stdio, message by message, as JSON-RPC:
// initialize, tools/list, then tools/call search. Nothing in between: what an agent sends (→) and
// what papers answers (←), one JSON object per line on the wire, pretty-printed here.
//
//   npm run build && node bench/mcp-transcript.mjs [--index DIR] [--k 3] [--full] [question...]
//
// --index: default a temporary index built from seeds/ (30 papers) by `papers mcp` itself.
// --full: print tool descriptions and schemas whole (by default descriptions are cut at 160
//   characters and the tools' input/output schemas are summarised, to keep the transcript short).
// The model is looked up as the CLI does: set PAPERS_MODELS (and PAPERS_OFFLINE=1) to use a local copy.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const ROOT = new URL("..", import.meta.url).pathname;
const { values, positionals } = parseArgs({
  options: { index: { type: "string" }, k: { type: "string", default: "3" }, full: { type: "boolean", default: false } },
  allowPositionals: true,
});
const question = positionals.length > 0 ? positionals.join(" ") : "ways to reduce decode latency";
const scratch = values.index ? null : mkdtempSync(join(tmpdir(), "papers-mcp-transcript-"));
const indexDir = values.index ?? join(scratch, "index");

const child = spawn(process.execPath, [join(ROOT, "bin", "papers.js"), "--index", indexDir, "mcp"], { stdio: ["pipe", "pipe", "inherit"] });
let buffer = "";
const waiting = new Map();
child.stdout.setEncoding("utf8").on("data", (chunk) => {
  buffer += chunk;
  let newline;
  while ((newline = buffer.indexOf("\n")) >= 0) {
    const line = buffer.slice(0, newline);
    buffer = buffer.slice(newline + 1);
    const message = JSON.parse(line); // stdout must hold nothing but protocol
    show("←", message);
    waiting.get(message.id)?.(message);
  }
});

function shorten(value, key) {
  if (values.full) return value;
  if (typeof value === "string" && (key === "description" || key === "instructions")) {
    return value.length > 160 ? `${value.slice(0, 160)}… (${value.length} chars)` : value;
  }
  if (Array.isArray(value)) return value.map((v) => shorten(v));
  if (value && typeof value === "object") {
    if ((key === "inputSchema" || key === "outputSchema") && value.properties) {
      return `{object: ${Object.keys(value.properties).join(", ")}}`;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shorten(v, k)]));
  }
  return value;
}

function show(arrow, message) {
  // The text content of a tool result is the structured content again, as JSON: shown once.
  const copy = structuredClone(message);
  for (const item of copy.result?.content ?? []) if (copy.result.structuredContent && item.type === "text") item.text = "(the structuredContent below, as JSON text)";
  console.log(`${arrow} ${JSON.stringify(shorten(copy), null, 2).replace(/\n/g, "\n  ")}`);
}

function send(message) {
  show("→", message);
  child.stdin.write(`${JSON.stringify(message)}\n`);
  return message.id === undefined ? undefined : new Promise((resolve) => waiting.set(message.id, resolve));
}

await send({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "mcp-transcript", version: "1.0.0" } },
});
send({ jsonrpc: "2.0", method: "notifications/initialized" });
await send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
const started = performance.now();
await send({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "search", arguments: { question, k: Number(values.k) } } });
// The first question may wait for the model, which papers starts loading right after the handshake.
console.error(`(search answered in ${(performance.now() - started).toFixed(1)} ms)`);
child.stdin.end();
await new Promise((resolve) => child.on("exit", resolve));
if (scratch) rmSync(scratch, { recursive: true, force: true });
