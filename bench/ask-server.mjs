#!/usr/bin/env node
// How fast `papers serve` answers GET /api/ask (issue 26: server p50 under 300 ms on the 5,183-paper
// SciFact index). Starts the built CLI's server on the index (a child process, loopback), asks one
// warm-up question (not counted), then N distinct SciFact test claims one after another, each a
// question never asked before (no answer cache helps), and prints the latency percentiles as the
// client measured them (loopback HTTP included).
//
//   npm run build && node bench/ask-server.mjs [--index DIR] [--n 100] [--k 5] [--budget 600]
//                                              [--mode hybrid] [--context]
//
// --index: a SciFact index (default: the one `papers eval ../shared/data/scifact` caches under
//   $XDG_CACHE_HOME/papers/eval/scifact-*-Xenova--all-MiniLM-L6-v2-q8; any `papers index` folder works).
// --context: ask as the search page does (context=true: each sentence's abstract or passage too).
// --again: then ask the same claims again with budget+1 (a new answer for the server's cache, but
//   the sentences of the papers found are embedded already): the cost of ask without embedding them.
// --search: time GET /api/search (k the same) as well, on the next N claims (none embedded yet), as
//   a yardstick for the machine's load at the time.
// The claims are SciFact's test split (../shared/data/scifact/qrels/test.tsv), in file order.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { SCIFACT_DATA, scifactIndex } from "./scifact-index.mjs";

const ROOT = new URL("..", import.meta.url).pathname;
const SCIFACT = existsSync(join(SCIFACT_DATA, "qrels", "test.tsv")) ? SCIFACT_DATA : null;
const { values } = parseArgs({
  options: {
    index: { type: "string" },
    n: { type: "string", default: "100" },
    k: { type: "string", default: "5" },
    budget: { type: "string", default: "600" },
    mode: { type: "string", default: "hybrid" },
    context: { type: "boolean", default: false },
    search: { type: "boolean", default: false },
    again: { type: "boolean", default: false },
  },
});
const indexDir = scifactIndex(values.index);
if (!SCIFACT) throw new Error("no SciFact data at ../shared/data/scifact");

const testIds = new Set(readFileSync(join(SCIFACT, "qrels", "test.tsv"), "utf8").trim().split("\n").slice(1).map((line) => line.split("\t")[0]));
const claims = [];
for (const line of readFileSync(join(SCIFACT, "queries.jsonl"), "utf8").trim().split("\n")) {
  const query = JSON.parse(line);
  if (testIds.has(query._id) && !claims.includes(query.text)) claims.push(query.text);
}
const n = Math.min(Number(values.n), Math.floor((claims.length - 1) / 2));

const child = spawn(process.execPath, [join(ROOT, "bin", "papers.js"), "--index", indexDir, "serve", "--port", "0"], {
  env: { ...process.env, PAPERS_OFFLINE: "1" },
  stdio: ["ignore", "pipe", "pipe"],
});
let output = "";
child.stderr.setEncoding("utf8").on("data", (chunk) => (output += chunk));
const base = await new Promise((resolve, reject) => {
  child.stdout.setEncoding("utf8").on("data", (chunk) => {
    output += chunk;
    const match = /papers: serving (\d+) papers .* at (http:\/\/\S+)/.exec(output);
    if (match) resolve(match[2]);
  });
  child.on("exit", (code) => reject(new Error(`papers serve exited with ${code}:\n${output}`)));
});

const timed = async (path, params) => {
  const started = performance.now();
  const response = await fetch(new URL(`${path}?${params}`, base));
  const body = await response.json();
  const ms = performance.now() - started;
  if (!response.ok) throw new Error(`${response.status}: ${JSON.stringify(body)}`);
  if (response.headers.get("x-cache") !== "miss") throw new Error(`answered from the cache: ${params}`);
  return { ms, body };
};
const ask = async (q, budget = values.budget) => {
  const { ms, body } = await timed("/api/ask", new URLSearchParams({ q, k: values.k, budget, mode: values.mode, ...(values.context ? { context: "true" } : {}) }));
  return { ms, evidence: body.evidence.length };
};
const percentiles = (times) => {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1);
  const mean = sorted.reduce((s, t) => s + t, 0) / sorted.length;
  return `p50 ${at(0.5)} ms   p90 ${at(0.9)} ms   p99 ${at(0.99)} ms   mean ${mean.toFixed(1)} ms   min ${sorted[0].toFixed(1)}   max ${sorted.at(-1).toFixed(1)}`;
};

try {
  await ask(claims[0]); // warm-up: loads the model
  const times = [];
  let sentences = 0;
  for (const claim of claims.slice(1, n + 1)) {
    const { ms, evidence } = await ask(claim);
    times.push(ms);
    sentences += evidence;
  }
  console.log(`GET /api/ask, ${times.length} distinct SciFact test claims, k=${values.k} budget=${values.budget} mode=${values.mode}${values.context ? " context=true" : ""}`);
  console.log(`  ${percentiles(times)}`);
  console.log(`  ${(sentences / times.length).toFixed(1)} evidence sentences per answer`);
  if (values.again) {
    const again = [];
    for (const claim of claims.slice(1, n + 1)) again.push((await ask(claim, String(Number(values.budget) + 1))).ms);
    console.log(`GET /api/ask, the same claims again (budget ${Number(values.budget) + 1}): their sentences embedded already`);
    console.log(`  ${percentiles(again)}`);
  }
  if (values.search) {
    const searches = [];
    for (const claim of claims.slice(n + 1, 2 * n + 1)) searches.push((await timed("/api/search", new URLSearchParams({ q: claim, k: values.k, mode: values.mode }))).ms);
    console.log(`GET /api/search, ${searches.length} other claims, k=${values.k}`);
    console.log(`  ${percentiles(searches)}`);
  }
} finally {
  child.kill("SIGTERM");
}
