#!/usr/bin/env node
// Load test for `papers serve`: starts the server (the built CLI, as a child process, loopback
// only), hammers GET /api/search with autocannon, and prints requests/s, latency percentiles and
// error counts.
//
//   npm run build && node bench/load.mjs [--index DIR] [--connections 50] [--duration 20]
//                                        [--amount N] [--mode hybrid] [--k 10] [--unique]
//
// --index: the index to serve. Default: the SciFact index (5,183 papers) that `papers eval`
//   caches under ~/.cache/papers/eval/scifact-*-Xenova--all-MiniLM-L6-v2-fp32/ when there is one
//   (run `npx papers eval ../shared/data/scifact` once to make it), else a temporary index that
//   the server builds from seeds/ (30 papers). Any folder made by `papers index` works.
// --unique: every request asks a question never asked before (a query from the list with a
//   counter appended), so no cache helps: the cost of embedding every question.
// --amount: send this many requests (e.g. 100000) instead of running for --duration seconds.
//
// Reports the server's resident memory (RSS, from /proc) after one warm-up request and after the
// run, and the answers by HTTP status (a 503 is the server refusing more new questions than it
// takes at once; see src/requests/search-gate.ts).
//
// Writes bench/results/load.json as well.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";

const ROOT = new URL("..", import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    index: { type: "string" },
    connections: { type: "string", default: "50" },
    duration: { type: "string", default: "20" },
    mode: { type: "string", default: "hybrid" },
    k: { type: "string", default: "10" },
    unique: { type: "boolean", default: false },
    amount: { type: "string" },
  },
});

/** Resident memory of a process in MB, or null where /proc is not there. */
function rssMb(pid) {
  try {
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;
  } catch {
    return null;
  }
}

// Questions people ask of biomedical and ML abstracts (SciFact is biomedical claims).
const QUESTIONS = [
  "vitamin D supplementation and bone fracture risk",
  "does aspirin reduce the risk of colorectal cancer",
  "gut microbiome and obesity",
  "mechanisms of antibiotic resistance in bacteria",
  "BRCA1 mutations and breast cancer",
  "statins and cardiovascular mortality",
  "T cell exhaustion in chronic infection",
  "CRISPR gene editing off-target effects",
  "insulin resistance in type 2 diabetes",
  "tumor suppressor p53 and apoptosis",
  "smoking and lung cancer incidence",
  "effect of exercise on depression",
  "malaria transmission by mosquitoes",
  "stem cell differentiation and reprogramming",
  "alzheimer's disease amyloid beta plaques",
  "HIV antiretroviral therapy adherence",
  "microRNA regulation of gene expression",
  "hypertension treatment in elderly patients",
  "inflammation and cytokine signaling",
  "sleep deprivation and memory consolidation",
  "ways to reduce decode latency",
  "speculative decoding for large language models",
  "quantization of transformer weights",
  "reinforcement learning with episodic memory",
  "graph neural networks for molecules",
  "contrastive learning of sentence embeddings",
  "mitochondrial dysfunction in neurodegeneration",
  "influenza vaccine effectiveness",
  "DNA methylation and aging",
  "autophagy in cancer cells",
  "immune checkpoint inhibitors PD-1",
  "childhood obesity and sugar intake",
];

function defaultIndex() {
  const cache = join(homedir(), ".cache", "papers", "eval");
  if (existsSync(cache)) {
    const candidates = readdirSync(cache)
      .filter((name) => /^scifact-.*-Xenova--all-MiniLM-L6-v2-fp32$/.test(name))
      .map((name) => join(cache, name))
      .filter((dir) => existsSync(join(dir, "CURRENT")))
      .sort((a, b) => statSync(join(b, "CURRENT")).mtimeMs - statSync(join(a, "CURRENT")).mtimeMs);
    if (candidates[0]) return { dir: candidates[0], temporary: false };
  }
  return { dir: join(mkdtempSync(join(tmpdir(), "papers-load-")), "index"), temporary: true };
}

function startServer(indexDir) {
  const child = spawn(process.execPath, [join(ROOT, "bin", "papers.js"), "--index", indexDir, "serve", "--host", "127.0.0.1", "--port", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    const onData = (chunk) => {
      out += chunk;
      const match = /^papers: serving (\d+) papers \((.+)\) at (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out);
      if (!match) return;
      child.stdout.off("data", onData);
      // One log line per request: keep reading them (as a terminal would), but do not keep them.
      let lines = 0;
      child.stdout.on("data", (more) => (lines += more.toString().split("\n").length - 1));
      resolve({ child, papers: Number(match[1]), model: match[2], url: match[3], logLines: () => lines });
    };
    child.stdout.setEncoding("utf8").on("data", onData);
    child.on("exit", (code) => reject(new Error(`papers serve exited with ${code} before it was ready`)));
  });
}

const { dir, temporary } = values.index ? { dir: values.index, temporary: false } : defaultIndex();
const server = await startServer(dir);
console.error(`serving ${server.papers} papers from ${dir} at ${server.url}`);

let n = 0;
const pathFor = () => {
  const i = n++;
  const question = QUESTIONS[i % QUESTIONS.length] + (values.unique ? ` ${i}` : "");
  return `/api/search?${new URLSearchParams({ q: question, k: values.k, mode: values.mode })}`;
};

const connections = Number(values.connections);
const duration = Number(values.duration);
const amount = values.amount ? Number(values.amount) : undefined;
await fetch(new URL(pathFor(), server.url));
const rssBefore = rssMb(server.child.pid);
const started = performance.now();
const result = await autocannon({
  url: server.url,
  connections,
  ...(amount ? { amount } : { duration }),
  timeout: 30,
  requests: [{ method: "GET", setupRequest: (request) => ({ ...request, path: pathFor() }) }],
});
const seconds = (performance.now() - started) / 1000;
const rssAfter = rssMb(server.child.pid);

server.child.kill("SIGTERM");
await new Promise((resolve) => server.child.once("exit", resolve));
if (temporary) rmSync(join(dir, ".."), { recursive: true, force: true });

const summary = {
  index: dir,
  papers: server.papers,
  model: server.model,
  mode: values.mode,
  k: Number(values.k),
  questions: values.unique ? "unique" : `${QUESTIONS.length} rotating`,
  connections,
  seconds: Number(seconds.toFixed(1)),
  requests: result.requests.total,
  requests_per_second: Math.round(result.requests.total / seconds),
  latency_ms: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
  "2xx": result["2xx"],
  non2xx: result.non2xx,
  statuses: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count])),
  rss_mb: { before: rssBefore && Math.round(rssBefore), after: rssAfter && Math.round(rssAfter) },
  errors: result.errors,
  timeouts: result.timeouts,
  log_lines: server.logLines(),
};
mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
writeFileSync(join(ROOT, "bench", "results", "load.json"), `${JSON.stringify(summary, null, 2)}\n`);

console.log(
  `${summary.papers} papers, ${summary.mode}, k=${summary.k}, ${summary.questions} questions, ` +
    `${connections} connections, ${summary.seconds} s`,
);
console.log(`requests/s  ${summary.requests_per_second.toFixed(0)} (${summary.requests} requests)`);
console.log(`latency     p50 ${summary.latency_ms.p50} ms, p90 ${summary.latency_ms.p90} ms, p99 ${summary.latency_ms.p99} ms, max ${summary.latency_ms.max} ms`);
console.log(`2xx ${summary["2xx"]}, non-2xx ${summary.non2xx}, errors ${summary.errors}, timeouts ${summary.timeouts}; statuses ${JSON.stringify(summary.statuses)}`);
console.log(`server RSS ${summary.rss_mb.before} MB after warm-up, ${summary.rss_mb.after} MB after the run`);
if (summary.non2xx || summary.errors || summary.timeouts) process.exitCode = 1;
