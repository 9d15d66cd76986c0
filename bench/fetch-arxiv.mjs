#!/usr/bin/env node
// `papers fetch arxiv` end to end: harvest AND index throughput (records/s) and the client's peak
// memory, over records streamed from the local OAI-PMH server (test/arxiv/oai-server.mjs, a child
// process so its memory is not counted), committed page by page into a new index with the shipped
// model (all-MiniLM-L6-v2, q8). bench/arxiv-harvest.mjs has the parse-only figures.
//
//   npm run build && node bench/fetch-arxiv.mjs [--records 5000] [--page 1000] [--store postgresql://…]
//
// Embedding dominates (about 40 abstracts/s on 2 cores): 50,000 records take ~20 min, so the
// figures in docs/arxiv-harvest.md are a 5,000-record run next to the parse-only 50,000.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { fetchArxiv } from "../dist/papers.js";

const { values } = parseArgs({ options: { records: { type: "string", default: "5000" }, page: { type: "string", default: "1000" }, store: { type: "string" } } });
const limit = Number(values.records);
const server = spawn(process.execPath, [fileURLToPath(new URL("../test/arxiv/oai-server.mjs", import.meta.url)), "--limit", String(limit), "--page", values.page], {
  stdio: ["ignore", "pipe", "inherit"],
});
const [endpoint] = await new Promise((resolve, reject) => {
  let out = "";
  server.stdout.on("data", (chunk) => {
    out += chunk;
    if (out.includes("\n")) resolve(out.trim().split(" "));
  });
  server.on("exit", (code) => reject(new Error(`the OAI-PMH server exited (${code}) before it was ready`)));
});

const dir = mkdtempSync(join(tmpdir(), "papers-bench-fetch-"));
const options = { indexDir: join(dir, "index"), offline: true, ...(values.store ? { store: values.store } : {}) };
const rssBefore = process.memoryUsage().rss;
let peakRss = rssBefore;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
const cpuBefore = process.cpuUsage();
const started = performance.now();
const pages = [];
let last = started;
let summary;
try {
  summary = await fetchArxiv({ ...options, sets: ["cs"], endpoint, polite: { delayMs: 0 } }, (progress) => {
    const now = performance.now();
    pages.push({ harvested: progress.harvested, seconds: Math.round((now - last) / 100) / 10, rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20) });
    last = now;
  });
} finally {
  clearInterval(sampler);
  server.kill("SIGTERM");
  if (!values.store) rmSync(dir, { recursive: true, force: true });
}
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
peakRss = Math.max(peakRss, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);

console.log(
  JSON.stringify(
    {
      records: summary.harvested,
      added: summary.added,
      commits: summary.commits,
      requests: summary.requests,
      pageSize: Number(values.page),
      store: values.store ? "postgres" : "folder",
      seconds: Math.round(seconds * 10) / 10,
      recordsPerSecond: Math.round((summary.harvested / seconds) * 10) / 10,
      clientCpuSeconds: Math.round((cpu.user + cpu.system) / 1e5) / 10,
      peakRssMiB: Math.round(peakRss / 2 ** 20),
      rssBeforeMiB: Math.round(rssBefore / 2 ** 20),
      pages,
      cpu: cpus()[0]?.model ?? "unknown",
      cores: cpus().length,
      node: process.version,
    },
    null,
    2,
  ),
);
if (summary.harvested !== limit || summary.added !== limit) {
  console.error(`expected ${limit} records added, harvested ${summary.harvested}, added ${summary.added}`);
  process.exit(1);
}
